/**
 * Where build requirements come from: where the install looks. A backend
 * found only on `--find-links`; an index that wants credentials (given in
 * the URL) for the build requirements as for everything else; and
 * `--build-constraint` (pip 25.3), which constrains build environments,
 * while your `-c` constraints do not (pip 26.2), compared with pip 26
 * (`../shared/oracles/pip26`) and pip 23.2.1.
 */

import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { type IndexFile, startIndexServer } from "../helpers/index_server.ts";
import { skipUnless } from "../helpers/python.ts";
import { buildSdist, buildWheel } from "../helpers/wheel_builder.ts";
import { miniBackendWheel, tempEntries, writeProject } from "./build_support.ts";
import {
  demoFiles,
  distInfos,
  dpip,
  makeVenv,
  oracle,
  pip,
  python311,
  run,
  tempHome,
} from "./install_support.ts";

const needs = skipUnless(python311 && oracle, "pyenv Python 3.11 with pip");

/** pip 26 from `../shared/oracles`, if it is there. */
const PIP26 = new URL("../../../shared/oracles/pip26", import.meta.url).pathname;
const hasPip26 = await Deno.stat(PIP26).then((info) => info.isFile, () => false);

async function writeFiles(dir: string, files: readonly IndexFile[]): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  for (const file of files) await Deno.writeFile(join(dir, file.filename), file.bytes);
}

Deno.test({
  name: "build requirements found only on --find-links are installed into the build environment",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-build-links-");
    // The index has the project's dependencies but not its backend: only the links do.
    const server = await startIndexServer({ files: demoFiles() });
    try {
      await writeProject(join(home, "proj"), "proj", "1.0", { dependencies: ["lib>=2"] });
      const links = join(home, "links");
      await writeFiles(links, [miniBackendWheel()]);
      for (const [tool, venvName] of [["dpip", "venv"], ["pip", "twin"]] as const) {
        const venv = await makeVenv(join(home, venvName));
        const args = ["install", "--no-cache-dir", "-i", server.url, "-f", links, "./proj"];
        const result = tool === "dpip"
          ? await dpip(["--python", venv.python, ...args], { home })
          : await pip(venv.python, args, { cwd: home });
        assertEquals(result.status, 0, `${tool}: ${result.stderr}`);
        assertEquals(distInfos(venv.sitePackages), ["lib-2.0", "proj-1.0"], tool);
      }
      // Without the links the backend is nowhere: the error says whose build needed it.
      const bare = await makeVenv(join(home, "bare"));
      const tmp = join(home, "tmp");
      await Deno.mkdir(tmp);
      const failed = await dpip(
        ["install", "--python", bare.python, "--no-cache-dir", "-i", server.url, "./proj"],
        { home, env: { TMPDIR: tmp } },
      );
      assertEquals(failed.status, 1);
      // The failed build's directories are gone.
      assertEquals(tempEntries(tmp), []);
      assertStringIncludes(
        failed.stderr,
        "Cannot build ./proj: cannot install its build dependencies",
      );
      assertStringIncludes(failed.stderr, "mini-backend");
      assertEquals(distInfos(bare.sitePackages), []);
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name: "build requirements come from an index that wants credentials, with the same credentials",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-build-auth-");
    const auth = { username: "builder", password: "s3cret" };
    const server = await startIndexServer({ files: [...demoFiles(), miniBackendWheel()], auth });
    try {
      await writeProject(join(home, "proj"), "proj", "1.0", {
        dependencies: ["lib>=2"],
        buildRequires: ["extra-dep"],
      });
      const url = new URL(server.url);
      url.username = auth.username;
      url.password = auth.password;
      const venv = await makeVenv(join(home, "venv"));
      const result = await dpip(
        ["install", "--python", venv.python, "--no-cache-dir", "-i", url.href, "./proj"],
        { home },
      );
      assertEquals(result.status, 0, result.stderr);
      assertEquals(distInfos(venv.sitePackages), ["lib-2.0", "proj-1.0"]);
      // The backend and the hook's extra requirement were fetched with the credentials.
      const expected = "Basic " + btoa(`${auth.username}:${auth.password}`);
      const build = server.requests.filter((request) =>
        request.path.includes("mini_backend") || request.path.startsWith("/simple/extra-dep/")
      );
      assert(build.length >= 2, server.requests.map((request) => request.path).join("\n"));
      for (const request of build) {
        assertEquals([request.path, request.authorization], [request.path, expected]);
        assertEquals(request.status, 200, request.path);
      }
      // pip 23.2.1 installs the same from the same index.
      const twin = await makeVenv(join(home, "twin"));
      const pips = await pip(twin.python, ["install", "--no-cache-dir", "-i", url.href, "./proj"], {
        cwd: home,
      });
      assertEquals(pips.status, 0, pips.stderr);
      assertEquals(distInfos(twin.sitePackages), distInfos(venv.sitePackages));
    } finally {
      await server.close();
      await done();
    }
  },
});

