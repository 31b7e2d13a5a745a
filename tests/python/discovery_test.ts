/**
 * `--python NAME` finds NAME on PATH as the shell does (the first executable
 * file, a pyenv shim included), while a version request still reaches
 * through a pyenv shim to the newest matching installed version; `-v` says
 * which interpreter was chosen. Each test builds its own PATH of fake shims
 * and scripts in a temporary directory.
 *
 * @module
 */

import { join } from "node:path";
import { discoverInterpreter, InterpreterNotFoundError } from "../../lib/python/mod.ts";
import { captureIo, main } from "../../lib/cli/mod.ts";
import { assertEquals, assertRejects, assertStringIncludes } from "../helpers/assert.ts";
import { oraclePython, skipUnless } from "../helpers/python.ts";

const oracle = await oraclePython();

function script(path: string, body: string, mode = 0o755): void {
  Deno.writeTextFileSync(path, `#!/bin/sh\n${body}\n`);
  Deno.chmodSync(path, mode);
}

/**
 * A fake pyenv root: `shims/` holding launcher scripts and `versions/` holding
 * two fake installed versions, plus a second PATH directory with its own python3.
 */
function fakePyenv(dir: string): { shims: string; other: string; versions: string } {
  const shims = join(dir, "pyenv", "shims");
  const versions = join(dir, "pyenv", "versions");
  const other = join(dir, "other");
  for (const d of [shims, other]) Deno.mkdirSync(d, { recursive: true });
  for (const version of ["3.98.1", "3.99.2", "3.99.10"]) {
    const bin = join(versions, version, "bin");
    Deno.mkdirSync(bin, { recursive: true });
    const minor = version.split(".").slice(0, 2).join(".");
    for (const name of ["python3", `python${minor}`]) script(join(bin, name), "exit 0");
  }
  for (const name of ["python3", "python3.99", "python"]) script(join(shims, name), "exit 0");
  script(join(other, "python3"), "exit 0");
  return { shims, other, versions };
}

Deno.test("--python NAME: the first executable match on PATH, a pyenv shim included", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dpip-discovery-" });
  try {
    const { shims, other, versions } = fakePyenv(dir);
    const base = { cwd: dir, invokedAs: "dpip" };
    const find = (python: string, path: string) =>
      discoverInterpreter({ ...base, python, env: { PATH: path } });
    // The shim comes first on PATH: it is what the shell runs (pyenv picks the version).
    assertEquals((await find("python3", `${shims}:${other}`)).executable, join(shims, "python3"));
    assertEquals((await find("python3", `${other}:${shims}`)).executable, join(other, "python3"));
    assertEquals(
      (await find("python3.99", `${shims}:${other}`)).executable,
      join(shims, "python3.99"),
    );
    // A version request reaches through the shim to the newest installed match.
    assertEquals(
      (await find("3.99", `${shims}:${other}`)).executable,
      join(versions, "3.99.10", "bin", "python3.99"),
    );
    // A file that is not executable is skipped, as the shell skips it.
    const first = join(dir, "first");
    Deno.mkdirSync(first);
    script(join(first, "python3"), "exit 0", 0o644);
    assertEquals((await find("python3", `${first}:${other}`)).executable, join(other, "python3"));
    // An empty PATH entry is the working directory; a relative one is relative to it.
    script(join(dir, "python3"), "exit 0");
    assertEquals((await find("python3", `:${other}`)).executable, join(dir, "python3"));
    assertEquals((await find("python3", `other:${shims}`)).executable, join(other, "python3"));
    // ... but a file in the working directory does not shadow PATH.
    assertEquals((await find("python3", `${shims}`)).executable, join(shims, "python3"));
    const missing = await assertRejects(() => find("python9", other), InterpreterNotFoundError);
    assertEquals(
      missing.message,
      `No Python interpreter found for --python python9 (tried ${join(other, "python9")})`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "-v says which interpreter --python NAME chose, and what a launcher on PATH runs",
  ignore: skipUnless(oracle, "a Python 3"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dpip-discovery-" });
    try {
      const shims = join(dir, "shims");
      Deno.mkdirSync(shims);
      script(join(shims, "python3"), `exec "${oracle}" "$@"`);
      const io = captureIo({ env: { PATH: shims, HOME: dir }, cwd: dir });
      const status = await main(["freeze", "-v", "--no-cache-dir", "--python", "python3"], io);
      assertEquals(status, 0, io.err());
      const line = io.err().split("\n")[0] ?? "";
      assertStringIncludes(line, `at ${join(shims, "python3")}, which runs `);
      assertStringIncludes(line, "(from --python python3)");
      const quiet = captureIo({ env: { PATH: shims, HOME: dir }, cwd: dir });
      await main(["freeze", "--no-cache-dir", "--python", "python3"], quiet);
      assertEquals(quiet.err(), "");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
