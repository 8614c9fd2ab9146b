import { isAlias, isMap, isNode, isScalar, isSeq, type Node, type Pair } from "yaml";
import type { ParsedFile } from "./config-files";
import type { ConfigProblem } from "./problems";

/** Where a problem is: file, 1-based line and column (0 and 0 when it has no place in a file). */
export type Position = Pick<ConfigProblem, "file" | "line" | "column">;

/** A mapping key as zod sees it once the document is turned into plain objects. */
export function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** The position of a node's first character in its file. */
export function positionOf(parsed: ParsedFile, node: Node): Position {
  const offset = node.range?.[0];
  if (offset === undefined) return { file: parsed.file, line: 0, column: 0 };
  const { line, col } = parsed.lineCounter.linePos(offset);
  return { file: parsed.file, line, column: col };
}

/**
 * Finds where a path of the merged config was written. The first segment names a top-level section, which
 * picks the file; the rest is walked through that file's nodes. A path that ends in a missing key points at the
 * mapping that should hold it.
 */
export class ProblemLocator {
  constructor(
    private readonly sections: ReadonlyMap<string, ParsedFile>,
    /** Where problems with no section go: the single file, or the folder itself. */
    private readonly root: ParsedFile | string,
  ) {}

  /**
   * @param atKey point at the last segment's key instead of its value (for unknown or duplicate keys).
   */
  locate(path: readonly PropertyKey[], atKey = false): Position {
    const section = path.length > 0 ? this.sections.get(String(path[0])) : undefined;
    if (section !== undefined) return startOf(section, nodeAt(section, path, atKey));
    if (typeof this.root === "string") return { file: this.root, line: 0, column: 0 };
    return startOf(this.root, this.root.doc.contents);
  }
}

/** Where a node starts; an empty document starts at its first character. */
function startOf(parsed: ParsedFile, node: Node | null): Position {
  return node === null ? { file: parsed.file, line: 1, column: 1 } : positionOf(parsed, node);
}

function nodeAt(parsed: ParsedFile, path: readonly PropertyKey[], atKey: boolean): Node | null {
  let node: Node | null = parsed.doc.contents;
  for (const [index, segment] of path.entries()) {
    const current = resolveAlias(parsed, node);
    const last = index === path.length - 1;
    if (isMap(current)) {
      const pair = current.items.find((item) => keyText(item.key) === String(segment));
      if (pair === undefined) return current;
      if (last && atKey) return keyNode(pair) ?? current;
      node = valueNode(pair) ?? keyNode(pair) ?? current;
    } else if (isSeq(current) && typeof segment === "number") {
      const item: unknown = current.items[segment];
      if (!isNode(item)) return current;
      node = item;
    } else {
      return current;
    }
  }
  return node;
}

function resolveAlias(parsed: ParsedFile, node: Node | null): Node | null {
  return isAlias(node) ? (node.resolve(parsed.doc) ?? node) : node;
}

function keyNode(pair: Pair<unknown, unknown>): Node | undefined {
  return isNode(pair.key) ? pair.key : undefined;
}

/** The value, unless it is the empty null of `key:` with nothing after it, which is better shown at its key. */
function valueNode(pair: Pair<unknown, unknown>): Node | undefined {
  const value = pair.value;
  if (!isNode(value)) return undefined;
  if (isScalar(value) && value.value === null && value.range?.[0] === value.range?.[1]) return undefined;
  return value;
}
