import { NATIONAL_ID_KINDS, redactionConfigSchema } from "./redaction.schema";

describe("redactionConfigSchema", () => {
  it("fills the defaults", () => {
    expect(redactionConfigSchema.parse({})).toStrictEqual({
      enabled: true,
      cards: true,
      ibans: true,
      nationalIds: [...NATIONAL_ID_KINDS],
      patterns: [],
      keepOriginal: false,
      mask: "descriptive",
    });
  });

  it.each([
    [
      { patterns: [{ name: "api-key", regex: "sk_(live" }] },
      ["patterns", 0, "regex"],
      /^not a valid regular expression: /,
    ],
    [{ patterns: [{ name: "api-key", regex: "x*" }] }, ["patterns", 0, "regex"], /matches the empty string/],
    [{ patterns: [{ name: "api-key", regex: "(a+)+b" }] }, ["patterns", 0, "regex"], /nested quantifier/],
    [{ patterns: [{ name: "api-key", regex: "sk_\\w+", flags: "gy" }] }, ["patterns", 0, "flags"], /flags i, m, s, u/],
    [{ patterns: [{ name: "API key", regex: "sk_\\w+" }] }, ["patterns", 0, "name"], /lower-case/],
    [{ patterns: [{ name: "card", regex: "sk_\\w+" }] }, ["patterns", 0, "name"], /built-in kind/],
    [{ nationalIds: ["us-ssn", "us-ssn"] }, ["nationalIds"], /each id kind once/],
    [{ nationalIds: ["ch-ahv"] }, ["nationalIds", 0], /./],
    [{ mask: "stars" }, ["mask"], /./],
    [{ extra: true }, [], /extra/],
  ])("rejects %j with a message at its path", (input, path, message) => {
    const result = redactionConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(issue?.path).toStrictEqual(path);
    expect(issue?.message).toMatch(message);
  });

  it("accepts patterns with flags", () => {
    const parsed = redactionConfigSchema.parse({
      patterns: [{ name: "password", regex: "password=\\S+", flags: "i" }],
    });
    expect(parsed.patterns).toStrictEqual([{ name: "password", regex: "password=\\S+", flags: "i" }]);
  });
});
