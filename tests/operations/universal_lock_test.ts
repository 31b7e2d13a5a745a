/** The pieces of `lock --universal` that pick files: every tag accepted, wheels for the Pythons covered. */

import { everyTag } from "../../lib/resolver/candidate_selector.ts";
import { wheelFitsPythons } from "../../lib/operations/universal_lock.ts";
import { assert, assertEquals } from "../helpers/assert.ts";

Deno.test("everyTag keeps the target's ranks and puts any other tag after them", () => {
  const ranking = everyTag(
    new Map([["cp312-cp312-manylinux_2_17_x86_64", 0], ["py3-none-any", 1]]),
  );
  assertEquals(ranking.get("cp312-cp312-manylinux_2_17_x86_64"), 0);
  assertEquals(ranking.get("py3-none-any"), 1);
  assertEquals(ranking.get("cp38-cp38-win_amd64"), 2);
  assert(ranking.has("anything"));
});

Deno.test("wheelFitsPythons: Python 2 and CPython minors below the range are left out", () => {
  assert(wheelFitsPythons("a-1-py3-none-any.whl", 9));
  assert(wheelFitsPythons("a-1-py2.py3-none-any.whl", 9));
  assert(wheelFitsPythons("a-1-cp38-abi3-win_amd64.whl", 9));
  assert(wheelFitsPythons("a-1-cp39-cp39-manylinux_2_17_x86_64.whl", 9));
  assert(wheelFitsPythons("a-1-pp310-pypy310_pp73-manylinux_2_17_x86_64.whl", 9));
  assert(!wheelFitsPythons("a-1-cp38-cp38-manylinux_2_17_x86_64.whl", 9));
  assert(!wheelFitsPythons("a-1-cp27-cp27mu-manylinux1_x86_64.whl", undefined));
  assert(!wheelFitsPythons("a-1-py2-none-any.whl", 9));
  assert(!wheelFitsPythons("not a wheel name", 9));
});
