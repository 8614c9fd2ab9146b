/**
 * Evaluation of the email normaliser against the development corpora (../shared/corpora/email, see its README).
 * `npm run eval:email`, or after `npm run build:tools`:  node dist/bench/evaluations/eval-email.js [corpora-dir]
 * Without an argument it reads $PLAINT_CORPORA, else ../shared/corpora beside the repository.
 * Prints counts and measurements only, never mail bodies. Exits 0, printing "skipped: corpus absent" when the
 * folder is not there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { emailParsingSchema, type EmailParsingConfig } from "../../normalizers/channels/email/email-parsing.schema";
import type { CanonicalMessage } from "../../normalizers/canonical-message";
import { normalizeEmailMessage } from "../../normalizers/channels/email/email.normalizer";
import {
  formatMeasurement,
  hostileMails,
  measureChild,
  measureInChild,
  stressFiles,
  type Measurement,
} from "./eval-email-stress";
import { htmlToText, nestingExceeds } from "../../normalizers/channels/email/body-text";
import { simpleParser } from "mailparser";
import { findCorpora } from "./corpora";

/** The defaults, with our own addresses: the corpus is checked under the limits a hub runs with. */
export const corpusParsing: EmailParsingConfig = emailParsingSchema.parse({
  ownAddresses: ["support@plaint.example"],
  messageIdDomain: "plaint.example",
});

/** The corpora folder beside the repository, or null when it is not there. */
export function findEmailCorpora(explicit = process.env["PLAINT_CORPORA"]): string | null {
  return findCorpora("email", explicit);
}

export function listFiles(dir: string, extension: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, extension));
    else if (name.endsWith(extension)) out.push(full);
  }
  return out;
}

/** A reply-parser fixture wrapped as a plain-text mail body. */
export function wrapAsMail(body: string): string {
  return [
    "From: Sender <sender@example.com>",
    "To: support@example.com",
    "Subject: Re: question",
    "Message-ID: <reply-fixture@example.com>",
    "Date: Mon, 02 Mar 2026 10:00:00 +0000",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    body,
  ].join("\r\n");
}

/**
 * Expected `text` of github/email_reply_parser's fixtures, from that project's test/email_reply_parser_test.rb
 * (exact where it asserts the visible text, otherwise what must and must not survive).
 */
export interface ReplyExpectation {
  equals?: string;
  startsWith?: string;
  contains?: string[];
  excludes?: string[];
}

export const replyExpectations: Record<string, ReplyExpectation> = {
  email_1_1: { startsWith: "Hi folks", contains: ["Java HTTP API."], excludes: ["-Abhishek", "____"] },
  email_1_2: { startsWith: "Hi,", contains: ["You can list the keys", "would do it."], excludes: ["Hi folks", "____"] },
  email_1_3: { equals: "Oh thanks.\n\nHaving the function would be great." },
  email_1_4: { equals: "Awesome! I haven't had another problem with it." },
  email_1_5: { startsWith: "One: Here's what I've got.", contains: ["for a while."] },
  email_1_6: { startsWith: "I get proper rendering as well.", excludes: ["Was this caching"] },
  email_1_7: { startsWith: ":+1:", excludes: ["Steps 0-2"] },
  email_1_8: {
    startsWith: "I will reply under this one",
    contains: ["and under this."],
    excludes: ["okay?", "Hey there, this is my signature", "here's some stuff"],
  },
  email_2_1: { equals: "Outlook with a reply" },
  email_2_2: { equals: "Outlook with a reply directly above line" },
  email_2_3: { equals: "Outlook with a reply directly above line" },
  email_iPhone: { equals: "Here is another email" },
  email_BlackBerry: { equals: "Here is another email" },
  email_multi_word_sent_from_my_mobile_device: { equals: "Here is another email" },
  email_sent_from_my_not_signature: {
    equals: "Here is another email\n\nSent from my desk, is much easier then my mobile phone.",
  },
  email_bullets: {
    equals:
      "test 2 this should list second\n\nand have spaces\n\nand retain this formatting\n\n\n   - how about bullets\n   - and another",
  },
  correct_sig: { equals: "this is an email with a correct -- signature." },
  email_one_is_not_on: { contains: ["One outstanding question"], excludes: ["The good news"] },
  greedy_on: { startsWith: "On your remote host you can run:", excludes: ["I am having an odd issue"] },
  email_sig_delimiter_in_middle_of_line: { contains: ["this is not a signature.", "kthxbai"] },
  pathological: { startsWith: "I think you're onto something.", excludes: ["shortening the reference"] },
  // Only timed upstream; its long line is text ("A>>>…"), not a quote.
  email_long_quote: { startsWith: "Hi folks" },
};

