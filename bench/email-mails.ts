/**
 * The email bench's mails, generated (no corpus files): customers writing complaints in plain text, in text + HTML,
 * HTML only, a few with an attachment, and about a fifth of them replies to an earlier mail of the same customer
 * (In-Reply-To and References), quoting it the way mail clients do. Deterministic for a given seed.
 */

import { seededRandom } from "../core/kernel/random";

/** How the body of a generated mail is built. */
export type MailShape = "plain" | "alternative" | "html-only" | "attachment";

export interface BenchMail {
  index: number;
  /** Without angle brackets. */
  messageId: string;
  raw: Buffer;
  shape: MailShape;
  /** The mail this one answers, and the first mail of its thread (whose case it must land on). */
  parent: number | null;
  root: number;
  /** Index of the sender among the generated customers. */
  sender: number;
}

export interface MailSetSummary {
  mails: number;
  senders: number;
  replies: number;
  shapes: Record<MailShape, number>;
  totalBytes: number;
  averageBytes: number;
  largestBytes: number;
}

const FIRST = ["Anna", "Ben", "Chloé", "David", "Emma", "Farid", "Greta", "Hiro", "Inès", "Jonas", "Karin", "Liam"];
const MORE_FIRST = [
  "Maya",
  "Noah",
  "Olga",
  "Pablo",
  "Quentin",
  "Rosa",
  "Søren",
  "Tariq",
  "Uma",
  "Viktor",
  "Wen",
  "Zoë",
];
const LAST = ["Müller", "Smith", "García", "Nguyen", "Kowalski", "Rossi", "O'Brien", "Dubois", "Jensen", "Yilmaz"];
const MORE_LAST = ["Okafor", "Lindqvist", "Fernández", "Novak", "Tanaka", "Schmidt", "Brown", "Silva", "Haddad"];
const DOMAINS = [
  "gmail.com",
  "outlook.com",
  "yahoo.co.uk",
  "web.de",
  "gmx.net",
  "icloud.com",
  "proton.me",
  "orange.fr",
];
const TOPICS = [
  "Order {n} arrived damaged",
  "Refund for order {n} still missing",
  "Wrong size delivered",
  "Charged twice on my card",
  "Parcel never arrived",
  "Bestellung {n}: Ware beschädigt",
  "Complaint about your courier",
  "Warranty claim for my coffee machine",
  "Subscription cancelled but still billed",
  "Missing parts in package {n}",
  "Problème de livraison, commande {n}",
  "Invoice {n} is wrong",
];
const SENTENCES = [
  "I ordered this three weeks ago and it still has not arrived.",
  "The box was crushed and the glass inside is broken.",
  "Your tracking page has said 'in transit' for ten days now.",
  "I was charged twice for the same order, please check my statement.",
  "I returned the item on the 3rd and have not received my refund.",
  "The colour is completely different from the photos on your website.",
  "Customer service on the phone told me to write an email instead.",
  "Die Lieferung kam zwei Wochen zu spät und war unvollständig.",
  "I have attached a photo of the damage.",
  "This is the second time this has happened with your shop.",
  "Please either send a replacement or refund the full amount.",
  "The courier left the parcel in the rain outside my door.",
  "I would like to know what you are going to do about this.",
  "My order number is in the subject line.",
  "Merci de me tenir informé rapidement, c'est urgent.",
];
const FOLLOW_UPS = [
  "Any news on this? I have not heard back.",
  "Thanks for your answer, but the problem is not solved.",
  "Here is the additional information you asked for.",
  "It is now a week later and still nothing.",
  "I am still waiting for the replacement.",
];
const ATTACHMENTS = [
  { type: "application/pdf", name: "invoice.pdf", magic: "%PDF-1.4\n" },
  { type: "image/jpeg", name: "damage.jpg", magic: "\xff\xd8\xff\xe0" },
  { type: "image/png", name: "screenshot.png", magic: "\x89PNG\r\n\x1a\n" },
];

/**
 * `count` mails whose Message-IDs carry `token` (unique per folder). Replies (about 20 %) answer a mail at least
 * `min(300, count / 5)` places earlier, from the same sender, so the parent has been stored before the reply is
 * processed whatever the workers' concurrency.
 */
