import { lazy } from "../lib/lazy.ts";
import { limiter } from "../lib/limiter.ts";
import { assertEquals } from "./helpers/assert.ts";

Deno.test("lazy() builds on first use, once, and behaves as what it built", () => {
  let built = 0;
  const map = lazy(() => (built++, new Map([["a", 1], ["b", 2]])));
  const set = lazy(() => (built++, new Set(["x", "y"])));
  assertEquals(built, 0);
  assertEquals([map.get("b"), map.has("c"), map.size, [...map.keys()]], [2, false, 2, ["a", "b"]]);
  assertEquals(built, 1);
  assertEquals([set.has("x"), set.size, [...set]], [true, 2, ["x", "y"]]);
  assertEquals(built, 2);
  map.forEach(() => {});
  assertEquals([...set.values()], ["x", "y"]);
  assertEquals(built, 2);
});

Deno.test("limiter() runs at most its limit at once and returns each task's result", async () => {
  const slot = limiter(2);
  let running = 0;
  let most = 0;
  const results = await Promise.all([1, 2, 3, 4, 5].map((n) =>
    slot(async () => {
      running++;
      most = Math.max(most, running);
      await Promise.resolve();
      await Promise.resolve();
      running--;
      return n * 10;
    })
  ));
  assertEquals(results, [10, 20, 30, 40, 50]);
  assertEquals(most, 2);
});
