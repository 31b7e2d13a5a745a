/**
 * dpip runs with the same V8 flags however it is started: the bundle's
 * launcher, the compiled binary (deno.json's `compile` task) and `deno task
 * dpip` (from source). The flags cap the young generation (memory) and compile
 * each loaded chunk whole, so that Deno's code cache holds every function
 * (start-up): see scripts/bundle_launcher.sh.
 *
 * @module
 */

import { assertEquals } from "../helpers/assert.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const EXPECTED = "--max-semi-space-size=4,--no-lazy";

function v8Flags(command: string, where: string): string {
  const match = /--v8-flags=(\S+)/.exec(command);
  if (match === null) throw new Error(`no --v8-flags in ${where}`);
  return match[1]!;
}

Deno.test("the launcher, the compile task and the dpip task pass the same V8 flags", async () => {
  const tasks = JSON.parse(await Deno.readTextFile(`${REPO}deno.json`)).tasks as Record<
    string,
    string
  >;
  const launcher = await Deno.readTextFile(`${REPO}scripts/bundle_launcher.sh`);
  assertEquals(
    [
      v8Flags(launcher, "the launcher"),
      v8Flags(tasks["compile"]!, "the compile task"),
      v8Flags(tasks["dpip"]!, "the dpip task"),
    ],
    [EXPECTED, EXPECTED, EXPECTED],
  );
});

Deno.test("the dpip task passes its name as the launcher does, so argv[0] is not read through node:process", async () => {
  const tasks = JSON.parse(await Deno.readTextFile(`${REPO}deno.json`)).tasks as Record<
    string,
    string
  >;
  // Deno lets only --allow-all read /proc/self/cmdline; without the name, dpip loads Deno's Node
  // layer (~20 ms) to read argv[0] (lib/cli/invoked_name.ts).
  assertEquals(/^DPIP_INVOKED_AS=dpip deno run /.test(tasks["dpip"]!), true, tasks["dpip"]);
  const command = new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "dpip", "--version"],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout } = await command.output();
  assertEquals([code, new TextDecoder().decode(stdout).startsWith("dpip ")], [0, true]);
});
