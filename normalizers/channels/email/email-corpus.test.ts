/**
 * Corpus checks against ../shared/corpora/email (see its README). Skips cleanly when the folder is absent.
 * Prints no mail bodies.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describeWithCorpus } from "../../../test/support/corpora";
import { limitNotePrefix } from "./body-text";
import { normalizeEmailMessage } from "./email.normalizer";
import {
  corpusParsing,
  listFiles,
  replyExpectations,
  replyMismatches,
  timed,
  wrapAsMail,
} from "../../../bench/evaluations/eval-email";

const name = (file: string): string => path.basename(file);

/**
 * Files of bounces/ not recognised, with the reason: both are not delivery failures of a mail we sent.
 * lhost-amazonses-12: an Amazon SES "Delivery" (success) notification; lhost-fml-02: a mailing list manager's
 * "you are not a member" reply.
 */
const notBounces = new Set(["lhost-amazonses-12.eml", "lhost-fml-02.eml"]);

function corpusSuite(corpora: string): void {
  const email = path.join(corpora, "email");
  const files = (dir: string, extension = ".eml"): string[] => listFiles(path.join(email, dir), extension);
  const all = listFiles(email, ".eml");

  it("has the corpus files", () => {
    expect(all.length).toBeGreaterThan(400);
  });

  it.each(all.map((file) => [path.relative(email, file), file]))("parses %s", async (_label, file) => {
    const { result } = await timed(readFileSync(file));
    expect(result.ok ? "ok" : result.error.message).toBe("ok");
  });

  it.each(files("bounces").map((file) => [name(file), file]))("recognises the bounce %s", async (label, file) => {
    const { result } = await timed(readFileSync(file));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.flags.bounce).toBe(!notBounces.has(label));
    if (result.value.flags.bounce) expect(result.value.bounce?.status).toMatch(/^[245]\.\d{1,3}\.\d{1,3}$/);
  });

  it.each(files("chatwoot").filter((file) => /auto_reply/.test(name(file))))("flags %s as auto-reply", async (file) => {
    const { result } = await timed(readFileSync(file));
    expect(result.ok && result.value.flags.autoReply).toBe(true);
  });

  it.each(files("chatwoot").filter((file) => /bounced/.test(name(file))))("flags %s as bounce", async (file) => {
    const { result } = await timed(readFileSync(file));
    expect(result.ok && result.value.flags.bounce).toBe(true);
  });

  // non_utf_encoded_mail carries X-Autoreply / Auto-Submitted / Precedence: bulk, so it is rightly flagged.
  it.each(files("chatwoot").filter((file) => !/auto_reply|bounced|notification|non_utf_encoded/.test(name(file))))(
    "does not flag the customer mail %s as auto-reply or bounce",
    async (file) => {
      const { result } = await timed(readFileSync(file));
      expect(result.ok && { autoReply: result.value.flags.autoReply, bounce: result.value.flags.bounce }).toEqual({
        autoReply: false,
        bounce: false,
      });
    },
  );

  it.each(files("reply-parser", ".txt").map((file) => [path.basename(file, ".txt"), file]))(
    "strips the quote of reply-parser's %s",
    async (label, file) => {
      const expected = replyExpectations[label];
      if (!expected) return;
      const { result } = await timed(wrapAsMail(readFileSync(file, "utf8")));
      if (!result.ok) throw new Error(result.error.message);
      expect(replyMismatches(result.value.text, expected)).toStrictEqual([]);
    },
  );

  // Stress / denial-of-service files: within the default limits, cut with a note naming the key that cut them.
  // Their time and memory are measured by `npm run eval:email`, not asserted here.
  it.each([
    ["large_text.eml", ["parsing.maxTextChars"]],
    ["htmllargecallstack.eml", []],
    ["outofmemory.eml", ["parsing.maxHtmlChars"]],
  ])("parses mailparser's stress file %s within the limits", async (label, keys) => {
    const { result } = await timed(readFileSync(path.join(email, "mailparser", label)));
    if (!result.ok) throw new Error(result.error.message);
    expect(limitKeys(result.value.fullText)).toStrictEqual(keys);
    expect(result.value.fullText.length).toBeLessThan(corpusParsing.maxTextChars + 200);
  });

  it.each([
    ["large_text.eml", { maxMessageBytes: 1_000_000 }, "larger than parsing.maxMessageBytes (1000000)"],
    ["outofmemory.eml", { maxMessageBytes: 1_000_000 }, "larger than parsing.maxMessageBytes (1000000)"],
    ["htmllargecallstack.eml", { maxMessageBytes: 500_000 }, "larger than parsing.maxMessageBytes (500000)"],
  ])("refuses mailparser's %s under a lowered limit, naming it", async (label, limit, reason) => {
    const raw = readFileSync(path.join(email, "mailparser", label));
    const result = await normalizeEmailMessage(raw, { ...corpusParsing, ...limit }, new Date());
    expect(result.ok ? "parsed" : result.error.message).toContain(reason);
  });

  it.each([
    ["large_text.eml", { maxTextChars: 10_000 }, "parsing.maxTextChars"],
    ["htmllargecallstack.eml", { maxHtmlChars: 100_000 }, "parsing.maxHtmlChars"],
    ["outofmemory.eml", { maxTextChars: 10_000 }, "parsing.maxTextChars"],
  ])("cuts mailparser's %s under a lowered limit, naming it", async (label, limit, key) => {
    const raw = readFileSync(path.join(email, "mailparser", label));
    const result = await normalizeEmailMessage(raw, { ...corpusParsing, ...limit }, new Date());
    expect(result.ok && limitKeys(result.value.text)).toContain(key);
  });
}

/** The config keys named by the limit notes at the end of a text. */
function limitKeys(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith(limitNotePrefix))
    .map((line) => /\((parsing\.\w+)\)\]$/.exec(line)?.[1] ?? line);
}

// $PLAINT_CORPORA points elsewhere (or nowhere, to check the skip).
describeWithCorpus("email", "email corpus", corpusSuite);
