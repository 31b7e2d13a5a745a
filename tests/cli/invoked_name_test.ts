/**
 * Acting as pip under its name: dpip reads `argv[0]` as the OS passed it
 * (`/proc/self/cmdline`, else `node:process`'s `argv0`), so a symbolic link,
 * hard link or copy named `pip3.12` targets `python3.12` and says so in
 * `--version`. The end-to-end test builds the bundle, links its launcher
 * script as `pip3.12` and runs it through the link, by path and via PATH.
 *
 * @module
 */

import { join } from "node:path";
import { argv0FromCmdline, readInvokedName } from "../../lib/cli/invoked_name.ts";
import { captureIo, main } from "../../lib/cli/mod.ts";
import { DPIP_VERSION } from "../../lib/version.ts";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { bundleInto } from "../helpers/dpip_bundle.ts";
import { oraclePython, skipUnless } from "../helpers/python.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const oracle = await oraclePython();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

Deno.test("argv0FromCmdline: the first NUL-terminated field, as the kernel lists it", () => {
  assertEquals(argv0FromCmdline(encoder.encode("./pip3.12\0install\0x\0")), "./pip3.12");
  assertEquals(argv0FromCmdline(encoder.encode("/opt/bin/pip\0")), "/opt/bin/pip");
  assertEquals(argv0FromCmdline(encoder.encode("dpip")), "dpip");
  assertEquals(argv0FromCmdline(encoder.encode("\0--version\0")), undefined);
  assertEquals(argv0FromCmdline(new Uint8Array()), undefined);
});

Deno.test("readInvokedName: the launcher's name first, then /proc/self/cmdline, then node:process", async () => {
  const refuse = () => {
    throw new Deno.errors.NotCapable("/proc/self/cmdline needs --allow-all");
  };
  assertEquals(
    await readInvokedName({
      launcherName: () => "/usr/local/bin/pip3.12",
      readCmdline: refuse,
      nodeArgv0: () => Promise.reject(new Error("not asked")),
    }),
    "/usr/local/bin/pip3.12",
  );
  assertEquals(
    await readInvokedName({
      launcherName: () => undefined,
      readCmdline: refuse,
      nodeArgv0: () => Promise.resolve("pip3"),
    }),
    "pip3",
  );
  assertEquals(
    await readInvokedName({
      launcherName: () => undefined,
      readCmdline: () => encoder.encode("pip3\0-V\0"),
      nodeArgv0: () => Promise.reject(new Error("not asked")),
    }),
    "pip3",
  );
  const noProc = () => {
    throw new Deno.errors.NotFound("/proc/self/cmdline");
  };
  assertEquals(
    await readInvokedName({
      launcherName: () => undefined,
      readCmdline: noProc,
      nodeArgv0: () => Promise.resolve("pip3.11"),
    }),
    "pip3.11",
  );
  assertEquals(
    await readInvokedName({
      launcherName: () => undefined,
      readCmdline: noProc,
      nodeArgv0: () => Promise.resolve(""),
    }),
    undefined,
  );
});

Deno.test("--version shows the pip name dpip was invoked as", async () => {
  const asPip = captureIo({ invokedAs: "/usr/local/bin/pip3.12" });
  assertEquals(await main(["--version"], asPip), 0);
  assertEquals(asPip.out(), `dpip ${DPIP_VERSION} (invoked as pip3.12)\n`);
  const asDpip = captureIo({ invokedAs: "deno" });
  assertEquals(await main(["--version"], asDpip), 0);
  assertEquals(asDpip.out(), `dpip ${DPIP_VERSION}\n`);
});

async function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
) {
  const result = await new Deno.Command(command, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
  }).output();
  return {
    code: result.code,
    out: decoder.decode(result.stdout),
    err: decoder.decode(result.stderr),
  };
}

Deno.test({
  name: "a real symlink named pip3.12 to the bundle's launcher acts as pip for python3.12",
  ignore: skipUnless(oracle, "a Python 3"),
  sanitizeResources: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "dpip-pipname-" });
    try {
      const bundle = join(root, "bundle");
      await bundleInto(bundle);
      const bin = join(root, "bin");
      await Deno.mkdir(bin);
      await Deno.symlink(join(bundle, "dpip"), join(bin, "pip3.12"));
      // The python3.12 beside the link is the one it must choose (it runs whatever Python 3
      // this machine has: the point is which path is chosen, not the version).
      await Deno.writeTextFile(join(bin, "python3.12"), `#!/bin/sh\nexec "${oracle}" "$@"\n`);
      await Deno.chmod(join(bin, "python3.12"), 0o755);
      const env = {
        PATH: `${bin}:${Deno.env.get("PATH") ?? ""}`,
        HOME: root,
        PIP_CONFIG_FILE: "/dev/null",
      };
      const byPath = await run(join(bin, "pip3.12"), ["--version"], { env, cwd: root });
      assertEquals(byPath.code, 0, byPath.err);
      assertEquals(byPath.out, `dpip ${DPIP_VERSION} (invoked as pip3.12)\n`);
      // Found on PATH by the shell, as a user types it.
      const viaShell = await run("sh", ["-c", "pip3.12 -v --no-cache-dir freeze"], {
        env,
        cwd: root,
      });
      assertEquals(viaShell.code, 0, viaShell.err);
      assertStringIncludes(
        viaShell.err,
        `at ${join(bin, "python3.12")}, which runs ${oracle}`,
      );
      assertStringIncludes(viaShell.err, "(from python3.12 (invoked as pip3.12))");
      // Usage lines carry the name too.
      const usage = await run(join(bin, "pip3.12"), ["list", "--nope"], { env, cwd: root });
      assertEquals(usage.code, 2);
      assertStringIncludes(usage.err, "pip3.12 list [options]");
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "a hard link or copy gets its name the same way: argv[0] as exec passes it",
  sanitizeResources: false,
  async fn() {
    // A compiled binary hard-linked or copied as pip3 sees "pip3" in argv[0]; `exec -a` gives
    // `deno run main.ts` the same argv[0], through the same code path.
    const result = await run("bash", [
      "-c",
      `exec -a "$0" "${Deno.execPath()}" run -A "${join(REPO, "main.ts")}" --version`,
      "/somewhere/else/pip3",
    ]);
    assertEquals(result.code, 0, result.err);
    assertEquals(result.out, `dpip ${DPIP_VERSION} (invoked as pip3)\n`);
  },
});
