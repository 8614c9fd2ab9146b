import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const cli = path.resolve(__dirname, "../../dist/core/cli/plaint.js");

/**
 * `plaint train` and `plaint classify` as scripts call them. They need neither a database nor a config file: the
 * run happens in an empty folder with PLAINT_CONFIG pointing at nothing.
 */
function plaint(args: string[], input = "") {
  const dir = mkdtempSync(path.join(tmpdir(), "plaint-classify-cwd-"));
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: dir,
    input,
    encoding: "utf8",
    env: { PATH: process.env["PATH"] ?? "", LOG_LEVEL: "silent", PLAINT_CONFIG: path.join(dir, "absent.yaml") },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function jsonLines(stdout: string): Record<string, any>[] {
  return stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, any>);
}

const training = [
  ...[
    "my card has not arrived yet",
    "still waiting for the new card",
    "when will my card be delivered",
    "card not here after two weeks",
  ].map((text) => ({ text, intent: "card_arrival" })),
  ...[
    "what exchange rate do you use",
    "is the euro rate fair",
    "how much is a dollar in pounds",
    "currency conversion rate",
  ].map((text) => ({ text, intent: "exchange_rate" })),
  ...["I forgot my passcode", "reset my passcode please", "passcode is not accepted", "how to change the passcode"].map(
    (text) => ({ text, intent: "passcode" }),
  ),
];

describe("plaint train / plaint classify", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "plaint-classify-"));
  const input = path.join(dir, "train.jsonl");
  const modelFile = path.join(dir, "model.json");
  writeFileSync(input, `${training.map((item) => JSON.stringify(item)).join("\n")}\n`);

  it("train: prints a one-line summary and writes a versioned model file", () => {
    const result = plaint(["train", "--input", input, "--label", "intent", "--out", modelFile]);
    expect(result.code).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toStrictEqual({ examples: 12, labels: 3, seconds: expect.any(Number), out: modelFile });
    expect(JSON.parse(readFileSync(modelFile, "utf8"))).toMatchObject({
      format: "plaint-classifier/1",
      labels: ["card_arrival", "exchange_rate", "passcode"],
      examples: 12,
    });
  });

  it("classify --model: one line per input with the contract's fields; a bad line gets an error and the run goes on", () => {
    const stdin = [
      JSON.stringify({ id: "m1", text: "my new card still has not arrived" }),
      JSON.stringify({ id: "m2", text: "what is your exchange rate for dollars" }),
      "{not json",
      JSON.stringify({ id: "m4" }),
      "",
      JSON.stringify({ id: 5, text: "I forgot the passcode" }),
    ].join("\n");
    const result = plaint(["classify", "--model", modelFile], stdin);
    expect(result.code).toBe(1);
    const lines = jsonLines(result.stdout);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toStrictEqual({
      id: "m1",
      category: "card_arrival",
      confidence: expect.any(Number),
      kind: expect.stringMatching(/^(complaint|question|feedback|spam|other)$/),
      severity: expect.stringMatching(/^(blocked|inconvenienced|annoyed)$/),
      sentiment: { label: expect.stringMatching(/^(negative|neutral|positive)$/), score: expect.any(Number) },
      language: expect.any(String),
      triage: expect.any(Boolean),
      evidence: expect.stringMatching(/^model [01]\.\d\d$/),
      alternatives: [
        { category: expect.any(String), confidence: expect.any(Number) },
        { category: expect.any(String), confidence: expect.any(Number) },
      ],
    });
    expect(lines[0]?.["confidence"]).toBeGreaterThan(0);
    expect(lines[0]?.["confidence"]).toBeLessThanOrEqual(1);
    expect(lines[1]).toMatchObject({ id: "m2", category: "exchange_rate" });
    expect(lines[2]).toStrictEqual({ error: "line 3: not JSON" });
    expect(lines[3]).toStrictEqual({ id: "m4", error: 'line 4: "text" must be a string' });
    expect(lines[4]).toMatchObject({ id: 5, category: "passcode" });
  });

  it("classify without --model uses the default taxonomy, with rules in the evidence; all good lines exit 0", () => {
    const stdin = [
      JSON.stringify({ id: "a", text: "I was charged twice for one order and want a refund" }),
      JSON.stringify({ id: "b", text: "The courier says delivered but there is no parcel" }),
    ].join("\n");
    const result = plaint(["classify"], stdin);
    expect(result.code).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines.map((line): unknown[] => [line.id, line.category, line.triage])).toStrictEqual([
      ["a", "billing-payments", false],
      ["b", "delivery-fulfilment", false],
    ]);
    expect(lines[0]?.["evidence"]).toMatch(/^keyword 'charged twice' \+ keyword 'refund' \+ model [01]\.\d\d$/);
  });

  it("classify: an unreadable or invalid model file stops the run with a JSON error", () => {
    const missing = plaint(["classify", "--model", path.join(dir, "missing.json")], "");
    expect(missing.code).toBe(1);
    expect(jsonLines(missing.stdout)[0]).toMatchObject({ error: "unreadable_file" });
    const wrong = path.join(dir, "wrong.json");
    writeFileSync(wrong, JSON.stringify({ format: "something-else" }));
    const invalid = plaint(["classify", "--model", wrong], "");
    expect(invalid.code).toBe(1);
    expect(jsonLines(invalid.stdout)).toStrictEqual([
      { error: "invalid_model", message: `${wrong}: unknown format "something-else", expected "plaint-classifier/1"` },
    ]);
  });

  it("train: exit 1 with a JSON error naming the problem and the line", () => {
    const out = path.join(dir, "never.json");
    const write = (name: string, body: string) => {
      const file = path.join(dir, name);
      writeFileSync(file, body);
      return file;
    };
    const cases: [string[], object][] = [
      [["--input", path.join(dir, "absent.jsonl"), "--out", out], { error: "unreadable_file" }],
      [
        ["--input", write("bad-json.jsonl", '{"text":"a","category":"x"}\n{"text": oops}\n'), "--out", out],
        { error: "bad_json", line: 2 },
      ],
      [
        ["--input", write("no-text.jsonl", '{"text":"a","category":"x"}\n\n{"category":"y"}\n'), "--out", out],
        { error: "missing_text", line: 3, message: 'line 3: "text" must be a non-empty string' },
      ],
      [
        ["--input", write("no-label.jsonl", '{"text":"a","category":"x"}\n{"text":"b","label":"y"}\n'), "--out", out],
        { error: "missing_label", line: 2, message: 'line 2: "category" must be a non-empty string or a number' },
      ],
      [
        [
          "--input",
          write("one-label.jsonl", '{"text":"a","category":"x"}\n{"text":"b","category":"x"}\n'),
          "--out",
          out,
        ],
        { error: "too_few_labels" },
      ],
      [["--input", input], { error: "usage" }],
    ];
    for (const [args, expected] of cases) {
      const result = plaint(["train", ...args]);
      expect([args, result.code]).toStrictEqual([args, 1]);
      const lines = jsonLines(result.stdout);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject(expected);
    }
    expect(existsSync(out)).toBe(false);
  });
});
