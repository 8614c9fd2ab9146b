import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, type Database } from "../../core/kernel/db/database";
import { recordIntake } from "../../core/store/intake.store";
import { ingestMessages, type IngestSettings, type IntakeMessages } from "../../core/pipeline/ingest-messages";
import { ingestSettings } from "../../core/pipeline/process-intake";
import { noFlags, type CanonicalMessage } from "../../normalizers/canonical-message";
import { redactionConfigSchema } from "../../normalizers/analysis/redaction/redaction.schema";
import { writeTestConfig } from "../support/test-hub";
import { bindConnectors } from "../../core/hub";

/**
 * Issue 5's case decisions on the real pipeline code and the embedded database: one customer across channels, one
 * case per complaint (exact repeats, similar resends, topic changes in a chat), classification, priority and
 * redaction as stored.
 */
describe("cases across channels", () => {
  let database: Database;
  let settings: IngestSettings;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: mkdtempSync(path.join(tmpdir(), "plaint-cross-")), migrate: true });
    const { config } = writeTestConfig();
    const redaction = redactionConfigSchema.parse({
      patterns: [{ name: "api-key", regex: "sk_live_[A-Za-z0-9]{16,}" }],
    });
    settings = ingestSettings({ ...config, redaction }, bindConnectors(config));
  });
  afterAll(async () => {
    await database.close();
  });

  let sequence = 0;
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  function message(overrides: Partial<CanonicalMessage>): CanonicalMessage {
    sequence++;
    return {
      channel: "email",
      externalId: `x-${sequence}-${Math.random()}`,
      from: {},
      to: [],
      cc: [],
      subject: null,
      text: "",
      fullText: "",
      attachments: [],
      thread: { references: [] },
      receivedAt: minutesAgo(60 - sequence),
      flags: { ...noFlags },
      kind: "message",
      ...overrides,
      ...(overrides.text !== undefined && overrides.fullText === undefined && { fullText: overrides.text }),
    };
  }
  async function ingest(message: CanonicalMessage, rawBody = "{}"): Promise<IntakeMessages> {
    const recorded = await recordIntake(database, {
      connectorId: "webform",
      channel: "webhook",
      externalId: `intake-${message.externalId}`,
      rawBody,
      receivedAt: new Date(),
    });
    const item = { intakeItemId: recorded.id, connectorId: "webform", messages: [message], rawBody };
    await database.transaction((tx) => ingestMessages(tx, [item], settings));
    return item;
  }
  const stored = (externalId: string) =>
    database.prisma.message.findFirstOrThrow({ where: { externalId }, include: { case: true } });
  const eventsOf = async (caseId: string) =>
    (await database.prisma.caseEvent.findMany({ where: { caseId }, orderBy: { id: "asc" } })).map(
      (event) => `${event.type}: ${event.reason ?? ""}`,
    );

  it("puts the same complaint by email, then SMS, then web form from one person on one case, saying why", async () => {
    const email = message({
      channel: "email",
      from: { address: "ana.lopez@example.com", name: "Ana Lopez" },
      subject: "Charged twice for order 5521",
      text: "Hello, I was charged twice for my order 5521 last week. Please refund the duplicate payment of 49.90 EUR.",
    });
    const sms = message({
      channel: "sms",
      from: { phone: "+4915112345678" },
      text: "I was charged twice for my order 5521, please refund the duplicate payment of 49.90 EUR",
      thread: { references: [], conversationId: "+4915112345678|+4930000000" },
    });
    const form = message({
      channel: "webhook",
      from: { address: "ana.lopez@example.com", phone: "+4915112345678", name: "Ana Lopez" },
      subject: "Contact form",
      text: "Charged twice for order 5521 - please refund the duplicate payment of 49.90 EUR. Third time I write!",
    });
    await ingest(email);
    await ingest(sms);
    // Until the form ties the phone to the email, the SMS is somebody else's complaint.
    expect((await stored(sms.externalId)).case.id).not.toBe((await stored(email.externalId)).case.id);
    await ingest(form);

    const kase = (await stored(email.externalId)).case;
    const onCase = await database.prisma.message.findMany({ where: { caseId: kase.id }, orderBy: { sentAt: "asc" } });
    expect(onCase.map((m) => m.externalId)).toStrictEqual([email.externalId, sms.externalId, form.externalId]);
    expect(kase).toMatchObject({ category: "billing-payments", status: "new", mergedIntoId: null });
    const customer = await database.prisma.customer.findUniqueOrThrow({
      where: { id: kase.customerId },
      include: { identities: true },
    });
    expect(customer.identities.map((i) => `${i.kind}:${i.value}`).sort()).toStrictEqual([
      "email:ana.lopez@example.com",
      "phone:+4915112345678",
    ]);
    const open = await database.prisma.case.findMany({ where: { customerId: customer.id, status: { not: "closed" } } });
    expect(open.map((c) => c.id)).toStrictEqual([kase.id]);

    const trail = await eventsOf(kase.id);
    expect(trail).toContainEqual(expect.stringMatching(/^customer_merged: /));
    expect(trail).toContainEqual(
      expect.stringMatching(
        /^case_merged: C-\d+ merged in by the system: its customer turned out to be the same person, same complaint \((same category billing-payments, similarity 0\.\d\d ≥ 0\.56|similarity 0\.\d\d ≥ 0\.68 \(text alone\))\)/,
      ),
    );
    // The SMS case, merged away, points at the one that stays.
    const smsCase = await database.prisma.case.findFirstOrThrow({ where: { mergedIntoId: kase.id } });
    expect(smsCase.status).toBe("closed");
  });

  it("opens a new case for a different complaint of the same person", async () => {
    const billing = message({
      from: { address: "bo@example.com", name: "Bo" },
      subject: "Refund missing",
      text: "You promised a refund for my cancelled subscription three weeks ago and it never arrived on my card.",
    });
    const delivery = message({
      from: { address: "bo@example.com", name: "Bo" },
      subject: "Parcel",
      text: "My parcel with the new headphones never arrived; tracking says delivered but nothing is at my door.",
    });
    await ingest(billing);
    await ingest(delivery);
    const first = await stored(billing.externalId);
    const second = await stored(delivery.externalId);
    expect(second.case.id).not.toBe(first.case.id);
    expect(second.case.category).toBe("delivery-fulfilment");
    expect(await eventsOf(second.case.id)).toContainEqual(
      expect.stringMatching(
        /^created: no open case of the customer is about the same thing \(closest: subject "parcel" ≠ "refund missing"\)/,
      ),
    );
  });

  it("marks an exact repeat on another channel as a duplicate of the first, on its case, without opening one", async () => {
    const text = "The app crashes every time I open my invoices page, since the update on Monday.";
    const first = message({ channel: "webhook", from: { address: "cy@example.com", phone: "+447700900123" }, text });
    const repeat = message({
      channel: "whatsapp",
      from: { phone: "+447700900123" },
      text: `  the app CRASHES every time I open my invoices page, since the update on Monday!! `,
      thread: { references: [], conversationId: "wa:+447700900123" },
    });
    await ingest(first);
    await ingest(repeat);
    const original = await stored(first.externalId);
    const duplicate = await stored(repeat.externalId);
    expect(duplicate.caseId).toBe(original.caseId);
    expect(duplicate.duplicateOfId).toBe(original.id);
    expect(await database.prisma.case.count({ where: { customerId: original.case.customerId } })).toBe(1);
    expect((await eventsOf(original.caseId)).at(-1)).toMatch(/^message_added: duplicate: same text as message /);
  });

  it("keeps two mails with one stock body apart when their subjects name different things", async () => {
    const from = { address: "hal@example.com", name: "Hal" };
    const body = "Something is wrong with my order, please look into it and get back to me.";
    const kettle = message({ from, subject: "Broken kettle", text: body });
    const parcel = message({ from, subject: "Late parcel", text: body });
    await ingest(kettle);
    await ingest(parcel);
    expect((await stored(parcel.externalId)).caseId).not.toBe((await stored(kettle.externalId)).caseId);
  });

  it("in a long-lived chat, opens a new case for a new topic after a resolution and reopens for the same one", async () => {
    const chat = { references: [], conversationId: "wa:+34600111222" };
    const from = { phone: "+34600111222" };
    const broken = message({
      channel: "whatsapp",
      from,
      thread: chat,
      text: "My coffee machine leaks water from the bottom since day one.",
    });
    await ingest(broken);
    const first = await stored(broken.externalId);
    await database.prisma.case.update({
      where: { id: first.caseId },
      data: { status: "resolved", resolvedAt: new Date() },
    });

    const sameTopic = message({
      channel: "whatsapp",
      from,
      thread: chat,
      text: "The coffee machine leaks water from the bottom again.",
    });
    await ingest(sameTopic);
    const reopened = await stored(sameTopic.externalId);
    expect(reopened.caseId).toBe(first.caseId);
    expect(reopened.case.status).toBe("open");
    await database.prisma.case.update({
      where: { id: first.caseId },
      data: { status: "resolved", resolvedAt: new Date() },
    });

    const newTopic = message({
      channel: "whatsapp",
      from,
      thread: chat,
      text: "Different thing: I was billed for a warranty I never ordered.",
    });
    await ingest(newTopic);
    const fresh = await stored(newTopic.externalId);
    expect(fresh.caseId).not.toBe(first.caseId);
    expect(await eventsOf(fresh.caseId)).toContainEqual(
      expect.stringMatching(/^created: the chat's last case was resolved and this is a new topic/),
    );
  });

  it("classifies, prioritises and explains a new case, and sends a case it cannot classify to triage", async () => {
    const blocked = message({
      from: { address: "dee@example.com" },
      subject: "Locked out",
      text: "I cannot log in to my account since yesterday and the password reset mail never comes. I am locked out.",
    });
    await ingest(blocked);
    const kase = (await stored(blocked.externalId)).case;
    expect(kase).toMatchObject({
      category: "access-onboarding",
      severity: "blocked",
      triage: false,
      categorySource: "model",
    });
    const breakdown = kase.priorityBreakdown as { score: number; factors: Record<string, { value: number }> };
    expect(breakdown.score).toBe(kase.priority);
    expect(breakdown.factors["severity"]?.value).toBe(1);
    const trail = await eventsOf(kase.id);
    expect(trail.map((line) => line.split(":")[0])).toStrictEqual([
      "created",
      "classified",
      "prioritized",
      "routed",
      "message_added",
    ]);

    const vague = message({ channel: "sms", from: { phone: "+15550100999" }, text: "ok thanks" });
    await ingest(vague);
    const unclear = (await stored(vague.externalId)).case;
    expect(unclear).toMatchObject({ category: null, triage: true });
    expect(await eventsOf(unclear.id)).toContainEqual(expect.stringMatching(/^needs_triage: best guess /));
  });

  it("weighs the revenue a webhook says the customer stands for, then and in later cases", async () => {
    const from = { address: "gil@example.com" };
    const first = message({
      channel: "webhook",
      from,
      text: "The export to CSV drops every row after the first hundred.",
      customer: { tier: "enterprise", dealSize: 250_000 },
    });
    await ingest(first);
    const kase = (await stored(first.externalId)).case;
    const breakdown = kase.priorityBreakdown as { factors: Record<string, { value: number; detail: string }> };
    expect(breakdown.factors["revenue"]).toMatchObject({ value: 1, detail: "tier enterprise, deal size 250000" });
    // A later complaint, saying nothing about the customer, is weighed by what the first one said.
    const later = message({ channel: "webhook", from, text: "Also my invoice address is wrong on every invoice." });
    await ingest(later);
    const next = (await stored(later.externalId)).case;
    expect(next.id).not.toBe(kase.id);
    expect((next.priorityBreakdown as typeof breakdown).factors["revenue"]?.value).toBe(1);
  });

  it("masks every kind of personal data in what it stores, intake log included", async () => {
    const secrets = [
      ["card 4111 1111 1111 1111", "card [redacted card ending 1111]"],
      ["IBAN DE89 3704 0044 0532 0130 00", "IBAN [redacted IBAN ending 3000]"],
      ["SSN 123-45-6789", "SSN [redacted us-ssn]"],
      ["NI number AB 12 34 56 C", "NI number [redacted uk-nino]"],
      ["mijn BSN is 111222333", "mijn BSN is [redacted nl-bsn]"],
      ["DNI 12345678Z", "DNI [redacted es-dni]"],
      ["NIE X1234567L", "NIE [redacted es-nie]"],
      ["CF RSSMRA85T10A562S", "CF [redacted it-codice-fiscale]"],
      ["NIR 1 85 05 78 006 084 91", "NIR [redacted fr-nir]"],
      ["Steuer-ID 86095742719", "Steuer-ID [redacted de-steuer-id]"],
      ["key sk_live_abcdefghijklmnop1234", "key [redacted api-key]"],
    ];
    const text = `Please fix my data: ${secrets.map(([plain]) => plain).join("; ")}.`;
    const leaky = message({
      channel: "webhook",
      from: { address: "eve@example.com" },
      subject: "Card 4111 1111 1111 1111",
      text,
    });
    const item = await ingest(leaky, JSON.stringify({ message: text }));
    const row = await stored(leaky.externalId);
    expect(row.text).toBe(`Please fix my data: ${secrets.map(([, masked]) => masked).join("; ")}.`);
    expect(row.fullText).toBe(row.text);
    expect(row.subject).toBe("Card [redacted card ending 1111]");
    expect(row.redactions).toStrictEqual(
      expect.arrayContaining([
        { kind: "card", count: 2 },
        { kind: "iban", count: 1 },
        { kind: "api-key", count: 1 },
        { kind: "us-ssn", count: 1 },
      ]),
    );
    expect((row.redactions as unknown[]).length).toBe(11);
    expect(row.original).toBeNull();
    const intake = await database.prisma.intakeItem.findUniqueOrThrow({ where: { id: item.intakeItemId } });
    expect(intake.rawBody).toBe(JSON.stringify({ message: row.text }));
  });

  it("keeps the unmasked original beside the masked text, and the raw intake body, only when config says so", async () => {
    const { config } = writeTestConfig();
    const keeping = ingestSettings(
      { ...config, redaction: redactionConfigSchema.parse({ keepOriginal: true }) },
      bindConnectors(config),
    );
    const text = "Refund to card 4111 1111 1111 1111 please.";
    const kept = message({ channel: "webhook", from: { address: "ivy@example.com" }, text });
    const rawBody = JSON.stringify({ message: text });
    const recorded = await recordIntake(database, {
      connectorId: "webform",
      channel: "webhook",
      externalId: `intake-${kept.externalId}`,
      rawBody,
      receivedAt: new Date(),
    });
    const item = { intakeItemId: recorded.id, connectorId: "webform", messages: [kept], rawBody };
    await database.transaction((tx) => ingestMessages(tx, [item], keeping));
    const row = await stored(kept.externalId);
    expect(row.text).toBe("Refund to card [redacted card ending 1111] please.");
    expect(row.original).toStrictEqual({ subject: null, text, fullText: text });
    const intake = await database.prisma.intakeItem.findUniqueOrThrow({ where: { id: recorded.id } });
    expect(intake.rawBody).toBe(rawBody);
  });
});
