import fs from "node:fs";
import path from "node:path";
import { LineCounter, isMap, parseDocument, type Document, type ErrorCode, type YAMLError } from "yaml";
import type { ConfigProblem } from "./problems";

/** One YAML file, parsed with positions kept so problems can point back into it. */
export interface ParsedFile {
  /** The path as shown to the admin: as given, or joined below the given folder. */
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

/** The files behind a config path, or why they could not be read. */
export interface ConfigFiles {
  /** Files whose top level is a mapping of sections (or empty), in load order. */
  files: ParsedFile[];
  /** Unreadable paths, YAML syntax errors and warnings, non-mapping top levels. */
  problems: ConfigProblem[];
  /** True when the path is a folder, so a section missing from every file has no single file to blame. */
  folder: boolean;
}

/** What to do about each YAML parser complaint; the parser's own message says what is wrong. */
const YAML_HINTS: Partial<Record<ErrorCode, string>> = {
  DUPLICATE_KEY: "each key may appear once per mapping; remove or rename one of them",
  BAD_INDENT: "indent with spaces so that all items of one mapping or list start in the same column",
  TAB_AS_INDENT: "indent with spaces; YAML does not allow tabs for indentation",
  MISSING_CHAR: "close the quote or bracket opened before this point",
  BLOCK_AS_IMPLICIT_KEY: 'quote values that contain ": " (colon and space), e.g. name: "Support: EU"',
  MULTILINE_IMPLICIT_KEY: "a key must fit on one line; check for a missing colon or an unclosed quote above",
  MULTIPLE_DOCS: "keep one document per file: remove the extra --- or move the rest into another file of a folder",
  TAG_RESOLVE_FAILED: "remove the tag; plaint reads secrets with ${VAR}, not with YAML tags",
  BAD_ALIAS: "define the anchor (&name) before using the alias (*name)",
};
const DEFAULT_YAML_HINT = "check the YAML syntax at this point; quoting the value often helps";

/**
 * Reads a config path: a single YAML file, or every `*.yaml` / `*.yml` file of a folder in name order. Dotfiles are
 * skipped, which also skips the `..data` links Kubernetes puts beside a mounted ConfigMap's files.
 */
export function readConfigFiles(configPath: string): ConfigFiles {
  const stat = statOrUndefined(configPath);
  if (stat === undefined) {
    return {
      files: [],
      folder: false,
      problems: [fileProblem(configPath, "config file or folder not found", NOT_FOUND_HINT)],
    };
  }
  const folder = stat.isDirectory();
  const names = folder ? yamlFilesIn(configPath) : [configPath];
  if (folder && names.length === 0) {
    return {
      files: [],
      folder,
      problems: [fileProblem(configPath, "folder contains no *.yaml or *.yml file", NOT_FOUND_HINT)],
    };
  }
  const result: ConfigFiles = { files: [], problems: [], folder };
  for (const name of names) addFile(result, name);
  return result;
}

const NOT_FOUND_HINT =
  "create it (config/plaint.yaml is a working example) or point PLAINT_CONFIG at your file or folder";

function statOrUndefined(target: string): fs.Stats | undefined {
  try {
    return fs.statSync(target);
  } catch {
    return undefined;
  }
}

function yamlFilesIn(folder: string): string[] {
  return fs
    .readdirSync(folder)
    .filter((name) => !name.startsWith(".") && /\.ya?ml$/i.test(name))
    .sort()
    .map((name) => path.join(folder, name))
    .filter((file) => statOrUndefined(file)?.isFile() === true);
}

function addFile(result: ConfigFiles, file: string): void {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    result.problems.push(
      fileProblem(file, `cannot read the file: ${reason}`, "check that the file exists and is readable"),
    );
    return;
  }
  const parsed = parseFile(file, text);
  const problems = syntaxProblems(parsed);
  result.problems.push(...problems);
  if (problems.length === 0) result.files.push(parsed);
}

function parseFile(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  // prettyErrors off: the message stays one line, and the position is reported in our own format.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  return { file, doc, lineCounter };
}

function syntaxProblems(parsed: ParsedFile): ConfigProblem[] {
  // Warnings count too: an unresolved tag would otherwise turn silently into a plain string.
  const problems = [...parsed.doc.errors, ...parsed.doc.warnings].map((error) => yamlProblem(parsed, error));
  const contents = parsed.doc.contents;
  if (problems.length === 0 && contents !== null && !isMap(contents)) {
    const { line, col } = parsed.lineCounter.linePos(contents.range[0]);
    problems.push({
      file: parsed.file,
      line,
      column: col,
      path: "",
      message: "the top level must be a mapping of sections",
      hint: "start the file with section keys such as apiKeys:, teams:, routing:, connectors:",
    });
  }
  return problems;
}

function yamlProblem(parsed: ParsedFile, error: YAMLError): ConfigProblem {
  const { line, col } = parsed.lineCounter.linePos(error.pos[0]);
  const hint = YAML_HINTS[error.code] ?? DEFAULT_YAML_HINT;
  return { file: parsed.file, line, column: col, path: "", message: error.message, hint };
}

/** A problem with a whole file or folder, which has no line to point at. */
export function fileProblem(file: string, message: string, hint: string): ConfigProblem {
  return { file, line: 0, column: 0, path: "", message, hint };
}
