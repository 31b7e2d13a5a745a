/**
 * `dpip lock` locks only metadata its files declare: a wheel without a PEP
 * 658 file is read whole, hash-checked, never by range requests (which no
 * hash covers); the wheel is then in the cache with its metadata kept by its
 * sha256, so a second lock of the same files downloads nothing, and neither
 * does installing the lock. An index whose ranges are not parts of the files
 * it serves cannot change the lock.
 *
 * @module
 */

import { join } from "node:path";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import {
  type IndexFile,
  type IndexServer,
  startIndexServer,
  wheelFile,
} from "../helpers/index_server.ts";
import { pyenvPython, skipUnless } from "../helpers/python.ts";
import { dpip, makeVenv, tempHome } from "./install_support.ts";

const python = await pyenvPython("3.11");

/** A pure wheel `name` 1.0 without a PEP 658 file, so its metadata is read by ranges. */
function rangedWheel(name: string, requires: readonly string[]): IndexFile {
  return wheelFile({
    name,
    version: "1.0",
    tags: "py3-none-any",
    files: { [`${name}/__init__.py`]: "" },
    metadata: { requiresDist: requires },
  }, { metadata: undefined });
}

/** `dpip lock app` from `server` with the cache in `home`, plus `args`. */
function lockApp(home: string, server: IndexServer, args: readonly string[]) {
  return dpip([
    "lock",
    "--python",
    python!,
    "--cache-dir",
    join(home, "cache"),
    "-i",
    server.url,
    "app",
    ...args,
  ], { home });
}

Deno.test({
  name: "lock reads wheels whole once, never by ranges; the next lock and the install fetch none",
  ignore: skipUnless(python, "pyenv's Python 3.11"),
  async fn() {
    const server = await startIndexServer({
      files: [rangedWheel("app", ["dep>=1"]), rangedWheel("dep", [])],
    });
    const { home, done } = await tempHome("dpip-lock-verify-");
    try {
      const lock = (output: string) => lockApp(home, server, ["-o", output]);
      const files = () => server.requests.filter((r) => r.path.startsWith("/files/"));

      const cold = await lock("pylock.toml");
      assertEquals(cold.status, 0, cold.stderr);
      const coldFiles = files();
      assertEquals(coldFiles.filter((r) => r.range !== null), [], "no range is read");
      for (const name of ["app", "dep"]) {
        const whole = coldFiles.filter((r) =>
          r.path === `/files/${name}-1.0-py3-none-any.whl` && r.range === null && r.method === "GET"
        );
        assertEquals(whole.length, 1, `${name}'s wheel downloaded whole once`);
      }

      const before = server.requests.length;
      const warm = await lock("again.toml");
      assertEquals(warm.status, 0, warm.stderr);
      assertEquals(
        server.requests.slice(before).filter((r) => r.path.startsWith("/files/")),
        [],
        "a warm lock asks for no file and no range",
      );
      assertEquals(
        await Deno.readTextFile(join(home, "again.toml")),
        await Deno.readTextFile(join(home, "pylock.toml")),
      );

      // The locked wheels are in the cache: installing the lock downloads nothing.
      const venv = await makeVenv(join(home, "venv"));
      const afterLocks = server.requests.length;
      const installed = await dpip([
        "install",
        "--python",
        venv.python,
        "--cache-dir",
        join(home, "cache"),
        "-r",
        "pylock.toml",
      ], { home });
      assertEquals(installed.status, 0, installed.stderr);
      assertStringIncludes(installed.stdout, "Successfully installed app-1.0 dep-1.0");
      assertEquals(
        server.requests.slice(afterLocks).filter((r) => r.path.startsWith("/files/")).map((r) =>
          r.path
        ),
        [],
      );
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name: "lock --universal reads wheels whole once, never by ranges; the next one fetches no file",
  ignore: skipUnless(python, "pyenv's Python 3.11"),
  async fn() {
    const server = await startIndexServer({
      files: [rangedWheel("app", ["dep>=1"]), rangedWheel("dep", [])],
    });
    const { home, done } = await tempHome("dpip-lock-universal-verify-");
    try {
      const lock = () =>
        lockApp(home, server, ["--universal", "--python-version", "3.11", "-o", "pylock.toml"]);
      const files = () => server.requests.filter((r) => r.path.startsWith("/files/"));
      const cold = await lock();
      assertEquals(cold.status, 0, cold.stderr);
      assertEquals(files().filter((r) => r.range !== null), [], "no range is read");
      assertEquals(files().map((r) => r.path).sort(), [
        "/files/app-1.0-py3-none-any.whl",
        "/files/dep-1.0-py3-none-any.whl",
      ]);
      const before = files().length;
      const warm = await lock();
      assertEquals(warm.status, 0, warm.stderr);
      assertEquals(files().length, before, "a warm universal lock asks for no file");
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name: "an index whose ranges declare other dependencies than its wheels cannot change the lock",
  ignore: skipUnless(python, "pyenv's Python 3.11"),
  async fn() {
    const honest = rangedWheel("app", ["dep>=1"]);
    // The same project and version, declaring no dependency: what the ranges serve.
    const forged = rangedWheel("app", []);
    const server = await startIndexServer({
      files: [honest, rangedWheel("dep", [])],
      faults: [{
        path: `/files/${honest.filename}`,
        kind: "ranges-from",
        replacement: forged.bytes,
      }],
    });
    const { home, done } = await tempHome("dpip-lock-forged-");
    try {
      const result = await dpip([
        "lock",
        "--python",
        python!,
        "--no-cache-dir",
        "-i",
        server.url,
        "app",
        "-o",
        "pylock.toml",
      ], { home });
      assertEquals(result.status, 0, result.stderr);
      const text = await Deno.readTextFile(join(home, "pylock.toml"));
      assertStringIncludes(text, 'name = "dep"');
      assertEquals(server.requests.filter((r) => r.range !== null), []);
    } finally {
      await server.close();
      await done();
    }
  },
});
