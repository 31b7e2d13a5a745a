import { describePlan } from "../../lib/operations/plan_report.ts";
import { planInstallation } from "../../lib/operations/install_plan.ts";
import { canonicalizeName } from "../../lib/names/mod.ts";
import { assertEquals } from "../helpers/assert.ts";
import { INTERPRETER, LINUX_312, resolved, rootsOf } from "./install_fixtures.ts";

const metadata = (name: string, version: string) =>
  `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`;

Deno.test("describePlan: names as the metadata spells them; the report only when asked", async () => {
  const roots = await rootsOf(["Foo_Bar[x]"]);
  const planned = planInstallation({
    roots,
    ignored: [],
    dists: [resolved("foo-bar==1.0", [], { requested: true }), resolved("dep==2.0")],
    installed: [],
  }, {
    interpreter: INTERPRETER,
    reinstallAll: false,
    upgrade: false,
    ignoreRequiresPython: false,
  });
  const fetched: string[] = [];
  const options = {
    roots,
    localWheels: new Map(),
    fetchMetadata: (file: { filename: string }) => {
      fetched.push(file.filename);
      return Promise.resolve(
        file.filename.startsWith("foo") ? metadata("Foo_Bar", "1.0") : metadata("Dep", "2.0"),
      );
    },
    report: false,
    environment: LINUX_312,
    importlib: true,
    statuses: new Map(),
  };
  const names = await describePlan(planned, options);
  assertEquals(names.report, undefined);
  assertEquals([...names.metadataNames.values()], ["Foo_Bar", "Dep"]);
  const described = await describePlan(planned, { ...options, report: true });
  const install = described.report?.["install"] as Record<string, unknown>[];
  assertEquals(install.map((entry) => [entry["requested"], entry["requested_extras"]]), [
    [false, undefined],
    [true, ["x"]],
  ]);
  assertEquals(fetched.length, 4);
  assertEquals(described.metadataNames.get(canonicalizeName("dep")), "Dep");
});
