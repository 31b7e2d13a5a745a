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

/** Builds dpip's code-split bundle (and its `dpip` launcher) into `dir`. */
export async function bundleInto(dir: string): Promise<void> {
  const config = JSON.parse(await Deno.readTextFile(join(REPO, "deno.json"))) as {
    tasks: Record<string, string>;
  };
  const [bundle, copy] = (config.tasks["bundle"] ?? "").split(" && ");
  const args = (bundle ?? "").split(" ").slice(1).map((arg) => arg === "dist/bundle" ? dir : arg);
  const built = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: REPO,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(built.code, 0, new TextDecoder().decode(built.stderr));
  // The launcher the task copies beside main.js.
  const [, source, target] = (copy ?? "").split(" ");
  assertEquals(target, "dist/bundle/dpip");
  await Deno.copyFile(join(REPO, source ?? ""), join(dir, "dpip"));
  await Deno.chmod(join(dir, "dpip"), 0o755);
}
