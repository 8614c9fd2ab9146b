import http, { type IncomingHttpHeaders } from "node:http";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { signHmac } from "../core/kernel/security/hmac-signature";

export const WEBHOOK_PATH = "/v1/intake/webhook/webform";

/** One signed webhook request, as a correct sender would send it (see signedHeaders in test/support/test-hub.ts). */
export interface SignedMessage {
  id: string;
  body: string;
  headers: Record<string, string>;
}

/**
 * What the load generators post: a fresh signed request per call, to one path, and the answer a correct hub gives.
 * `checkAnswer` (optional) looks at each answer's body and headers too, and says what is wrong with it, or null.
 */
export interface RequestSource {
  readonly path: string;
  readonly expectedStatus: number;
  next(phase: string): SignedMessage;
  checkAnswer?(body: string, headers: Record<string, string | string[] | undefined>): string | null;
}

/**
 * Makes unique, signed webform complaints. Every id (and so every sender address) is new, so each message takes
 * the pipeline's heaviest common path: new customer, new identity, new case.
 */
export class MessageSource implements RequestSource {
  readonly path = WEBHOOK_PATH;
  readonly expectedStatus = 202;
  private seq = 0;
  constructor(
    private readonly secret: string,
    readonly runId: string,
  ) {}

  /** The external-id prefix of a phase, for counting its rows with `LIKE '<prefix>%'`. */
  prefix(phase: string): string {
    return `${this.runId}-${phase}-`;
  }

