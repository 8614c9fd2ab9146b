/**
 * The layers of the house, as ESLint `no-restricted-imports` blocks. eslint.config.mjs spreads them into the project's
 * config, and test/lint/layers.test.ts lints wrong and right imports with them, so the test exercises these very rules.
 *
 * Bottom to top (arrows only point down):
 *   core/kernel/                      the floor: imports nothing of the project outside itself
 *   normalizers/                      pure: normalizers/ and core/kernel/ only, and no I/O
 *   core/ (domain and application)    never connectors/, core/hub.ts, core/cli/, core/http/, core/web/, bench/, test/
 *   core/http/, core/web/             the edge: the domain below, never connectors/, the hub or the cli
 *   connectors/                       core/ below the hub and normalizers/; one vendor folder never imports another
 *   core/hub.ts                       the composition root: the only core file that imports connectors/
 *   core/cli/                         the command line, above the hub: takes connectors through it
 *   bench/, test/                     tooling: anything
 *
 * Imports are relative specifiers ("../../connectors/registry"), which no-restricted-imports does not resolve. So each
 * group of files gets one block per folder depth: a file `depth` folders below a group's root that writes `n` times
 * "../" lands `n - depth` folders above that root, a place known without knowing the file's own folder names. The
 * patterns below are regular expressions over the specifier, built for every such landing place. Files deeper than
 * MAX_DEPTH folders below their group's root are reported (raise MAX_DEPTH).
 *
 * Test files (*.test.ts, *.spec.ts) may also import the tooling (test/, bench/: the nock loader, the corpus helpers
 * and evaluations), tests under normalizers/ may do I/O (they read fixture files), and tests in a connector's folder may
 * import another connector's folder. Every other rule holds for them too.
 */

/** How many folders below a group's root the generated blocks reach. */
export const MAX_DEPTH = 8;

const SOURCE = "*.{ts,mts,cts}";
const TESTS = ["*.test.{ts,mts,cts}", "*.spec.{ts,mts,cts}"];

/** Where a connector's own code lives: one folder per connector. Test files are exempt from this rule only. */
const CONNECTOR_UNITS = ["connectors/channels/*", "connectors/destinations/*", "connectors/workspace"];

/** The modules that do I/O, which a normalizer never imports (exact names, then patterns). */
const IO_MODULES = [
  "fs",
  "fs/promises",
  "node:fs",
  "node:fs/promises",
  "net",
  "node:net",
  "tls",
  "node:tls",
  "dgram",
  "node:dgram",
  "http",
  "node:http",
  "http2",
  "node:http2",
  "https",
  "node:https",
  "child_process",
  "node:child_process",
  "pg",
  "ioredis",
  "bullmq",
  "imapflow",
  "nodemailer",
  "express",
  "twilio",
];
const IO_MODULE_PATTERNS = ["^@prisma/", "^@electric-sql/", "^@slack/", "^pg/", "^prisma(/|$)"];
export const IO_MESSAGE =
  "normalizers/ are pure (data in, result out) and do no I/O: take the bytes, rows or clients as arguments " +
  "from the connector or the pipeline that calls the normalizer.";

export const MESSAGES = {
  kernel:
    "core/kernel/ imports nothing of the project outside core/kernel/: it is the floor every layer stands on. " +
    "Move what it needs into core/kernel/, or have the caller pass it in.",
  normalizers:
    "normalizers/ import only normalizers/ and core/kernel/: move the shared type or helper into normalizers/ " +
    "(or core/kernel/ if every layer needs it), or return plain data and let core/ or the connector act on it.",
  normalizersIo:
    "normalizers/ do no I/O: not core/kernel/db nor core/kernel/logger. Return the result (or a problem) and let " +
    "the pipeline store or log it.",
  connectors:
    "core/ must not import connectors/: take the connector through the ConnectorSet (or the handler) the hub " +
    "passes in, or move the shared type into core/connector-contract/.",
  hub: "Only core/cli/ sits above core/hub.ts, the composition root: take what you need as a parameter the hub passes in.",
  hubFromConnectors:
    "connectors/ must not import core/hub.ts: a connector is what the hub assembles. Use core/connector-contract/ " +
    "and what the hub passes in to the connector.",
  cli: "core/cli/ is the top of the house (the command line): nothing imports it. Move the shared code down into core/.",
  http:
    "core/http/ and core/web/ are the edge above the domain, imported only by core/hub.ts (and core/cli/): let the " +
    "route call the domain, not the other way round (move the shared type down, or take a callback the hub passes in).",
  cliConnectors:
    "core/cli/ must not import connectors/ directly: take connectors through core/hub.ts (the registry it builds).",
  tooling:
    "bench/ and test/ are tooling above the product: shipped code never imports them. Move the helper into the " +
    "layer that needs it (test files may import them).",
  vendor:
    "A connector is one folder: connectors/channels/X/ (or destinations/X/, workspace/) never imports another " +
    "connector's folder. Move what they share into core/connector-contract/, normalizers/ or core/kernel/.",
  tooDeep: `A folder more than ${MAX_DEPTH} levels deep under its layer: raise MAX_DEPTH in eslint.layers.mjs so the layer rules reach it.`,
};

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const segments = (folder) => folder.split("/").filter(Boolean);
const isUnder = (path, folder) => folder === "" || path === folder || path.startsWith(`${folder}/`);
const relative = (from, to) => (from === "" ? to : to.slice(from.length + 1));

