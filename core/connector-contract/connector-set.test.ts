import { z } from "zod";
import { ok } from "../kernel/result";
import { defineConnector } from "./connector";
import { ConnectorSet, connectorEntrySchema, type ConnectorCatalog } from "./connector-set";

/** Two made-up connector types: one posted to that answers on sms, one fetching mail that needs a server to send. */
const pager = defineConnector({
  type: "pager",
  channel: "sms",
  configSchema: z.strictObject({ id: z.string(), type: z.literal("pager"), token: z.string().min(4) }),
  http: { verify: () => ({ valid: true }), accept: () => ok([]) },
  reply: { channels: ["sms", "whatsapp"], send: () => Promise.resolve({ externalId: "x" }) },
  ingestPolicy: () => ({ undeliverableDays: 3 }),
  normalize: () => ok([]),
});
const mailbox = defineConnector({
  type: "mailbox",
  channel: "email",
  configSchema: z.strictObject({ id: z.string(), type: z.literal("mailbox"), server: z.string().optional() }),
  poller: () => ({ start: () => undefined, stop: () => Promise.resolve() }),
  reply: {
    channels: ["email"],
    unableToSend: (config) => (config.server ? null : `mailbox ${config.id} has no server`),
    send: () => Promise.resolve({ externalId: "y" }),
  },
  normalize: () => ok([]),
});
const catalog: ConnectorCatalog = { pager, mailbox };

describe("ConnectorSet", () => {
  const set = ConnectorSet.bind(
    [
      { id: "sms-line", type: "pager", token: "abcd" },
      { id: "inbox", type: "mailbox" },
      { id: "sales", type: "mailbox", server: "smtp.example" },
    ] as { id: string; type: string }[],
    catalog,
  );

  it("binds each entry to the definition of its type, and finds it by id", () => {
    expect(set.get("inbox")?.definition).toBe(mailbox);
    expect(set.get("sms-line")?.config).toStrictEqual({ id: "sms-line", type: "pager", token: "abcd" });
    expect(set.get("nowhere")).toBeUndefined();
    expect(set.ofType("mailbox").map((connector) => connector.id)).toStrictEqual(["inbox", "sales"]);
  });

  it("tells the edge which connectors take HTTP requests and the workers which ones poll", () => {
    expect(set.withHttp().map((connector) => connector.id)).toStrictEqual(["sms-line"]);
    expect(set.withPoller().map((connector) => connector.id)).toStrictEqual(["inbox", "sales"]);
  });

  it("answers on a channel only through connectors able to send, whatever their type", () => {
    expect([...set.replyChannels()].sort()).toStrictEqual(["email", "sms", "whatsapp"]);
    expect(set.answering("email").map((connector) => connector.id)).toStrictEqual(["sales"]);
    expect(set.answering("whatsapp").map((connector) => connector.id)).toStrictEqual(["sms-line"]);
    expect(set.answering("slack")).toStrictEqual([]);
    const noServer = ConnectorSet.bind([{ id: "inbox", type: "mailbox" }], catalog);
    expect([...noServer.replyChannels()]).toStrictEqual([]);
  });

  it("collects the ingest policies of the connectors that declare one", () => {
    expect([...set.ingestPolicies()]).toStrictEqual([["sms-line", { undeliverableDays: 3 }]]);
  });

  it("refuses an entry whose type no definition has: the config was checked against another catalog", () => {
    expect(() => ConnectorSet.bind([{ id: "x", type: "fax" }], catalog)).toThrow(
      'connector x: no connector of type "fax" is registered',
    );
  });
});

describe("connectorEntrySchema", () => {
  const schema = connectorEntrySchema(catalog);

  it("checks an entry with its own type's schema", () => {
    expect(schema.safeParse({ id: "a", type: "pager", token: "abcd" }).success).toBe(true);
    const short = schema.safeParse({ id: "a", type: "pager", token: "ab" });
    expect(short.success ? [] : short.error.issues.map((issue) => issue.path)).toStrictEqual([["token"]]);
  });

  it("names the known types for an unknown one", () => {
    const unknown = schema.safeParse({ id: "a", type: "fax" });
    expect(unknown.success ? "" : unknown.error.issues[0]?.message).toMatch(/pager.*mailbox/);
  });
});
