import type Nock from "nock" with { "resolution-mode": "import" };

/**
 * nock 15, loaded the one way that works in these tests, and switched on for this test file. nock 15 is an ES
 * module only, and jest runs the tests as CommonJS, where SWC turns `import()` into `require()`, which refuses ES
 * modules: a Function-built dynamic import stays a real one. Its interceptor library calls `Promise.withResolvers`,
 * which arrived in Node 22; on Node 20 the standard definition is added first (test processes only). The module
 * outlives the test file in its jest worker, so each file activates it and {@link releaseNock} restores Node's
 * own http and fetch when the file is done.
 */
export async function loadNock(): Promise<typeof Nock> {
  const promise = Promise as unknown as { withResolvers?: unknown };
  promise.withResolvers ??= <T>() => {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const created = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise: created, resolve, reject };
  };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a constant body: the only way to keep import() here
  const importEsm = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<unknown>;
  const nock = ((await importEsm("nock")) as { default: typeof Nock }).default;
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  return nock;
}

/** Undoes {@link loadNock}: no interceptors left, network allowed, for the next test file in the worker. */
export function releaseNock(nock: typeof Nock): void {
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
}
