/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
  testMatch: ["<rootDir>/{core,connectors,normalizers,bench,test}/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/"],
  // The generated Prisma client imports its siblings as .js (right for the compiled build); map them to the .ts sources.
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  testTimeout: 60000,
  // A fresh worker process for every test file. nock 15 is an ES module that lives outside jest's per-file module
  // registry (see test/support/nock.ts): its interceptors, once installed on one file's http and fetch, cannot be
  // moved to the next file's. Recycling the worker gives each file its own.
  workerIdleMemoryLimit: "1MB",
  // Worker processes even on a 2-core machine, where jest would otherwise run all files in its own process
  // (in band) and the recycling above would not happen. The tests mostly wait on services, so two run well.
  maxWorkers: 2,
};
