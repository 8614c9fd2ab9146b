/**
 * The classification corpora (../shared/corpora/classify, see its README) read as complaints with a gold intent
 * and a gold category, for building labelled "same complaint?" pairs. Reads files only; prints nothing.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export type CorpusSource = "banking77" | "bitext" | "cfpb";
/** Which half of each corpus: "tune" chooses the threshold, "report" gives the figures (never tuned on). */
export type CorpusSplit = "tune" | "report";

export interface CorpusComplaint {
  source: CorpusSource;
  text: string;
  /** What exactly the complaint is about; two texts of different intents are different complaints. */
  intent: string;
  /** The coarse category a classifier would give (the gold one here). */
  category: string;
}

/**
 * Banking77's 77 intents grouped into seven categories of the size a complaint taxonomy has (our grouping, by the
 * intent names), so that "same category, different intent" hard negatives exist: two card-payment complaints
 * about different things.
 */
const banking77Groups: Record<string, string> = {
  cards:
    "card_arrival card_linking card_delivery_estimate card_not_working lost_or_stolen_card pin_blocked " +
    "contactless_not_working getting_virtual_card card_acceptance get_physical_card visa_or_mastercard " +
    "disposable_card_limits compromised_card card_swallowed change_pin getting_spare_card " +
    "order_physical_card virtual_card_not_working get_disposable_virtual_card activate_my_card " +
    "card_about_to_expire apple_pay_or_google_pay supported_cards_and_currencies",
  "card-payments":
    "card_payment_wrong_exchange_rate extra_charge_on_statement card_payment_fee_charged " +
    "card_payment_not_recognised direct_debit_payment_not_recognised pending_card_payment " +
    "declined_card_payment transaction_charged_twice reverted_card_payment? request_refund " +
    "Refund_not_showing_up",
  cash:
    "pending_cash_withdrawal wrong_amount_of_cash_received atm_support declined_cash_withdrawal " +
    "wrong_exchange_rate_for_cash_withdrawal cash_withdrawal_not_recognised cash_withdrawal_charge",
  "top-up":
    "automatic_top_up top_up_by_bank_transfer_charge pending_top_up top_up_limits top_up_reverted " +
    "topping_up_by_card verify_top_up top_up_by_cash_or_cheque top_up_failed top_up_by_card_charge " +
    "balance_not_updated_after_cheque_or_cash_deposit",
  transfers:
    "cancel_transfer transfer_not_received_by_recipient declined_transfer pending_transfer " +
    "transfer_timing beneficiary_not_allowed transfer_fee_charged receiving_money failed_transfer " +
    "transfer_into_account balance_not_updated_after_bank_transfer",
  exchange: "exchange_rate fiat_currency_support exchange_via_app exchange_charge country_support",
  account:
    "age_limit edit_personal_details why_verify_identity unable_to_verify_identity passcode_forgotten " +
    "lost_or_stolen_phone terminate_account verify_source_of_funds verify_my_identity",
};

const banking77Category = new Map(
  Object.entries(banking77Groups).flatMap(([category, intents]) =>
    intents.split(" ").map((intent) => [intent, category]),
  ),
);

/** Rows of a CSV file with a header, quoted fields and doubled quotes (what these corpora use). */
export function parseCsv(content: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const text = content.replace(/^\ufeff/, "").replace(/\r\n?/g, "\n");
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] ?? "";
    if (quoted && char === '"' && text[index + 1] === '"') {
      field += '"';
      index += 1;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (quoted || (char !== "," && char !== "\n")) {
      field += char;
    } else {
      row.push(field);
      field = "";
      if (char === "\n") {
        rows.push(row);
        row = [];
      }
    }
  }
  row.push(field);
  rows.push(row);
  const [header, ...body] = rows.filter((cells) => cells.some((cell) => cell !== ""));
  if (header === undefined) return [];
  return body.map((cells) => Object.fromEntries(header.map((name, column) => [name, cells[column] ?? ""])));
}

function readBanking77(dir: string, split: CorpusSplit): CorpusComplaint[] {
  const file = path.join(dir, "banking77", split === "tune" ? "train.csv" : "test.csv");
  if (!existsSync(file)) return [];
  return parseCsv(readFileSync(file, "utf8")).map((row) => {
    const intent = row["category"] ?? "";
    return { source: "banking77", text: row["text"] ?? "", intent, category: banking77Category.get(intent) ?? "other" };
  });
}

/** Bitext has one file: alternate rows go to the two splits, so both hold every intent. */
function readBitext(dir: string, split: CorpusSplit): CorpusComplaint[] {
  const file = path.join(dir, "bitext", "utterances.csv");
  if (!existsSync(file)) return [];
  return parseCsv(readFileSync(file, "utf8"))
    .filter((_row, index) => index % 2 === (split === "tune" ? 0 : 1))
    .map((row) => ({
      source: "bitext",
      text: row["utterance"] ?? "",
      intent: row["intent"] ?? "",
      category: (row["category"] ?? "").toLowerCase(),
    }));
}

/** CFPB narratives: each one is its own complaint (its intent is its position); the product is the category. */
function readCfpb(dir: string, split: CorpusSplit): CorpusComplaint[] {
  const file = path.join(dir, "cfpb-ibm", split === "tune" ? "cfpb_train.json" : "cfpb_test.json");
  if (!existsSync(file)) return [];
  const records = JSON.parse(readFileSync(file, "utf8")) as { input: string; output: string }[];
  return records.map((record, index) => {
    const narrative = /Comment:\s*([\s\S]*?)\s*Product:\s*$/.exec(record.input)?.[1] ?? record.input;
    return { source: "cfpb", text: narrative.trim(), intent: `cfpb-${split}-${index}`, category: record.output };
  });
}

/** Every complaint of one split, in file order, without empty texts. */
export function readComplaints(corporaDir: string, split: CorpusSplit): CorpusComplaint[] {
  const dir = path.join(corporaDir, "classify");
  return [...readBanking77(dir, split), ...readBitext(dir, split), ...readCfpb(dir, split)].filter(
    (complaint) => complaint.text.trim() !== "",
  );
}
