import { BadInputError, describeError } from "./errors";

describe("describeError", () => {
  it("keeps name and message of ordinary errors", () => {
    expect(describeError(new BadInputError("missing", "/message"))).toBe("BadInputError: missing");
    expect(describeError("plain")).toBe("plain");
  });

  it("keeps only the reason of a Prisma error, never the quoted call with its arguments", () => {
    const error = Object.assign(
      new Error(
        '\nInvalid `prisma.message.create()` invocation:\n\n{ data: { text: "my card 4111…" } }\n\nUnique constraint failed on the fields: (`idempotency_key`)',
      ),
      { code: "P2002", name: "PrismaClientKnownRequestError" },
    );
    expect(describeError(error)).toBe(
      "PrismaClientKnownRequestError P2002: Unique constraint failed on the fields: (`idempotency_key`)",
    );
  });
});