export function generateMails(count: number, token: string, seed = 20_260_101): BenchMail[] {
  const next = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const senders = Array.from({ length: Math.max(10, Math.round(count * 0.35)) }, (_, n) => {
    const first = pick(next() < 0.5 ? FIRST : MORE_FIRST);
    const last = pick(next() < 0.5 ? LAST : MORE_LAST);
    const local = `${first}.${last}`.normalize("NFD").replace(/[^A-Za-z.]/g, "");
    return { name: `${first} ${last}`, address: `${local.toLowerCase()}${n}@${pick(DOMAINS)}` };
  });
  const gap = Math.min(300, Math.floor(count / 5));
  const replyChance = count > gap ? (0.2 * count) / (count - gap) : 0;
  const start = Date.UTC(2026, 10, 1) - count * 30_000;
  const mails: (BenchMail & { subject: string; text: string; references: string[] })[] = [];
  for (let index = 0; index < count; index++) {
    const latest = index - gap;
    const parent = latest >= 0 && next() < replyChance ? Math.max(0, latest - Math.floor(next() * 600)) : null;
    const parentMail = parent === null ? undefined : mails[parent];
    const sender = parentMail ? parentMail.sender : Math.floor(next() * senders.length);
    const subject = parentMail
      ? `Re: ${parentMail.subject.replace(/^Re: /, "")}`
      : pick(TOPICS).replace("{n}", String(100_000 + Math.floor(next() * 900_000)));
    const sentences = Array.from({ length: 2 + Math.floor(next() * 5) }, () => pick(SENTENCES));
    const text = parentMail
      ? `${pick(FOLLOW_UPS)}\n\n${sentences.slice(0, 2).join(" ")}`
      : `Hello,\n\n${sentences.join(" ")}\n\nBest regards`;
    const roll = next();
    const shape: MailShape =
      roll < 0.03 ? "attachment" : roll < 0.18 ? "html-only" : roll < 0.45 ? "alternative" : "plain";
    const messageId = `${token}.${index}.${Math.floor(next() * 1e9).toString(36)}@${senders[sender]?.address.split("@")[1] ?? "example.com"}`;
    const references = parentMail ? [...parentMail.references, parentMail.messageId] : [];
    const quoted = parentMail
      ? `\n\nOn ${new Date(start + parentMail.index * 30_000).toUTCString()}, ${senders[sender]?.name ?? ""} wrote:\n${parentMail.text
          .split("\n")
          .map((line) => `> ${line}`)
          .join("\n")}`
      : "";
    const from = senders[sender] ?? { name: "?", address: "nobody@example.com" };
    const raw = buildMail({
      from,
      subject,
      messageId,
      references,
      date: new Date(start + index * 30_000 + Math.floor(next() * 20_000)),
      body: `${text}\n\n${from.name}${quoted}`,
      shape,
      next,
    });
    mails.push({
      index,
      messageId,
      raw,
      shape,
      parent,
      root: parentMail ? parentMail.root : index,
      sender,
      subject,
      text,
      references,
    });
  }
  return mails.map(({ index, messageId, raw, shape, parent, root, sender }) => ({
    index,
    messageId,
    raw,
    shape,
    parent,
    root,
    sender,
  }));
}

export function summarizeMails(mails: readonly BenchMail[]): MailSetSummary {
  const shapes: Record<MailShape, number> = { plain: 0, alternative: 0, "html-only": 0, attachment: 0 };
  for (const mail of mails) shapes[mail.shape]++;
  const sizes = mails.map((mail) => mail.raw.length);
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
  const senders = new Set(mails.map((mail) => mail.sender));
  return {
    mails: mails.length,
    senders: senders.size,
    replies: mails.filter((mail) => mail.parent !== null).length,
    shapes,
    totalBytes,
    averageBytes: Math.round(totalBytes / Math.max(1, mails.length)),
    largestBytes: Math.max(0, ...sizes),
  };
}

interface MailParts {
  from: { name: string; address: string };
  subject: string;
  messageId: string;
  references: string[];
  date: Date;
  body: string;
  shape: MailShape;
  next: () => number;
}

