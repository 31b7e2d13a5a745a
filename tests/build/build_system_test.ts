/**
 * readBuildSystem(): pyproject.toml's [build-system] and pip 23.2.1's defaults
 * for legacy projects, and one-line errors naming the file and the fault.
 */

import { join } from "node:path";
import { assertEquals, assertRejects, assertStringIncludes } from "../helpers/assert.ts";
import {
  InvalidBuildSystemError,
  NotAPythonProjectError,
  readBuildSystem,
} from "../../lib/build/mod.ts";

interface Case {
  name: string;
  pyproject?: string;
  setupPy?: boolean;
  expected?: { requires: string[]; backend: string; backendPath: string[] };
  error?: string;
}

const LEGACY = {
  requires: ["setuptools>=40.8.0", "wheel"],
  backend: "setuptools.build_meta:__legacy__",
  backendPath: [],
};

const CASES: Case[] = [
  { name: "setup.py only", setupPy: true, expected: LEGACY },
  {
    name: "pyproject without [build-system]",
    pyproject: "[project]\nname = 'x'\n",
    expected: LEGACY,
  },
  {
    name: "pyproject without [build-system], with setup.py",
    pyproject: "[tool.black]\n",
    setupPy: true,
    expected: LEGACY,
  },
  {
    name: "requires without build-backend",
    pyproject: '[build-system]\nrequires = ["setuptools>=61", "cython"]\n',
    setupPy: true,
    expected: {
      requires: ["setuptools>=61", "cython"],
      backend: "setuptools.build_meta:__legacy__",
      backendPath: [],
    },
  },
  {
    name: "full table",
    pyproject:
      '[build-system]\nrequires = ["hatchling >= 1.0", "tomli; python_version < \'3.11\'"]\n' +
      'build-backend = "hatchling.build"\n',
    expected: {
      requires: ["hatchling>=1.0", 'tomli; python_version < "3.11"'],
      backend: "hatchling.build",
      backendPath: [],
    },
  },
  {
    name: "in-tree backend",
    pyproject: '[build-system]\nrequires = []\nbuild-backend = "backend:api.v1"\n' +
      'backend-path = ["./_backend/", "."]\n',
    expected: { requires: [], backend: "backend:api.v1", backendPath: ["_backend", "."] },
  },
  { name: "neither file", error: "does not appear to be a Python project" },
  { name: "invalid TOML", pyproject: "[build-system\n", error: "not valid TOML" },
  { name: "build-system not a table", pyproject: 'build-system = "x"\n', error: "is not a table" },
  {
    name: "requires missing",
    pyproject: '[build-system]\nbuild-backend = "x"\n',
    error: "has no 'requires' key",
  },
  {
    name: "requires not a list",
    pyproject: '[build-system]\nrequires = "setuptools"\n',
    error: "'requires' is not a list of strings",
  },
  {
    name: "requires with a number",
    pyproject: '[build-system]\nrequires = ["a", 1]\n',
    error: "'requires' is not a list of strings",
  },
  {
    name: "bad requirement",
    pyproject: '[build-system]\nrequires = ["setuptools >= "]\n',
    error: "'requires' has an invalid requirement \"setuptools >= \"",
  },
  {
    name: "backend not a string",
    pyproject: "[build-system]\nrequires = []\nbuild-backend = 3\n",
    error: "'build-backend' is not a string",
  },
  {
    name: "backend malformed",
    pyproject: '[build-system]\nrequires = []\nbuild-backend = "a b:c"\n',
    error: "is not of the form module or module:object",
  },
  {
    name: "backend-path escaping",
    pyproject: '[build-system]\nrequires = []\nbuild-backend = "b"\nbackend-path = ["../up"]\n',
    error: "'backend-path' entry \"../up\" is outside the project",
  },
  {
    name: "backend-path absolute outside",
    pyproject: '[build-system]\nrequires = []\nbuild-backend = "b"\nbackend-path = ["/usr"]\n',
    error: "'backend-path' entry \"/usr\" is outside the project",
  },
  {
    name: "backend-path not a list",
    pyproject: '[build-system]\nrequires = []\nbuild-backend = "b"\nbackend-path = "."\n',
    error: "'backend-path' is not a list of strings",
  },
  {
    name: "backend-path missing directory",
    pyproject: '[build-system]\nrequires = []\nbuild-backend = "b"\nbackend-path = ["nope"]\n',
    error: "'backend-path' entry \"nope\" does not exist",
  },
];

for (const testCase of CASES) {
  Deno.test(`readBuildSystem(): ${testCase.name}`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.mkdir(join(dir, "_backend"));
      if (testCase.pyproject !== undefined) {
        await Deno.writeTextFile(join(dir, "pyproject.toml"), testCase.pyproject);
      }
      if (testCase.setupPy === true) await Deno.writeTextFile(join(dir, "setup.py"), "");
      if (testCase.error !== undefined) {
        const error = await assertRejects(() => readBuildSystem(dir));
        assertStringIncludes(error.message, testCase.error);
        assertEquals(error.message.includes("\n"), false);
        const expectedClass = testCase.pyproject === undefined
          ? NotAPythonProjectError
          : InvalidBuildSystemError;
        assertEquals(error instanceof expectedClass, true, String(error));
        if (error instanceof InvalidBuildSystemError) {
          assertEquals(error.file, join(dir, "pyproject.toml"));
          assertStringIncludes(error.message, join(dir, "pyproject.toml"));
        }
        return;
      }
      const system = await readBuildSystem(dir);
      assertEquals({
        requires: system.requires.map(String),
        backend: system.backend,
        backendPath: system.backendPath,
      }, testCase.expected);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("readBuildSystem(): a backend-path symlink leading outside the project is refused", async () => {
  const dir = await Deno.makeTempDir();
  const outside = await Deno.makeTempDir();
  try {
    await Deno.symlink(outside, join(dir, "_backend"));
    await Deno.writeTextFile(
      join(dir, "pyproject.toml"),
      '[build-system]\nrequires = []\nbuild-backend = "b"\nbackend-path = ["_backend"]\n',
    );
    await assertRejects(
      () => readBuildSystem(dir),
      InvalidBuildSystemError,
      "'backend-path' entry \"_backend\" resolves outside the project",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});
