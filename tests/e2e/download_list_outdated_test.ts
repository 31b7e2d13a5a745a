/**
 * `dpip list --outdated` / `--uptodate` (the index half of `list`) against
 * pip 23.2.1 on the same interpreter and the same index (the corpus as a
 * `file://` index): identical output in the columns and JSON formats.
 */

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { captureIo } from "../../lib/cli/io.ts";
import { main } from "../../lib/cli/main.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { oraclePython, skipUnless } from "../helpers/python.ts";
import { corpusDir } from "../index/corpus.ts";

const python = await oraclePython();
const corpus = await corpusDir();

async function pip(args: string[]): Promise<string> {
  const env: Record<string, string> = { ...Deno.env.toObject(), PIP_CONFIG_FILE: "/dev/null" };
  delete env["PIP_FIND_LINKS"];
  const output = await new Deno.Command(python ?? "python3", {
    args: ["-m", "pip", ...args],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(output.stdout);
}

async function dpip(args: string[]): Promise<string> {
  const io = captureIo({
    env: {
      HOME: Deno.env.get("HOME") ?? "/",
      PATH: Deno.env.get("PATH") ?? "",
      PIP_CONFIG_FILE: "/dev/null",
    },
    cwd: "/",
  });
  const status = await main([...args, "--python", python ?? "python3", "--no-cache-dir"], io);
  assertEquals(status, 0, io.err());
  return io.out();
}

Deno.test({
  name: "list --outdated / --uptodate print what pip prints (columns and JSON)",
  ignore: skipUnless(python && corpus, "Python 3.11 with pip and the ../shared/corpus index"),
  fn: async () => {
    const index = pathToFileURL(join(corpus ?? "", "simple")).href;
    for (const args of [["--outdated"], ["--uptodate", "--format", "json"]]) {
      const full = ["list", ...args, "-i", index];
      const [ours, theirs] = await Promise.all([dpip(full), pip([...full, "--no-cache-dir"])]);
      assert(theirs.length > 0, "pip printed nothing");
      assertEquals(ours, theirs, args.join(" "));
    }
  },
});
