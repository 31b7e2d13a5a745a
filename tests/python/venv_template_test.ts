/**
 * Venv facts derived from another venv of the same interpreter, checked
 * against the real probe: for every pyenv Python from 3.8 up, two plain
 * venvs and a `--system-site-packages` one (also made by copying a venv, as
 * benchmarks do) — the derived probe of each must equal its real probe, a
 * venv made differently must not be derived, and a derived venv must not
 * spawn its interpreter.
 */

import { join } from "../../lib/paths.ts";
import { queryInterpreter } from "../../lib/python/interpreter.ts";
import { deriveVenvProbe, venvTemplate } from "../../lib/python/venv_template.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { pyenvInterpreters, skipUnless } from "../helpers/python.ts";

const interpreters = [...(await pyenvInterpreters())].filter(([version]) => {
  const [major, minor] = version.split(".").map(Number) as [number, number];
  return major === 3 && minor >= 8;
});

async function makeVenv(python: string, dir: string, flags: string[] = []): Promise<string> {
  const made = await new Deno.Command(python, {
    args: ["-m", "venv", "--without-pip", ...flags, dir],
    stdout: "null",
    stderr: "null",
  }).output();
  assert(made.success, `venv ${dir}`);
  return dir;
}

const probeOf = async (venv: string) =>
  (await queryInterpreter(join(venv, "bin", "python"), { env: {}, cwd: venv })).probe;
const config = (venv: string) => Deno.readTextFileSync(join(venv, "pyvenv.cfg"));

Deno.test({
  name: "a venv's probe derived from another venv's equals its own, on every Python",
  ignore: skipUnless(interpreters.length > 0, "pyenv Pythons 3.8+"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dpip-venv-template-" });
    try {
      await Promise.all(interpreters.map(async ([version, python]) => {
        const a = await makeVenv(python, join(dir, version, "a"));
        const b = await makeVenv(python, join(dir, version, "b"));
        const system = await makeVenv(python, join(dir, version, "s"), ["--system-site-packages"]);
        const template = venvTemplate(await probeOf(a), a, config(a));
        assert(template !== undefined, version);
        assertEquals(deriveVenvProbe(template, b, config(b)), await probeOf(b), `${version} b`);
        assertEquals(deriveVenvProbe(template, system, config(system)), undefined, version);
        // Copies of one venv derive from each other; from the original only where its
        // pyvenv.cfg does not name its own directory (Python 3.8, without `command`).
        const copies = [join(dir, version, "copy1"), join(dir, version, "copy2")];
        for (const copy of copies) await new Deno.Command("cp", { args: ["-a", a, copy] }).output();
        const fromCopy = venvTemplate(await probeOf(copies[0]!), copies[0]!, config(copies[0]!))!;
        assertEquals(
          deriveVenvProbe(fromCopy, copies[1]!, config(copies[1]!)),
          await probeOf(copies[1]!),
          `${version} copy`,
        );
        const fromOriginal = deriveVenvProbe(template, copies[0]!, config(copies[0]!));
        if (fromOriginal !== undefined) assertEquals(fromOriginal, await probeOf(copies[0]!));
        const fromSystem = venvTemplate(await probeOf(system), system, config(system))!;
        const system2 = await makeVenv(python, join(dir, version, "s2"), [
          "--system-site-packages",
        ]);
        assertEquals(
          deriveVenvProbe(fromSystem, system2, config(system2)),
          await probeOf(system2),
          `${version} system-site-packages`,
        );
      }));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "queryInterpreter derives a new venv of a known interpreter without spawning it",
  ignore: skipUnless(interpreters.length > 0, "pyenv Pythons 3.8+"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dpip-venv-derive-" });
    try {
      const python = interpreters.at(-1)![1];
      const cacheRoot = join(dir, "cache");
      const probed: string[] = [];
      const query = (venv: string) =>
        queryInterpreter(join(venv, "bin", "python"), {
          env: {},
          cwd: dir,
          cacheRoot,
          onProbe: (executable) => probed.push(executable),
        });
      const first = await makeVenv(python, join(dir, "first"));
      await query(first);
      assertEquals(probed, [join(first, "bin", "python")]);
      const second = await makeVenv(python, join(dir, "second"));
      const derived = await query(second);
      assertEquals(probed.length, 1, "the second venv was derived, not probed");
      assertEquals(derived.prefix, second);
      assertEquals(derived.probe, await probeOf(second));
      // A venv made another way is probed.
      await query(await makeVenv(python, join(dir, "system"), ["--system-site-packages"]));
      assertEquals(probed.length, 2);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a venv whose .pth files add to sys.path is not made a template",
  ignore: skipUnless(interpreters.length > 0, "pyenv Pythons 3.8+"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dpip-venv-pth-" });
    try {
      const venv = await makeVenv(interpreters.at(-1)![1], join(dir, "venv"));
      const plain = await probeOf(venv);
      assert(venvTemplate(plain, venv, config(venv)) !== undefined);
      await Deno.mkdir(join(dir, "project"));
      await Deno.writeTextFile(join(plain.site_packages[0]!, "editable.pth"), `${dir}/project\n`);
      assertEquals(venvTemplate(await probeOf(venv), venv, config(venv)), undefined);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
