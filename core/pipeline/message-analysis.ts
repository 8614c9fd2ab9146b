import type { CanonicalMessage } from "../../normalizers/canonical-message";
import type { PlaintConfig } from "../config/config.schema";
import type { Classification } from "../../normalizers/analysis/classify/index";
import { readSignals, type Signals } from "../../normalizers/analysis/signals/index";
import { createRedactor, type Redactor, type RedactionFinding } from "../../normalizers/analysis/redaction/redactor";
import { repeatFingerprint } from "../../normalizers/analysis/similarity/fingerprint";
import { textProfile, type TextProfile } from "../../normalizers/analysis/similarity/similarity";
import { type ClassifierHolder, createClassifierHolder } from "../classification/classifier-holder";

/** What the classifier and the text signals say about one message, as stored on it. */
export type MessageClassification = Omit<Classification, "alternatives"> &
  Signals & { alternatives: Classification["alternatives"] };

/** One inbound message after redaction, with everything the case decisions need to know about its text. */
export interface AnalyzedMessage {
  /** The message with personal data masked: what is stored and what every later step sees. */
  message: CanonicalMessage;
  /** Null when classification is off in the config. */
  classification: MessageClassification | null;
  /** Exact-repeat fingerprint of the text; null for texts too short to mean anything ("ok", "STOP"). */
  fingerprint: string | null;
  /** For similarity with a case's earlier messages. */
  profile: TextProfile;
  redactions: RedactionFinding[];
  /** The unmasked subject and texts, only when `redaction.keepOriginal` says to keep them and something was masked. */
  original: { subject: string | null; text: string; fullText: string } | null;
}

/** Redaction, classification, signals and fingerprints for messages about to be put on cases. */
export class MessageAnalyzer {
  private readonly redactor: Redactor;
  private readonly keepOriginal: boolean;
  private readonly classify: boolean;

  constructor(
    config: Pick<PlaintConfig, "redaction" | "classification" | "taxonomy">,
    readonly classifiers: ClassifierHolder = createClassifierHolder(config),
  ) {
    this.redactor = createRedactor(config.redaction);
    this.keepOriginal = config.redaction.keepOriginal;
    this.classify = config.classification.enabled;
  }

  /** Whether the unmasked original is kept (`redaction.keepOriginal`). */
  get keepsOriginal(): boolean {
    return this.keepOriginal;
  }

  /** Masks personal data in a free text (an agent's reply, a payload that leaves the hub). */
  redactText(text: string): { text: string; findings: RedactionFinding[] } {
    return this.redactor.redact(text);
  }

  analyze(raw: CanonicalMessage): AnalyzedMessage {
    const subject = raw.subject === null ? null : this.redactor.redact(raw.subject);
    const text = this.redactor.redact(raw.text);
    const fullText = raw.fullText === raw.text ? text : this.redactor.redact(raw.fullText);
    // The text is part of the full text: counting both would count one card twice.
    const bodyFindings = raw.fullText ? fullText.findings : text.findings;
    const redactions = mergeFindings([...(subject?.findings ?? []), ...bodyFindings]);
    const message: CanonicalMessage = {
      ...raw,
      subject: subject?.text ?? null,
      text: text.text,
      fullText: fullText.text,
    };
    // Chat and form messages often carry their whole complaint in the subject-less text; mail's subject says a lot.
    const about = [message.subject, message.text].filter(Boolean).join("\n");
    return {
      message,
      classification: this.classify ? this.classifyText(about, message.channel) : null,
      fingerprint: repeatFingerprint(message.text),
      profile: textProfile(message.text),
      redactions,
      original:
        this.keepOriginal && redactions.length > 0
          ? { subject: raw.subject, text: raw.text, fullText: raw.fullText }
          : null,
    };
  }

  private classifyText(text: string, channel: string): MessageClassification {
    const classification = this.classifiers.current.classify(text);
    return { ...classification, ...readSignals(text, channel) };
  }
}

function mergeFindings(findings: RedactionFinding[]): RedactionFinding[] {
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(finding.kind, (counts.get(finding.kind) ?? 0) + finding.count);
  return [...counts].map(([kind, count]) => ({ kind, count }));
}
