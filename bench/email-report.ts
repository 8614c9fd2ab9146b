/** The email bench's results per mode, and the rows they make in the table bench/report.ts prints. */
import type { CpuProfiles } from "./bench-run";
import type { FillResult } from "./email-dovecot";
import { round } from "./load";
import type { BenchMode, EmailBenchOptions } from "./options";
import type { TableRow } from "./report";

/** Target of the issue: PostgreSQL + Redis reads at least this many mails per second, IMAP folder to case. */
export const EMAIL_TARGETS = { postgresRate: 300 };

/** Milliseconds after the measured hub process was spawned (t0). */
export interface Timeline {
  hubReadyMs: number;
  firstIntakeMs: number;
  firstCaseMs: number;
  /** The last mail written to the intake log: the IMAP side is done. */
  lastIntakeMs: number;
  /** max(processed_at): the end of the measurement. */
  lastProcessedMs: number;
}

export interface EmailIntegrity {
  mails: number;
  intakeItems: number;
  distinctIntakeIds: number;
  byStatus: Record<string, number>;
  messages: number;
  distinctMessageIds: number;
  messagesWithDistinctItems: number;
  cases: number;
  expectedCases: number;
  replies: number;
  repliesOnParentCase: number;
  misplacedReplies: string[];
  /** Intake items whose UID order differs from the order of the generated set. */
  uidsOutOfOrder: number;
  folderUnseenAfter: number;
  ok: boolean;
}

export interface EmailModeResult {
  mode: BenchMode;
  processes: string[];
  settings: Record<string, unknown>;
  /** Setup, not measured: APPENDing the mails to the fresh folder. */
  fill: FillResult;
  timeline: Timeline;
  rates: {
    /** N / (last processed − hub start): the figure the target is about. */
    endToEnd: number;
    /** N / (last intake − first intake): how fast the IMAP side reads, while the pipeline competes for the CPU. */
    imapToIntakeLog: number;
    /** N / (last processed − first intake): without the hub's start-up. */
    firstIntakeToLastProcessed: number;
  };
  /** Mails written to the intake log and mails processed, by second since the hub started. */
  perSecond: { second: number; intake: number; processed: number }[];
  /** When the bench's polling saw everything processed (a cross-check of lastProcessedMs). */
  waitObservedMs: number;
  cpuPercentOfOneCore: Record<string, number>;
  /** CPU time per mail of each process group (start-up included), from the same samples. */
  cpuMsPerMail: Record<string, number>;
  quietBefore: { quiet: boolean; otherPercent: number; waitedMs: number };
  integrity: EmailIntegrity;
  hubWarnings: Record<string, Record<string, number>>;
  cpuProfiles?: CpuProfiles;
}

export function emailTableRows(results: readonly EmailModeResult[], options: EmailBenchOptions): TableRow[] {
  const rows: TableRow[] = [];
  const seconds = (ms: number) => `${round(ms / 1000, 2).toFixed(2)} s`;
  const rate = (value: number) => `${Math.round(value).toLocaleString("en-US")} msg/s`;
  for (const result of results) {
    const isPg = result.mode === "postgres";
    const mode = isPg ? `email postgres+redis (1 serve + ${options.workers} worker)` : "email embedded (plaint start)";
    const n = result.integrity.mails;
    const { timeline, rates, integrity, fill } = result;
    const row = (metric: string, value: string, target = "", pass: boolean | null = null) =>
      rows.push({ mode, metric, value, target, pass });
    row(
      `fill: ${options.emailFill === "append" ? "APPEND" : "Maildir"} ${n} mails, ${round(fill.bytes / 1e6, 1)} MB (setup)`,
      `${seconds(fill.ms)} (${fill.perSecond}/s)`,
    );
    row("hub start → ready", seconds(timeline.hubReadyMs));
    row("time to first case (from hub start)", seconds(timeline.firstCaseMs));
    row(
      `IMAP → intake log (first → last of ${n})`,
      rate(rates.imapToIntakeLog),
      `done at ${seconds(timeline.lastIntakeMs)}`,
    );
    row(
      `throughput: hub start → ${n} mails on cases`,
      `${rate(rates.endToEnd)} (${seconds(timeline.lastProcessedMs)})`,
      isPg ? `≥ ${EMAIL_TARGETS.postgresRate} msg/s` : "",
      isPg ? rates.endToEnd >= EMAIL_TARGETS.postgresRate : null,
    );
    row("throughput without start-up (first intake → last case)", rate(rates.firstIntakeToLastProcessed));
    row(
      "integrity: items = messages, none doubled",
      `${integrity.intakeItems} / ${integrity.messages} / ${integrity.distinctMessageIds} distinct`,
      `${n} each`,
      integrity.intakeItems === n && integrity.messages === n && integrity.distinctMessageIds === n,
    );
    row(
      "integrity: replies on their parent's case; cases",
      `${integrity.repliesOnParentCase}/${integrity.replies}; ${integrity.cases}`,
      `${integrity.replies}/${integrity.replies}; ${integrity.expectedCases}`,
      integrity.repliesOnParentCase === integrity.replies && integrity.cases === integrity.expectedCases,
    );
    const cpu = Object.entries(result.cpuPercentOfOneCore)
      .filter(([, percent]) => percent > 0)
      .map(([group, percent]) => `${group} ${percent}`)
      .join(", ");
    row("CPU while measured, % of one core", cpu, `≤ ${options.quietPercent} other to trust`);
    const perMail = Object.entries(result.cpuMsPerMail)
      .filter(([group, ms]) => ms >= 0.01 && group !== "bench")
      .map(([group, ms]) => `${group} ${ms}`)
      .join(", ");
    row("CPU per mail, ms (start-up included)", perMail);
  }
  return rows;
}
