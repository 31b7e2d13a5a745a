/**
 * `--overrides FILE` (uv): a dependency's bound lifted where a constraint
 * cannot, for the dependencies' requirements and yours.
 *
 * @module
 */

import { join } from "node:path";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { startIndexServer, wheelFile } from "../helpers/index_server.ts";
import { dpip, tempHome } from "./install_support.ts";

Deno.test({
  name: "--overrides lifts a dependency's bound where a constraint cannot (lock)",
  sanitizeResources: false,
  async fn() {
    const index = await startIndexServer({
      files: [
        wheelFile({ name: "app", version: "1.0", metadata: { requiresDist: ["lib<2"] } }),
        wheelFile({ name: "lib", version: "1.0" }),
        wheelFile({ name: "lib", version: "2.0" }),
      ],
    });
    const { home, done } = await tempHome("dpip-overrides-");
    try {
      await Deno.writeTextFile(join(home, "over.txt"), "lib>=2\n");
      await Deno.writeTextFile(join(home, "cons.txt"), "lib>=2\n");
      const lock = (args: string[]) =>
        dpip(["lock", "-o", "-", "-i", index.url, ...args], { home });
      assertStringIncludes((await lock(["app"])).stdout, 'name = "lib"\nversion = "1.0"');
      const overridden = await lock(["app", "--overrides", "over.txt"]);
      assertEquals(overridden.status, 0, overridden.stderr);
      assertStringIncludes(overridden.stdout, 'name = "lib"\nversion = "2.0"');
      const yours = await lock(["app", "lib<2", "--overrides", "over.txt"]);
      assertStringIncludes(yours.stdout, 'name = "lib"\nversion = "2.0"');
      assertEquals((await lock(["app", "-c", "cons.txt"])).status, 1);
    } finally {
      await index.close();
      await done();
    }
  },
});
