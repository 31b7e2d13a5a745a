/**
 * pip's requirements file format.
 *
 * Lines are joined at a trailing `\`, `#` comments (at the start or after
 * whitespace) are dropped, `${VAR}` is expanded from the environment (upper
 * case, digits and `_` only, as pip does), then each line is either a
 * requirement (a specifier, path or URL, optionally followed by per-requirement
 * options `--hash`, `--config-settings`/`-C`, `--global-option`), an editable
 * (`-e`), a nested file (`-r` relative to the including file, or a URL), a
 * constraints file (`-c`), or global options (`-i`, `--extra-index-url`,
 * `--no-index`, `-f`, `--no-binary`, `--only-binary`, `--prefer-binary`,
 * `--require-hashes`, `--pre`, `--trusted-host`, `--use-feature`).
 *
 * Reading is injected, so this module does no I/O of its own. Every error
 * names the file and line.
 *
 * @module
 */

import { dirname, isAbsolute, join } from "../paths.ts";
import { type ArgOption, tokenizeArgs } from "../args.ts";
import { DpipError } from "../errors.ts";
import { appendAll } from "../lists.ts";
import { trimChars } from "../trim.ts";

/** A line that could not be understood, or a file that could not be read. */
export class RequirementsFileError extends DpipError {
  readonly file: string;
  readonly line?: number;
  /** `cause`'s hint, when it has one (a network error's "pass --cert"), is this error's. */
  constructor(file: string, line: number | undefined, message: string, cause?: unknown) {
    const where = line === undefined ? file : `${file}, line ${line}`;
    const hint = cause instanceof DpipError ? cause.hint : undefined;
    super("requirements-file", `${where}: ${message}`, {
      ...(cause === undefined ? {} : { cause }),
      ...(hint === undefined ? {} : { hint }),
    });
    this.name = "RequirementsFileError";
    this.file = file;
    if (line !== undefined) this.line = line;
  }
}

/** Where a line came from. */
export interface LineOrigin {
  readonly file: string;
  readonly line: number;
}

/** A requirement line: the requirement text and its per-requirement options. */
export interface RequirementLine {
  /** The requirement as written: a PEP 508 specifier, a path or a URL (with any `; marker`). */
  readonly text: string;
  /** `--hash` values by algorithm. */
  readonly hashes: Readonly<Record<string, readonly string[]>>;
  /** `--config-settings KEY=VALUE` values (a repeated key collects a list). */
  readonly configSettings: Readonly<Record<string, string | readonly string[]>>;
  readonly globalOptions: readonly string[];
  /** True for lines of a `-c` file. */
  readonly constraint: boolean;
  /** True for `-e` lines. */
  readonly editable: boolean;
  readonly origin: LineOrigin;
}

/** Options a requirements file may set for the whole run. */
export interface FileOptions {
  indexUrl?: string;
  extraIndexUrls: string[];
  noIndex: boolean;
  findLinks: string[];
  noBinary: string[];
  onlyBinary: string[];
  preferBinary: boolean;
  requireHashes: boolean;
  pre: boolean;
  trustedHosts: string[];
  useFeature: string[];
}

/** Everything read from a requirements file and the files it includes. */
export interface RequirementsFile {
  readonly requirements: RequirementLine[];
  readonly options: FileOptions;
}

/** Reads a file path or URL and returns its text. */
export type TextReader = (location: string) => Promise<string>;

/** Inputs of {@link parseRequirementsFile}. */
export interface RequirementsFileOptions {
  /** Reads nested files and URLs; paths it gets are already resolved. */
  readonly read: TextReader;
  /** Variables for `${VAR}` expansion. */
  readonly env: Readonly<Record<string, string>>;
  /** Whether the top-level file is a constraints file (`-c`). */
  readonly constraint?: boolean;
}

/** An empty set of file options. */
export function emptyFileOptions(): FileOptions {
  return {
    extraIndexUrls: [],
    noIndex: false,
    findLinks: [],
    noBinary: [],
    onlyBinary: [],
    preferBinary: false,
    requireHashes: false,
    pre: false,
    trustedHosts: [],
    useFeature: [],
  };
}

