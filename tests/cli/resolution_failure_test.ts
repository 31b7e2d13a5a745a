import { resolutionFailure } from "../../lib/cli/resolution_failure.ts";
import { DpipError } from "../../lib/errors.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { run } from "../resolver/helpers.ts";

Deno.test("resolutionFailure() gives the resolver's error, typed, and nothing for other errors", async () => {
  const outcome = await run(["a==2"], { a: { "1.0": [] } });
  assert(!outcome.ok);
  const failure = await resolutionFailure(outcome.error);
  assertEquals(failure?.text, outcome.report);
  assertEquals(failure?.derivation, outcome.error.derivation);
  for (
    const other of [
      new DpipError("resolution-too-long", "gave up"),
      // The code alone is not enough: the derivation comes with the class.
      new DpipError("resolution-impossible", "no derivation"),
      new Error("a bug"),
      "a string",
    ]
  ) {
    assertEquals(await resolutionFailure(other), undefined);
  }
});
