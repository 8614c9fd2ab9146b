import { noFlags, type CanonicalMessage } from "../../normalizers/canonical-message";
import {
  combineConfidence,
  decideMerge,
  evidenceCandidates,
  evidenceFor,
  mergeEvidence,
  phonesInText,
  sameName,
  type Evidence,
} from "./evidence";
import { identityConfigSchema } from "./identity.schema";

const config = identityConfigSchema.parse({});

function piece(kind: Evidence["kind"], weight: number, detail: string = kind): Evidence {
  return { kind, detail, weight };
}

function email(fullText: string, overrides: Partial<CanonicalMessage> = {}): CanonicalMessage {
  return {
    channel: "email",
    externalId: "m-1@example.com",
    from: { address: "ana@example.com", name: "Ana López" },
    to: [],
    cc: [],
    subject: "Broken kettle",
    text: fullText.split("\n--")[0] ?? "",
    fullText,
    attachments: [],
    thread: { references: [] },
    receivedAt: "2026-11-25T10:00:00.000Z",
    flags: { ...noFlags },
    kind: "message",
    ...overrides,
  };
}

describe("combineConfidence", () => {
  it("combines independent pieces as 1 − Π(1 − w), counting a repeated fact once", () => {
    expect(combineConfidence([])).toBe(0);
    expect(combineConfidence([piece("signature-phone", 0.6)])).toBe(0.6);
    expect(combineConfidence([piece("signature-phone", 0.6), piece("crm-record", 0.6, "other")])).toBe(0.84);
    expect(combineConfidence([piece("signature-phone", 0.6), piece("signature-phone", 0.6)])).toBe(0.6);
    expect(combineConfidence([piece("agent", 1), piece("signature-phone", 0.6)])).toBe(1);
  });

  it("decides at the thresholds inclusively", () => {
    expect(decideMerge(combineConfidence([piece("form-gave-both", 0.9)]), config)).toBe("merge");
    expect(decideMerge(0.6, config)).toBe("propose");
    expect(decideMerge(0.5999, config)).toBe("none");
  });

  it("joins evidence lists without repeating a fact", () => {
    const a = piece("signature-phone", 0.6, "phone in mail 1");
    const b = piece("signature-phone", 0.6, "phone in mail 2");
    expect(mergeEvidence([a], [a, b])).toStrictEqual([a, b]);
  });
});

describe("identity config", () => {
  it("has defaults and refuses a proposal threshold above the merge threshold", () => {
    expect(config).toStrictEqual({
      autoMergeAt: 0.9,
      proposeAt: 0.6,
      evidence: { formGaveBoth: 0.9, crmRecord: 0.95, signaturePhoneSameName: 0.9, signaturePhone: 0.6 },
    });
    expect(identityConfigSchema.safeParse({ autoMergeAt: 0.5 }).success).toBe(false);
    expect(identityConfigSchema.parse({ defaultCountry: "de" }).defaultCountry).toBe("DE");
    expect(identityConfigSchema.safeParse({ defaultCountry: "XX" }).success).toBe(false);
  });
});

describe("phonesInText", () => {
  it("finds international numbers, and national ones only with a default country", () => {
    const text = "Call me on +49 30 901820 or 030 901821.\nAna";
    expect(phonesInText(text)).toStrictEqual(["+4930901820"]);
    expect(phonesInText(text, "DE")).toStrictEqual(["+4930901820", "+4930901821"]);
  });

  it("ignores quoted history", () => {
    const text = "Still broken.\n\nOn Mon, 3 Nov 2026, Support <s@shop.example> wrote:\n> Call us: +44 20 7946 0958";
    expect(phonesInText(text)).toStrictEqual([]);
    expect(phonesInText("Hi\n> +44 20 7946 0958\nAna +44 20 7946 0959")).toStrictEqual(["+442079460959"]);
  });
});

describe("sameName", () => {
  it("ignores case, accents, punctuation and order; a missing name never matches", () => {
    expect(sameName("Ana López", "lopez, ana")).toBe(true);
    expect(sameName("Ana López", "Ana Lopes")).toBe(false);
    expect(sameName(undefined, undefined)).toBe(false);
    expect(sameName("", "")).toBe(false);
  });
});

describe("evidence from a message", () => {
  it("offers a web form's second identity and an email's signature phone, not the sender identity", () => {
    const form = email("", { channel: "webhook", from: { address: "bo@example.com", phone: "+4930901820" } });
    expect(evidenceCandidates(form, "webform", undefined)).toStrictEqual([
      { key: { kind: "phone", value: "+4930901820" }, source: "message" },
    ]);
    const mail = email("Broken.\n--\nAna López\n+49 30 901820");
    expect(evidenceCandidates(mail, "mailbox", undefined)).toStrictEqual([
      { key: { kind: "phone", value: "+4930901820" }, source: "text" },
    ]);
    expect(evidenceCandidates(email("No number here"), "mailbox", undefined)).toStrictEqual([]);
  });

  it("weighs a signature phone by whether the holder has the same name", () => {
    const mail = email("Broken.\n--\nAna López\n+49 30 901820");
    const candidate = { key: { kind: "phone", value: "+4930901820" }, source: "text" as const };
    const context = { message: mail, connectorId: "mailbox", customerName: "Ana López" };
    expect(
      evidenceFor(candidate, { customerId: "c-2", displayName: "ANA LOPEZ" }, context, config.evidence),
    ).toStrictEqual({
      kind: "signature-phone-same-name",
      detail:
        "email from ana@example.com (Ana López) carries +4930901820 in its text, held by customer c-2 of the same name",
      weight: 0.9,
      identity: candidate.key,
      externalId: mail.externalId,
    });
    expect(evidenceFor(candidate, { customerId: "c-2", displayName: "Bo" }, context, config.evidence)).toMatchObject({
      kind: "signature-phone",
      weight: 0.6,
    });
  });

  it("counts the same signature in several mails once", () => {
    const candidate = { key: { kind: "phone", value: "+4930901820" }, source: "text" as const };
    const pieces = ["one", "two"].map((text) =>
      evidenceFor(
        candidate,
        { customerId: "c-2", displayName: "Bo" },
        {
          message: email(`${text}\n--\nAna\n+49 30 901820`, { externalId: text }),
          connectorId: "m",
          customerName: null,
        },
        config.evidence,
      ),
    );
    expect(combineConfidence(pieces)).toBe(0.6);
  });

  it("describes a form that gave two identities", () => {
    const form = email("", { channel: "webhook", from: { address: "bo@example.com", phone: "+4930901820" } });
    const candidate = { key: { kind: "phone", value: "+4930901820" }, source: "message" as const };
    const found = evidenceFor(
      candidate,
      { customerId: "c-9", displayName: null },
      { message: form, connectorId: "webform", customerName: null },
      config.evidence,
    );
    expect(found).toMatchObject({
      kind: "form-gave-both",
      detail: "web form gave bo@example.com and +4930901820, held by customer c-9",
      weight: 0.9,
    });
  });
});
