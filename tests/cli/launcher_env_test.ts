/**
 * The launcher's memory tuning stays with dpip's own process: the variables
 * it sets are removed at start-up, a user's own setting is kept.
 *
 * @module
 */

import {
  dropLauncherVariables,
  LAUNCHER_MALLOC_VARIABLE,
  MALLOC_VARIABLE,
} from "../../lib/cli/launcher_env.ts";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";

const REPO = new URL("../../", import.meta.url).pathname;

Deno.test("dropLauncherVariables: removes the malloc tuning only when the launcher set it", () => {
  const launched = new Map([
    [LAUNCHER_MALLOC_VARIABLE, "1"],
    [MALLOC_VARIABLE, "65536"],
    ["PATH", "/bin"],
  ]);
  dropLauncherVariables(launched);
  assertEquals([...launched.keys()], ["PATH"]);
  const own = new Map([[MALLOC_VARIABLE, "131072"], ["PATH", "/bin"]]);
  dropLauncherVariables(own);
  assertEquals([...own.keys()], [MALLOC_VARIABLE, "PATH"]);
});

Deno.test("the launcher marks the malloc variable it sets, with the names dpip removes", async () => {
  const launcher = await Deno.readTextFile(`${REPO}scripts/bundle_launcher.sh`);
  assertStringIncludes(
    launcher,
    `if [ -z "\${${MALLOC_VARIABLE}+set}" ]; then\n  export ${MALLOC_VARIABLE}=65536 ${LAUNCHER_MALLOC_VARIABLE}=1\nfi`,
  );
});

Deno.test("the launcher's variables do not reach what dpip starts; a user's own setting does", async () => {
  // The "interpreter" dpip probes records the environment it was started with.
  const dir = await Deno.makeTempDir({ prefix: "dpip-launcher-env-" });
  try {
    const python = `${dir}/python`;
    await Deno.writeTextFile(python, `#!/bin/sh\nenv > "${dir}/seen"\nexit 3\n`);
    await Deno.chmod(python, 0o755);
    const seen = async (env: Record<string, string>) => {
      const result = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", `${REPO}main.ts`, "list", "--python", python],
        env: { ...env, PIP_CACHE_DIR: `${dir}/cache`, HOME: dir, PIP_CONFIG_FILE: "/dev/null" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals(result.code, 1, new TextDecoder().decode(result.stderr));
      return await Deno.readTextFile(`${dir}/seen`);
    };
    const launched = await seen({ [MALLOC_VARIABLE]: "65536", [LAUNCHER_MALLOC_VARIABLE]: "1" });
    assertEquals(launched.includes(MALLOC_VARIABLE), false, launched);
    assertEquals(launched.includes(LAUNCHER_MALLOC_VARIABLE), false, launched);
    await Deno.remove(`${dir}/seen`);
    assertStringIncludes(await seen({ [MALLOC_VARIABLE]: "131072" }), `${MALLOC_VARIABLE}=131072`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
