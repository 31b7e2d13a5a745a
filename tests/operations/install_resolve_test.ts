import { schemeAt } from "../helpers/installed.ts";
import { resolveInstall } from "../../lib/operations/install_resolve.ts";
import type { InstallOptions, InstallSettings } from "../../lib/operations/install_settings.ts";
import type { PreparedRoots } from "../../lib/operations/install_roots.ts";
import { installWheels } from "../../lib/operations/install_wheels.ts";
import type { Interpreter } from "../../lib/python/mod.ts";
import type { IndexSource } from "../../lib/resolver/default_provider.ts";
import { inMemoryProvider, type ResolverProvider } from "../../lib/resolver/mod.ts";
import { join } from "../../lib/paths.ts";
import { assertEquals } from "../helpers/assert.ts";
import { writeWheel } from "../helpers/wheel_builder.ts";
import { LINUX_312, rootsOf, specOf } from "./install_fixtures.ts";

Deno.test("resolveInstall: satisfied as installed without asking the provider or making the builds, else resolved", async () => {
  const root = await Deno.makeTempDir();
  const scheme = schemeAt(root);
  const wheel = await writeWheel(join(root, "w"), { name: "app", version: "1.0", files: {} });
  await installWheels([{ path: wheel.path, requested: true }], {
    scheme,
    python: "/usr/bin/python3",
    pythonVersion: [3, 12],
  });
  const asked: string[] = [];
  const index = inMemoryProvider({ app: { "1.0": [], "2.0": [] } });
  const provider: ResolverProvider<IndexSource> = {
    listVersions: (name) => {
      asked.push(name);
      return index.listVersions(name) as ReturnType<ResolverProvider<IndexSource>["listVersions"]>;
    },
    getMetadata: (name, candidate) =>
      index.getMetadata(name, candidate as never) as ReturnType<
        ResolverProvider<IndexSource>["getMetadata"]
      >,
  };
  const settings = {
    upgrade: false,
    upgradeStrategy: "only-if-needed",
    forceReinstall: false,
    ignoreInstalled: false,
    noDeps: false,
    pre: false,
    ignoreRequiresPython: false,
  } as InstallSettings;
  const options = {
    settings,
    target: {
      interpreter: {
        sitePackages: [scheme.purelib],
        version: [3, 12, 4],
        markerEnvironment: LINUX_312,
      } as unknown as Interpreter,
      scheme: { kind: "default" },
    },
    services: {} as InstallOptions["services"],
  } satisfies Pick<InstallOptions, "settings" | "target" | "services">;
  let dispatches = 0; // The run's builds, made only to resolve.
  const context = {
    options,
    dispatch:
      () => (dispatches++,
        Promise.resolve({ provider: () => provider, builtWheel: () => undefined })),
    scheme,
  };
  const prepared = async (args: string[]) =>
    ({ roots: await rootsOf(args), localWheels: new Map() }) as unknown as PreparedRoots;

  const satisfied = await resolveInstall(await specOf(["app"]), await prepared(["app"]), context);
  assertEquals(satisfied.resolution, undefined);
  assertEquals(satisfied.dists.map((d) => `${d.name}==${d.version} ${d.installed}`), [
    "app==1.0 true",
  ]);
  assertEquals([asked, dispatches], [[], 0]);

  const upgraded = await resolveInstall(
    await specOf(["app>1"]),
    await prepared(["app>1"]),
    context,
  );
  assertEquals(upgraded.dists.map((d) => `${d.name}==${d.version}`), ["app==2.0"]);
  assertEquals(upgraded.installed.map((d) => d.name), ["app"]);
  assertEquals([asked, dispatches], [["app"], 1]);
  await Deno.remove(root, { recursive: true });
});