/** Problems with `text` against the expectation; empty when it meets it. */
export function replyMismatches(text: string, expected: ReplyExpectation): string[] {
  const problems: string[] = [];
  if (expected.equals !== undefined && text !== expected.equals) problems.push("text differs from the expected text");
  if (expected.startsWith !== undefined && !text.startsWith(expected.startsWith))
    problems.push(`does not start with ${JSON.stringify(expected.startsWith)}`);
  for (const part of expected.contains ?? []) if (!text.includes(part)) problems.push(`lost ${JSON.stringify(part)}`);
  for (const part of expected.excludes ?? []) if (text.includes(part)) problems.push(`kept ${JSON.stringify(part)}`);
  return problems;
}

export async function timed(
  raw: Buffer | string,
): Promise<{ ms: number; result: Awaited<ReturnType<typeof normalizeEmailMessage>> }> {
  const started = process.hrtime.bigint();
  const result = await normalizeEmailMessage(raw, corpusParsing, new Date("2026-03-02T10:00:00Z"));
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}

async function main(): Promise<void> {
  if (process.argv[2] === "--measure") return measureChild(process.argv[3] ?? "", process.argv[4] ?? "", corpusParsing);
  const corpora = findEmailCorpora(process.argv[2]);
  if (!corpora) {
    const looked = process.argv[2] ?? process.env["PLAINT_CORPORA"] ?? "../shared/corpora";
    console.log(`skipped: corpus absent (no email folder in ${looked}; PLAINT_CORPORA or an argument names another)`);
    return;
  }
  const email = path.join(corpora, "email");
  const started = Date.now();
  let parsed = 0;
  let refused = 0;
  let crashed = 0;
  let slowest = { file: "", ms: 0 };
  const messages = new Map<string, CanonicalMessage>();
  const files = listFiles(email, ".eml");
  for (const file of files) {
    try {
      const { ms, result } = await timed(readFileSync(file));
      if (ms > slowest.ms) slowest = { file: path.relative(email, file), ms };
      if (result.ok) {
        parsed += 1;
        messages.set(file, result.value);
      } else refused += 1;
    } catch {
      crashed += 1;
    }
  }
  const bounceFiles = files.filter((file) => file.startsWith(path.join(email, "bounces") + path.sep));
  const bouncesFound = bounceFiles.filter((file) => messages.get(file)?.flags.bounce === true);
  const withRecipient = bounceFiles.filter((file) => (messages.get(file)?.bounce?.recipient ?? "") !== "");
  const withOriginal = bounceFiles.filter((file) => messages.get(file)?.thread.inReplyTo !== undefined);
  // What core/pipeline/ingest-messages.ts (isMachineMail) keeps from opening a case.
  const opensCase = (file: string): boolean => {
    const flags = messages.get(file)?.flags;
    return flags !== undefined && !flags.bounce && !flags.autoReply && !flags.abuseReport;
  };
  const bouncesOpening = bounceFiles.filter(opensCase);
  const autoReplyFiles = files.filter((file) => /auto_reply/.test(path.basename(file)));
  const autoRepliesFound = autoReplyFiles.filter((file) => messages.get(file)?.flags.autoReply === true);
  const autoFlaggedAll = [...messages.values()].filter((message) => message.flags.autoReply).length;

  let replyOk = 0;
  const replyMisses: string[] = [];
  const replyFiles = listFiles(path.join(email, "reply-parser"), ".txt");
  for (const file of replyFiles) {
    const name = path.basename(file, ".txt");
    const expected = replyExpectations[name];
    if (!expected) continue;
    const { result } = await timed(wrapAsMail(readFileSync(file, "utf8")));
    const problems = result.ok ? replyMismatches(result.value.text, expected) : [result.error.message];
    if (problems.length === 0) replyOk += 1;
    else replyMisses.push(`${name}: ${problems.join("; ")}`);
  }
  const expectedCount = replyFiles.filter((file) => replyExpectations[path.basename(file, ".txt")]).length;

  console.log(`corpus: ${corpora}`);
  console.log(`eml files: ${files.length}, parsed: ${parsed}, refused (Result err): ${refused}, crashed: ${crashed}`);
  console.log(`bounces recognised: ${bouncesFound.length}/${bounceFiles.length}`);
  console.log(`  with recipient: ${withRecipient.length}/${bounceFiles.length}`);
  console.log(`  with original Message-ID (thread.inReplyTo): ${withOriginal.length}/${bounceFiles.length}`);
  for (const file of bounceFiles.filter((file) => !bouncesFound.includes(file)))
    console.log(`  not flagged: ${path.basename(file)}${opensCase(file) ? " (would open a case)" : ""}`);
  console.log(`  bounce files that would open a case (no bounce / auto-reply / abuse flag): ${bouncesOpening.length}`);
  console.log(`auto-reply fixtures flagged: ${autoRepliesFound.length}/${autoReplyFiles.length}`);
  console.log(`auto-replies flagged across all parsed files: ${autoFlaggedAll}`);
  for (const folder of ["bounces", "chatwoot", "mailparser", "stalwart"]) {
    const inFolder = [...messages.entries()].filter(([file]) => file.startsWith(path.join(email, folder) + path.sep));
    const flagged = inFolder.filter(([, message]) => message.flags.autoReply).length;
    const bounced = inFolder.filter(([, message]) => message.flags.bounce).length;
    console.log(`  ${folder}: ${inFolder.length} parsed, ${flagged} flagged auto-reply, ${bounced} flagged bounce`);
  }
  console.log(`reply-parser fixtures stripped as expected: ${replyOk}/${expectedCount}`);
  for (const miss of replyMisses) console.log(`  miss ${miss}`);
  console.log(`slowest mail: ${slowest.file} ${slowest.ms.toFixed(0)} ms; total ${Date.now() - started} ms`);
  await normalPath(files);
  stress(email);
}