function buildMail(parts: MailParts): Buffer {
  const { from, subject, messageId, references, date, body, shape, next } = parts;
  const host = messageId.split("@")[1] ?? "example.com";
  const headers = [
    `Return-Path: <${from.address}>`,
    `Received: from mail.${host} (mail.${host} [203.0.113.${Math.floor(next() * 250) + 1}])\r\n\tby mx.plaint-bench.test with ESMTPS id ${Math.floor(next() * 1e12).toString(36)}\r\n\tfor <support@plaint-bench.test>; ${date.toUTCString()}`,
    `From: ${encodeWord(from.name)} <${from.address}>`,
    `To: Support <support@plaint-bench.test>`,
    `Subject: ${encodeWord(subject)}`,
    `Date: ${date.toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: <${messageId}>`,
    ...(references.length > 0
      ? [
          `In-Reply-To: <${references[references.length - 1] ?? ""}>`,
          `References: ${references.map((id) => `<${id}>`).join("\r\n ")}`,
        ]
      : []),
    `MIME-Version: 1.0`,
    `X-Mailer: ${next() < 0.5 ? "Apple Mail (2.3826)" : "Mozilla Thunderbird 128.4"}`,
  ];
  const html = `<html><body><div dir="ltr">${escapeHtml(body)
    .split("\n")
    .map((line) => (line.startsWith("&gt; ") ? `<blockquote>${line.slice(5)}</blockquote>` : `<p>${line}</p>`))
    .join("")}</div></body></html>`;
  const textPart = [
    `Content-Type: text/plain; charset=utf-8`,
    `Content-Transfer-Encoding: quoted-printable`,
    ``,
    qp(body),
  ];
  const htmlPart = [
    `Content-Type: text/html; charset=utf-8`,
    `Content-Transfer-Encoding: quoted-printable`,
    ``,
    qp(html),
  ];
  const boundary = `----=_Part_${Math.floor(next() * 1e12).toString(36)}`;
  const multipart = (type: string, partList: string[][]) => [
    `Content-Type: multipart/${type}; boundary="${boundary}"`,
    ``,
    `This is a multi-part message in MIME format.`,
    ...partList.flatMap((part) => [`--${boundary}`, ...part]),
    `--${boundary}--`,
  ];
  let content: string[];
  switch (shape) {
    case "plain":
      content = textPart;
      break;
    case "html-only":
      content = htmlPart;
      break;
    case "alternative":
      content = multipart("alternative", [textPart, htmlPart]);
      break;
    case "attachment": {
      const kind = ATTACHMENTS[Math.floor(next() * ATTACHMENTS.length)] ?? ATTACHMENTS[0];
      const bytes = Buffer.alloc(2_000 + Math.floor(next() * 60_000));
      for (let n = 0; n < bytes.length; n++) bytes[n] = Math.floor(next() * 256);
      if (kind) bytes.write(kind.magic, "latin1");
      content = multipart("mixed", [
        textPart,
        [
          `Content-Type: ${kind?.type ?? "application/octet-stream"}; name="${kind?.name ?? "file"}"`,
          `Content-Disposition: attachment; filename="${kind?.name ?? "file"}"`,
          `Content-Transfer-Encoding: base64`,
          ``,
          (bytes.toString("base64").match(/.{1,76}/g) ?? []).join("\r\n"),
        ],
      ]);
      break;
    }
  }
  return Buffer.from(`${[...headers, ...content].join("\r\n")}\r\n`, "utf8");
}

/** RFC 2047 encoded word for header text that is not plain ASCII. */
function encodeWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;
}

/** Quoted-printable (RFC 2045 §6.7) with CRLF line ends and soft breaks before 76 characters. */
function qp(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      let encoded = "";
      for (const byte of Buffer.from(line, "utf8")) {
        encoded +=
          byte === 0x3d || byte > 0x7e || (byte < 0x20 && byte !== 0x09)
            ? `=${byte.toString(16).toUpperCase().padStart(2, "0")}`
            : String.fromCharCode(byte);
      }
      if (/[ \t]$/.test(encoded)) encoded = `${encoded.slice(0, -1)}=${encoded.endsWith(" ") ? "20" : "09"}`;
      const pieces: string[] = [];
      while (encoded.length > 75) {
        let cut = 75;
        // Never split an =XX escape.
        const escape = encoded.lastIndexOf("=", cut);
        if (escape > cut - 3) cut = escape;
        pieces.push(`${encoded.slice(0, cut)}=`);
        encoded = encoded.slice(cut);
      }
      return [...pieces, encoded].join("\r\n");
    })
    .join("\r\n");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
