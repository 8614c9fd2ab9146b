import { z } from "zod";

/** How incoming mail is read and recognised. */
export const emailParsingSchema = z.strictObject({
  /** Our own addresses: mail from them is dropped (a loop). */
  ownAddresses: z.array(z.string().min(3)).default(() => []),
  /** Domain of our own Message-IDs: mail carrying one as its own Message-ID is ours coming back. */
  messageIdDomain: z.string().min(1).optional(),
  /** Regular expression finding the case tag in a subject; its first group is the case reference. */
  caseTagPattern: z.string().default("\\[#(C-\\d+)\\]"),
  /** Attachments larger than this keep their metadata only. */
  maxAttachmentBytes: z.number().int().min(0).default(10_485_760),
  /**
   * Mails larger than this are failed in the intake log instead of parsed. Parsing time and memory grow with the
   * size of the mail (for a plain text body about 90 ms of CPU per MB, and ten times its size in memory), so this
   * is also the bound on both. See the README's "Limits".
   */
  maxMessageBytes: z.number().int().min(1024).default(26_214_400),
  /**
   * The largest header block of one MIME part, in bytes; every header line counts at least 64. A larger one fails
   * the mail (mailparser's `maxHeadSize`).
   * @see https://nodemailer.com/extras/mailparser/
   */
  maxHeaderBytes: z.number().int().min(1024).default(1_048_576),
  /** The most MIME parts (attachments, alternatives, nested messages) a mail may have; more fail the mail. */
  maxMimeParts: z.number().int().min(1).default(1000),
  /**
   * HTML bodies (of mails without a plain text part) are cut to this many characters before conversion to text,
   * and the text says so: HTML to text costs about 1 s of CPU per million characters of dense markup.
   */
  maxHtmlChars: z.number().int().min(1024).max(16_777_216).default(1_048_576),
  /**
   * HTML nested deeper than this is not laid out but stripped of its tags, and the text says so: the HTML parser
   * is quadratic in the nesting depth (300,000 nested `<b>` took 30 s) and the converter recursive.
   */
  maxHtmlDepth: z.number().int().min(16).max(1000).default(512),
  /** The text body is cut to this many characters, and the text says so. */
  maxTextChars: z.number().int().min(1024).default(1_048_576),
});

export type EmailParsingConfig = z.infer<typeof emailParsingSchema>;
