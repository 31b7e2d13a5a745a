/**
 * `dpip bundle` end to end: dpip as shipped (`deno task bundle`, built into a
 * temporary directory and found through `DPIP_BUNDLE`, or by itself when
 * run through its launcher) bundles a tree, and
 * the bundle's `install` script installs it into a fresh pip-less venv
 * (`dpip venv` without `--seed`) with no index to reach: the index server is
 * closed, `PIP_INDEX_URL` and the proxies point at a closed port, and Deno's
 * cache is empty. The result is compared with an online install of the same
 * requirements by pip 23.2.1 (`pip freeze`), and pip 26 installs the same
 * lock offline alike. A wheel changed after bundling
 * is refused with a hash error and nothing installed; a bundle of JavaScript
 * on a machine without Deno says so; several `--platform`s give one lock
 * that installs each system's own tree.
 *
 * The real set comes from the local mirror: a few projects in the full
 * suite, jupyterlab with `DPIP_FULL=1`.
 *
 * @module
 */

import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { bundleInto } from "../helpers/dpip_bundle.ts";
import { packageWheel, startIndexServer } from "../helpers/index_server.ts";
import { schemaErrors } from "../helpers/json_schema.ts";
import { pip26, runPip26 } from "../helpers/pip26.ts";
import { skipUnless } from "../helpers/python.ts";
import { mirrorIndexUrls } from "../index/corpus.ts";
import {
  demoFiles,
  distInfos,
  dpip,
  frozen,
  makeVenv,
  oracle,
  pip,
  python311,
} from "./install_support.ts";
import type { BundleDocument } from "../../lib/operations/json_documents.ts";

const mirrors = await mirrorIndexUrls();
const oracle26 = await pip26();
const CLOSED = "http://127.0.0.1:9";
const decoder = new TextDecoder();

let built: Promise<string> | undefined;
let buildRoot: string | undefined;
/** dpip's bundle, built once for this file. */
function dpipBuild(): Promise<string> {
  built ??= (async () => {
    buildRoot = await Deno.makeTempDir({ prefix: "dpip-e2e-bundle-build-" });
    const dir = join(buildRoot, "dist");
    await bundleInto(dir);
    return dir;
  })();
  return built;
}
globalThis.addEventListener("unload", () => {
  if (buildRoot !== undefined) Deno.removeSync(buildRoot, { recursive: true });
});