const ENV_VAR = /\$\{([A-Z0-9_]+)\}/g;
const URL_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;

const LINE_OPTIONS: Readonly<Record<string, ArgOption>> = {
  "index-url": { type: "string", short: "i" },
  "pypi-url": { type: "string" },
  "extra-index-url": { type: "string" },
  "no-index": { type: "boolean" },
  "find-links": { type: "string", short: "f" },
  "no-binary": { type: "string" },
  "only-binary": { type: "string" },
  "prefer-binary": { type: "boolean" },
  "require-hashes": { type: "boolean" },
  pre: { type: "boolean" },
  "trusted-host": { type: "string" },
  "use-feature": { type: "string" },
  requirement: { type: "string", short: "r" },
  constraint: { type: "string", short: "c" },
  editable: { type: "string", short: "e" },
  hash: { type: "string" },
  "config-settings": { type: "string", short: "C" },
  "global-option": { type: "string" },
};

const PER_REQUIREMENT = new Set(["hash", "config-settings", "global-option"]);

/**
 * `line` without its comment: a `#` at the start or after whitespace, to the
 * end of the line, with the whitespace before it; what pip's `(^|\s+)#.*$`
 * removes (a `#` before a line break inside the text does not start one). In
 * one pass: that pattern retries at every blank of a long run, quadratic.
 */
export function stripComment(line: string): string {
  let from = 0;
  for (let i = 0; i < line.length; i++) if (isLineBreak(line.charCodeAt(i))) from = i + 1;
  for (let hash = line.indexOf("#", from); hash >= 0; hash = line.indexOf("#", hash + 1)) {
    if (hash > 0 && !isWhitespace(line[hash - 1]!)) continue;
    let start = hash;
    while (start > 0 && isWhitespace(line[start - 1]!)) start--;
    return line.slice(0, start);
  }
  return line;
}

function isLineBreak(code: number): boolean {
  return code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029;
}

/** JavaScript's `\s`. */
function isWhitespace(char: string): boolean {
  return char.trim() === "";
}

/** Joins continuation lines and drops comments and blank lines, keeping first line numbers. */
export function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const physical = text.split(/\r\n|\n|\r/);
  let pending: string[] = [];
  let start = 0;
  const emit = (line: number, joined: string) => {
    const stripped = stripComment(joined).trim();
    if (stripped !== "") out.push({ line, text: stripped });
  };
  physical.forEach((raw, index) => {
    const isComment = /^\s*#/.test(raw);
    if (!raw.endsWith("\\") || isComment) {
      if (pending.length > 0) {
        emit(start, pending.join("") + (isComment ? " " + raw : raw));
        pending = [];
      } else {
        emit(index + 1, raw);
      }
    } else {
      if (pending.length === 0) start = index + 1;
      pending.push(trimChars(raw, "\\"));
    }
  });
  if (pending.length > 0) emit(start, pending.join(""));
  return out;
}

/** Splits a line's option part like Python's `shlex.split` (POSIX mode). */
export function shellSplit(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? "";
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === "\\" && i + 1 < text.length && '\\"$`\n'.includes(text[i + 1] ?? "")) {
        word += text[++i];
      } else word += ch;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      inWord = true;
      if (ch === "'" || ch === '"') quote = ch;
      else if (ch === "\\" && i + 1 < text.length) word += text[++i];
      else word += ch;
    }
  }
  if (quote !== undefined) throw new Error("No closing quotation");
  if (inWord) words.push(word);
  return words;
}

/** Splits a line into the requirement part and the option part, as pip does (at the first `-` word). */
function splitLine(line: string): { requirement: string; options: string } {
  const tokens = line.split(" ");
  const index = tokens.findIndex((t) => t.startsWith("-"));
  if (index === -1) return { requirement: line, options: "" };
  return { requirement: tokens.slice(0, index).join(" "), options: tokens.slice(index).join(" ") };
}

