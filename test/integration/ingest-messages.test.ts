import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, type Database } from "../../core/kernel/db/database";
import { recordIntake } from "../../core/store/intake.store";
import { createLogger } from "../../core/kernel/logger";
import { casesConfigSchema, routingConfigSchema } from "../../core/config/config.schema";
import { parse } from "yaml";
import { ingestMessages, type IngestSettings, type IntakeMessages } from "../../core/pipeline/ingest-messages";
import { ingestSettings, processIntakeBatch } from "../../core/pipeline/process-intake";
import { noFlags, type CanonicalMessage } from "../../normalizers/canonical-message";
import { complaint, writeTestConfig } from "../support/test-hub";
import { bindConnectors } from "../../core/hub";

/** The case store's decisions, on the embedded database: identities, threads, follow-ups, dedupe, batches. */
describe("ingestMessages", () => {
  let database: Database;
  const settings: IngestSettings = {
    routing: { defaultTeam: "support", rules: [] },
    destinations: [{ id: "crm" }],
    cases: casesConfigSchema.parse({}),
    policies: new Map(),
  };

  beforeAll(async () => {
    database = await openDatabase({ dataDir: mkdtempSync(path.join(tmpdir(), "plaint-ingest-")), migrate: true });
  });
  afterAll(async () => {
    await database.close();
  });

  let sequence = 0;
  function message(overrides: Partial<CanonicalMessage> = {}): CanonicalMessage {
    sequence++;
    return {
      channel: "webhook",
      externalId: `m-${sequence}`,
      from: { address: "ana@example.com", name: "Ana" },
      to: [],
      cc: [],
      subject: `subject ${sequence}`,
      text: `text ${sequence}`,
      fullText: `text ${sequence}`,
      attachments: [],
      thread: { references: [] },
      receivedAt: new Date(Date.UTC(2026, 10, 25, 10, 0, sequence)).toISOString(),
      flags: { ...noFlags },
      kind: "message",
      ...overrides,
    };
  }
  async function intakeFor(...messages: CanonicalMessage[]): Promise<IntakeMessages> {
    const recorded = await recordIntake(database, {
      connectorId: "webform",
      channel: "webhook",
      externalId: `intake-${sequence}-${Math.random()}`,
      rawBody: "{}",
      receivedAt: new Date(),
    });
    return { intakeItemId: recorded.id, connectorId: "webform", messages };
  }
  const run = (items: IntakeMessages[], using: IngestSettings = settings) =>
    database.transaction((tx) => ingestMessages(tx, items, using));
  const caseOf = (externalId: string) =>
    database.prisma.message.findFirstOrThrow({
      where: { externalId },
      include: { case: { include: { events: { orderBy: { id: "asc" } } } } },
    });

  it("routes a new case by the case.created rules: team, agent, tags, priority, its events and a notify row", async () => {
    const routing = routingConfigSchema.parse(
      parse(`
defaultTeam: support
rules:
  - id: refunds
    description: refunds go to billing, to Ana, tagged
    on: { case.created: }
    if: { text: { contains: refund } }
    then:
      - setTeam: billing
      - assign: { agent: ana }
      - addTags: [refund, money]
      - setPriority: 70
      - note: routed by the refunds rule
      - notify: { channel: "#billing" }
`),
    );
    const refund = message({
      from: { address: "dee@example.com", name: "Dee" },
      text: "I want a refund for the broken kettle",
    });
    const other = message({ from: { address: "cy@example.com", name: "Cy" }, text: "The kettle is loud" });
    await run([await intakeFor(refund), await intakeFor(other)], { ...settings, routing });

    const routed = (await caseOf(refund.externalId)).case;
    expect([routed.team, routed.assignee, routed.tags, routed.priority]).toStrictEqual([
      "billing",
      "ana",
      ["refund", "money"],
      70,
    ]);
    expect(routed.events.map((event) => [event.type, event.actor, event.reason])).toStrictEqual([
      ["created", "connector:webform", "no open case matched the message"],
      ["routed", "system", "rule refunds"],
      ["rule_fired", "rule:refunds", "rule refunds fired on case.created"],
      ["note_added", "rule:refunds", "routed by the refunds rule"],
      ["message_added", "connector:webform", "first message of the case"],
    ]);
    const fired = routed.events.find((event) => event.type === "rule_fired")?.data as { seen: unknown[] };
    expect(fired.seen).toStrictEqual([
      { path: "if.text", expected: { contains: ["refund"] }, actual: "refund", held: true },
    ]);
    const notify = await database.prisma.outboxItem.findMany({ where: { caseId: routed.id, destination: "notify" } });
    expect(notify.map((row) => row.payload)).toStrictEqual([
      { event: "rule.notify", caseId: routed.id, ruleId: "refunds", channel: "#billing", message: null },
    ]);

    const untouched = (await caseOf(other.externalId)).case;
    expect([untouched.team, untouched.assignee, untouched.tags]).toStrictEqual(["support", null, []]);
  });

  it("assigns by round robin across batches and by least load, and says how on the routed event", async () => {
    const routing = routingConfigSchema.parse(
      parse(`
defaultTeam: support
rules:
  - id: billing-round-robin
    description: billing cases go round the billing agents
    on: { case.created: }
    if: { text: { contains: invoice } }
    then: [{ setTeam: billing }, { assign: { strategy: round-robin } }]
  - id: support-least-loaded
    description: other cases go to the least loaded support agent
    on: { case.created: }
    if: { not: { text: { contains: invoice } } }
    then: [{ assign: { strategy: least-loaded } }]
`),
    );
    const agents = [
      { id: "rr-ana", name: "Ana", teams: ["billing"], available: true },
      { id: "rr-bo", name: "Bo", teams: ["billing"], available: true },
      { id: "ll-cy", name: "Cy", teams: ["support"], available: true, capacity: 1 },
      { id: "ll-di", name: "Di", teams: ["support"], available: true },
    ];
    const using = { ...settings, routing, agents };
    const sender = (n: number) => ({ address: `rr-${n}@example.com`, name: `Customer ${n}` });
    const invoices = [1, 2, 3].map((n) => message({ from: sender(n), text: `My invoice ${n} is wrong` }));
    await run(
      [await intakeFor(invoices[0] as CanonicalMessage), await intakeFor(invoices[1] as CanonicalMessage)],
      using,
    );
    await run([await intakeFor(invoices[2] as CanonicalMessage)], using);
    const billed = await Promise.all(invoices.map(async (m) => (await caseOf(m.externalId)).case));
    // The rotation goes on across transactions: it lives in the database, not in the process.
    expect(billed.map((kase) => [kase.team, kase.assignee])).toStrictEqual([
      ["billing", "rr-ana"],
      ["billing", "rr-bo"],
      ["billing", "rr-ana"],
    ]);
    const routedEvent = billed[0]?.events.find((event) => event.type === "routed");
    expect(routedEvent?.data).toStrictEqual({
      team: "billing",
      ruleId: "billing-round-robin",
      assignee: "rr-ana",
      assignment: "round-robin among billing",
    });

    const others = [4, 5, 6].map((n) => message({ from: sender(n), text: `The parcel ${n} is late` }));
    await run(await Promise.all(others.map((m) => intakeFor(m))), using);
    const supported = await Promise.all(others.map(async (m) => (await caseOf(m.externalId)).case));
    // Cy holds at most one open case; Di takes the rest.
    expect(supported.map((kase) => kase.assignee)).toStrictEqual(["ll-cy", "ll-di", "ll-di"]);
  });

  it("recognises one new customer across a batch and links the weaker identity", async () => {
    const first = message({ from: { address: "bo@example.com", phone: "+442079460958", name: "Bo" } });
    const second = message({ from: { address: "bo@example.com", name: "Bo" } });
    await run([await intakeFor(first), await intakeFor(second)]);
    const identities = await database.prisma.identity.findMany({
      where: { customer: { identities: { some: { value: "bo@example.com" } } } },
    });
    expect(identities.map((identity) => [identity.kind, identity.value]).sort()).toStrictEqual([
      ["email", "bo@example.com"],
      ["phone", "+442079460958"],
    ]);
    const [a, b] = [await caseOf(first.externalId), await caseOf(second.externalId)];
    expect(a.case.customerId).toBe(b.case.customerId);
    expect(a.caseId).not.toBe(b.caseId);
  });

  it("joins a reply to its parent's case, in the same batch and in a later one, saying why", async () => {
    const original = message();
    const sameBatchReply = message({ thread: { inReplyTo: original.externalId, references: [] } });
    await run([await intakeFor(original), await intakeFor(sameBatchReply)]);
    const laterReply = message({ thread: { references: [original.externalId] } });
    await run([await intakeFor(laterReply)]);

    const kase = await caseOf(original.externalId);
    expect((await caseOf(sameBatchReply.externalId)).caseId).toBe(kase.caseId);
    expect((await caseOf(laterReply.externalId)).caseId).toBe(kase.caseId);
    expect(kase.case.events.map((event) => [event.type, event.reason])).toStrictEqual([
      ["created", "no open case matched the message"],
      ["routed", "default team (routing.defaultTeam)"],
      ["message_added", "first message of the case"],
      ["message_added", `thread: in-reply-to ${original.externalId}`],
      ["message_added", `thread: in-reply-to ${original.externalId}`],
    ]);
    const outbox = await database.prisma.outboxItem.findMany({ where: { caseId: kase.caseId } });
    expect(outbox.map((row) => (row.payload as { event: string }).event).sort()).toStrictEqual([
      "case.created",
      "message.added",
      "message.added",
    ]);
  });

  it("joins by case tag only the customer's own case, and opens a follow-up for a closed one", async () => {
    const original = message();
    await run([await intakeFor(original)]);
    const kase = await caseOf(original.externalId);
    const tag = `C-${kase.case.number}`;

    const tagged = message({ thread: { caseTag: tag, references: [] } });
    const stranger = message({ from: { address: "eve@example.com" }, thread: { caseTag: tag, references: [] } });
    await run([await intakeFor(tagged), await intakeFor(stranger)]);
    expect((await caseOf(tagged.externalId)).caseId).toBe(kase.caseId);
    expect((await caseOf(stranger.externalId)).caseId).not.toBe(kase.caseId);

    await database.prisma.case.update({ where: { id: kase.caseId }, data: { status: "closed" } });
    const afterClose = message({ thread: { caseTag: tag, references: [] } });
    await run([await intakeFor(afterClose)]);
    const followUp = await caseOf(afterClose.externalId);
    expect(followUp.caseId).not.toBe(kase.caseId);
    expect(followUp.case.events[0]).toMatchObject({
      type: "created",
      reason: `follow-up to a closed case (case-tag ${tag} (subject); cases.replyToClosed)`,
      data: { followUpOf: kase.caseId },
    });
  });

  it("puts a pending or resolved case back to work when the customer writes, but not for an auto-reply", async () => {
    const original = message();
    await run([await intakeFor(original)]);
    const { caseId } = await caseOf(original.externalId);
    const replyTo = (overrides: Partial<CanonicalMessage> = {}) =>
      message({ thread: { inReplyTo: original.externalId, references: [] }, ...overrides });

    await database.prisma.case.update({ where: { id: caseId }, data: { status: "resolved", resolvedAt: new Date() } });
    const outOfOffice = replyTo({ flags: { ...noFlags, autoReply: true } });
    await run([await intakeFor(outOfOffice)]);
    expect(await caseOf(outOfOffice.externalId)).toMatchObject({ caseId, case: { status: "resolved" } });

    const answer = replyTo();
    const secondAnswer = replyTo();
    await run([await intakeFor(answer), await intakeFor(secondAnswer)]);
    const after = await caseOf(secondAnswer.externalId);
    expect(after).toMatchObject({ caseId, case: { status: "open", resolvedAt: null } });
    const statusEvents = after.case.events.filter((event) => event.type === "status_changed");
    expect(statusEvents).toHaveLength(1);
    expect(statusEvents[0]).toMatchObject({
      reason: "the customer wrote again on a resolved case",
      data: { from: "resolved", to: "open" },
    });

    await database.prisma.case.update({ where: { id: caseId }, data: { status: "pending" } });
    await run([await intakeFor(replyTo())]);
    expect((await database.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe("open");
  });

  it("reopens a recently closed case under replyToClosed: reopen, and opens one follow-up otherwise", async () => {
    const reopening: IngestSettings = { ...settings, cases: { ...settings.cases, replyToClosed: "reopen" } };
    const closeCase = async (caseId: string, daysAgo: number) =>
      database.prisma.case.update({
        where: { id: caseId },
        data: { status: "closed", closedAt: new Date(Date.UTC(2026, 10, 25, 10) - daysAgo * 86_400_000) },
      });
    const recent = message();
    const old = message();
    await run([await intakeFor(recent), await intakeFor(old)], reopening);
    const recentCase = (await caseOf(recent.externalId)).caseId;
    const oldCase = (await caseOf(old.externalId)).caseId;
    await closeCase(recentCase, 3);
    await closeCase(oldCase, 45);

    const replyTo = (parent: CanonicalMessage) => message({ thread: { inReplyTo: parent.externalId, references: [] } });
    const [toRecent, toOld, toOldAgain] = [replyTo(recent), replyTo(old), replyTo(old)];
    await run([await intakeFor(toRecent), await intakeFor(toOld), await intakeFor(toOldAgain)], reopening);
    expect(await caseOf(toRecent.externalId)).toMatchObject({ caseId: recentCase, case: { status: "open" } });
    const followUp = await caseOf(toOld.externalId);
    expect(followUp.caseId).not.toBe(oldCase);
    expect(followUp.case.followUpOfId).toBe(oldCase);
    expect((await caseOf(toOldAgain.externalId)).caseId).toBe(followUp.caseId);

    const muchLater = replyTo(old);
    await run([await intakeFor(muchLater)], reopening);
    const joined = await caseOf(muchLater.externalId);
    expect(joined.caseId).toBe(followUp.caseId);
    expect(joined.case.events.at(-1)?.reason).toBe(
      `thread: in-reply-to ${old.externalId}, follow-up of the closed case`,
    );
    expect(await database.prisma.case.count({ where: { followUpOfId: oldCase } })).toBe(1);
  });

  it("threads mail by sender and subject within the window only when subjectMatch is on", async () => {
    const bySubject: IngestSettings = {
      ...settings,
      cases: { ...settings.cases, subjectMatch: { enabled: true, windowHours: 72 } },
    };
    const mail = (overrides: Partial<CanonicalMessage>) =>
      message({ channel: "email", from: { address: "kim@example.com", name: "Kim" }, ...overrides });
    const first = mail({ subject: "Broken kettle, order 5521" });
    await run([await intakeFor(first)], bySubject);
    const { caseId } = await caseOf(first.externalId);

    const sameTopic = mail({ subject: "AW: Re: broken kettle,  ORDER 5521" });
    const inBatchNew = mail({ subject: "Invoice twice" });
    const inBatchReply = mail({ subject: "Re: Invoice twice" });
    const otherSender = mail({ from: { address: "lee@example.com" }, subject: "Re: Broken kettle, order 5521" });
    await run(
      [
        await intakeFor(sameTopic),
        await intakeFor(inBatchNew),
        await intakeFor(inBatchReply),
        await intakeFor(otherSender),
      ],
      bySubject,
    );
    const joined = await caseOf(sameTopic.externalId);
    expect(joined.caseId).toBe(caseId);
    expect(joined.case.events.at(-1)?.reason).toBe("thread: subject broken kettle, order 5521");
    expect((await caseOf(inBatchReply.externalId)).caseId).toBe((await caseOf(inBatchNew.externalId)).caseId);
    expect((await caseOf(otherSender.externalId)).caseId).not.toBe(caseId);

    const withoutRule = mail({ subject: "Re: Broken kettle, order 5521" });
    await run([await intakeFor(withoutRule)]);
    expect((await caseOf(withoutRule.externalId)).caseId).not.toBe(caseId);

    await database.prisma.case.update({ where: { id: caseId }, data: { updatedAt: new Date("2026-11-01T00:00:00Z") } });
    const tooLate = mail({ subject: "Re: Broken kettle, order 5521" });
    await run([await intakeFor(tooLate)], bySubject);
    expect((await caseOf(tooLate.externalId)).caseId).not.toBe(caseId);
  });

  it("marks a permanently bounced address undeliverable for the connector's period, on the case's trail", async () => {
    const policies = new Map([["webform", { undeliverableDays: 7 }]]);
    const original = message({ from: { address: "gone@example.com" } });
    await run([await intakeFor(original)]);
    const bounce = message({
      from: { address: "mailer-daemon@mx.example.net" },
      flags: { ...noFlags, bounce: true },
      bounce: { recipient: "Gone@Example.com", status: "5.1.1", permanent: true },
      thread: { inReplyTo: original.externalId, references: [] },
    });
    await run([await intakeFor(bounce)], { ...settings, policies });
    const identity = await database.prisma.identity.findUniqueOrThrow({
      where: { kind_value: { kind: "email", value: "gone@example.com" } },
    });
    const expectedUntil = new Date(Date.parse(bounce.receivedAt) + 7 * 86_400_000);
    expect(identity).toMatchObject({
      undeliverableUntil: expectedUntil,
      undeliverableReason: "permanent bounce 5.1.1",
    });
    const bounced = await caseOf(bounce.externalId);
    expect(bounced.caseId).toBe((await caseOf(original.externalId)).caseId);
    expect(bounced.case.events.at(-1)).toMatchObject({
      type: "address_undeliverable",
      data: { address: "gone@example.com", status: "5.1.1", until: expectedUntil.toISOString() },
    });

    const transient = message({
      from: { address: "mailer-daemon@mx.example.net" },
      flags: { ...noFlags, bounce: true },
      bounce: { recipient: "ana@example.com", status: "4.2.2", permanent: false },
      thread: { inReplyTo: original.externalId, references: [] },
    });
    await run([await intakeFor(transient)], { ...settings, policies });
    const ana = await database.prisma.identity.findUniqueOrThrow({
      where: { kind_value: { kind: "email", value: "ana@example.com" } },
    });
    expect(ana.undeliverableUntil).toBeNull();
  });

  it("queues the connector's acknowledgement on new cases only, with the case reference filled in", async () => {
    const policies = new Map([
      ["webform", { undeliverableDays: 7, acknowledgement: "Hello {name}, your case is {case} ({subject})." }],
    ]);
    const withAck = { ...settings, policies };
    const first = message({ from: { address: "jo@example.com", name: "Jo" }, subject: "Late parcel" });
    const reply = message({
      from: { address: "jo@example.com" },
      thread: { inReplyTo: first.externalId, references: [] },
    });
    const autoReply = message({ from: { address: "robot@example.com" }, flags: { ...noFlags, autoReply: true } });
    await run([await intakeFor(first), await intakeFor(reply), await intakeFor(autoReply)], withAck);
    const kase = await caseOf(first.externalId);
    const outbound = await database.prisma.message.findMany({ where: { caseId: kase.caseId, direction: "out" } });
    expect(outbound).toHaveLength(1);
    expect(outbound[0]).toMatchObject({
      automatic: true,
      text: `Hello Jo, your case is C-${kase.case.number} (Late parcel).`,
      idempotencyKey: `ack:${kase.caseId}`,
    });
    const queued = await database.prisma.outboxItem.findMany({
      where: { caseId: kase.caseId, destination: "reply:webhook" },
    });
    expect(queued.map((row) => row.payload)).toStrictEqual([
      { event: "reply", caseId: kase.caseId, messageId: outbound[0]?.id, automatic: true },
    ]);
    expect(
      await database.prisma.message.count({
        where: { direction: "out", case: { customer: { identities: { some: { value: "robot@example.com" } } } } },
      }),
    ).toBe(0);
  });

  it("keeps a chat conversation on its open case, and starts a new one after the case is resolved", async () => {
    const sms = (text: string) =>
      message({
        channel: "sms",
        from: { phone: "+447700900123" },
        subject: null,
        text,
        thread: { references: [], conversationId: "+447700900123>+441632960000" },
      });
    const [first, second, third] = [sms("My card was charged twice"), sms("Order 8812"), sms("Hello?")];
    await run([await intakeFor(first), await intakeFor(second)]);
    await run([await intakeFor(third)]);
    const { caseId } = await caseOf(first.externalId);
    expect((await caseOf(second.externalId)).caseId).toBe(caseId);
    const joined = await caseOf(third.externalId);
    expect(joined.caseId).toBe(caseId);
    expect(joined.case.events.at(-1)?.reason).toBe("thread: conversation +447700900123>+441632960000");

    await database.prisma.case.update({ where: { id: caseId }, data: { status: "resolved" } });
    const later = sms("Now my parcel is late");
    await run([await intakeFor(later)]);
    expect((await caseOf(later.externalId)).caseId).not.toBe(caseId);
  });

  it("applies delivery statuses in order, edits, deletions and reactions to the messages they name", async () => {
    const original = message({ channel: "whatsapp", from: { phone: "+15550001111" }, subject: null });
    await run([await intakeFor(original)]);
    const { caseId } = await caseOf(original.externalId);
    await database.prisma.message.create({
      data: {
        idempotencyKey: `out-test-${sequence}`,
        direction: "out",
        channel: "whatsapp",
        externalId: "wamid.OUT1",
        caseId,
        text: "We are on it",
        sentAt: new Date(),
      },
    });
    const update = (kind: CanonicalMessage["kind"], targetExternalId: string, extra: object = {}, text = "") =>
      message({
        channel: "whatsapp",
        from: { phone: "+15550001111" },
        kind,
        text,
        update: { targetExternalId, ...extra },
      });
    const delivered = update("status", "wamid.OUT1", { status: "delivered" });
    const lateSent = update("status", "wamid.OUT1", { status: "sent" });
    const edit = update("edit", original.externalId, {}, "corrected text");
    const reaction = update("reaction", "wamid.OUT1", { reaction: "👍" });
    const items = [
      await intakeFor(delivered),
      await intakeFor(lateSent),
      await intakeFor(edit),
      await intakeFor(reaction),
    ];
    await run(items);
    const outbound = await database.prisma.message.findFirstOrThrow({ where: { externalId: "wamid.OUT1" } });
    expect(outbound.deliveryStatus).toBe("delivered");
    const edited = await database.prisma.message.findFirstOrThrow({ where: { externalId: original.externalId } });
    expect({ text: edited.text, editedAt: edited.editedAt?.toISOString() }).toStrictEqual({
      text: "corrected text",
      editedAt: edit.receivedAt,
    });
    const statuses = await database.prisma.intakeItem.findMany({
      where: { id: { in: items.map((i) => i.intakeItemId) } },
    });
    expect(statuses.map((item) => item.status)).toStrictEqual(["processed", "processed", "processed", "processed"]);

    await run([
      await intakeFor(update("status", "wamid.OUT1", { status: "failed", error: "131047 Re-engagement message" })),
    ]);
    await run([await intakeFor(update("delete", original.externalId))]);
    const trail = await database.prisma.caseEvent.findMany({ where: { caseId }, orderBy: { id: "asc" } });
    expect(trail.slice(-4).map((event) => [event.type, event.reason])).toStrictEqual([
      ["message_edited", "the customer edited the message"],
      ["reaction", "reacted 👍"],
      ["delivery_failed", "whatsapp reported failed: 131047 Re-engagement message"],
      ["message_deleted", "the customer deleted the message"],
    ]);
    expect(
      await database.prisma.case.count({ where: { customer: { identities: { some: { value: "+15550001111" } } } } }),
    ).toBe(1);
  });

  it("retries an update whose message is not stored yet instead of dropping it", async () => {
    const early = message({
      channel: "sms",
      kind: "status",
      update: { targetExternalId: "SM-not-yet", status: "sent" },
    });
    await expect(run([await intakeFor(early)])).rejects.toThrow(
      "no stored message for status for sms message SM-not-yet (yet)",
    );
  });

  it("opts an identity out on STOP and in again on START, without opening a case", async () => {
    const keyword = (text: string, optOut: "stop" | "start") =>
      message({ channel: "sms", from: { phone: "+447700900999" }, subject: null, text, flags: { ...noFlags, optOut } });
    const stop = keyword("STOP", "stop");
    const stopItem = await intakeFor(stop);
    await run([stopItem]);
    const identity = () =>
      database.prisma.identity.findUniqueOrThrow({ where: { kind_value: { kind: "phone", value: "+447700900999" } } });
    expect((await identity()).optedOutAt?.toISOString()).toBe(stop.receivedAt);
    expect(await database.prisma.message.count({ where: { externalId: stop.externalId } })).toBe(0);
    expect((await database.prisma.intakeItem.findUniqueOrThrow({ where: { id: stopItem.intakeItemId } })).status).toBe(
      "processed",
    );
    await run([await intakeFor(keyword("START", "start"))]);
    expect((await identity()).optedOutAt).toBeNull();
  });

  it("stores a redelivered message once and marks non-message updates ignored", async () => {
    const original = message();
    await run([await intakeFor(original)]);
    const redelivery = await intakeFor(original);
    const statusOnly = await intakeFor(message({ kind: "status" }));
    await run([redelivery, statusOnly]);
    expect(await database.prisma.message.count({ where: { externalId: original.externalId } })).toBe(1);
    const items = await database.prisma.intakeItem.findMany({
      where: { id: { in: [redelivery.intakeItemId, statusOnly.intakeItemId] } },
    });
    expect(Object.fromEntries(items.map((item) => [item.id, item.status]))).toStrictEqual({
      [redelivery.intakeItemId]: "processed",
      [statusOnly.intakeItemId]: "ignored",
    });
  });
});

describe("processIntakeBatch", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: mkdtempSync(path.join(tmpdir(), "plaint-batch-")), migrate: true });
  });
  afterAll(async () => {
    await database.close();
  });

  it("gives each item of a batch its own outcome", async () => {
    const { config } = writeTestConfig();
    const deps = {
      database,
      connectors: bindConnectors(config),
      settings: ingestSettings(config, bindConnectors(config)),
      logger: createLogger("silent"),
    };
    const record = (connectorId: string, externalId: string, rawBody: string) =>
      recordIntake(database, { connectorId, channel: "webhook", externalId, rawBody, receivedAt: new Date() });
    const good = await record("webform", "good-1", complaint("good-1"));
    const noText = await record("webform", "bad-1", JSON.stringify({ id: "bad-1", email: "a@example.com" }));
    const unknown = await record("gone", "x-1", complaint("x-1"));

    const outcomes = await processIntakeBatch(deps, [good.id, noText.id, unknown.id]);
    expect(outcomes.map((outcome) => (outcome.ok ? "ok" : String(outcome.error)))).toStrictEqual([
      "ok",
      "BadInputError: missing",
      'BadInputError: connector "gone" is not in the configuration',
    ]);
    expect(await database.prisma.message.count({ where: { externalId: "good-1" } })).toBe(1);
    // Running it again is a no-op: the item is processed.
    expect(await processIntakeBatch(deps, [good.id])).toStrictEqual([{ ok: true }]);
    expect(await database.prisma.message.count({ where: { externalId: "good-1" } })).toBe(1);
  });
});