/**
 * `probe`'s backend imports `helper` (its only build requirement) and writes
 * the version it saw into the built module.
 */
const PROBE_BACKEND = String.raw`
import base64, hashlib, os, zipfile
import helper

def _line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, digest, len(data))

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    files = {
        "probe.py": ("HELPER = %r\n" % helper.VERSION).encode(),
        "probe-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: probe\nVersion: 1.0\n",
        "probe-1.0.dist-info/WHEEL":
            b"Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    name = "probe-1.0-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
        record = [_line(path, data) for path, data in files.items()]
        archive.writestr("probe-1.0.dist-info/RECORD", "\n".join(record + ["probe-1.0.dist-info/RECORD,,"]) + "\n")
    return name
`;

function probeFiles(): IndexFile[] {
  const helpers = ["1.0", "2.0", "3.0"].map((version) =>
    buildWheel({ name: "helper", version, files: { "helper.py": `VERSION = "${version}"\n` } })
  );
  const probe = buildSdist({
    name: "probe",
    version: "1.0",
    files: {
      "pyproject.toml":
        '[build-system]\nrequires = ["helper"]\nbuild-backend = "probe_backend"\nbackend-path = ["."]\n',
      "probe_backend.py": PROBE_BACKEND,
    },
  });
  return [...helpers, probe].map((file) => ({ filename: file.filename, bytes: file.bytes }));
}

/** Runs pip 26 against `python`, isolated from the machine's configuration. */
async function pip26(python: string, args: readonly string[], cwd: string) {
  const output = await new Deno.Command(PIP26, {
    args: ["--python", python, ...args],
    env: {
      PIP_CONFIG_FILE: "/dev/null",
      PIP_DISABLE_PIP_VERSION_CHECK: "1",
      HOME: Deno.env.get("HOME") ?? "/tmp",
      PATH: Deno.env.get("PATH") ?? "",
      ...(Deno.env.get("PYENV_ROOT") === undefined
        ? {}
        : { PYENV_ROOT: Deno.env.get("PYENV_ROOT")! }),
    },
    clearEnv: true,
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { status: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

Deno.test({
  name: "--build-constraint constrains the build environment and -c does not (as pip 26)",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-build-constraint-");
    try {
      const links = join(home, "links");
      await writeFiles(links, probeFiles());
      await Deno.writeTextFile(join(home, "c.txt"), "helper<3\n");
      await Deno.writeTextFile(join(home, "bc.txt"), "helper<2\n");
      const cases: { args: string[]; helper: string }[] = [
        { args: [], helper: "3.0" },
        { args: ["-c", "c.txt"], helper: "3.0" },
        { args: ["--build-constraint", "bc.txt"], helper: "1.0" },
        { args: ["-c", "c.txt", "--build-constraint", "bc.txt"], helper: "1.0" },
      ];
      const seen = async (python: string) =>
        (await run(python, ["-c", "import probe; print(probe.HELPER)"])).stdout.trim();
      for (const [index, testCase] of cases.entries()) {
        const args = ["install", "--no-cache-dir", "--no-index", "-f", links, ...testCase.args];
        const venv = await makeVenv(join(home, `venv${index}`));
        const result = await dpip(["--python", venv.python, ...args, "probe"], { home });
        assertEquals(result.status, 0, result.stderr);
        assertEquals(await seen(venv.python), testCase.helper, testCase.args.join(" "));
        if (hasPip26) {
          const twin = await makeVenv(join(home, `twin${index}`));
          const pips = await pip26(twin.python, [...args, "probe"], home);
          assertEquals(pips.status, 0, pips.stderr);
          assertEquals(await seen(twin.python), await seen(venv.python), testCase.args.join(" "));
        }
      }
      // The variable works as the option does (PIP_BUILD_CONSTRAINT).
      const byEnv = await makeVenv(join(home, "env"));
      const fromEnv = await dpip(
        ["install", "--python", byEnv.python, "--no-cache-dir", "--no-index", "-f", links, "probe"],
        { home, env: { PIP_BUILD_CONSTRAINT: join(home, "bc.txt") } },
      );
      assertEquals(fromEnv.status, 0, fromEnv.stderr);
      assertEquals(await seen(byEnv.python), "1.0");
      // Without build isolation there is no build environment to constrain: refused, as pip 26.
      const refused = await dpip(
        [
          "install",
          "--python",
          byEnv.python,
          "--no-build-isolation",
          "--build-constraint",
          "bc.txt",
          "probe",
        ],
        { home },
      );
      assertEquals(refused.status, 1);
      assertEquals(
        refused.stderr,
        "ERROR: --build-constraint cannot be used with --no-build-isolation.\n",
      );
    } finally {
      await done();
    }
  },
});
