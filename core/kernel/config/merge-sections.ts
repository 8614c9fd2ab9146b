import { isMap, isNode } from "yaml";
import { fileProblem, type ParsedFile } from "./config-files";
import { keyText, positionOf } from "./locate";
import { formatPath, type ConfigProblem } from "./problems";

/** The files' top-level sections combined into one input for the schema. */
export interface MergedSections {
  /** The plain-object config, one key per section. */
  data: Record<string, unknown>;
  /** Which file each section came from, so problems inside it point into that file. */
  sections: Map<string, ParsedFile>;
  /** Sections defined twice, and files whose aliases could not be expanded. */
  problems: ConfigProblem[];
}

/**
 * Combines the top-level sections of all files. A section belongs to exactly one file: merging two halves of a
 * list from different files would make the result depend on file names, so the second definition is an error.
 */
export function mergeSections(files: readonly ParsedFile[]): MergedSections {
  const merged: MergedSections = { data: {}, sections: new Map(), problems: [] };
  for (const parsed of files) addSections(merged, parsed);
  return merged;
}

function addSections(merged: MergedSections, parsed: ParsedFile): void {
  const contents = parsed.doc.contents;
  if (!isMap(contents)) return; // an empty file contributes nothing; non-mappings were reported when reading
  const values = toPlainObject(merged, parsed);
  if (values === undefined) return;
  for (const pair of contents.items) {
    const key = keyText(pair.key);
    const owner = merged.sections.get(key);
    if (owner !== undefined) {
      merged.problems.push(duplicateSection(parsed, pair.key, key, owner.file));
      continue;
    }
    merged.sections.set(key, parsed);
    merged.data[key] = values[key];
  }
}

function toPlainObject(merged: MergedSections, parsed: ParsedFile): Record<string, unknown> | undefined {
  try {
    // toJS expands aliases; its alias budget is what stops a "billion laughs" file from exhausting memory.
    return parsed.doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    merged.problems.push(fileProblem(parsed.file, reason, "use fewer aliases (*name), or write the values out"));
    return undefined;
  }
}

function duplicateSection(parsed: ParsedFile, keyNode: unknown, key: string, firstFile: string): ConfigProblem {
  const where = isNode(keyNode) ? positionOf(parsed, keyNode) : { file: parsed.file, line: 0, column: 0 };
  return {
    ...where,
    path: formatPath([key]),
    message: `section "${key}" is already defined in ${firstFile}`,
    hint: `keep each section in one file: move these entries into ${firstFile}, or remove them here`,
  };
}
