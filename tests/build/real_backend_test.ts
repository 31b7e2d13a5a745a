/**
 * buildWheel() with real backends: Debian's setuptools (python3-setuptools
 * and python3-wheel) with `--no-build-isolation`, for a legacy setup.py
 * project and an editable PEP 621 project. Skips where they are missing.
 */

import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { buildWheel } from "../../lib/build/mod.ts";
import { readZipDirectory, readZipEntry } from "../../lib/archive/zip.ts";

/** Debian's interpreter, when it has setuptools and wheel. */
async function debianSetuptools(): Promise<string | undefined> {
  const python = "/usr/bin/python3";
  try {
    const result = await new Deno.Command(python, {
      args: ["-c", "import setuptools.build_meta, wheel"],
      stdout: "null",
      stderr: "null",
    }).output();
    return result.success ? python : undefined;
  } catch {
    return undefined;
  }
}

const python = await debianSetuptools();
const ignore = skipUnless(python, "Debian's python3 with python3-setuptools and python3-wheel");

function readWheel(bytes: Uint8Array): Map<string, string> {
  const zip = readZipDirectory(bytes, { archive: "built.whl" });
  return new Map(
    zip.entries.map((entry) => [entry.name, new TextDecoder().decode(readZipEntry(zip, entry))]),
  );
}

Deno.test({
  name: "buildWheel(): Debian's setuptools builds a setup.py project without isolation",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "dpip-real-build-" });
    try {
      const project = join(dir, "realdemo");
      await Deno.mkdir(join(project, "realdemo"), { recursive: true });
      await Deno.writeTextFile(join(project, "realdemo", "__init__.py"), "VALUE = 1\n");
      await Deno.writeTextFile(
        join(project, "setup.py"),
        "from setuptools import setup\nsetup(name='realdemo', version='0.1', packages=['realdemo'])\n",
      );
      const lines: string[] = [];
      const wheel = await buildWheel(project, {
        python: python!,
        outDir: join(dir, "out"),
        onOutput: (line) => lines.push(line),
      });
      assertEquals(wheel.filename, "realdemo-0.1-py3-none-any.whl");
      const files = readWheel(await Deno.readFile(wheel.path));
      assertEquals(files.get("realdemo/__init__.py"), "VALUE = 1\n");
      assertStringIncludes(files.get("realdemo-0.1.dist-info/METADATA")!, "Name: realdemo\n");
      assert(lines.some((line) => line.includes("running bdist_wheel")), lines.join("\n"));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "buildWheel(): Debian's setuptools builds a PEP 660 editable wheel of a PEP 621 project",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "dpip-real-build-" });
    try {
      const project = join(dir, "realdemo2");
      await Deno.mkdir(join(project, "src", "realdemo2"), { recursive: true });
      await Deno.writeTextFile(join(project, "src", "realdemo2", "__init__.py"), "");
      await Deno.writeTextFile(
        join(project, "pyproject.toml"),
        '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n\n' +
          '[project]\nname = "realdemo2"\nversion = "0.2"\n',
      );
      const wheel = await buildWheel(project, {
        python: python!,
        outDir: join(dir, "out"),
        editable: true,
      });
      assert(wheel.filename.startsWith("realdemo2-0.2-"), wheel.filename);
      assert(wheel.filename.endsWith("-py3-none-any.whl"), wheel.filename);
      const files = readWheel(await Deno.readFile(wheel.path));
      const pth = [...files.keys()].find((name) => name.endsWith(".pth"));
      assert(pth !== undefined, [...files.keys()].join(", "));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