  next(phase: string): SignedMessage {
    const id = `${this.prefix(phase)}${++this.seq}`;
    const body = JSON.stringify({
      id,
      message: `Complaint ${id}: my order arrived broken.`,
      subject: `Order ${id}`,
      email: `customer-${id}@example.com`,
      name: "Bench Customer",
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `sha256=${signHmac(this.secret, "sha256", "hex", `${timestamp}.${body}`)}`;
    return {
      id,
      body,
      headers: { "content-type": "application/json", "x-timestamp": timestamp, "x-signature": signature },
    };
  }
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** What one load phase did: every response is checked, since anything but 202 means the hub refused work. */
export interface LoadResult {
  tool: "autocannon" | "paced";
  phase: string;
  /** The status every answer must have (the source's). */
  expectedStatus: number;
  /** Answers with that status whose body or headers were wrong (only when the source checks answers). */
  wrongAnswers: number;
  wrongAnswerSamples: string[];
  /** Epoch ms just before the first request. */
  startedAtMs: number;
  durationMs: number;
  sent: number;
  completed: number;
  /** completed / duration. */
  achievedRate: number;
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  latencyMs: LatencySummary;
  /** Most requests started within any 100 ms window: shows whether the offered load was even or bursty. */
  peakStartsPer100ms: number;
  /** Latency by second of the run (by request start): shows whether the tail is spread out or a few stalls. */
  perSecond: { second: number; count: number; p50: number; p99: number; max: number }[];
  /** Paced only: the first few request errors. */
  errorSamples?: string[];
  /** Paced only: how late the generator started requests behind schedule (its own health). */
  scheduleLagMs?: { p99: number; max: number };
}

export function summarize(values: number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) =>
    sorted.length === 0 ? NaN : round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: at(1),
    mean: round(sorted.length ? sum / sorted.length : NaN),
  };
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function bySecond(starts: number[], latencies: number[], t0: number): LoadResult["perSecond"] {
  const buckets = new Map<number, number[]>();
  starts.forEach((start, index) => {
    const second = Math.floor((start - t0) / 1000);
    const bucket = buckets.get(second) ?? [];
    bucket.push(latencies[index] ?? NaN);
    buckets.set(second, bucket);
  });
  return [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([second, values]) => {
      const summary = summarize(values);
      return { second, count: summary.count, p50: summary.p50, p99: summary.p99, max: summary.max };
    });
}

function peakPerWindow(startTimes: number[], windowMs: number): number {
  const sorted = Float64Array.from(startTimes).sort();
  let peak = 0;
  let low = 0;
  for (let high = 0; high < sorted.length; high++) {
    while ((sorted[high] ?? 0) - (sorted[low] ?? 0) >= windowMs) low++;
    peak = Math.max(peak, high - low + 1);
  }
  return peak;
}

export interface AutocannonPhase {
  baseUrl: string;
  phase: string;
  source: RequestSource;
  connections: number;
  /** Fixed-rate run: requests/s over all connections, for `durationS`. */
  overallRate?: number;
  durationS?: number;
  /** As-fast-as-possible run: exactly this many requests. */
  amount?: number;
}

/**
 * autocannon with `requests` + `setupRequest`: each request gets a fresh id and signature. Latencies are taken
 * raw from each response (hrtime, sub-millisecond), not from autocannon's histogram: with a rate set, autocannon
 * "corrects" for coordinated omission with an expected interval of ceil(1/rate) = 1 ms (a units slip: it should
 * be 1000/rate ms), which back-fills fake 1 ms-spaced samples under every slow response. So the correction is off.
 */
export function runAutocannon(options: AutocannonPhase): Promise<LoadResult> {
  const latencies: number[] = [];
  const starts: number[] = [];
  const statusCounts: Record<string, number> = {};
  const answers = new AnswerCheck(options.source);
  const startedAtMs = Date.now();
  const t0 = performance.now();
  let lastResponseAt: number | undefined;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${options.baseUrl}${options.source.path}`,
        method: "POST",
        connections: options.connections,
        ...(options.overallRate !== undefined
          ? { overallRate: options.overallRate, ignoreCoordinatedOmission: true }
          : {}),
        ...(options.durationS !== undefined ? { duration: options.durationS } : {}),
        ...(options.amount !== undefined ? { amount: options.amount } : {}),
        timeout: 30,
        requests: [
          {
            method: "POST",
            path: options.source.path,
            setupRequest: (request) => {
              const message = options.source.next(options.phase);
              return { ...request, body: message.body, headers: message.headers };
            },
            ...(options.source.checkAnswer
              ? {
                  onResponse: (status: number, body: string, _context: object, headers?: IncomingHttpHeaders) =>
                    answers.check(status, body, headers ?? {}),
                }
              : {}),
          },
        ],
      },
      (error: unknown, result) => {
        if (error)
          return reject(error instanceof Error ? error : new Error(`autocannon failed: ${JSON.stringify(error)}`));
        // Up to the last answer, not up to this callback: autocannon reports the end of a run on its next
        // one-second tick, which would round every `amount` run up to whole seconds.
        const durationMs = (lastResponseAt ?? performance.now()) - t0;
        resolve({
          tool: "autocannon",
          phase: options.phase,
          ...answers.summary(),
          startedAtMs,
          durationMs: round(durationMs),
          sent: result.requests.sent,
          completed: latencies.length,
          achievedRate: round((latencies.length / durationMs) * 1000, 1),
          statusCounts,
          errors: result.errors,
          timeouts: result.timeouts,
          latencyMs: summarize(latencies),
          peakStartsPer100ms: peakPerWindow(starts, 100),
          perSecond: bySecond(starts, latencies, t0),
        });
      },
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      const now = performance.now();
      lastResponseAt = now;
      latencies.push(responseTime);
      starts.push(now - responseTime);
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    });
  });
}

export interface PacedPhase {
  baseUrl: string;
  phase: string;
  source: RequestSource;
  rate: number;
  durationS: number;
  maxSockets: number;
}

/**
 * Open-loop generator with evenly spaced starts (one every 1000/rate ms) over a keep-alive pool: a slow answer
 * does not delay the next request, and a request waiting for a free socket counts that wait as latency.
 * The cross-check for autocannon, whose rate limiter lets each connection send its whole per-second quota back to
 * back at the start of every second.
 */
export function runPaced(options: PacedPhase): Promise<LoadResult> {
  // Idle sockets are dropped after 4 s, before the server's 5 s keep-alive timeout: otherwise a request can be
  // written to a socket the server is closing at that moment (ECONNRESET), a client-side race, not a hub fault.
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets, timeout: 4000 });
  const url = new URL(`${options.baseUrl}${options.source.path}`);
  const answers = new AnswerCheck(options.source);
  const total = Math.round(options.rate * options.durationS);
  const intervalMs = 1000 / options.rate;
  const latencies: number[] = [];
  const starts: number[] = [];
  /** Start of each completed request, aligned with `latencies`. */
  const completedStarts: number[] = [];
  const lags: number[] = [];
  const statusCounts: Record<string, number> = {};
  let sent = 0;
  let finished = 0;
  let errors = 0;
  let timeouts = 0;
  const errorSamples: string[] = [];
  const startedAtMs = Date.now();
  const t0 = performance.now();

  return new Promise((resolve) => {
    const finish = () => {
      if (++finished < total) return;
      agent.destroy();
      const durationMs = performance.now() - t0;
      const lag = summarize(lags);
      resolve({
        tool: "paced",
        phase: options.phase,
        ...answers.summary(),
        startedAtMs,
        durationMs: round(durationMs),
        sent,
        completed: latencies.length,
        achievedRate: round((latencies.length / durationMs) * 1000, 1),
        statusCounts,
        errors,
        timeouts,
        latencyMs: summarize(latencies),
        peakStartsPer100ms: peakPerWindow(starts, 100),
        perSecond: bySecond(completedStarts, latencies, t0),
        scheduleLagMs: { p99: lag.p99, max: lag.max },
        ...(errorSamples.length > 0 ? { errorSamples } : {}),
      });
    };
    const fire = (scheduled: number) => {
      const message = options.source.next(options.phase);
      sent++;
      const start = performance.now();
      starts.push(start);
      lags.push(start - scheduled);
      let settled = false;
      const request = http.request(
        url,
        {
          method: "POST",
          agent,
          headers: { ...message.headers, "content-length": String(Buffer.byteLength(message.body)) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          if (options.source.checkAnswer) response.on("data", (chunk: Buffer) => chunks.push(chunk));
          else response.resume();
          response.on("end", () => {
            if (settled) return;
            settled = true;
            if (options.source.checkAnswer)
              answers.check(response.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"), response.headers);
            latencies.push(performance.now() - start);
            completedStarts.push(start);
            const status = String(response.statusCode ?? 0);
            statusCounts[status] = (statusCounts[status] ?? 0) + 1;
            finish();
          });
        },
      );
      request.setTimeout(30_000, () => {
        if (!settled) timeouts++;
        request.destroy(new Error("timeout"));
      });
      request.on("error", (error: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        errors++;
        if (errorSamples.length < 5) errorSamples.push(`${error.code ?? "error"}: ${error.message}`);
        finish();
      });
      request.end(message.body);
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && t0 + sent * intervalMs <= now) fire(t0 + sent * intervalMs);
      if (sent < total) setTimeout(tick, Math.max(0, t0 + sent * intervalMs - performance.now()));
    };
    tick();
  });
}

/** Counts answers that have the expected status but not the expected body or headers. */
class AnswerCheck {
  private wrong = 0;
  private readonly samples: string[] = [];
  constructor(private readonly source: RequestSource) {}
  check(status: number, body: string, headers: Record<string, string | string[] | undefined>): void {
    if (status !== this.source.expectedStatus) return;
    const problem = this.source.checkAnswer?.(body, headers) ?? null;
    if (problem === null) return;
    this.wrong++;
    if (this.samples.length < 5) this.samples.push(problem);
  }
  summary(): Pick<LoadResult, "expectedStatus" | "wrongAnswers" | "wrongAnswerSamples"> {
    return { expectedStatus: this.source.expectedStatus, wrongAnswers: this.wrong, wrongAnswerSamples: this.samples };
  }
}

/** The first value of a response header, whatever its case (autocannon passes the names as the server wrote them). */
export function firstHeader(headers: Record<string, string | string[] | undefined>, name: string): string {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

/** Problems that mean the hub did not take every request in (as opposed to taking it slowly). */
export function loadProblems(result: LoadResult): string[] {
  const problems: string[] = [];
  const expected = String(result.expectedStatus);
  const accepted = result.statusCounts[expected] ?? 0;
  const other = Object.entries(result.statusCounts).filter(([status]) => status !== expected);
  if (other.length > 0)
    problems.push(`${result.phase}: non-${expected} responses ${JSON.stringify(Object.fromEntries(other))}`);
  if (result.wrongAnswers > 0)
    problems.push(
      `${result.phase}: ${result.wrongAnswers} answers with the wrong body or type: ${result.wrongAnswerSamples.join("; ")}`,
    );
  if (result.errors > 0) {
    const samples = result.errorSamples ? `: ${result.errorSamples.join("; ")}` : "";
    problems.push(`${result.phase}: ${result.errors} request errors (${result.timeouts} timeouts)${samples}`);
  }
  if (accepted === 0) problems.push(`${result.phase}: no request was accepted`);
  return problems;
}
