/**
 * A short, seeded fuzzing run over every parser (`targets.ts`): on each
 * generated input the parser returns or throws its own `DpipError`, never
 * anything else; where the format has a writer, what it parsed survives a
 * round trip; and its work (counted in executed blocks of lib/ code, not
 * timed: see `tests/helpers/work.ts`) grows linearly when a piece of the input
 * is repeated 4 times as often.
 *
 * The same properties run for much longer in `deno task fuzz`. Set
 * `DPIP_FUZZ_SEED` to replay another seed.
 *
 * @module
 */

import { assert } from "../helpers/assert.ts";
import { LINEAR_RATIO, startWorkMeter } from "../helpers/work.ts";

// Counting starts before any lib/ code runs (see work.ts), so lib/ is imported after.
const meter = await startWorkMeter();
const { default: fc } = await import("fast-check");
const { TARGETS, runTarget } = await import("./targets.ts");

const SEED = Number(Deno.env.get("DPIP_FUZZ_SEED") ?? 19);
/** Inputs per target for the crash and round-trip properties. */
const RUNS = 400;
/** Pumped inputs per target for the linearity property. */
const PUMPS = 12;
/** Blocks of fixed cost that may differ between the two sizes (a longer error message path). */
const SLACK = 300;

for (const target of TARGETS) {
  Deno.test(`fuzz ${target.name}: only its own errors, and round trips`, async () => {
    await fc.assert(
      fc.asyncProperty(target.inputs, async (input) => {
        const { value, error } = await runTarget(target, input);
        if (error === undefined) target.roundTrip?.(value, input);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  Deno.test(`fuzz ${target.name}: work grows linearly with the input`, async () => {
    await fc.assert(
      fc.asyncProperty(target.pumps, async (pump) => {
        const count = target.pumpCount ?? 500;
        const small = await meter.measure(() => target.run(pump(count)));
        const large = await meter.measure(() => target.run(pump(count * 4)));
        assert(
          large <= LINEAR_RATIO * small + SLACK,
          `${target.name}: ${small} blocks of work at ${count} repeats, ${large} at ${count * 4}`,
        );
      }),
      { seed: SEED, numRuns: PUMPS },
    );
  });
}
