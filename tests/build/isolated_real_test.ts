/**
 * Isolated builds with real backends (setuptools, flit_core, hatchling) run by
 * pyenv's Python 3.11, their build requirements installed from the machine's
 * local mirror by a small test installer. Skips without the mirror.
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { pyenvPython, skipUnless } from "../helpers/python.ts";
import { mirrorIndexUrls } from "../index/corpus.ts";
import { type BuildContext, buildWheel } from "../../lib/build/mod.ts";
import { readZipDirectory, readZipEntry } from "../../lib/archive/zip.ts";
import { parseWheelFilename } from "../../lib/dists/mod.ts";
import { canonicalizeName } from "../../lib/names/mod.ts";
import { parseRequirement, type Requirement } from "../../lib/pep508/mod.ts";

const python = await pyenvPython("3.11");

/** Every pure-Python wheel of the mirror, by project name. */
async function mirrorWheels(): Promise<Map<string, { path: string; version: string }[]>> {
  const wheels = new Map<string, { path: string; version: string }[]>();
  for (const url of await mirrorIndexUrls()) {
    const files = join(fileURLToPath(url), "..", "files");
    for await (const entry of Deno.readDir(files)) {
      if (!entry.name.endsWith("-py3-none-any.whl")) continue;
      const parsed = parseWheelFilename(entry.name);
      const list = wheels.get(parsed.name) ?? [];
      list.push({ path: join(files, entry.name), version: String(parsed.version) });
      wheels.set(parsed.name, list);
    }
  }
  return wheels;
}

const wheels = python === undefined ? new Map() : await mirrorWheels();
const ignore = skipUnless(
  python !== undefined && ["setuptools", "flit-core", "hatchling"].every((n) => wheels.has(n)),
  "pyenv's Python 3.11 and the local mirror with setuptools, flit_core and hatchling wheels",
);

/**
 * Unpacks the newest matching wheel of each requirement (and, recursively, of
 * its unconditional dependencies) into the environment. Enough for build
 * backends; the real installer lives in operations/.
 */
function mirrorInstaller(): BuildContext & { installed: Map<string, string> } {
  const installed = new Map<string, string>();
  const installOne = async (requirement: Requirement, dir: string): Promise<void> => {
    const name = canonicalizeName(requirement.name);
    if (installed.has(name)) return;
    const candidates = (wheels.get(name) ?? []).filter((wheel: { version: string }) =>
      requirement.specifier.contains(wheel.version, { prereleases: false })
    );
    candidates.sort((a: { version: string }, b: { version: string }) =>
      a.version.localeCompare(b.version, "en", { numeric: true })
    );
    const chosen = candidates.at(-1);
    if (chosen === undefined) throw new Error(`the mirror has no wheel for ${requirement}`);
    installed.set(name, chosen.version);
    const zip = readZipDirectory(await Deno.readFile(chosen.path), { archive: chosen.path });
    const dependencies: Requirement[] = [];
    for (const entry of zip.entries) {
      if (entry.kind !== "file" || /^[^/]+\.data\//.test(entry.name)) continue;
      const data = readZipEntry(zip, entry);
      await Deno.mkdir(join(dir, entry.name, ".."), { recursive: true });
      await Deno.writeFile(join(dir, entry.name), data);
      if (/^[^/]+\.dist-info\/METADATA$/.test(entry.name)) {
        for (const line of new TextDecoder().decode(data).split("\n")) {
          if (!line.startsWith("Requires-Dist:")) continue;
          const dependency = parseRequirement(line.slice("Requires-Dist:".length).trim());
          if (dependency.marker === undefined) dependencies.push(dependency);
        }
      }
    }
    for (const dependency of dependencies) await installOne(dependency, dir);
  };
  return {
    installed,
    async installRequirements(requirements, environment) {
      for (const requirement of requirements) await installOne(requirement, environment.dir);
    },
  };
}

function readWheel(bytes: Uint8Array): Map<string, string> {
  const zip = readZipDirectory(bytes, { archive: "built.whl" });
  return new Map(
    zip.entries.map((entry) => [entry.name, new TextDecoder().decode(readZipEntry(zip, entry))]),
  );
}

interface RealCase {
  backend: string;
  requires: string;
  buildBackend: string;
  /** The wheel's WHEEL `Generator:` names the backend's version from the build environment. */
  generator: (installed: Map<string, string>) => string;
}

const CASES: RealCase[] = [
  {
    backend: "setuptools",
    requires: '["setuptools>=61"]',
    buildBackend: "setuptools.build_meta",
    generator: (installed) => `setuptools (${installed.get("setuptools")})`,
  },
  {
    backend: "flit_core",
    requires: '["flit_core>=3.4"]',
    buildBackend: "flit_core.buildapi",
    generator: (installed) => `flit ${installed.get("flit-core")}`,
  },
  {
    backend: "hatchling",
    requires: '["hatchling"]',
    buildBackend: "hatchling.build",
    generator: (installed) => `hatchling ${installed.get("hatchling")}`,
  },
];

for (const testCase of CASES) {
  Deno.test({
    name: `buildWheel(): isolated ${testCase.backend} build, wheel and editable, from the mirror`,
    ignore,
    fn: async () => {
      const dir = await Deno.makeTempDir({ prefix: "dpip-isolated-build-" });
      try {
        const project = join(dir, "isodemo");
        await Deno.mkdir(join(project, "isodemo"), { recursive: true });
        await Deno.writeTextFile(
          join(project, "isodemo", "__init__.py"),
          '"""A demo."""\n__version__ = "0.3"\n',
        );
        await Deno.writeTextFile(
          join(project, "pyproject.toml"),
          `[build-system]\nrequires = ${testCase.requires}\nbuild-backend = "${testCase.buildBackend}"\n\n` +
            '[project]\nname = "isodemo"\nversion = "0.3"\ndescription = "A demo."\n',
        );
        const installer = mirrorInstaller();
        const wheel = await buildWheel(project, {
          python: python!,
          outDir: join(dir, "out"),
          isolation: installer,
        });
        const parsed = parseWheelFilename(wheel.filename);
        assertEquals([parsed.name, String(parsed.version)], ["isodemo", "0.3"]);
        const files = readWheel(await Deno.readFile(wheel.path));
        assertStringIncludes(files.get("isodemo/__init__.py")!, "__version__");
        assertStringIncludes(
          files.get("isodemo-0.3.dist-info/WHEEL")!,
          `Generator: ${testCase.generator(installer.installed)}`,
        );

        const editable = await buildWheel(project, {
          python: python!,
          outDir: join(dir, "out"),
          isolation: mirrorInstaller(),
          editable: true,
        });
        assert(editable.filename.startsWith("isodemo-0.3-"), editable.filename);
        const names = [...readWheel(await Deno.readFile(editable.path)).keys()];
        assert(names.some((name) => name.endsWith(".pth")), names.join(", "));
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
