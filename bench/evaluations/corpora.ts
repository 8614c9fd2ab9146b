import { existsSync } from "node:fs";
import path from "node:path";
import { findPackageRoot } from "../../core/kernel/db/migrate";

/**
 * The development corpora (../shared/corpora, see its README) beside the repository, or null when they are not
 * there: $PLAINT_CORPORA when set, else the folder next to the checkout. `part` is the sub-folder the caller needs
 * ("email", "classify"); a corpora folder without it counts as absent.
 */
export function findCorpora(part: string, explicit = process.env["PLAINT_CORPORA"]): string | null {
  if (explicit !== undefined) return existsSync(path.join(explicit, part)) ? explicit : null;
  const beside = path.resolve(findPackageRoot(__dirname), "../shared/corpora");
  return existsSync(path.join(beside, part)) ? beside : null;
}
