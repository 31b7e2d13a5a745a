import { satisfiedAsInstalled } from "../../lib/operations/already_satisfied.ts";
import type { InstalledDist } from "../../lib/installer/site_packages.ts";
import { canonicalizeName, type PackageName } from "../../lib/names/mod.ts";
import { assertEquals } from "../helpers/assert.ts";
import { INTERPRETER, rootsOf, specOf } from "./install_fixtures.ts";

/** An installed distribution as the shortcut reads it. */
function installed(pin: string, requiresDist: string[] = []): [PackageName, InstalledDist] {
  const [name, version] = pin.split("==") as [string, string];
  const dist = {
    name: canonicalizeName(name),
    version,
    headers: [],
    requiresDist: () => requiresDist,
    providesExtra: () => [],
  } as unknown as InstalledDist;
  return [dist.name, dist];
}

const environment = new Map([installed("app==1.0", ["lib>=2"]), installed("lib==2.1")]);
const options = { interpreter: INTERPRETER, noDeps: false };

Deno.test("satisfiedAsInstalled: everything named and its dependencies at acceptable versions", async () => {
  const dists = satisfiedAsInstalled(await rootsOf(["app"]), [], environment, options);
  assertEquals(dists?.map((d) => `${d.name}==${d.version} ${d.requested}`), [
    "app==1.0 true",
    "lib==2.1 false",
  ]);
});

Deno.test("satisfiedAsInstalled: resolve when a version, a constraint or a dependency does not fit", async () => {
  assertEquals(satisfiedAsInstalled(await rootsOf(["app>1"]), [], environment, options), undefined);
  const constrained = await specOf(["app"], { constraints: "lib<2\n" });
  assertEquals(
    satisfiedAsInstalled(await rootsOf(["app"]), constrained.constraints, environment, options),
    undefined,
  );
  const missing = new Map([installed("app==1.0", ["lib>=2"])]);
  assertEquals(satisfiedAsInstalled(await rootsOf(["app"]), [], missing, options), undefined);
  assertEquals(
    satisfiedAsInstalled(await rootsOf(["app"]), [], missing, { ...options, noDeps: true })
      ?.map((d) => d.name),
    ["app"],
  );
});
