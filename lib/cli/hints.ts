/**
 * Hints that only offer what the command has. A hint is written by layers
 * that do not know which command runs (the resolver's "use --pre", a build's
 * "or use --no-build-isolation"); before it is shown, every `--option` it
 * names is looked up in the command's option table (`commands.ts` and the
 * general options), and the parts naming options this command does not
 * have are left out.
 *
 * Hints are written as alternatives for this to work: `A, or B`, `A; B`,
 * and remarks in parentheses, `A (B)` or `A (B, or C)`; the alternative or
 * remark naming a missing option goes, the rest stays. A hint that is left
 * with nothing is not shown. Option names dpip does not know (a
 * requirements file's `--hash`, pip's own commands) are kept.
 *
 * @module
 */

import type { CommandSpec } from "./commands.ts";
import { longNames, OPTIONS } from "./options.ts";
import { optionsOf } from "./parse_args.ts";

const MENTION = /--[a-z][a-z0-9-]*/g;

let known: ReadonlySet<string> | undefined;

/** Every long option of dpip's table, with its dashes. */
function knownOptions(): ReadonlySet<string> {
  return known ??= new Set(
    Object.values(OPTIONS).flatMap((spec) => longNames(spec).map((name) => `--${name}`)),
  );
}

/** Whether `text` names an option dpip has that `accepted` does not hold. */
function namesMissing(text: string, accepted: ReadonlySet<string>): boolean {
  for (const [mention] of text.matchAll(MENTION)) {
    if (knownOptions().has(mention) && !accepted.has(mention)) return true;
  }
  return false;
}

/** `text`'s alternatives (`A, or B`, `A; B`) without those naming a missing option. */
function keptAlternatives(text: string, accepted: ReadonlySet<string>): string {
  const pieces = text.split(/(, or |; )/);
  let out = "";
  for (let i = 0; i < pieces.length; i += 2) {
    const part = pieces[i]!;
    if (namesMissing(part, accepted)) continue;
    out += out === "" ? part : `${pieces[i - 1] ?? ""}${part}`;
  }
  return out;
}

/** The parenthesized remarks of `text` with their alternatives fitted; empty remarks dropped. */
function fittedRemarks(text: string, accepted: ReadonlySet<string>): string {
  let out = "";
  let at = 0;
  for (let open = text.indexOf("(", at); open >= 0; open = text.indexOf("(", at)) {
    const close = text.indexOf(")", open);
    if (close < 0) break;
    const inner = text.slice(open + 1, close);
    const kept = namesMissing(inner, accepted)
      ? keptAlternatives(inner.replace(/^or /, ""), accepted)
      : inner;
    const before = text.slice(at, open);
    out += kept.trim() === "" ? before.replace(/ $/, "") : `${before}(${kept})`;
    at = close + 1;
  }
  return out + text.slice(at);
}

/** The long options `command` accepts, with their dashes. */
export function acceptedOptions(command: CommandSpec): ReadonlySet<string> {
  return new Set(optionsOf(command).flatMap((spec) => longNames(spec).map((n) => `--${n}`)));
}

/**
 * `hint` as `command` may show it: without the alternatives and remarks that
 * name options it does not have; undefined when nothing is left.
 *
 * @example
 * ```ts
 * import { fitHint } from "./hints.ts";
 * import { findCommand } from "./commands.ts";
 * fitHint("narrow the search, or raise --resolution-timeout", findCommand("sync")!);
 * // "narrow the search"
 * ```
 */
export function fitHint(hint: string, command: CommandSpec): string | undefined {
  const accepted = acceptedOptions(command);
  if (!namesMissing(hint, accepted)) return hint;
  const period = hint.endsWith(".") ? "." : "";
  const body = keptAlternatives(
    fittedRemarks(hint.slice(0, hint.length - period.length), accepted),
    accepted,
  )
    .trim();
  return /[a-z]/i.test(body) ? body + period : undefined;
}
