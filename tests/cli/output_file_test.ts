/**
 * Files written where the user said (`-o`, `--report`): whole or not at all,
 * and a path that cannot take one is a one-line error naming it.
 */

import { join } from "../../lib/paths.ts";
import { captureIo } from "../../lib/cli/io.ts";
import { main } from "../../lib/cli/main.ts";
import { OutputFileError, writeOutputFile } from "../../lib/cli/output_file.ts";
import { assertEquals, assertStringIncludes, assertThrows } from "../helpers/assert.ts";

async function withDir(fn: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dpip-output-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const listing = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

Deno.test("writeOutputFile: replaces a file whole; leaves nothing else behind", () =>
  withDir((dir) => {
    const path = join(dir, "pylock.toml");
    Deno.writeTextFileSync(path, "old");
    writeOutputFile(path, "pylock.toml", "the lock file", "new");
    assertEquals([Deno.readTextFileSync(path), listing(dir)], ["new", ["pylock.toml"]]);
  }));

Deno.test("writeOutputFile: a missing directory or a directory is an OutputFileError naming the path", () =>
  withDir((dir) => {
    const missing = assertThrows(
      () => writeOutputFile(join(dir, "no/x.toml"), "no/x.toml", "the lock file", "text"),
      OutputFileError,
    );
    assertEquals(
      missing.message,
      "Cannot write the lock file to no/x.toml: its directory does not exist",
    );
    assertEquals(missing.path, "no/x.toml");
    Deno.mkdirSync(join(dir, "taken"));
    Deno.writeTextFileSync(join(dir, "taken", "inside"), "kept");
    const directory = assertThrows(
      () => writeOutputFile(join(dir, "taken"), "taken", "the SBOM", "text"),
      OutputFileError,
    );
    assertStringIncludes(directory.message, "Cannot write the SBOM to taken: ");
    assertEquals([listing(dir), listing(join(dir, "taken"))], [["taken"], ["inside"]]);
  }));

const LOCK = `lock-version = "1.0"
created-by = "test"

[[packages]]
name = "app"
version = "1.0"
wheels = [{ url = "https://files.invalid/app-1.0-py3-none-any.whl", hashes = { sha256 = "${
  "1".repeat(64)
}" } }]
`;

Deno.test("dpip sbom -o into a missing directory: one line naming it, exit 1, nothing written", () =>
  withDir(async (dir) => {
    Deno.writeTextFileSync(join(dir, "pylock.toml"), LOCK);
    const io = captureIo({ env: { PIP_CONFIG_FILE: "/dev/null", HOME: dir }, cwd: dir });
    const status = await main(["sbom", "-r", "pylock.toml", "-o", "missing/sbom.json"], io);
    assertEquals(status, 1);
    const lines = io.err().trim().split("\n");
    assertStringIncludes(
      lines[0]!,
      "Cannot write the SBOM to missing/sbom.json: its directory does not exist",
    );
    assertEquals(io.err().includes("This is a bug"), false);
    assertEquals(listing(dir), ["pylock.toml"]);
  }));
