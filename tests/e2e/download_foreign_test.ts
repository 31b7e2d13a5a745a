/**
 * `dpip download` of a whole dependency tree for another machine, against
 * the in-process index: the target's markers decide the tree (its Python
 * version, its operating system), several `--platform`s of different systems
 * give each system's tree, and the run fails only for a project with no
 * usable wheel, naming it. dpip runs in-process, isolated from the machine's
 * pip configuration. (pip evaluates markers against the interpreter it runs
 * on, pip#11010; on a target like the host both agree: jupyterlab's tree
 * for three manylinux platforms is compared with pip 23.2.1's on the local
 * mirror.)
 *
 * @module
 */

import { join } from "node:path";
import { captureIo } from "../../lib/cli/io.ts";
import { main } from "../../lib/cli/main.ts";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { type IndexFile, packageWheel, startIndexServer } from "../helpers/index_server.ts";
import { oraclePython, skipUnless } from "../helpers/python.ts";
import { mirrorIndexUrls } from "../index/corpus.ts";

const python = await oraclePython();
const mirrors = await mirrorIndexUrls();

const FILES: IndexFile[] = [
  packageWheel("app", "py3-none-any", [
    "native",
    'winonly; sys_platform == "win32"',
    'posixonly; os_name == "posix"',
    'oldpy; python_version < "3.11"',
  ]),
  packageWheel("native", "cp38-abi3-manylinux2014_x86_64"),
  packageWheel("native", "cp38-abi3-win_amd64"),
  packageWheel("winonly", "py3-none-any"),
  packageWheel("posixonly", "py3-none-any"),
  packageWheel("oldpy", "py3-none-any"),
  packageWheel("needs-src", "py3-none-any", ["srconly"]),
  { filename: "srconly-1.0.tar.gz", bytes: new Uint8Array(64).fill(1) },
];

Deno.test({
  name: "download for another machine: its markers, one tree per system, a clear failure",
  ignore: skipUnless(python, "a Python 3"),
  sanitizeResources: false,
  async fn() {
    const server = await startIndexServer({ files: FILES });
    const tmp = await Deno.makeTempDir({ prefix: "dpip-e2e-foreign-" });
    try {
      const download = async (dest: string, args: string[]) => {
        const io = captureIo({
          env: { HOME: tmp, PATH: Deno.env.get("PATH") ?? "", PIP_CONFIG_FILE: "/dev/null" },
          cwd: tmp,
        });
        const status = await main(
          ["download", "-d", dest, "-i", server.url, "--python", python!, ...args],
          io,
        );
        const saved: string[] = [];
        try {
          for await (const entry of Deno.readDir(join(tmp, dest))) saved.push(entry.name);
        } catch {
          // Nothing saved.
        }
        return { status, err: io.err(), saved: saved.map((f) => f.split("-")[0]).sort() };
      };
      const linux311 = await download("a", [
        "--platform",
        "manylinux2014_x86_64",
        "--python-version",
        "3.11",
        "app",
      ]);
      assertEquals(linux311, { status: 0, err: "", saved: ["app", "native", "posixonly"] });
      const linux310 = await download("b", [
        "--platform",
        "manylinux2014_x86_64",
        "--python-version",
        "3.10",
        "app",
      ]);
      assertEquals(linux310.saved, ["app", "native", "oldpy", "posixonly"]);
      const both = await download("c", [
        "--platform",
        "win_amd64",
        "--platform",
        "manylinux2014_x86_64",
        "--python-version",
        "3.12",
        "--implementation",
        "cp",
        "app",
      ]);
      assertEquals(both.status, 0, both.err);
      // Both systems' native wheels, and each system's own dependencies.
      assertEquals(both.saved, ["app", "native", "native", "posixonly", "winonly"]);
      // A requirement's own marker is kept when any of the targets matches it.
      const marked = await download("d", [
        "--platform",
        "win_amd64",
        "--python-version",
        "3.12",
        'winonly; sys_platform == "win32"',
      ]);
      assertEquals(marked.saved, ["winonly"]);

      const failed = await download("e", [
        "--platform",
        "win_amd64",
        "--python-version",
        "3.12",
        "needs-src",
      ]);
      assertEquals(failed.status, 1);
      assertEquals(failed.saved, []);
      assertStringIncludes(failed.err, "ERROR: Cannot download needs-src");
      assertStringIncludes(failed.err, "srconly");
    } finally {
      await server.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name: "download for another machine: jupyterlab's tree for three platforms, as pip saves it",
  ignore: skipUnless(python && mirrors.length > 0, "the oracle Python 3.11 and the local mirror"),
  sanitizeResources: false,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "dpip-e2e-foreign-" });
    try {
      const indexes = mirrors.flatMap((url, i) => [i === 0 ? "-i" : "--extra-index-url", url]);
      const target = [
        ...["--platform", "manylinux_2_34_x86_64", "--platform", "manylinux2014_x86_64"],
        ...["--platform", "manylinux_2_28_x86_64", "--python-version", "3.11"],
        ...["--implementation", "cp", "--abi", "cp311", "--only-binary=:all:", "jupyterlab"],
      ];
      const env = { HOME: tmp, PATH: Deno.env.get("PATH") ?? "", PIP_CONFIG_FILE: "/dev/null" };
      const pip = await new Deno.Command(python!, {
        args: ["-m", "pip", "download", "-q", "-d", join(tmp, "pip"), ...indexes, ...target],
        env,
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals(pip.code, 0, new TextDecoder().decode(pip.stderr));
      const io = captureIo({ env, cwd: tmp });
      const status = await main(
        ["download", "-q", "-d", "dpip", "--python", python!, ...indexes, ...target],
        io,
      );
      assertEquals(status, 0, io.err());
      const saved = async (dir: string) => {
        const names: string[] = [];
        for await (const entry of Deno.readDir(join(tmp, dir))) names.push(entry.name);
        return names.sort();
      };
      const theirs = await saved("pip");
      assertEquals(await saved("dpip"), theirs);
      assertEquals(theirs.length > 50, true);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