/** A specifier that climbs exactly `ups` folders ("./" for none) and goes on. */
const climb = (ups) => (ups === 0 ? "^\\./" : `^(?:\\.\\./){${ups}}(?!\\.\\./)`);
/** The end of a target: a folder ("x/") ends at a slash or the string's end, a file ("x.ts") may carry .js or .ts. */
const ending = (target) => (target.endsWith("/") ? "(?:/|$)" : "(?:\\.[cm]?[jt]s)?$");
const bare = (target) => target.replace(/\/$/, "").replace(/\.[cm]?ts$/, "");

/**
 * The regexes matching every way a file `depth` folders below `root` can name `target` (a folder "x/y/" or a file
 * "x/y.ts", from the repository root): climb j folders above root (j = 0 only for a target inside root), then walk down.
 */
function targetPatterns(root, depth, target) {
  const rootSegments = segments(root);
  const path = bare(target);
  const patterns = [];
  for (let j = 0; j <= rootSegments.length; j++) {
    const landing = rootSegments.slice(0, rootSegments.length - j).join("/");
    if (!isUnder(path, landing)) continue;
    if (j === 0 && path === landing) continue; // the root itself: the file's own group
    const rest = relative(landing, path);
    patterns.push(climb(depth + j) + (rest === "" ? "" : escape(rest) + ending(target)));
  }
  return patterns;
}

/**
 * The regexes matching a specifier that leaves `root` (climbs above it) and does not go down into one of `allowed`
 * (folders from the repository root, root itself included), or climbs out of the repository.
 */
function leavingPatterns(root, depth, allowed) {
  const rootSegments = segments(root);
  const patterns = [];
  for (let j = 1; j <= rootSegments.length; j++) {
    const landing = rootSegments.slice(0, rootSegments.length - j).join("/");
    const ways = [root, ...allowed]
      .filter((folder) => isUnder(folder, landing) && folder !== landing)
      .map((folder) => escape(relative(landing, folder)) + "(?:/|$)");
    patterns.push(climb(depth + j) + (ways.length ? `(?!${ways.join("|")})` : ""));
  }
  patterns.push(`^(?:\\.\\./){${depth + rootSegments.length + 1},}`);
  return patterns;
}

/**
 * One group of files: its root folder; `name`, the files' names (a glob) and `depths`, how far below root they are
 * (default: every depth up to MAX_DEPTH); `ignores`, the files under root that belong to another group; `only`, the
 * folders outside root that it alone may import (everything else outside root closed); `forbid`, the targets it must
 * not import; `paths` and `packagePatterns`, packages it must not import (test files may); `tests: false` leaves the
 * test files beside them to another group. Each file gets one no-restricted-imports block (ESLint keeps only the last
 * matching block's options for a rule, so the groups must not overlap).
 */