/** Runs a bundle's install script with nothing reachable and a fresh home (empty caches). */
async function installOffline(
  bundle: string,
  target: string,
  home: string,
  env: Record<string, string> = {},
) {
  const result = await new Deno.Command("/bin/sh", {
    args: [join(bundle, "install"), target],
    env: {
      HOME: home,
      PATH: Deno.env.get("PATH") ?? "",
      PIP_CONFIG_FILE: "/dev/null",
      PIP_INDEX_URL: `${CLOSED}/simple/`,
      HTTP_PROXY: CLOSED,
      HTTPS_PROXY: CLOSED,
      ALL_PROXY: CLOSED,
      PYTHONDONTWRITEBYTECODE: "1",
      ...env,
    },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    status: result.code,
    stdout: decoder.decode(result.stdout),
    stderr: decoder.decode(result.stderr),
  };
}

/** A pip-less venv made by `dpip venv` (no `--seed`). */
async function bareVenv(
  home: string,
  name: string,
): Promise<{ root: string; sitePackages: string }> {
  const root = join(home, name);
  const made = await dpip(["venv", "--python", python311!, root], { home });
  assertEquals(made.status, 0, made.stderr);
  const lib = [...Deno.readDirSync(join(root, "lib"))][0]!.name;
  const sitePackages = join(root, "lib", lib, "site-packages");
  assertEquals(distInfos(sitePackages), []);
  return { root, sitePackages };
}

/** `pip freeze` of a venv by pip 23.2.1 from outside (the bundle's venv has no pip). */
function freeze(venv: string): Promise<string[]> {
  return frozen(join(venv, "bin", "python"));
}

Deno.test({
  name:
    "dpip bundle: installs offline into a pip-less venv as pip installs online; hashes enforced",
  ignore: skipUnless(oracle && python311, "the oracle pip and Python 3.11"),
  sanitizeResources: false,
  async fn(t) {
    const home = await Deno.makeTempDir({ prefix: "dpip-e2e-bundle-" });
    const server = await startIndexServer({ files: demoFiles() });
    let closed = false;
    try {
      const env = { DPIP_BUNDLE: await dpipBuild() };
      const bundle = join(home, "bundle");
      const made = await dpip(
        ["bundle", "-o", bundle, "-i", server.url, "--format", "json", "app[extra]"],
        { home, env },
      );
      assertEquals(made.status, 0, made.stderr);
      const document = JSON.parse(made.stdout) as BundleDocument;
      assertEquals(schemaErrors("bundle", document), []);
      assertEquals(document.dpip, { kind: "bundle", from: env.DPIP_BUNDLE });
      assertEquals(document.packages.map((p) => `${p.name}==${p.version}`), [
        "app==2.0",
        "extra-dep==1.0",
        "lib==2.0",
      ]);
      assertEquals(document.packages[0]!.wheels[0]!.path, "wheels/app-2.0-py3-none-any.whl");
      const lock = await Deno.readTextFile(join(bundle, "pylock.toml"));
      assertStringIncludes(lock, 'path = "wheels/lib-2.0-py3-none-any.whl"');
      assert(!lock.includes(server.url), "the lock names no index URL");

      // Run as shipped (the bundle's launcher, no DPIP_BUNDLE), dpip finds its own bundle.
      const shipped = await new Deno.Command(join(env.DPIP_BUNDLE, "dpip"), {
        args: [
          "bundle",
          "-q",
          "-o",
          join(home, "by-shipped"),
          "-i",
          server.url,
          "--format",
          "json",
          "lib",
        ],
        env: { HOME: home, PATH: Deno.env.get("PATH") ?? "", PIP_CONFIG_FILE: "/dev/null" },
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals(shipped.code, 0, decoder.decode(shipped.stderr));
      const byShipped = JSON.parse(decoder.decode(shipped.stdout)) as BundleDocument;
      assertEquals(byShipped.dpip, { kind: "bundle", from: env.DPIP_BUNDLE });
      await Deno.stat(join(home, "by-shipped", "dpip", "main.js"));

      const online = await makeVenv(join(home, "online"));
      const pipInstall = await pip(online.python, [
        "install",
        "-i",
        server.url,
        "--trusted-host",
        "127.0.0.1",
        "app[extra]",
      ]);
      assertEquals(pipInstall.status, 0, pipInstall.stderr);
      await server.close();
      closed = true;

      await t.step("the install script installs what pip installs online", async () => {
        const venv = await bareVenv(home, "offline");
        const installed = await installOffline(bundle, venv.root, join(home, "h1"));
        assertEquals(installed.status, 0, installed.stderr);
        assertStringIncludes(
          installed.stdout,
          "Successfully installed app-2.0 extra-dep-1.0 lib-2.0",
        );
        assertEquals(await freeze(venv.root), await freeze(online.root));
      });

      await t.step({
        name: "pip 26 installs the same lock offline: a standard PEP 751 lock",
        ignore: skipUnless(oracle26, "the pip 26 oracle"),
        fn: async () => {
          const venv = await bareVenv(home, "pip26");
          const installed = await runPip26(oracle26!, [
            "--python",
            join(venv.root, "bin", "python"),
            "install",
            "--no-index",
            "-r",
            join(bundle, "pylock.toml"),
          ], { env: { HOME: join(home, "h26"), PIP_INDEX_URL: `${CLOSED}/simple/` } });
          assertEquals(installed.code, 0, installed.stderr);
          assertEquals(await freeze(venv.root), await freeze(online.root));
        },
      });

      await t.step("a wheel changed after bundling is refused, nothing installed", async () => {
        const tampered = join(home, "tampered");
        await new Deno.Command("cp", { args: ["-r", bundle, tampered] }).output();
        const file = join(tampered, "wheels", "lib-2.0-py3-none-any.whl");
        const bytes = await Deno.readFile(file);
        bytes[100] = bytes[100]! ^ 1;
        await Deno.writeFile(file, bytes);
        const venv = await bareVenv(home, "tampered-venv");
        const refused = await installOffline(tampered, venv.root, join(home, "h2"));
        assertEquals(refused.status, 1, refused.stdout);
        assertStringIncludes(refused.stderr, "ERROR: Hash mismatch for lib-2.0-py3-none-any.whl");
        assertEquals(distInfos(venv.sitePackages), []);
      });

      await t.step("without deno, a JavaScript bundle says what it needs", async () => {
        const bin = join(home, "no-deno-bin");
        await Deno.mkdir(bin);
        for (const tool of ["dirname", "bash"]) {
          const path = (await new Deno.Command("sh", {
            args: ["-c", `command -v ${tool}`],
            stdout: "piped",
          }).output()).stdout;
          await Deno.symlink(decoder.decode(path).trim(), join(bin, tool));
        }
        const venv = await bareVenv(home, "no-deno-venv");
        const refused = await installOffline(bundle, venv.root, join(home, "h3"), { PATH: bin });
        assertEquals(refused.status, 1);
        assertStringIncludes(refused.stderr, "needs Deno 2, and there is no deno on PATH");
        assertStringIncludes(refused.stderr, "deno task compile");
        assertEquals(distInfos(venv.sitePackages), []);
      });

      await t.step(
        "refused before anything is fetched: a non-empty DIR, no -o, nothing to bundle, a directory",
        async () => {
          const again = await dpip(["bundle", "-o", bundle, "-i", `${CLOSED}/simple/`, "app"], {
            home,
            env,
          });
          assertEquals(again.status, 1);
          assertStringIncludes(again.stderr, "it exists and is not an empty directory");
          const noOutput = await dpip(["bundle", "app"], { home, env });
          assertEquals(noOutput.status, 2);
          assertStringIncludes(
            noOutput.stderr,
            "ERROR: dpip bundle needs the directory to write: -o DIR",
          );
          const nothing = await dpip(["bundle", "-o", join(home, "empty")], { home, env });
          assertEquals(nothing.status, 2);
          assertStringIncludes(nothing.stderr, "You must give at least one requirement to bundle");
          // A project directory: download saves nothing for it, so it would be left out.
          const project = join(home, "localproj");
          await Deno.mkdir(project);
          await Deno.writeTextFile(
            join(project, "pyproject.toml"),
            '[build-system]\nrequires = []\nbuild-backend = "x"\n',
          );
          const local = await dpip(["bundle", "-o", join(home, "local-out"), "./localproj"], {
            home,
            env,
          });
          assertEquals(local.status, 1);
          assertStringIncludes(
            local.stderr,
            "ERROR: Cannot bundle ./localproj: it is a project directory",
          );
          assertEquals(
            await Deno.stat(join(home, "local-out")).then(() => true, () => false),
            false,
          );
        },
      );
    } finally {
      if (!closed) await server.close();
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "dpip bundle for two systems: one lock, each system's tree marked, this one's installed",
  ignore: skipUnless(python311, "Python 3.11"),
  sanitizeResources: false,
  async fn() {
    const home = await Deno.makeTempDir({ prefix: "dpip-e2e-bundle-" });
    const server = await startIndexServer({
      files: [
        packageWheel("app", "py3-none-any", [
          "native",
          'winonly; sys_platform == "win32"',
          "posixonly; os_name == 'posix'",
        ]),
        packageWheel("native", "cp38-abi3-manylinux2014_x86_64"),
        packageWheel("native", "cp38-abi3-win_amd64"),
        packageWheel("winonly", "py3-none-any"),
        packageWheel("posixonly", "py3-none-any"),
      ],
    });
    try {
      const bundle = join(home, "bundle");
      const made = await dpip([
        "bundle",
        "-o",
        bundle,
        "-i",
        server.url,
        ...["--platform", "win_amd64", "--platform", "manylinux2014_x86_64"],
        ...["--python-version", "3.11", "--format", "json", "app"],
      ], { home, env: { DPIP_BUNDLE: await dpipBuild() } });
      assertEquals(made.status, 0, made.stderr);
      const document = JSON.parse(made.stdout) as BundleDocument;
      assertEquals(
        document.packages.map((p) => [p.name, p.marker, p.wheels.map((w) => w.filename)]),
        [
          ["app", null, ["app-1.0-py3-none-any.whl"]],
          ["native", null, [
            "native-1.0-cp38-abi3-manylinux2014_x86_64.whl",
            "native-1.0-cp38-abi3-win_amd64.whl",
          ]],
          ["posixonly", 'sys_platform == "linux"', ["posixonly-1.0-py3-none-any.whl"]],
          ["winonly", 'sys_platform == "win32"', ["winonly-1.0-py3-none-any.whl"]],
        ],
      );
      await server.close();
      const venv = await bareVenv(home, "venv");
      const installed = await installOffline(bundle, venv.root, join(home, "h"));
      assertEquals(installed.status, 0, installed.stderr);
      assertEquals(distInfos(venv.sitePackages), [
        "app-1.0",
        "native-1.0",
        "posixonly-1.0",
      ]);
    } finally {
      await server.close().catch(() => {});
      await Deno.remove(home, { recursive: true });
    }
  },
});

/** The real set: jupyterlab with DPIP_FULL=1, else a few projects with native wheels. */
const REAL_SET = Deno.env.get("DPIP_FULL") === "1"
  ? ["jupyterlab"]
  : ["flask", "requests", "pyyaml"];

Deno.test({
  name: `dpip bundle of ${
    REAL_SET.join(" ")
  } from the local mirror: offline, as pip installs online`,
  ignore: skipUnless(
    oracle && python311 && mirrors.length > 0,
    "the oracle pip, Python 3.11 and the local mirror",
  ),
  sanitizeResources: false,
  async fn() {
    const home = await Deno.makeTempDir({ prefix: "dpip-e2e-bundle-real-" });
    try {
      const indexes = mirrors.flatMap((url, i) => [i === 0 ? "-i" : "--extra-index-url", url]);
      const bundle = join(home, "bundle");
      const made = await dpip(["bundle", "-q", "-o", bundle, ...indexes, ...REAL_SET], {
        home,
        env: { DPIP_BUNDLE: await dpipBuild() },
      });
      assertEquals(made.status, 0, made.stderr);
      const venv = await bareVenv(home, "offline");
      const installed = await installOffline(bundle, venv.root, join(home, "h"));
      assertEquals(installed.status, 0, installed.stderr);

      const online = await makeVenv(join(home, "online"));
      const pipInstall = await pip(online.python, ["install", "-q", ...indexes, ...REAL_SET]);
      assertEquals(pipInstall.status, 0, pipInstall.stderr);
      const theirs = await freeze(online.root);
      assertEquals(await freeze(venv.root), theirs);
      assert(theirs.length >= REAL_SET.length + 3, theirs.join(" "));
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
