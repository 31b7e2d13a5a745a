/**
 * Parsed option values, keyed by `dest` (typed: only the option table's, so a
 * misspelt name fails `deno check`), with typed accessors and a record of
 * where each value came from (the command line, a `PIP_*` variable, a config
 * file) so that precedence and `config debug` can be explained.
 *
 * @module
 */

import type { ChoiceDest, ChoiceOf, OptionDest } from "./options.ts";

/** Where an option value came from, lowest precedence first. */
export type ValueSource = "default" | "config" | "env" | "cli";

/** A raw option value. */
export type OptionValue = string | number | boolean | string[];

/** The values of one command invocation. */
export class OptionValues {
  readonly #values = new Map<OptionDest, OptionValue>();
  readonly #sources = new Map<OptionDest, ValueSource>();

  /** Sets `dest` from `source`, unless a higher-precedence source already set it. */
  set(dest: OptionDest, value: OptionValue, source: ValueSource): void {
    const current = this.#sources.get(dest);
    if (current !== undefined && rank(current) > rank(source)) return;
    this.#values.set(dest, value);
    this.#sources.set(dest, source);
  }

  /** The raw value of `dest`, if any source set it. */
  get(dest: OptionDest): OptionValue | undefined {
    return this.#values.get(dest);
  }

  /** Where the value of `dest` came from, if set. */
  sourceOf(dest: OptionDest): ValueSource | undefined {
    return this.#sources.get(dest);
  }

  /** Whether any source set `dest`. */
  has(dest: OptionDest): boolean {
    return this.#values.has(dest);
  }

  /** A string option; `undefined` when unset or switched off (`--no-cache-dir`). */
  string(dest: OptionDest): string | undefined {
    const value = this.#values.get(dest);
    if (value === undefined || value === false || value === true) return undefined;
    return Array.isArray(value) ? value.at(-1) : String(value);
  }

  /**
   * A `choice` option's value, typed as one of its choices; `undefined` when
   * unset. The parser checks every source (command line, `PIP_*` variable,
   * config file) against the table's choices before storing a value.
   */
  choice<D extends ChoiceDest>(dest: D): ChoiceOf<D> | undefined {
    return this.string(dest) as ChoiceOf<D> | undefined;
  }

  /** A repeatable option's values, in order (empty when unset). */
  strings(dest: OptionDest): string[] {
    const value = this.#values.get(dest);
    if (value === undefined || typeof value === "boolean") return [];
    return Array.isArray(value) ? [...value] : [String(value)];
  }

  /** A flag's value, or `fallback` when unset. */
  flag(dest: OptionDest, fallback = false): boolean {
    const value = this.#values.get(dest);
    return typeof value === "boolean" ? value : value === undefined ? fallback : Boolean(value);
  }

  /** A count option (`-vvv` is 3). */
  count(dest: OptionDest): number {
    const value = this.#values.get(dest);
    return typeof value === "number" ? value : value === true ? 1 : 0;
  }

  /** A number option, or `fallback` when unset. */
  number(dest: OptionDest, fallback: number): number {
    const value = this.#values.get(dest);
    return typeof value === "number" ? value : fallback;
  }

  /** Whether `dest` is explicitly switched off (e.g. `--no-cache-dir` sets cacheDir to false). */
  isDisabled(dest: OptionDest): boolean {
    return this.#values.get(dest) === false;
  }

  /** Every set value, for debugging output. */
  entries(): [OptionDest, OptionValue, ValueSource][] {
    return [...this.#values].map(([k, v]) => [k, v, this.#sources.get(k) ?? "default"]);
  }
}

function rank(source: ValueSource): number {
  return ["default", "config", "env", "cli"].indexOf(source);
}
