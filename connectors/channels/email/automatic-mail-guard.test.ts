import { refusalReason, type GuardedRecipient, type SentAutomaticMail } from "./automatic-mail-guard";
import { defaultAutomaticMailCaps } from "./email.schema";

const now = new Date("2026-11-25T12:00:00.000Z");
const customer: GuardedRecipient = {
  address: "ana@example.com",
  undeliverableUntil: null,
  undeliverableReason: null,
};
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
const sent = (count: number, minutes: number, where: Partial<SentAutomaticMail> = {}): SentAutomaticMail[] =>
  Array.from({ length: count }, () => ({ sameCase: true, sameRecipient: true, sentAt: minutesAgo(minutes), ...where }));

describe("refusalReason", () => {
  it("lets an agent's reply and a first automatic mail through", () => {
    expect(refusalReason(customer, false, [], defaultAutomaticMailCaps, now)).toBeNull();
    expect(refusalReason(customer, true, [], defaultAutomaticMailCaps, now)).toBeNull();
  });

  it("holds every mail to an address that bounced permanently, until the period ends", () => {
    const bounced = { ...customer, undeliverableUntil: minutesAgo(-60), undeliverableReason: "permanent bounce 5.1.1" };
    expect(refusalReason(bounced, false, [], defaultAutomaticMailCaps, now)).toBe(
      "ana@example.com is undeliverable until 2026-11-25T13:00:00.000Z (permanent bounce 5.1.1)",
    );
    expect(refusalReason({ ...bounced, undeliverableUntil: minutesAgo(1) }, false, [], [], now)).toBeNull();
  });

  it("never writes automatically to noreply-style addresses, though an agent may", () => {
    const robot = { ...customer, address: "no-reply@shop.example" };
    expect(refusalReason(robot, true, [], defaultAutomaticMailCaps, now)).toBe(
      'automatic mail is never sent to "no-reply@shop.example"',
    );
    expect(refusalReason(robot, false, [], defaultAutomaticMailCaps, now)).toBeNull();
  });

  it("applies Zammad's caps per case", () => {
    expect(refusalReason(customer, true, sent(9, 5), defaultAutomaticMailCaps, now)).toBeNull();
    expect(refusalReason(customer, true, sent(10, 5), defaultAutomaticMailCaps, now)).toBe(
      "automatic mail cap reached: 10 to this case in 10 minutes (loopProtection.automaticMailCaps)",
    );
    // Ten mails a quarter of an hour ago are under the 10-minute cap and under 15 in 30 minutes.
    expect(refusalReason(customer, true, sent(10, 15), defaultAutomaticMailCaps, now)).toBeNull();
    expect(refusalReason(customer, true, [...sent(10, 15), ...sent(5, 25)], defaultAutomaticMailCaps, now)).toBe(
      "automatic mail cap reached: 15 to this case in 30 minutes (loopProtection.automaticMailCaps)",
    );
  });

  it("applies the caps per recipient across cases", () => {
    const otherCases = sent(25, 50, { sameCase: false });
    expect(refusalReason(customer, true, otherCases, defaultAutomaticMailCaps, now)).toBe(
      "automatic mail cap reached: 25 to ana@example.com in 60 minutes (loopProtection.automaticMailCaps)",
    );
    expect(refusalReason(customer, true, otherCases.slice(1), defaultAutomaticMailCaps, now)).toBeNull();
  });
});
