import { expandString } from "./interpolate";

describe("expandString", () => {
  const env = { HOST: "db.internal", EMPTY: "", TOKEN: "a}b$c" };

  it("replaces set variables, keeping the rest of the text", () => {
    expect(expandString("postgres://${HOST}:5432/x", env)).toStrictEqual({
      value: "postgres://db.internal:5432/x",
      problems: [],
    });
  });

  it("uses the default when the variable is unset or empty, like the shell's :-", () => {
    expect(expandString("${MISSING:-one}/${EMPTY:-two}/${HOST:-three}", env)).toStrictEqual({
      value: "one/two/db.internal",
      problems: [],
    });
  });

  it("keeps a set but empty variable without default as empty text", () => {
    expect(expandString("[${EMPTY}]", env)).toStrictEqual({ value: "[]", problems: [] });
  });

  it("inserts values verbatim, without expanding references inside them", () => {
    expect(expandString("${TOKEN}", { TOKEN: "${HOST}" })).toStrictEqual({ value: "${HOST}", problems: [] });
  });

  it("writes a literal ${ for $${ and leaves a lone $ alone", () => {
    expect(expandString("$${HOST} costs $5", env)).toStrictEqual({ value: "${HOST} costs $5", problems: [] });
  });

  it("reports every unset variable in one value", () => {
    expect(expandString("${A}-${B}", {})).toStrictEqual({
      value: "${A}-${B}",
      problems: [
        {
          message: "environment variable A is not set",
          hint: "set A in the environment or give a default: ${A:-value}",
        },
        {
          message: "environment variable B is not set",
          hint: "set B in the environment or give a default: ${B:-value}",
        },
      ],
    });
  });

  it("reports malformed references", () => {
    expect(expandString("${not valid} ${OPEN", env).problems).toStrictEqual([
      {
        message: '"${not valid}" is not a valid reference',
        hint: "write ${NAME} or ${NAME:-default}, NAME being letters, digits and _",
      },
      { message: "unclosed ${ in value", hint: "close the reference with }, or write $${ for a literal ${" },
    ]);
  });
});
