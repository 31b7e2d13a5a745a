/**
 * `dpip venv` end to end, for pyenv's Python 3.8, 3.11, 3.12 and 3.13 (each
 * skipped with a message when absent), side by side with the interpreter's
 * own `python -m venv --without-pip`: the same tree (files, directories and
 * link targets; dpip adds `bin/activate_this.py`) and the same `pyvenv.cfg`
 * but for the directory; the venv's Python sees itself in a venv; the
 * activation scripts work in bash (and fish and csh where present); `dpip
 * install` installs into it; `--seed` from the local PyPI mirror gives a pip
 * that runs, or, where the mirror has no pip for that Python (3.8), one error
 * naming why and no directory left behind.
 *
 * @module
 */

import { join } from "node:path";
import { normalizeVenvConfig } from "../../lib/python/venv_template.ts";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { wheelFile } from "../helpers/index_server.ts";
import { pyenvPython, skipUnless } from "../helpers/python.ts";
import { mirrorIndexUrls } from "../index/corpus.ts";
import { dpip, run } from "./install_support.ts";

const MINORS = ["3.8", "3.11", "3.12", "3.13"] as const;
const pythons = new Map<string, string | undefined>();
for (const minor of MINORS) pythons.set(minor, await pyenvPython(minor));
const mirror = await mirrorIndexUrls();

async function which(name: string): Promise<string | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if (dir !== "" && (await Deno.stat(join(dir, name))).isFile) return join(dir, name);
    } catch {
      // Not here.
    }
  }
  return undefined;
}

const shells = { fish: await which("fish"), csh: await which("csh") };

/** Every entry under `dir`: `d path`, `f path`, `l path -> target` (sorted). */
function tree(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(join(dir, prefix))) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isSymlink) out.push(`l ${path} -> ${Deno.readLinkSync(join(dir, path))}`);
    else if (entry.isDirectory) out.push(`d ${path}`, ...tree(dir, path));
    else out.push(`f ${path}`);
  }
  return out.sort();
}

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "dpip-venv-e2e-" });
  try {
    await fn(root);
  } finally {
    await removeSettled(root);
  }
}

/** Removes `dir`, retrying while background cache writes of a failed resolution finish. */
async function removeSettled(dir: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      return await Deno.remove(dir, { recursive: true });
    } catch (error) {
      if (attempt === 20) throw error;
      await new Promise((done) => setTimeout(done, 100));
    }
  }
}

async function python(exe: string, code: string, env: Record<string, string> = {}) {
  const result = await run(exe, ["-c", code], env);
  assertEquals(result.status, 0, result.stderr);
  return result.stdout.trim();
}

for (const minor of MINORS) {
  const exe = pythons.get(minor);
  Deno.test({
    name:
      `dpip venv for Python ${minor}: python -m venv's tree and pyvenv.cfg, activation, install`,
    ignore: skipUnless(exe, `pyenv's Python ${minor}`),
    sanitizeResources: false,
    fn: () =>
      withRoot(async (root) => {
        const ours = join(root, "ours");
        const theirs = join(root, "theirs");
        const cache = ["--cache-dir", join(root, "cache")];
        const made = await dpip(["venv", ours, "--python", exe!, ...cache], { home: root });
        assertEquals(made.status, 0, made.stderr);
        const venv = await run(exe!, ["-m", "venv", "--without-pip", theirs]);
        assertEquals(venv.status, 0, venv.stderr);

        const ourTree = tree(ours);
        assertEquals(ourTree.filter((line) => line !== "f bin/activate_this.py"), tree(theirs));
        assertEquals(ourTree.includes("f bin/activate_this.py"), true);
        assertEquals(
          normalizeVenvConfig(await Deno.readTextFile(join(ours, "pyvenv.cfg")), ours),
          normalizeVenvConfig(await Deno.readTextFile(join(theirs, "pyvenv.cfg")), theirs),
        );

        const venvPython = join(ours, "bin", "python");
        assertEquals(
          await python(venvPython, "import sys; print(sys.prefix != sys.base_prefix)"),
          "True",
        );
        const check = "import sys; print(sys.prefix)";
        const bash = await run("bash", [
          "-c",
          `. "$1/bin/activate" && python -c '${check}' && deactivate && echo "\${VIRTUAL_ENV-none}"`,
          "bash",
          ours,
        ]);
        assertEquals([bash.status, bash.stdout], [0, `${ours}\nnone\n`], bash.stderr);
        if (shells.fish !== undefined) {
          const fish = await run(shells.fish, [
            "-c",
            `source '${ours}/bin/activate.fish'; and python -c '${check}'`,
          ]);
          assertEquals([fish.status, fish.stdout], [0, `${ours}\n`], fish.stderr);
        }
        if (shells.csh !== undefined) {
          const script = join(root, "check.csh");
          await Deno.writeTextFile(
            script,
            `source '${ours}/bin/activate.csh'\npython -c '${check}'\n`,
          );
          const csh = await run(shells.csh, [script]);
          assertEquals([csh.status, csh.stdout], [0, `${ours}\n`], csh.stderr);
        }

        const demo = wheelFile({
          name: "venv-demo",
          version: "1.0",
          files: { "venv_demo/__init__.py": "WHERE = __file__\n" },
        });
        const wheel = join(root, demo.filename);
        await Deno.writeFile(wheel, demo.bytes);
        const installed = await dpip(
          ["install", "--python", venvPython, "--no-index", wheel, ...cache],
          { home: root },
        );
        assertEquals(installed.status, 0, installed.stderr);
        assertEquals(
          await python(venvPython, "import venv_demo; print(venv_demo.WHERE)"),
          join(ours, "lib", `python${minor}`, "site-packages", "venv_demo", "__init__.py"),
        );
      }),
  });
}

