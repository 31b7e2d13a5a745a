/**
 * Builds with real backends from the machine's local mirror of PyPI files
 * (setuptools, flit-core, hatchling, poetry-core), in isolated build
 * environments, compared with pip 23.2.1 building the same projects into a
 * twin venv: the same installed files (paths and contents, RECORD and
 * INSTALLER aside) and the same `pip freeze`, for a plain install and an
 * editable one.
 */

import { join } from "node:path";
import { mirrorIndexUrls } from "../index/corpus.ts";
import { assertEquals } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { dpip, makeVenv, oracle, pip, python311, run, tempHome } from "./install_support.ts";

const mirror = await mirrorIndexUrls();
const needs = skipUnless(
  python311 && oracle && mirror.length > 0,
  "Python 3.11, pip and the local mirror",
);

/** Projects with each backend: files under the project root. */
const PROJECTS: Record<string, Record<string, string>> = {
  "setuptools-legacy": {
    "setup.py":
      "from setuptools import setup\nsetup(name='st-legacy', version='1.2', py_modules=['st_legacy'], install_requires=['six'], entry_points={'console_scripts': ['st-legacy=st_legacy:main']})\n",
    "st_legacy.py": "def main():\n    print('legacy ok')\n",
  },
  "setuptools-pep621": {
    "pyproject.toml":
      '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "st-modern"\nversion = "2.0"\ndependencies = ["six"]\n\n[tool.setuptools]\npackages = ["st_modern"]\n',
    "st_modern/__init__.py": "VALUE = 2\n",
  },
  flit: {
    "pyproject.toml":
      '[build-system]\nrequires = ["flit_core>=3.2"]\nbuild-backend = "flit_core.buildapi"\n\n[project]\nname = "flit-demo"\nversion = "0.3"\ndescription = "demo"\n',
    "flit_demo.py": '"""A demo."""\n',
  },
  hatchling: {
    "pyproject.toml":
      '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "hatch-demo"\nversion = "0.4"\n\n[tool.hatch.build.targets.wheel]\npackages = ["hatch_demo"]\n',
    "hatch_demo/__init__.py": "X = 4\n",
  },
  "poetry-core": {
    "pyproject.toml":
      '[build-system]\nrequires = ["poetry-core>=1.0"]\nbuild-backend = "poetry.core.masonry.api"\n\n[tool.poetry]\nname = "poetry-demo"\nversion = "0.5"\ndescription = "demo"\nauthors = ["A <a@example.com>"]\n\n[tool.poetry.dependencies]\npython = ">=3.8"\n',
    "poetry_demo/__init__.py": "Y = 5\n",
  },
};

/** Installed files below the venv (path → sha256), without RECORD, INSTALLER, bytecode and scripts' first line. */
const FILES_SCRIPT = `
import hashlib, json, os, sys
root = sys.argv[1]
out = {}
for base, dirs, files in os.walk(root):
    dirs[:] = [d for d in dirs if d != "__pycache__"]
    for f in files:
        p = os.path.join(base, f)
        rel = os.path.relpath(p, root)
        if rel.endswith(("/RECORD", "/INSTALLER", "/direct_url.json")) or rel.startswith(("bin/python", "bin/activate", "bin/Activate")) or rel == "pyvenv.cfg":
            continue
        data = open(p, "rb").read()
        if rel.startswith("bin/"):
            data = data.split(b"\\n", 1)[-1]
        out[rel] = hashlib.sha256(data).hexdigest()
print(json.dumps(out, sort_keys=True))
`;

async function files(venvRoot: string): Promise<Record<string, string>> {
  const result = await run(python311!, ["-c", FILES_SCRIPT, venvRoot]);
  return JSON.parse(result.stdout);
}

for (const [backend, projectFiles] of Object.entries(PROJECTS)) {
  Deno.test({
    name: `a ${backend} project installs as pip installs it (plain and editable)`,
    ignore: needs,
    async fn() {
      const { home, done } = await tempHome("dpip-build-real-");
      try {
        const project = join(home, "proj");
        for (const [path, text] of Object.entries(projectFiles)) {
          await Deno.mkdir(join(project, path, ".."), { recursive: true });
          await Deno.writeTextFile(join(project, path), text);
        }
        const indexes = [
          "-i",
          mirror[0]!,
          ...mirror.slice(1).flatMap((u) => ["--extra-index-url", u]),
        ];
        for (const editable of [false, true]) {
          const target = editable ? ["-e", "./proj"] : ["./proj"];
          const ours = await makeVenv(join(home, `dpip-${editable}`));
          const theirs = await makeVenv(join(home, `pip-${editable}`));
          const a = await dpip(
            [
              "install",
              "--python",
              ours.python,
              "--cache-dir",
              join(home, "cache"),
              ...indexes,
              ...target,
            ],
            { home, cwd: home },
          );
          assertEquals(a.status, 0, a.stderr);
          const b = await pip(theirs.python, ["install", "--no-compile", ...indexes, ...target], {
            cwd: home,
          });
          assertEquals(b.status, 0, b.stderr);
          // The editable wheels carry the build's absolute paths and hashes: compare names only.
          const mine = await files(ours.root);
          const pips = await files(theirs.root);
          if (editable) {
            assertEquals(Object.keys(mine).sort(), Object.keys(pips).sort(), `${backend} editable`);
          } else {
            assertEquals(mine, pips, backend);
          }
          assertEquals(
            (await pip(ours.python, ["freeze"])).stdout,
            (await pip(theirs.python, ["freeze"])).stdout,
          );
        }
      } finally {
        await done();
      }
    },
  });
}
