/**
 * The long fuzzing campaign (`deno task fuzz`): the properties of
 * `tests/fuzz/fuzz_test.ts` over many more inputs, plus timed growth checks.
 *
 * For every target of `tests/fuzz/targets.ts`:
 * - runs generated inputs (1,000,000 in all by default, split evenly), each
 *   of which must parse or fail with the parser's own `DpipError`, and
 *   survive a round trip where the format has a writer; a failure is shrunk
 *   by fast-check, reported, and the run goes on with the next seed;
 * - times every input and keeps the slowest;
 * - grows pumped inputs (a piece of a generated input repeated): the work
 *   counted by `tests/helpers/work.ts` from n to 4n repeats must stay within
 *   the linear ratio, as in the tests; and, to catch what that count does not
 *   see (built-ins), the time must not grow more than 8 times when the
 *   repeats grow 4 times (linear is 4, quadratic 16), from the first size
 *   that takes 20 ms, confirmed by timing again.
 *
 * Usage: `deno task fuzz [--inputs N] [--pumps N] [--seed N] [--only NAME]`.
 * Prints one line per target and a summary; exits 1 when anything was found.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { LINEAR_RATIO, startWorkMeter } from "../tests/helpers/work.ts";
import type { FuzzTarget } from "../tests/fuzz/targets.ts";

// Work is counted only in lib/ code compiled after the meter starts: import it afterwards.
const meter = await startWorkMeter();
const { default: fc } = await import("fast-check");
const { runTarget, TARGETS } = await import("../tests/fuzz/targets.ts");

const { values } = parseArgs({
  options: {
    inputs: { type: "string", default: "1000000" },
    pumps: { type: "string", default: "200" },
    seed: { type: "string", default: String(Date.now() % 1_000_000) },
    only: { type: "string" },
  },
});

const totalInputs = Number(values.inputs);
const pumpsPerTarget = Number(values.pumps);
const firstSeed = Number(values.seed);
const targets = TARGETS.filter((t) => values.only === undefined || t.name.includes(values.only));
const perTarget = Math.ceil(totalInputs / targets.length);

interface Finding {
  target: string;
  kind: "exception" | "round trip" | "superlinear";
  detail: string;
}

interface TargetResult {
  name: string;
  inputs: number;
  seconds: number;
  errors: number;
  slowest: { ms: number; length: number };
}

const findings: Finding[] = [];

function inputLength(input: unknown): number {
  return typeof input === "string" || input instanceof Uint8Array ? input.length : 0;
}

function describe(value: unknown): string {
  const text = typeof value === "function"
    ? String(value)
    : JSON.stringify(value, (_k, v) => v instanceof Uint8Array ? `<${v.length} bytes>` : v);
  return text.length > 300 ? text.slice(0, 300) + "…" : text;
}

async function fuzzTarget(target: FuzzTarget<unknown>, seed: number): Promise<TargetResult> {
  const started = performance.now();
  let inputs = 0;
  let errors = 0;
  const slowest = { ms: 0, length: 0 };
  let round = 0;
  while (inputs < perTarget) {
    const property = fc.asyncProperty(target.inputs, async (input) => {
      const t0 = performance.now();
      const { value, error } = await runTarget(target, input);
      const ms = performance.now() - t0;
      if (ms > slowest.ms) Object.assign(slowest, { ms, length: inputLength(input) });
      if (error !== undefined) errors++;
      else target.roundTrip?.(value, input);
    });
    const numRuns = perTarget - inputs;
    const result = await fc.check(property, { seed: seed + round, numRuns });
    inputs += result.numRuns;
    round++;
    if (result.failed) {
      const cause = result.errorInstance;
      const roundTrip = cause instanceof Error && /AssertionError/.test(cause.name);
      findings.push({
        target: target.name,
        kind: roundTrip ? "round trip" : "exception",
        detail: `${describe(result.counterexample?.[0])}: ${String(cause).split("\n")[0]}` +
          ` (seed ${seed + round - 1}, path ${result.counterexamplePath})`,
      });
      // Shrinking re-ran inputs; the budget counts generated ones only.
      if (findings.filter((f) => f.target === target.name).length >= 5) break;
    }
  }
  return {
    name: target.name,
    inputs,
    seconds: (performance.now() - started) / 1000,
    errors,
    slowest,
  };
}

/** Median time of `runs` runs of `target` on `input`, in ms. */
async function timeOf(target: FuzzTarget<unknown>, input: unknown, runs = 3): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    try {
      await target.run(input);
    } catch {
      // Failing counts as a result; only the time matters here.
    }
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