const mirrorArgs = mirror.flatMap((url, i) => [i === 0 ? "--index-url" : "--extra-index-url", url]);

for (const minor of MINORS) {
  const exe = pythons.get(minor);
  Deno.test({
    name: `dpip venv --seed for Python ${minor} from the local mirror`,
    ignore: skipUnless(exe && mirror.length > 0, `pyenv's Python ${minor} and the local mirror`),
    sanitizeResources: false,
    fn: () =>
      withRoot(async (root) => {
        const dir = join(root, "seeded");
        const args = ["venv", dir, "--seed", "--python", exe!, "--cache-dir", join(root, "c")];
        const made = await dpip([...args, ...mirrorArgs], { home: root });
        if (minor === "3.8") {
          // The mirror's only pip needs Python 3.10: one error that says so, nothing left.
          assertEquals(made.status, 1);
          assertStringIncludes(made.stderr, "requires Python>=3.10 (the target is 3.8");
          assertStringIncludes(made.stderr, "hint: --seed installs pip, setuptools, wheel");
          assertEquals(await Deno.lstat(dir).then(() => true, () => false), false);
          return;
        }
        assertEquals(made.status, 0, made.stderr);
        assertStringIncludes(made.stderr, "Successfully installed ");
        const venvPython = join(dir, "bin", "python");
        const version = await run(venvPython, ["-m", "pip", "--version"]);
        assertEquals(version.status, 0, version.stderr);
        assertStringIncludes(
          version.stdout,
          `from ${join(dir, "lib", `python${minor}`, "site-packages", "pip")}`,
        );
        const expected = minor === "3.11" ? ["pip", "setuptools", "wheel"] : ["pip"];
        const list = await run(venvPython, ["-m", "pip", "list", "--format", "json"]);
        const names = (JSON.parse(list.stdout) as { name: string }[]).map((d) => d.name);
        for (const name of expected) assertEquals(names.includes(name), true, list.stdout);
        assertEquals(names.includes("setuptools"), minor === "3.11");
      }),
  });
}

const py312 = pythons.get("3.12");

Deno.test({
  name:
    "dpip venv options (--prompt, --system-site-packages, --clear) as python -m venv records them",
  ignore: skipUnless(py312, "pyenv's Python 3.12"),
  sanitizeResources: false,
  fn: () =>
    withRoot(async (root) => {
      for (const prompt of ["my env", "it's", "."]) {
        const flags = ["--system-site-packages", "--clear", "--prompt", prompt];
        const ours = join(root, "ours");
        const theirs = join(root, "theirs");
        const made = await dpip(["venv", ours, "--python", py312!, ...flags], {
          home: root,
          cwd: root,
        });
        assertEquals(made.status, 0, made.stderr);
        const venv = await run("sh", [
          "-c",
          `cd "$1" && exec "$2" -m venv --without-pip "$3" "$4" "$5" "$6" "$7"`,
          "sh",
          root,
          py312!,
          ...flags,
          theirs,
        ]);
        assertEquals(venv.status, 0, venv.stderr);
        assertEquals(
          normalizeVenvConfig(await Deno.readTextFile(join(ours, "pyvenv.cfg")), ours),
          normalizeVenvConfig(await Deno.readTextFile(join(theirs, "pyvenv.cfg")), theirs),
          prompt,
        );
        assertEquals(
          await python(join(ours, "bin", "python"), "import sys; print(sys.path[-1])"),
          await python(join(theirs, "bin", "python"), "import sys; print(sys.path[-1])"),
        );
      }
    }),
});

Deno.test({
  name: "dpip venv inside an active venv uses its base interpreter, as python -m venv does",
  ignore: skipUnless(py312, "pyenv's Python 3.12"),
  sanitizeResources: false,
  fn: () =>
    withRoot(async (root) => {
      const active = join(root, "active");
      const venv = await run(py312!, ["-m", "venv", "--without-pip", active]);
      assertEquals(venv.status, 0, venv.stderr);
      const env = {
        VIRTUAL_ENV: active,
        PATH: `${join(active, "bin")}:${Deno.env.get("PATH") ?? ""}`,
      };
      const ours = join(root, "ours");
      const made = await dpip(["venv", ours], { home: root, cwd: root, env });
      assertEquals(made.status, 0, made.stderr);
      const theirs = join(root, "theirs");
      const nested = await run(join(active, "bin", "python"), [
        "-m",
        "venv",
        "--without-pip",
        theirs,
      ]);
      assertEquals(nested.status, 0, nested.stderr);
      const home = (dir: string) =>
        Deno.readTextFileSync(join(dir, "pyvenv.cfg")).split("\n").find((l) =>
          l.startsWith("home = ")
        );
      assertEquals(home(ours), home(theirs));
      assertEquals(home(ours) === `home = ${join(active, "bin")}`, false);
    }),
});
