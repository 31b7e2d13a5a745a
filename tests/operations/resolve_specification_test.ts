import { resolveSpecification } from "../../lib/operations/resolve_specification.ts";
import { parseRequirement } from "../../lib/pep508/mod.ts";
import { inMemoryProvider } from "../../lib/resolver/in_memory_provider.ts";
import { PY312 } from "../resolver/helpers.ts";
import { assertEquals } from "../helpers/assert.ts";

const provider = inMemoryProvider({
  a: { "1.0": ["b"], "2.0": ["b>=2"], "3.0rc1": [] },
  b: { "1.0": [], "2.0": [] },
});
const base = {
  provider,
  environment: PY312,
  pythonVersion: "3.12.4",
  pre: false,
  ignoreRequiresPython: false,
  ignoreInstalled: true,
};
const pins = (dists: readonly { name: string; version: string }[]) =>
  dists.map((d) => `${d.name}==${d.version}`).sort();

Deno.test("resolveSpecification: the constraints limit versions; a constraint line without a requirement is skipped", async () => {
  const resolution = await resolveSpecification({
    requirements: [parseRequirement("a")],
    constraints: [{ requirement: parseRequirement("b<2") }, {}],
  }, base);
  assertEquals(pins(resolution.dists), ["a==1.0", "b==1.0"]);
});

Deno.test("resolveSpecification: --pre admits pre-releases, --no-deps resolves the roots only", async () => {
  const pre = await resolveSpecification(
    { requirements: [parseRequirement("a")], constraints: [] },
    { ...base, pre: true },
  );
  assertEquals(pins(pre.dists), ["a==3.0rc1"]);
  const noDeps = await resolveSpecification(
    { requirements: [parseRequirement("a")], constraints: [] },
    { ...base, noDeps: true },
  );
  assertEquals(pins(noDeps.dists), ["a==2.0"]);
});

Deno.test("resolveSpecification: decisions reach onDecision", async () => {
  const seen: string[] = [];
  await resolveSpecification({ requirements: [parseRequirement("a")], constraints: [] }, {
    ...base,
    onDecision: (event) => seen.push(`${event.name}==${event.version}`),
  });
  assertEquals(seen.sort(), ["a==2.0", "b==2.0"]);
});
