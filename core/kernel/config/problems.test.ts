import { closestMatch } from "./did-you-mean";
import { ConfigError, formatPath, formatProblems, type ConfigProblem } from "./problems";

const located: ConfigProblem = {
  file: "config/plaint.yaml",
  line: 12,
  column: 7,
  path: "connectors[0].signature.algorithm",
  message: 'Invalid option: expected one of "sha256"|"sha1"',
  hint: "use one of sha256, sha1",
};
const whole: ConfigProblem = {
  file: "config",
  line: 0,
  column: 0,
  path: "",
  message: "folder is empty",
  hint: "add a file",
};

describe("formatProblems", () => {
  it("writes one file:line:column line per problem, and just the file when there is no position", () => {
    expect(formatProblems([located, whole])).toBe(
      'config/plaint.yaml:12:7 connectors[0].signature.algorithm: Invalid option: expected one of "sha256"|"sha1" — hint: use one of sha256, sha1\n' +
        "config folder is empty — hint: add a file",
    );
  });

  it("is the body of a ConfigError, which keeps the problems", () => {
    const error = new ConfigError([located, whole]);
    expect(error.name).toBe("ConfigError");
    expect(error.message).toBe(`Invalid configuration (2 problems):\n${formatProblems([located, whole])}`);
    expect(error.problems).toStrictEqual([located, whole]);
  });
});

describe("formatPath", () => {
  it("writes indexes in brackets and quotes keys that are not identifiers", () => {
    expect(formatPath(["connectors", 0, "mapping", "from", "email"])).toBe("connectors[0].mapping.from.email");
    expect(formatPath(["teams", 1, "odd key"])).toBe('teams[1]["odd key"]');
    expect(formatPath([])).toBe("");
  });
});

describe("closestMatch", () => {
  it("prefers spelling variants, then the nearest word within the distance", () => {
    expect(closestMatch("max_body_bytes", ["publicUrl", "maxBodyBytes"])).toBe("maxBodyBytes");
    expect(closestMatch("SHA-256", ["sha256", "sha1"], 1)).toBe("sha256");
    expect(closestMatch("conectors", ["connectors", "routing"])).toBe("connectors");
    expect(closestMatch("sha512", ["sha256", "sha1"], 1)).toBeUndefined();
    expect(closestMatch("colour", ["header", "prefix"])).toBeUndefined();
  });
});
