/**
 * Time and memory of the email normaliser on stress mails, for `npm run eval:email`. Each mail is parsed in a
 * fresh Node process, so its peak RSS is its own and not what earlier mails left behind.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { EmailParsingConfig } from "../../normalizers/channels/email/email-parsing.schema";
import { limitNotePrefix } from "../../normalizers/channels/email/body-text";
import { normalizeEmailMessage } from "../../normalizers/channels/email/email.normalizer";

/** mailparser's own stress / denial-of-service fixtures, relative to the email corpus. */
export const stressFiles = [
  "mailparser/large_text.eml",
  "mailparser/htmllargecallstack.eml",
  "mailparser/outofmemory.eml",
];

function syntheticMail(contentType: string, body: string, extraHeaders = ""): string {
  return (
    "From: Customer <c@example.com>\r\nTo: support@plaint.example\r\nSubject: stress\r\n" +
    `Message-ID: <stress@example.com>\r\n${extraHeaders}Content-Type: ${contentType}\r\n\r\n${body}`
  );
}

/** Hostile mails beyond the corpus, each aimed at one limit or at a step that once was superlinear. */
export const hostileMails: Record<string, () => string> = {
  "300,000 nested <b> (maxHtmlDepth)": () => syntheticMail("text/html", "<b>".repeat(300_000) + "x"),
  "HTML of 2,000,000 '<' (maxHtmlChars)": () => syntheticMail("text/html", "<".repeat(2_000_000)),
  "1 MB of dense <p> markup": () => syntheticMail("text/html", "<p>hello <i>world</i></p>\r\n".repeat(40_000)),
  "20 MB text body (maxTextChars)": () => syntheticMail("text/plain", "lorem ipsum dolor sit amet\r\n".repeat(700_000)),
  "Date header of 300,000 '('": () => syntheticMail("text/plain", "hi", `Date: ${"(".repeat(300_000)})x\r\n`),
  "999 nested multiparts (maxMimeParts)": () => {
    let parts = "";
    for (let i = 0; i < 999; i += 1) parts += `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`;
    return syntheticMail("multipart/mixed; boundary=top", `--top\r\n${parts}Content-Type: text/plain\r\n\r\nhi\r\n`);
  },
};

export interface Measurement {
  wallMs: number;
  cpuMs: number;
  /** Peak resident set size of the process, and how far above the warmed-up baseline it went. */
  peakRssMb: number;
  rssGrowthMb: number;
  outcome: string;
}

/** Parses one mail in this process and measures it; called in the child. */
export async function measureHere(raw: Buffer | string, parsing: EmailParsingConfig): Promise<Measurement> {
  await normalizeEmailMessage("Subject: warm-up\r\n\r\nhi", parsing, new Date());
  const baseline = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await normalizeEmailMessage(raw, parsing, new Date("2026-03-02T10:00:00Z"));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  const peak = process.resourceUsage().maxRSS * 1024;
  const cut = result.ok
    ? result.value.fullText
        .split("\n")
        .filter((line) => line.startsWith(limitNotePrefix))
        .map((line) => /\((parsing\.\w+)\)\]$/.exec(line)?.[1] ?? "?")
    : [];
  const outcome = !result.ok
    ? `refused: ${result.error.message}`
    : `ok, ${result.value.fullText.length} chars${cut.length > 0 ? `, cut by ${cut.join(", ")}` : ""}`;
  return {
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    peakRssMb: peak / 1_048_576,
    rssGrowthMb: Math.max(0, peak - baseline) / 1_048_576,
    outcome,
  };
}

/** Runs `script --measure <kind> <name>` in a fresh process; a crash or a hang is reported, not thrown. */
export function measureInChild(script: string, kind: "file" | "hostile", name: string): Measurement | string {
  try {
    const out = execFileSync(process.execPath, [script, "--measure", kind, name], {
      encoding: "utf8",
      timeout: 120_000,
      stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(out.trim().split("\n").pop() ?? "") as Measurement;
  } catch (error) {
    return `crashed or timed out (${(error as Error).message.split("\n")[0] ?? ""})`;
  }
}

/** The child's side of `measureInChild`: prints one JSON line. */
export async function measureChild(kind: string, name: string, parsing: EmailParsingConfig): Promise<void> {
  const make = hostileMails[name];
  const raw = kind === "hostile" && make ? make() : readFileSync(name);
  console.log(JSON.stringify(await measureHere(raw, parsing)));
}

export function formatMeasurement(label: string, measured: Measurement | string): string {
  if (typeof measured === "string") return `  ${label}: ${measured}`;
  const { wallMs, cpuMs, peakRssMb, rssGrowthMb, outcome } = measured;
  return (
    `  ${label}: ${wallMs.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU, peak RSS ${peakRssMb.toFixed(0)} MB ` +
    `(+${rssGrowthMb.toFixed(0)} MB); ${outcome}`
  );
}