function resolveNested(parent: string, child: string): string {
  if (URL_SCHEME.test(child)) return child;
  if (URL_SCHEME.test(parent) && !parent.startsWith("file:")) return new URL(child, parent).href;
  const parentPath = parent.startsWith("file:") ? new URL(parent).pathname : parent;
  return isAbsolute(child) ? child : join(dirname(parentPath), child);
}

interface ParseState {
  readonly requirements: RequirementLine[];
  readonly options: FileOptions;
  readonly stack: string[];
}

/**
 * Parses a requirements file and every file it includes.
 *
 * @example
 * ```ts
 * import { parseRequirementsFile } from "./requirements_txt.ts";
 * const files: Record<string, string> = { "/r.txt": "requests>=2 # web\n--pre\n" };
 * const parsed = await parseRequirementsFile("/r.txt", {
 *   read: (p) => Promise.resolve(files[p] ?? ""),
 *   env: {},
 * });
 * parsed.requirements[0]?.text; // "requests>=2"
 * parsed.options.pre; // true
 * ```
 */
export async function parseRequirementsFile(
  location: string,
  options: RequirementsFileOptions,
): Promise<RequirementsFile> {
  const state: ParseState = { requirements: [], options: emptyFileOptions(), stack: [] };
  await parseInto(location, options.constraint ?? false, state, options);
  return { requirements: state.requirements, options: state.options };
}

async function parseInto(
  location: string,
  constraint: boolean,
  state: ParseState,
  options: RequirementsFileOptions,
): Promise<void> {
  if (state.stack.length > 0 && /(^|[\\/])pylock(\.[^\\/]+)?\.toml$/.test(location)) {
    throw new RequirementsFileError(
      location,
      undefined,
      "a pylock.toml lock file (PEP 751) cannot be included from a requirements file; pass it with -r on the command line",
    );
  }
  if (state.stack.includes(location)) {
    throw new RequirementsFileError(
      location,
      undefined,
      "the file includes itself (through -r/-c)",
    );
  }
  let text: string;
  try {
    text = await options.read(location);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const including = state.stack.at(-1);
    const from = including === undefined ? "" : ` (included from ${including})`;
    throw new RequirementsFileError(location, undefined, `cannot read: ${reason}${from}`, error);
  }
  state.stack.push(location);
  for (const { line, text: raw } of logicalLines(text)) {
    const expanded = raw.replace(ENV_VAR, (whole, name: string) => options.env[name] || whole);
    await parseLine(expanded, { file: location, line }, constraint, state, options);
  }
  state.stack.pop();
}

async function parseLine(
  line: string,
  origin: LineOrigin,
  constraint: boolean,
  state: ParseState,
  options: RequirementsFileOptions,
): Promise<void> {
  const fail = (message: string): never => {
    throw new RequirementsFileError(origin.file, origin.line, message);
  };
  const { requirement, options: optionText } = splitLine(line);
  let words: string[];
  try {
    words = shellSplit(optionText);
  } catch (error) {
    return fail(`${(error as Error).message} in "${optionText}"`);
  }
  const values: Record<string, (string | boolean)[] | undefined> = {};
  for (const token of tokenizeArgs(words, LINE_OPTIONS)) {
    if (token.kind === "positional") return fail(`unexpected argument in "${optionText}"`);
    if (token.kind === "option-terminator") continue;
    const option = Object.hasOwn(LINE_OPTIONS, token.name) ? LINE_OPTIONS[token.name] : undefined;
    if (option === undefined) return fail(`no such option: ${token.rawName} (line: "${line}")`);
    if (option.type === "boolean" && token.value !== undefined) {
      return fail(`${token.rawName} option does not take a value (line: "${line}")`);
    }
    if (option.type === "string" && token.value === undefined) {
      return fail(`${token.rawName} option requires 1 argument (line: "${line}")`);
    }
    (values[token.name] ??= []).push(token.value ?? true);
  }
  const strings = (key: string) => (values[key] ?? []).map(String);
  const used = Object.keys(values).filter((k) => values[k] !== undefined);

  if (requirement !== "") {
    const global = used.filter((k) => !PER_REQUIREMENT.has(k));
    if (global.length > 0) {
      return fail(`--${global[0]} cannot follow a requirement on the same line`);
    }
    state.requirements.push({
      text: requirement,
      hashes: parseHashes(strings("hash"), fail),
      configSettings: parseConfigSettings(strings("config-settings"), fail),
      globalOptions: strings("global-option"),
      constraint,
      editable: false,
      origin,
    });
    return;
  }
  const perRequirement = used.filter((k) => PER_REQUIREMENT.has(k));
  if (perRequirement.length > 0 && strings("editable").length === 0) {
    return fail(`--${perRequirement[0]} must follow a requirement on the same line`);
  }
  for (const target of strings("editable")) {
    state.requirements.push({
      text: target,
      hashes: {},
      configSettings: parseConfigSettings(strings("config-settings"), fail),
      globalOptions: [],
      constraint,
      editable: true,
      origin,
    });
  }
  for (const nested of strings("requirement")) {
    await parseInto(resolveNested(origin.file, nested), constraint, state, options);
  }
  for (const nested of strings("constraint")) {
    await parseInto(resolveNested(origin.file, nested), true, state, options);
  }
  applyGlobal(state.options, values, strings);
}

