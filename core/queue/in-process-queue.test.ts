import { BadInputError } from "../kernel/errors";
import { InProcessQueue } from "./in-process-queue";
import type { JobAttempt } from "./job-queue";

function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (condition()) return resolve();
      if (Date.now() - start > timeoutMs) return reject(new Error("condition not met in time"));
      setTimeout(tick, 2);
    };
    tick();
  });
}

describe("InProcessQueue", () => {
  it("runs a job id once while it is waiting or running", async () => {
    const queue = new InProcessQueue({ maxAttempts: 3, backoffMs: 1 });
    const runs: string[] = [];
    await queue.enqueue("a");
    await queue.enqueue("a");
    queue.consume(async (id) => void runs.push(id), { concurrency: 2 });
    await queue.enqueue("b");
    await until(() => runs.length === 2);
    await queue.close();
    expect(runs.sort()).toStrictEqual(["a", "b"]);
  });

  it("retries transient failures with the attempt number and marks the last one final", async () => {
    const queue = new InProcessQueue({ maxAttempts: 3, backoffMs: 1 });
    const attempts: JobAttempt[] = [];
    queue.consume(
      async (_id, attempt) => {
        attempts.push(attempt);
        throw new Error("database unavailable");
      },
      { concurrency: 1 },
    );
    await queue.enqueue("x");
    await until(() => attempts.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await queue.close();
    expect(attempts).toStrictEqual([
      { number: 1, final: false },
      { number: 2, final: false },
      { number: 3, final: true },
    ]);
  });

  it("never retries bad input", async () => {
    const queue = new InProcessQueue({ maxAttempts: 5, backoffMs: 1 });
    let runs = 0;
    queue.consume(
      async () => {
        runs++;
        throw new BadInputError("no text");
      },
      { concurrency: 1 },
    );
    await queue.enqueue("x");
    await until(() => runs === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await queue.pending()).toBe(0);
    await queue.close();
    expect(runs).toBe(1);
  });

  it("respects the concurrency limit and waits for running jobs on close", async () => {
    const queue = new InProcessQueue({ maxAttempts: 1, backoffMs: 1 });
    let running = 0;
    let peak = 0;
    let finished = 0;
    queue.consume(
      async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 10));
        running--;
        finished++;
      },
      { concurrency: 3 },
    );
    for (let i = 0; i < 10; i++) await queue.enqueue(`job-${i}`);
    await until(() => finished >= 1);
    await queue.close();
    expect(peak).toBe(3);
    expect(running).toBe(0);
    await expect(queue.enqueue("late")).rejects.toThrow("queue is closed");
  });
});
