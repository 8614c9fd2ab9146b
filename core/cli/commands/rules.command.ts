import type { Writable } from "node:stream";
import { loadConfig } from "../../hub";
import type { PlaintEnv } from "../../kernel/config/env";
import { formatProblems } from "../../kernel/config/problems";
import { openDatabase } from "../../kernel/db/database";
import { acquireEmbeddedLock } from "../../kernel/db/embedded-lock";
import { businessCalendars } from "../../routing/calendar/business-calendars";
import { startRuleReplay } from "../../routing/dry-run";
import { compiledRules } from "../../routing/route";
import { findReplayCasesPage, REPLAY_PAGE_SIZE, type ReplayCursor } from "../../store/rule-replay.store";

export interface RulesTestOptions {
  /** The rules' config file or folder (default PLAINT_CONFIG). */
  configPath: string;
  /** `30d`, `12h`, `90m` back from now, or an ISO date; default 30 days. */
  since?: string | undefined;
}

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

/** `--since`: a duration back from `now` (`30d`, `12h`, `90m`) or an ISO 8601 date; null when it is neither. */
export function parseSince(text: string, now: Date): Date | null {
  const duration = /^(\d+)([dhm])$/.exec(text.trim());
  if (duration) return new Date(now.getTime() - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS]);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * `plaint rules test`: replays the cases created since `--since` under the rules of `--config`, as they were created,
 * and prints one JSON line per case the rules would have treated differently, then a summary line. Reads only: the
 * database is opened without migrating and nothing is written. Returns the exit code (1 on a bad config or date).
 */
export async function runRulesTest(
  env: PlaintEnv,
  options: RulesTestOptions,
  output: Writable,
  errors: Writable,
): Promise<number> {
  const since = parseSince(options.since ?? "30d", new Date());
  if (since === null) {
    errors.write(`--since: "${options.since}" is neither a duration (30d, 12h, 90m) nor an ISO 8601 date\n`);
    return 1;
  }
  const loaded = loadConfig(options.configPath);
  if (!loaded.ok) {
    errors.write(`${formatProblems(loaded.problems)}\n${loaded.problems.length} problem(s) in ${options.configPath}\n`);
    return 1;
  }
  const calendars = businessCalendars(loaded.config.calendars);
  const replay = startRuleReplay(compiledRules(loaded.config.routing), { calendars });

  const release = env.databaseUrl ? () => undefined : acquireEmbeddedLock(env.dataDir);
  // Like `plaint replay`: the embedded database is brought to the current schema (a fresh data folder has no tables
  // yet); PostgreSQL is migrated by `plaint db migrate`. Case data is only read.
  const database = await openDatabase({
    databaseUrl: env.databaseUrl,
    dataDir: env.dataDir,
    migrate: !env.databaseUrl,
  });
  try {
    let cursor: ReplayCursor | null = null;
    for (;;) {
      const page = await findReplayCasesPage(database, since, cursor);
      let chunk = "";
      for (const row of page) {
        const change = replay.add(row);
        if (change !== null) chunk += `${JSON.stringify(change)}\n`;
      }
      if (chunk !== "") await write(output, chunk);
      const last = page.at(-1);
      if (last === undefined || page.length < REPLAY_PAGE_SIZE) break;
      cursor = { createdAt: last.createdAt, id: last.id };
    }
    await write(output, `${JSON.stringify({ summary: replay.summary() })}\n`);
    return 0;
  } finally {
    await database.close();
    release();
  }
}

/** Waits for the stream to drain, so a slow reader holds the pages back instead of filling memory. */
function write(output: Writable, chunk: string): Promise<void> {
  return new Promise((resolve) => {
    if (output.write(chunk)) resolve();
    else output.once("drain", resolve);
  });
}
