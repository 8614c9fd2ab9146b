import { stripQuotedText } from "./quote-stripping";

describe("stripQuotedText", () => {
  const cases: [string, string, string][] = [
    [
      "English header and > quote",
      "Still broken.\n\nOn Mon, 2 Mar 2026 at 10:00, Support <s@x.example> wrote:\n> old",
      "Still broken.",
    ],
    [
      "header wrapped over lines",
      "Still broken.\n\nOn Mon, Mar 2, 2026 at 10:00 AM, Plaint Support\n<support@plaint.example>\nwrote:\n\n> old",
      "Still broken.",
    ],
    [
      "German Am … schrieb",
      "Noch kaputt.\n\nAm 02.03.2026 um 10:00 schrieb Support <s@x.example>:\n> alt",
      "Noch kaputt.",
    ],
    [
      "French Le … a écrit",
      "Toujours cassé.\n\nLe lun. 2 mars 2026 à 10:00, Support <s@x.example> a écrit :\n> ancien",
      "Toujours cassé.",
    ],
    [
      "Spanish El … escribió",
      "Sigue roto.\n\nEl lun, 2 mar 2026 a las 10:00, Support (<s@x.example>) escribió:\n> viejo",
      "Sigue roto.",
    ],
    [
      "Dutch Op … schreef",
      "Nog steeds kapot.\n\nOp ma 2 mrt 2026 om 10:00 schreef Support <s@x.example>:\n> oud",
      "Nog steeds kapot.",
    ],
    [
      "Italian Il … ha scritto",
      "Ancora rotto.\n\nIl giorno lun 2 mar 2026 alle 10:00 Support <s@x.example> ha scritto:\n> vecchio",
      "Ancora rotto.",
    ],
    [
      "unprefixed history after a header",
      "Thanks.\n\nOn 2 Mar 2026, Support wrote:\n\nThe original text, not prefixed.",
      "Thanks.",
    ],
    [
      "-----Original Message-----",
      "Please call me.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\n\nold",
      "Please call me.",
    ],
    [
      "German Ursprüngliche Nachricht",
      "Bitte anrufen.\n\n-----Ursprüngliche Nachricht-----\nVon: Support\n\nalt",
      "Bitte anrufen.",
    ],
    [
      "Outlook header block",
      "See below.\n\nFrom: Plaint Support <support@plaint.example>\nSent: Monday, March 2, 2026 10:00 AM\nTo: me@example.com\nSubject: Re: order\n\nold",
      "See below.",
    ],
    [
      "German Outlook block after an underscore line",
      "Siehe unten.\n________________________________\nVon: Support <s@x.example>\nGesendet: Montag, 2. März 2026 10:00\nAn: ich@example.de\nBetreff: Bestellung\n\nalt",
      "Siehe unten.",
    ],
    [
      "bold Outlook block from HTML",
      "Reply.\n\n*From:* Support [mailto:s@x.example]\n*Sent:* Monday\n*To:* me\n*Subject:* x\n\nold",
      "Reply.",
    ],
    ["-- signature", "It is broken.\n\n-- \nJane Doe\nACME Ltd", "It is broken."],
    ["Sent from my iPhone", "It is broken.\n\nSent from my iPhone", "It is broken."],
    ["Sent from my BlackBerry", "It is broken.\nSent from my BlackBerry® wireless device", "It is broken."],
    ["German iPhone signature", "Kaputt.\n\nVon meinem iPhone gesendet", "Kaputt."],
    ["French iPhone signature", "Cassé.\n\nEnvoyé de mon iPhone", "Cassé."],
    ["Spanish iPhone signature", "Roto.\n\nEnviado desde mi iPhone", "Roto."],
    ["Dutch iPhone signature", "Kapot.\n\nVerzonden vanaf mijn iPhone", "Kapot."],
    [
      "inline answers between quotes are kept",
      "On Mon, Mar 2, 2026 at 10:00 AM Support <s@x.example> wrote:\n> Which order?\n\nOrder 123.\n\n> When?\n\nYesterday.",
      "Order 123.\n\nYesterday.",
    ],
    [
      "a sentence starting with On is not a header",
      "On my invoice you charged twice.\nPlease fix.",
      "On my invoice you charged twice.\nPlease fix.",
    ],
    [
      "a sentence ending in wrote: is kept",
      "In 2 letters your agent wrote:\nwe will refund you.",
      "In 2 letters your agent wrote:\nwe will refund you.",
    ],
    ["NAME <EMAIL> schrieb: header", "Danke.\n\nPlaint Support <support@plaint.example> schrieb:\n\nalt", "Danke."],
    ["sent from in a sentence is kept", "Sent from my office, this is urgent.", "Sent from my office, this is urgent."],
    ["CRLF line endings", "Broken.\r\n\r\nOn Mon, Mar 2, 2026 Support <s@x.example> wrote:\r\n> old\r\n", "Broken."],
  ];

  it.each(cases)("%s", (_name, input, expected) => {
    expect(stripQuotedText(input)).toBe(expected);
  });

  it("stays fast on a huge quote", () => {
    const input = `New text\n\n${"> quoted line that goes on and on\n".repeat(50_000)}${">".repeat(500_000)}`;
    const started = Date.now();
    expect(stripQuotedText(input)).toBe("New text");
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