/** Throughput on the ordinary corpus mails, and what the HTML depth check costs beside the conversion it guards. */
async function normalPath(files: string[]): Promise<void> {
  const ordinary = files.filter((file) => !stressFiles.some((stress) => file.endsWith(stress)));
  const raws = ordinary.map((file) => readFileSync(file));
  for (const raw of raws.slice(0, 50)) await normalizeEmailMessage(raw, corpusParsing, new Date());
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (const raw of raws) await normalizeEmailMessage(raw, corpusParsing, new Date());
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpuMs = cpuSince(cpu) / raws.length;
  console.log(
    `normal path (the stress files left out): ${raws.length} mails, ${cpuMs.toFixed(2)} ms CPU a mail ` +
      `(${(1000 / cpuMs).toFixed(0)} mails/s per core); wall ${((raws.length / ms) * 1000).toFixed(0)} mails/s`,
  );
  const htmls: string[] = [];
  for (const raw of raws) {
    const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
    if (typeof parsed.html === "string" && parsed.html !== "") htmls.push(parsed.html);
  }
  const scan = process.cpuUsage();
  for (const html of htmls) nestingExceeds(html, corpusParsing.maxHtmlDepth);
  const scanUs = (cpuSince(scan) * 1000) / Math.max(1, htmls.length);
  const convert = process.cpuUsage();
  for (const html of htmls) htmlToText(html, corpusParsing);
  const convertUs = (cpuSince(convert) * 1000) / Math.max(1, htmls.length);
  const kb = htmls.reduce((sum, html) => sum + html.length, 0) / 1024 / Math.max(1, htmls.length);
  console.log(
    `  HTML bodies: ${htmls.length}, ${kb.toFixed(0)} KB on average; depth check ${scanUs.toFixed(0)} µs CPU a body, ` +
      `conversion with the check ${convertUs.toFixed(0)} µs`,
  );
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** The stress files and hostile mails, each in a fresh process (time, CPU, peak memory, outcome). */
function stress(email: string): void {
  const script = __filename.endsWith(".js") ? __filename : null;
  if (!script) {
    console.log("stress mails: skipped (run the compiled script: npm run eval:email)");
    return;
  }
  const limits = (
    ["maxMessageBytes", "maxHeaderBytes", "maxMimeParts", "maxHtmlChars", "maxHtmlDepth", "maxTextChars"] as const
  )
    .map((key) => `${key} ${corpusParsing[key]}`)
    .join(", ");
  console.log(`stress files (default limits: ${limits}):`);
  const results: (Measurement | string)[] = [];
  for (const file of stressFiles) {
    const measured = measureInChild(script, "file", path.join(email, file));
    results.push(measured);
    console.log(formatMeasurement(path.basename(file), measured));
  }
  console.log("hostile mails (generated):");
  for (const name of Object.keys(hostileMails)) {
    const measured = measureInChild(script, "hostile", name);
    results.push(measured);
    console.log(formatMeasurement(name, measured));
  }
  const failed = results.filter((result) => typeof result === "string").length;
  console.log(`stress and hostile mails crashed or timed out: ${failed}/${results.length}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
