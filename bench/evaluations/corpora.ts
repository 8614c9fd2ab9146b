import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The development corpora (../shared/corpora, see its README) beside the repository, or null when they are not
 * there: $PLAINT_CORPORA when set, else the folder next to the checkout. `part` is the sub-folder the caller needs
 * ("email", "classify"); a corpora folder without it counts as absent.
 */
export function findCorpora(part: string, explicit = process.env["PLAINT_CORPORA"]): string | null {
  if (explicit !== undefined) return existsSync(path.join(explicit, part)) ? explicit : null;
  // From the TypeScript source (jest) and from dist/ (the compiled scripts).
  const candidates = [
    path.resolve(__dirname, "../../shared/corpora"),
    path.resolve(__dirname, "../../../shared/corpora"),
  ];
  return candidates.find((candidate) => existsSync(path.join(candidate, part))) ?? null;
}
