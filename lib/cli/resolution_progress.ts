/**
 * What the user sees while the resolver works: on a terminal, once resolving
 * has taken longer than a moment, one status line naming the project being
 * tried and how far the search has gone; nothing otherwise. Also turns
 * `--resolution-timeout` into the resolver's bound.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";
import type { TextSink } from "./io.ts";

/** The resolver's bound from `--resolution-timeout` (seconds), if given. */
export function resolutionBounds(context: CommandContext): { timeoutMs?: number } {
  const seconds = context.options.number("resolutionTimeout", 0);
  return seconds > 0 ? { timeoutMs: Math.round(seconds * 1000) } : {};
}

/** One decision of the resolver, as its reporter passes it. */
export interface DecisionEvent {
  readonly name: string;
  readonly version: string;
  readonly extra?: string;
  readonly tries: number;
  readonly stats: { readonly decisions: number; readonly conflicts: number };
}

/** Options of {@link ResolutionStatus}. */
export interface ResolutionStatusOptions {
  /** Stay silent for resolutions faster than this (default 1 s). */
  readonly delayMs?: number;
  /** Redraw at most this often (default 100 ms). */
  readonly intervalMs?: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

/** A status line on a terminal that follows the resolver's decisions. */
export class ResolutionStatus {
  readonly #sink: TextSink;
  readonly #delayMs: number;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #started: number;
  #lastDraw = -Infinity;
  #shown = false;

  constructor(sink: TextSink, options: ResolutionStatusOptions = {}) {
    this.#sink = sink;
    this.#delayMs = options.delayMs ?? 1000;
    this.#intervalMs = options.intervalMs ?? 100;
    this.#now = options.now ?? (() => performance.now());
    this.#started = this.#now();
  }

  /** Records a decision; redraws the line when due. */
  onDecision(event: DecisionEvent): void {
    const now = this.#now();
    if (now - this.#started < this.#delayMs || now - this.#lastDraw < this.#intervalMs) return;
    this.#lastDraw = now;
    const project = event.extra === undefined ? event.name : `${event.name}[${event.extra}]`;
    const tried = event.tries === 1 ? "1 version" : `${event.tries} versions`;
    const line = `Resolving: trying ${project} ${event.version} (${tried} of it tried; ` +
      `${event.stats.decisions} decisions, ${event.stats.conflicts} conflicts so far)`;
    this.#sink.write(`\r\x1b[2K${line}`);
    this.#shown = true;
  }

  /** Clears the line, if one was drawn. */
  finish(): void {
    if (this.#shown) this.#sink.write("\r\x1b[2K");
    this.#shown = false;
  }
}