/** The worst growth ratios seen: of work (n to 4n) and of time (16n to 64n). */
interface Growth {
  work: number;
  time: number;
}

async function checkGrowth(target: FuzzTarget<unknown>, seed: number): Promise<Growth> {
  const count = target.pumpCount ?? 500;
  const pumps = fc.sample(target.pumps, { seed, numRuns: pumpsPerTarget });
  const worst = { work: 0, time: 0 };
  for (const pump of pumps) {
    const workOf = async () => {
      const small = await meter.measure(() => target.run(pump(count)));
      const large = await meter.measure(() => target.run(pump(count * 4)));
      return { small, large, linear: large <= LINEAR_RATIO * small + 300 };
    };
    let { small, large, linear } = await workOf();
    // Confirm with the caches the first round filled (a bounded cache refilled is not growth).
    if (!linear) ({ small, large, linear } = await workOf());
    worst.work = Math.max(worst.work, large / Math.max(small, 1));
    if (!linear) {
      findings.push({
        target: target.name,
        kind: "superlinear",
        detail: `${String(pump)}: ${small} blocks of work at ${count} repeats, ` +
          `${large} at ${count * 4}`,
      });
    }
    // Time: from the first size that takes 20 ms (too fast is noise), to 4 times it; inputs
    // stay under 4 MB (a damaged archive fails at once at any size).
    let size = count * 16;
    let medium = await timeOf(target, pump(size));
    while (medium < 20 && size < count * 1024 && inputLength(pump(size * 4)) < 4_000_000) {
      size *= 4;
      medium = await timeOf(target, pump(size));
    }
    if (medium < 20) continue;
    const huge = await timeOf(target, pump(size * 4));
    const ratio = huge / medium;
    worst.time = Math.max(worst.time, ratio);
    if (ratio <= 8) continue;
    // Confirm: noise (another process, a collection) does not repeat, quadratic growth does.
    const again = (await timeOf(target, pump(size * 4), 5)) / (await timeOf(target, pump(size), 5));
    if (again > 8) {
      findings.push({
        target: target.name,
        kind: "superlinear",
        detail: `${String(pump)}: ${medium.toFixed(1)} ms at ${size} repeats, ` +
          `${huge.toFixed(1)} ms at ${size * 4}`,
      });
    }
  }
  return worst;
}

const campaignStart = performance.now();
const results: TargetResult[] = [];
// deno-lint-ignore no-console
const print = console.log;
print(
  `dpip fuzz campaign: ${targets.length} targets, ${perTarget} inputs each, ` +
    `${pumpsPerTarget} growth checks each, seed ${firstSeed}`,
);
for (const [index, target] of targets.entries()) {
  const seed = firstSeed + index * 1000;
  const result = await fuzzTarget(target as FuzzTarget<unknown>, seed);
  const growth = await checkGrowth(target as FuzzTarget<unknown>, seed);
  results.push(result);
  print(
    `${target.name.padEnd(18)} ${String(result.inputs).padStart(8)} inputs ` +
      `${result.seconds.toFixed(1).padStart(7)} s  ${
        String(result.errors).padStart(7)
      } rejected  ` +
      `slowest ${result.slowest.ms.toFixed(1)} ms (${result.slowest.length} long)  ` +
      `worst growth ×4: work ${growth.work.toFixed(2)}×, time ${growth.time.toFixed(1)}×`,
  );
}
const inputs = results.reduce((n, r) => n + r.inputs, 0);
const seconds = (performance.now() - campaignStart) / 1000;
print(
  `\n${inputs} inputs in ${(seconds / 60).toFixed(1)} min (seed ${firstSeed}); ` +
    `${findings.length} finding(s)`,
);
for (const finding of findings) print(`- ${finding.target}, ${finding.kind}: ${finding.detail}`);
Deno.exit(findings.length === 0 ? 0 : 1);