function applyGlobal(
  target: FileOptions,
  values: Record<string, (string | boolean)[] | undefined>,
  strings: (key: string) => string[],
): void {
  const index = [...strings("index-url"), ...strings("pypi-url")].at(-1);
  if (index !== undefined) target.indexUrl = index;
  appendAll(target.extraIndexUrls, strings("extra-index-url"));
  appendAll(target.findLinks, strings("find-links"));
  appendAll(target.noBinary, strings("no-binary"));
  appendAll(target.onlyBinary, strings("only-binary"));
  appendAll(target.trustedHosts, strings("trusted-host"));
  appendAll(target.useFeature, strings("use-feature"));
  if (values["no-index"]) target.noIndex = true;
  if (values["prefer-binary"]) target.preferBinary = true;
  if (values["require-hashes"]) target.requireHashes = true;
  if (values["pre"]) target.pre = true;
}

function parseHashes(
  raw: string[],
  fail: (message: string) => never,
): Record<string, string[]> {
  const hashes: Record<string, string[]> = {};
  for (const value of raw) {
    const match = /^([a-z0-9_]+):([0-9a-fA-F]+)$/.exec(value);
    if (match === null) {
      return fail(`--hash=${value} is not ALGORITHM:HEXDIGEST (e.g. --hash=sha256:3a7b...)`);
    }
    const algorithm = match[1] ?? "";
    if (!["md5", "sha1", "sha224", "sha256", "sha384", "sha512"].includes(algorithm)) {
      return fail(`--hash=${value} uses the unknown algorithm "${algorithm}"`);
    }
    (hashes[algorithm] ??= []).push((match[2] ?? "").toLowerCase());
  }
  return hashes;
}

/**
 * Parses `--config-settings KEY=VALUE` entries; a key given twice collects a
 * list, as pip does.
 *
 * @example
 * ```ts
 * import { parseConfigSettings } from "./requirements_txt.ts";
 * parseConfigSettings(["a=1", "a=2"], (m) => { throw new Error(m); }); // { a: ["1", "2"] }
 * ```
 */
export function parseConfigSettings(
  raw: readonly string[],
  fail: (message: string) => never,
): Record<string, string | string[]> {
  const settings: Record<string, string | string[]> = {};
  for (const entry of raw) {
    const eq = entry.indexOf("=");
    if (eq === -1) return fail(`--config-settings "${entry}" is not KEY=VALUE`);
    const key = entry.slice(0, eq);
    const value = entry.slice(eq + 1);
    const previous = settings[key];
    settings[key] = previous === undefined
      ? value
      : Array.isArray(previous)
      ? [...previous, value]
      : [previous, value];
  }
  return settings;
}
