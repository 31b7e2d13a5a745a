/**
 * `deno task bundle` into a directory of the test's choosing: the task's own
 * command line from deno.json with the output directory replaced, and its
 * launcher copied beside `main.js`, so tests run dpip as shipped without
 * touching the checkout's `dist/`.
 *
 * @module
 */

import { join } from "node:path";
import { assertEquals } from "./assert.ts";

const REPO = new URL("../../", import.meta.url).pathname;

/** Builds dpip's code-split bundle (and its `dpip` launcher) into `dir`, as `deno task bundle` does. */
export async function bundleInto(dir: string): Promise<void> {
  const config = JSON.parse(await Deno.readTextFile(join(REPO, "deno.json"))) as {
    tasks: Record<string, string>;
  };
  const task = config.tasks["bundle"] ?? "";
  assertEquals(task.includes("dist/bundle/dpip"), true, "the task copies the launcher");
  const built = await new Deno.Command("bash", {
    args: ["-c", task.replaceAll("dist/bundle", dir)],
    cwd: REPO,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(built.code, 0, new TextDecoder().decode(built.stderr));
}
