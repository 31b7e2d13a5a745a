/**
 * PEP 723 inline script metadata: the `# /// script` … `# ///` comment block
 * of a Python script, found and read as pip 26's `--requirements-from-script`
 * does (the reference regular expression of the specification, matched line
 * by line: the block closes at the last `# ///` of its run of comment lines;
 * two `script` blocks are an error), with its TOML (`dependencies`,
 * `requires-python`) checked for the types PEP 723 gives them.
 *
 * Pure: the script's text is passed in. Linear in its length.
 *
 * @module
 */

// A full specifier (the version deno.json pins), so lib/ imports without dpip\'s deno.json.
// deno-lint-ignore no-import-prefix
import { parse as parseToml } from "npm:smol-toml@1.9.1";
import { pythonRepr } from "../dists/message.ts";
import { DpipError } from "../errors.ts";

/** A script whose metadata block is missing, repeated or malformed. */
export class ScriptMetadataError extends DpipError<"invalid-script-metadata"> {
  /** The script, as named. */
  readonly file: string;
  /** `message` names `file` and what is wrong. */
  constructor(file: string, message: string) {
    super("invalid-script-metadata", message, {
      hint: "PEP 723: a '# /// script' block of '#'-prefixed TOML lines closed by '# ///'",
    });
    this.name = "ScriptMetadataError";
    this.file = file;
  }
}

/** What a script's `script` block declares. */
export interface ScriptMetadata {
  /** PEP 508 requirements (none when the key is absent). */
  readonly dependencies: readonly string[];
  readonly requiresPython?: string;
}

const OPENING = /^# \/\/\/ ([a-zA-Z0-9-]+)$/;

function isCommentLine(line: string): boolean {
  return line === "#" || line.startsWith("# ");
}

/** Python's `str.splitlines(keepends=True)` line boundaries. */
// deno-lint-ignore no-control-regex -- Python splits lines at these control characters too.
const PY_LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;

function splitLinesKeepEnds(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const match of text.matchAll(PY_LINE_BREAK)) {
    const end = match.index! + match[0].length;
    out.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** The blocks of a script (type and TOML content), as the PEP 723 regular expression finds them. */
export function scriptBlocks(text: string): { type: string; content: string }[] {
  // Python reads the script with universal newlines.
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const blocks: { type: string; content: string }[] = [];
  // Every element but the last was followed by "\n".
  const last = lines.length - 1;
  let i = 0;
  while (i < last) {
    const opening = OPENING.exec(lines[i]!);
    if (opening === null) {
      i++;
      continue;
    }
    let runEnd = i;
    while (runEnd + 1 < last && isCommentLine(lines[runEnd + 1]!)) runEnd++;
    let closing = -1;
    for (let m = Math.min(runEnd + 1, last); m >= i + 2; m--) {
      if (lines[m] === "# ///") {
        closing = m;
        break;
      }
    }
    if (closing < 0) {
      i++;
      continue;
    }
    const content = lines.slice(i + 1, closing).map((line) => `${line}\n`).join("");
    blocks.push({ type: opening[1]!, content });
    i = closing + 1;
  }
  return blocks;
}

/**
 * The `script` metadata of a Python script's text.
 *
 * @throws {ScriptMetadataError} when there is no `script` block or more than one, its TOML does
 *   not parse, or `dependencies`/`requires-python` have the wrong types (one line naming `file`).
 * @example
 * ```ts
 * import { parseScriptMetadata } from "./script_metadata.ts";
 * const script = '# /// script\n# requires-python = ">=3.11"\n# dependencies = ["rich"]\n# ///\nprint(1)\n';
 * parseScriptMetadata(script, "demo.py"); // { dependencies: ["rich"], requiresPython: ">=3.11" }
 * ```
 */
export function parseScriptMetadata(text: string, file: string): ScriptMetadata {
  const blocks = scriptBlocks(text).filter((block) => block.type === "script");
  if (blocks.length > 1) {
    throw new ScriptMetadataError(file, `Multiple 'script' blocks found in ${pythonRepr(file)}`);
  }
  const block = blocks[0];
  if (block === undefined) {
    throw new ScriptMetadataError(
      file,
      `File does not contain 'script' metadata: ${pythonRepr(file)}`,
    );
  }
  const toml = splitLinesKeepEnds(block.content).map((line) =>
    line.startsWith("# ") ? line.slice(2) : line.slice(1)
  ).join("");
  let metadata: Record<string, unknown>;
  try {
    metadata = parseToml(toml) as Record<string, unknown>;
  } catch {
    throw new ScriptMetadataError(file, `Failed to parse TOML in ${pythonRepr(file)}`);
  }
  const dependencies = metadata["dependencies"] ?? [];
  if (!Array.isArray(dependencies) || !dependencies.every((d) => typeof d === "string")) {
    throw new ScriptMetadataError(
      file,
      `Invalid 'dependencies' in ${pythonRepr(file)}: expected a list of strings`,
    );
  }
  const requiresPython = metadata["requires-python"];
  if (requiresPython !== undefined && typeof requiresPython !== "string") {
    throw new ScriptMetadataError(
      file,
      `Invalid 'requires-python' in ${pythonRepr(file)}: expected a string`,
    );
  }
  return {
    dependencies: dependencies as string[],
    ...(requiresPython === undefined || requiresPython === "" ? {} : { requiresPython }),
  };
}
