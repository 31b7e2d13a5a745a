/**
 * PEP 440 hot paths: parsing, sorting and specifier checks over 100,000
 * versions. `deno task bench`; `scripts/bench_packaging.ts` runs the same
 * work through `packaging` for comparison.
 */

import {
  compareVersions,
  parseSpecifierSet,
  parseVersion,
  type Version,
} from "../../lib/pep440/mod.ts";
import { benchmarkInputs } from "../pep440/generate.ts";

const { versions, pairs } = benchmarkInputs();
const parsed: Version[] = versions.map(parseVersion);
const repeated = versions.slice(0, 1000);
const sets = pairs.map(([set]) => parseSpecifierSet(set));

Deno.bench("parse 100,000 versions (distinct, not cached)", { group: "parse" }, () => {
  for (let i = 0; i < versions.length; i++) parseVersion(versions[i]!);
});

Deno.bench("parse 100,000 versions (1,000 distinct, cached)", { group: "parse" }, () => {
  for (let i = 0; i < 100_000; i++) parseVersion(repeated[i % 1000]!);
});

Deno.bench("sort 100,000 parsed versions", { group: "sort" }, () => {
  [...parsed].sort(compareVersions);
});

Deno.bench("contains: 100,000 version/specifier-set pairs", { group: "contains" }, () => {
  for (let i = 0; i < pairs.length; i++) sets[i]!.contains(pairs[i]![1]);
});
