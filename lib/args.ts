/**
 * A small argv tokenizer in the POSIX/GNU style that optparse and
 * `node:util`'s `parseArgs` share: `--long`, `--long=value`, `--long value`,
 * `-s`, `-s value`, `-svalue`, grouped short flags `-abc` (the first short
 * option that takes a value takes the rest of the group), `--` ending options,
 * and `-` as a positional. An option that takes a value takes the next
 * argument whatever it looks like (`--timeout -5`, `--index-url --pre`), as
 * optparse does.
 *
 * It only splits: unknown options, missing values and flags given values come
 * back as tokens for the caller to judge, so each caller words its own errors.
 * It replaces `parseArgs` because loading any `node:` module costs every dpip
 * run about 12 ms of start-up.
 *
 * @module
 */

/** How the tokenizer treats one long option; the same shape as `parseArgs`'s options. */
export interface ArgOption {
  /** `string` options take a value; `boolean` ones never do. */
  readonly type: "string" | "boolean";
  /** A one-character alias, without the dash. */
  readonly short?: string;
}

/** One piece of argv, in the shape of `parseArgs`'s `tokens`. */
export type ArgToken =
  | {
    readonly kind: "option";
    /** The index in argv of the argument that names the option. */
    readonly index: number;
    /** The long name, or the bare character of an unknown short option. */
    readonly name: string;
    /** `-` and the short character, or `--` and the (expanded) long name. */
    readonly rawName: string;
    /** The value, when the option takes one and one was there. */
    readonly value?: string;
    /** Whether the value was inside the same argument (`--a=b`, `-ab`). */
    readonly inlineValue?: boolean;
  }
  | { readonly kind: "positional"; readonly index: number; readonly value: string }
  | { readonly kind: "option-terminator"; readonly index: number };

/** Options of {@linkcode tokenizeArgs}. */
export interface TokenizeArgsOptions {
  /** Maps a spelled long name (without `--`) to the real one, e.g. a unique prefix; may throw. */
  readonly expandLong?: (name: string) => string;
}

/**
 * Splits `args` into option, positional and `--` tokens, driven by `options`.
 *
 * @example
 * ```ts
 * import { tokenizeArgs } from "./args.ts";
 * const tokens = tokenizeArgs(["-qr", "req.txt", "x", "--pre"], {
 *   quiet: { type: "boolean", short: "q" },
 *   requirement: { type: "string", short: "r" },
 *   pre: { type: "boolean" },
 * });
 * tokens.map((t) => t.kind === "option" ? t.name : t.kind); // ["quiet", "requirement", "positional", "pre"]
 * ```
 */
export function tokenizeArgs(
  args: readonly string[],
  options: Readonly<Record<string, ArgOption>>,
  { expandLong }: TokenizeArgsOptions = {},
): ArgToken[] {
  const longForShort = new Map<string, string>();
  for (const [name, option] of Object.entries(options)) {
    if (option.short !== undefined && !longForShort.has(option.short)) {
      longForShort.set(option.short, name);
    }
  }
  const takesValue = (name: string) =>
    Object.hasOwn(options, name) && options[name]?.type === "string";
  const tokens: ArgToken[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? "";
    if (arg === "--") {
      tokens.push({ kind: "option-terminator", index });
      for (let rest = index + 1; rest < args.length; rest++) {
        tokens.push({ kind: "positional", index: rest, value: args[rest] ?? "" });
      }
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=", 3);
      const spelled = arg.slice(2, eq === -1 ? undefined : eq);
      const name = expandLong?.(spelled) ?? spelled;
      const rawName = `--${name}`;
      if (eq !== -1) {
        tokens.push({
          kind: "option",
          index,
          name,
          rawName,
          value: arg.slice(eq + 1),
          inlineValue: true,
        });
      } else if (takesValue(name) && index + 1 < args.length) {
        tokens.push({
          kind: "option",
          index,
          name,
          rawName,
          value: args[++index] ?? "",
          inlineValue: false,
        });
      } else {
        tokens.push({ kind: "option", index, name, rawName });
      }
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") {
      tokens.push({ kind: "positional", index, value: arg });
      continue;
    }
    const start = index;
    for (let at = 1; at < arg.length; at++) {
      const short = arg[at] ?? "";
      const name = longForShort.get(short) ?? short;
      const rawName = `-${short}`;
      if (!takesValue(name)) {
        tokens.push({ kind: "option", index: start, name, rawName });
      } else if (at + 1 < arg.length) {
        tokens.push({
          kind: "option",
          index: start,
          name,
          rawName,
          value: arg.slice(at + 1),
          inlineValue: true,
        });
        break;
      } else if (index + 1 < args.length) {
        tokens.push({
          kind: "option",
          index: start,
          name,
          rawName,
          value: args[++index] ?? "",
          inlineValue: false,
        });
      } else {
        tokens.push({ kind: "option", index: start, name, rawName });
      }
    }
  }
  return tokens;
}
