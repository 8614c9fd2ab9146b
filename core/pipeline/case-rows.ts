import type { Table } from "./insert-rows";

/** Rows the pipeline inserts in bulk, column by column as `insertRows` sends them. */
export interface NewCaseRow {
  id: string;
  customer_id: string;
  channel: string;
  subject: string | null;
  status: string;
  team: string;
  follow_up_of_id: string | null;
  category: string | null;
  severity: string | null;
  classification: string | null;
  category_source: string | null;
  triage: boolean;
  priority: number | null;
  priority_breakdown: string | null;
}

export interface MessageRow {
  id: string;
  idempotency_key: string;
  direction: "in" | "out";
  channel: string;
  external_id: string | null;
  case_id: string;
  identity_id: string;
  intake_item_id: string | null;
  subject: string | null;
  text: string;
  full_text: string;
  thread: string;
  conversation_id: string | null;
  attachments: string;
  flags: string;
  kind: string;
  classification: string | null;
  text_hash: string | null;
  duplicate_of_id: string | null;
  redactions: string;
  original: string | null;
  automatic: boolean;
  sent_at: string;
}

export interface EventRow {
  case_id: string;
  actor: string;
  type: string;
  reason: string;
  data: string;
}

export interface OutboxRow {
  id: string;
  destination: string;
  case_id: string;
  payload: string;
  idempotency_key: string;
}

export const caseTable: Table<NewCaseRow> = {
  name: "cases",
  columns: {
    id: "uuid",
    customer_id: "uuid",
    channel: "text",
    subject: "text",
    status: "text",
    team: "text",
    follow_up_of_id: "uuid",
    category: "text",
    severity: "text",
    classification: "jsonb",
    category_source: "text",
    triage: "boolean",
    priority: "int4",
    priority_breakdown: "jsonb",
  },
  extra: { updated_at: "now()" },
};

export const messageTable: Table<MessageRow> = {
  name: "messages",
  columns: {
    id: "uuid",
    idempotency_key: "text",
    direction: "text",
    channel: "text",
    external_id: "text",
    case_id: "uuid",
    identity_id: "uuid",
    intake_item_id: "uuid",
    subject: "text",
    text: "text",
    full_text: "text",
    thread: "jsonb",
    conversation_id: "text",
    attachments: "jsonb",
    flags: "jsonb",
    kind: "text",
    classification: "jsonb",
    text_hash: "text",
    duplicate_of_id: "uuid",
    redactions: "jsonb",
    original: "jsonb",
    automatic: "boolean",
    sent_at: "timestamptz",
  },
};

export const eventTable: Table<EventRow> = {
  name: "case_events",
  columns: { case_id: "uuid", actor: "text", type: "text", reason: "text", data: "jsonb" },
};

export const outboxTable: Table<OutboxRow> = {
  name: "outbox",
  columns: { id: "uuid", destination: "text", case_id: "uuid", payload: "jsonb", idempotency_key: "text" },
};
