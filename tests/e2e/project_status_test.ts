/**
 * PEP 792 end to end: `dpip install` against a served index whose pages give
 * project statuses (as PEP 691 JSON and as HTML meta tags): a quarantined
 * project is refused (the resolution says why; none of its files is fetched)
 * with the venv unchanged unless pinned with ==, archived and deprecated projects warn once when you named them and
 * never for a dependency, and `--report` shows every status.
 */

import { startIndexServer } from "../helpers/index_server.ts";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { demoFiles, distInfos } from "./install_support.ts";
import { python311, withVenvs } from "./install_wheel_support.ts";

const STATUSES = {
  app: { status: "deprecated", reason: "use app2" },
  lib: { status: "archived", reason: "moved" },
  tool: { status: "quarantined", reason: "malware found" },
};

for (const format of ["json", "html"] as const) {
  Deno.test({
    name: `PEP 792 statuses from ${format} pages: refused, warned, reported`,
    ignore: skipUnless(python311, "Python 3.11 from pyenv"),
    async fn() {
      const server = await startIndexServer({
        files: demoFiles(),
        formats: [format],
        projectStatuses: STATUSES,
      });
      try {
        await withVenvs({ prefix: "dpip-status-" }, async ({ venv, install }) => {
          const index = ["-i", server.url];
          const report = await install([...index, "-q", "--dry-run", "--report", "-", "app"]);
          assertEquals(report.status, 0, report.stderr);
          const entries = JSON.parse(report.stdout.slice(report.stdout.indexOf("{"))).install as {
            metadata: { name: string };
            project_status?: unknown;
          }[];
          assertEquals(
            entries.map((e) => [e.metadata.name, e.project_status]),
            [
              ["app", { status: "deprecated", reason: "use app2", index: server.url }],
              ["lib", { status: "archived", reason: "moved", index: server.url }],
            ],
          );

          const app = await install([...index, "app"]);
          assertEquals(app.status, 0, app.stderr);
          const warnings = app.stderr.split("\n").filter((line) => line.startsWith("WARNING"));
          assertEquals(warnings, [`WARNING: app is deprecated on ${server.url}: use app2`]);

          const lib = await install([...index, "-U", "lib<3"]);
          assertStringIncludes(
            lib.stderr,
            `WARNING: lib is archived on ${server.url}: moved (it is not expected to be updated)`,
          );

          const before = distInfos(venv.sitePackages);
          const refused = await install([...index, "tool"]);
          assertEquals(refused.status, 1);
          assertStringIncludes(
            refused.stderr,
            `tool is quarantined on ${server.url} (malware found): the index considers it unsafe; pin tool==<version> yourself to install it anyway`,
          );
          assertEquals(distInfos(venv.sitePackages), before);
          assertEquals(server.requests.some((r) => r.path.startsWith("/files/tool-")), false);

          const pinned = await install([...index, "tool==1.0"]);
          assertEquals(pinned.status, 0, pinned.stderr);
          assertStringIncludes(
            pinned.stderr,
            `WARNING: tool is quarantined on ${server.url}: malware found; installing it because you pinned it with ==`,
          );
          assertEquals(distInfos(venv.sitePackages).includes("tool-1.0"), true);
        });
      } finally {
        await server.close();
      }
    },
  });
}
