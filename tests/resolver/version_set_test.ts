/**
 * Version sets and terms against a brute-force model (plain boolean arrays),
 * on seeded random sets.
 */

import { Term } from "../../lib/resolver/pubgrub/term.ts";
import { Universe, VersionSet } from "../../lib/resolver/pubgrub/version_set.ts";
import { assertEquals } from "../helpers/assert.ts";
import { Random } from "../helpers/random.ts";

function bits(set: VersionSet): boolean[] {
  return set.universe.labels.map((_, i) => set.has(i));
}

Deno.test("VersionSet algebra matches a boolean-array model", () => {
  const rng = new Random(42);
  const next = () => rng.next();
  for (let round = 0; round < 300; round++) {
    const size = Math.floor(next() * 70);
    const universe = new Universe(Array.from({ length: size }, (_, i) => `${i}.0`));
    const a = Array.from({ length: size }, () => next() < 0.5);
    const b = Array.from({ length: size }, () => next() < 0.3);
    const setA = VersionSet.fromPredicate(universe, (i) => a[i]!);
    const setB = VersionSet.fromPredicate(universe, (i) => b[i]!);
    assertEquals(bits(setA.intersect(setB)), a.map((x, i) => x && b[i]!));
    assertEquals(bits(setA.union(setB)), a.map((x, i) => x || b[i]!));
    assertEquals(bits(setA.minus(setB)), a.map((x, i) => x && !b[i]!));
    assertEquals(bits(setA.complement()), a.map((x) => !x));
    assertEquals(setA.size(), a.filter((x) => x).length);
    assertEquals([...setA.indices()], a.flatMap((x, i) => x ? [i] : []));
    assertEquals(setA.isEmpty(), !a.includes(true));
    assertEquals(setA.isFull(), !a.includes(false));
    assertEquals(setA.isSubsetOf(setB), a.every((x, i) => !x || b[i]!));
    assertEquals(setA.isDisjoint(setB), a.every((x, i) => !x || !b[i]!));
    assertEquals(setA.equals(VersionSet.fromIndices(universe, setA.indices())), true);
  }
});

Deno.test("Term relations match the model (a negative term admits 'not selected')", () => {
  const rng = new Random(7);
  const next = () => rng.next();
  // A term's meaning: the set of outcomes it allows, where outcome `size` is "not selected".
  const meaning = (term: Term<string>, size: number) =>
    Array.from(
      { length: size + 1 },
      (_, i) => i === size ? !term.positive : term.positive === term.set.has(i),
    );
  for (let round = 0; round < 300; round++) {
    const size = 1 + Math.floor(next() * 12);
    const universe = new Universe(Array.from({ length: size }, (_, i) => `${i}`));
    const make = () =>
      new Term("a", VersionSet.fromPredicate(universe, () => next() < 0.5), next() < 0.5);
    const x = make();
    const y = make();
    const mx = meaning(x, size);
    const my = meaning(y, size);
    assertEquals(meaning(x.intersect(y), size), mx.map((v, i) => v && my[i]!));
    assertEquals(meaning(x.difference(y), size), mx.map((v, i) => v && !my[i]!));
    assertEquals(meaning(x.negate(), size), mx.map((v) => !v));
    assertEquals(x.isSubsetOf(y), mx.every((v, i) => !v || my[i]!));
    assertEquals(x.isDisjoint(y), mx.every((v, i) => !v || !my[i]!));
  }
});

Deno.test("VersionSet renders labels, single versions, exclusions and ranges", () => {
  const universe = new Universe(["1.0", "1.1", "2.0", "2.1", "3.0"]);
  const from = (indices: number[]) => VersionSet.fromIndices(universe, indices);
  assertEquals(String(from([1]).withLabel(">=1.1,<2")), ">=1.1,<2");
  assertEquals(String(from([2])), "==2.0");
  assertEquals(String(from([0, 1, 3, 4])), "!=2.0");
  assertEquals(String(from([2, 3, 4])), ">=2.0");
  assertEquals(String(from([0, 1])), "<=1.1");
  assertEquals(String(from([1, 2])), ">=1.1,<=2.0");
  assertEquals(String(from([0, 2, 3])), "==1.0 | >=2.0,<=2.1");
  assertEquals(String(VersionSet.full(universe)), "*");
  // A derived set keeps the label of the operand it equals.
  const labelled = from([2, 3, 4]).withLabel(">=2");
  assertEquals(String(labelled.intersect(VersionSet.full(universe))), ">=2");
});
