import { resolvePointer } from "./json-pointer";

describe("resolvePointer (RFC 6901 examples)", () => {
  const doc = { foo: ["bar", "baz"], "": 0, "a/b": 1, "m~n": 8, nested: { list: [{ x: true }] } };
  it.each([
    ["", doc],
    ["/foo", ["bar", "baz"]],
    ["/foo/0", "bar"],
    ["/", 0],
    ["/a~1b", 1],
    ["/m~0n", 8],
    ["/nested/list/0/x", true],
  ])("%s", (pointer, expected) => {
    expect(resolvePointer(doc, pointer)).toStrictEqual(expected);
  });

  it.each(["/missing", "/foo/2", "/foo/-", "/foo/01", "/nested/list/x"])("%s is undefined", (pointer) => {
    expect(resolvePointer(doc, pointer)).toBeUndefined();
  });

  it("does not walk into inherited properties", () => {
    expect(resolvePointer({}, "/constructor")).toBeUndefined();
  });
});