function group({
  root,
  name = SOURCE,
  depths,
  tests = true,
  ignores = [],
  only,
  forbid = [],
  paths = [],
  packagePatterns = [],
}) {
  const blocks = [];
  for (const depth of depths ?? Array.from({ length: MAX_DEPTH + 1 }, (_, i) => i)) {
    const folder = `${root}/${"*/".repeat(depth)}`;
    for (const isTest of tests ? [false, true] : [false]) {
      const patterns = [];
      if (only) {
        const allowed = isTest ? [...only.folders, "test", "bench"] : only.folders;
        for (const regex of leavingPatterns(root, depth, allowed)) patterns.push({ regex, message: only.message });
      }
      for (const { target, message, exemptTests } of forbid) {
        if (isTest && exemptTests) continue;
        for (const regex of targetPatterns(root, depth, target)) patterns.push({ regex, message });
      }
      if (!isTest) patterns.push(...packagePatterns);
      blocks.push({
        name: `plaint/layers/${root}/${depths ? name : `depth-${depth}`}${isTest ? "/tests" : ""}`,
        files: isTest ? TESTS.map((test) => folder + test) : [folder + name],
        ignores: isTest ? ignores : [...ignores, ...TESTS.map((test) => `**/${test}`)],
        rules: { "no-restricted-imports": ["error", { paths: isTest ? [] : paths, patterns }] },
      });
    }
  }
  if (!depths) {
    blocks.push({
      name: `plaint/layers/${root}/too-deep`,
      files: [`${root}/${"*/".repeat(MAX_DEPTH + 1)}**/${SOURCE}`],
      rules: { "no-restricted-syntax": ["error", { selector: "Program", message: MESSAGES.tooDeep }] },
    });
  }
  return blocks;
}

const tooling = [
  { target: "bench/", message: MESSAGES.tooling, exemptTests: true },
  { target: "test/", message: MESSAGES.tooling, exemptTests: true },
];
const aboveDomain = [
  { target: "connectors/", message: MESSAGES.connectors },
  { target: "core/hub.ts", message: MESSAGES.hub },
  { target: "core/cli/", message: MESSAGES.cli },
];
const edge = [
  { target: "core/http/", message: MESSAGES.http },
  { target: "core/web/", message: MESSAGES.http },
];
const connectorsAbove = [
  { target: "core/hub.ts", message: MESSAGES.hubFromConnectors },
  { target: "core/cli/", message: MESSAGES.cli },
];
const io = {
  paths: IO_MODULES.map((name) => ({ name, message: IO_MESSAGE })),
  packagePatterns: IO_MODULE_PATTERNS.map((regex) => ({ regex, message: IO_MESSAGE })),
};

/** The layer rules: a list of flat-config blocks, each file in exactly one group. */
export const layerBlocks = [
  // core/kernel/: the floor.
  ...group({ root: "core/kernel", only: { folders: [], message: MESSAGES.kernel } }),

  // normalizers/: pure; tests may read fixtures.
  ...group({
    root: "normalizers",
    only: { folders: ["core/kernel"], message: MESSAGES.normalizers },
    forbid: [
      { target: "core/kernel/db/", message: MESSAGES.normalizersIo, exemptTests: true },
      { target: "core/kernel/logger.ts", message: MESSAGES.normalizersIo, exemptTests: true },
    ],
    ...io,
  }),

  // core/'s domain and application: everything in core/ but the kernel, the edge, the hub and the cli.
  ...group({
    root: "core",
    ignores: ["core/kernel/**", "core/http/**", "core/web/**", "core/cli/**", "core/hub.ts"],
    forbid: [...aboveDomain, ...edge, ...tooling],
  }),

  // The edge: the HTTP API and the dashboard, served by the hub.
  ...["core/http", "core/web"].flatMap((root) => group({ root, forbid: [...aboveDomain, ...tooling] })),

  // The composition root.
  ...group({
    root: "core",
    name: "hub.{ts,mts,cts}",
    depths: [0],
    tests: false,
    forbid: [{ target: "core/cli/", message: MESSAGES.cli }, ...tooling],
  }),

  // The command line, above the hub.
  ...group({
    root: "core/cli",
    forbid: [{ target: "connectors/", message: MESSAGES.cliConnectors }, ...tooling],
  }),

  // A connector's own folder: nothing of another connector's.
  ...CONNECTOR_UNITS.flatMap((root) =>
    group({
      root,
      forbid: [
        ...connectorsAbove,
        ...tooling,
        ...["connectors/channels/", "connectors/destinations/", "connectors/workspace/"].map((target) => ({
          target,
          message: MESSAGES.vendor,
          exemptTests: true,
        })),
      ],
    }),
  ),

  // The rest of connectors/: the registry and whatever is not one connector's folder.
  ...group({
    root: "connectors",
    ignores: CONNECTOR_UNITS.map((unit) => `${unit}/**`),
    forbid: [...connectorsAbove, ...tooling],
  }),
];
