/**
 * The planned venv: `pyvenv.cfg` as `python -m venv` writes it (Python's
 * `repr()` of the prompt compared with Python's own on generated strings),
 * the directories and links per Python version and platform, and the
 * interpreters and names that cannot make a venv, refused in one line.
 *
 * @module
 */

import {
  formatPyvenvConfig,
  planVenv,
  pythonStringRepr,
  seedProjects,
  type VenvInterpreter,
  VenvUnsupportedError,
} from "../../lib/venv/mod.ts";
import { assertEquals, assertThrows } from "../helpers/assert.ts";
import { oraclePython, runPythonJson, skipUnless } from "../helpers/python.ts";
import { Random } from "../helpers/random.ts";

const oracle = await oraclePython();

function python(overrides: Partial<VenvInterpreter> = {}): VenvInterpreter {
  return {
    executable: "/opt/py/bin/python3",
    realExecutable: "/opt/py/bin/python3.12",
    version: [3, 12, 1],
    implementationName: "cpython",
    system: "Linux",
    is32Bit: false,
    abiflags: "",
    freeThreaded: false,
    ...overrides,
  };
}

const options = { dir: "/p/.venv", systemSitePackages: false, clear: false, withPip: false };

Deno.test("pyvenv.cfg: the lines python -m venv writes, per version and option", () => {
  const base = {
    executable: "/opt/py/bin/python3",
    realExecutable: "/opt/py/bin/python3.8",
    dir: "/p/.venv",
    systemSitePackages: false,
    clear: false,
    withPip: false,
  };
  assertEquals(
    formatPyvenvConfig({ ...base, version: [3, 8, 18] }),
    "home = /opt/py/bin\ninclude-system-site-packages = false\nversion = 3.8.18\n",
  );
  assertEquals(
    formatPyvenvConfig({
      ...base,
      version: [3, 13, 0],
      realExecutable: "/opt/py/bin/python3.13",
      systemSitePackages: true,
      clear: true,
      prompt: "it's",
      promptOption: "it's",
      withPip: true,
    }),
    "home = /opt/py/bin\ninclude-system-site-packages = true\nversion = 3.13.0\n" +
      `prompt = "it's"\nexecutable = /opt/py/bin/python3.13\n` +
      `command = /opt/py/bin/python3 -m venv --system-site-packages --clear --prompt="it's" /p/.venv\n`,
  );
});

Deno.test({
  name: "pythonStringRepr equals Python's repr() on generated strings",
  ignore: skipUnless(oracle, "a Python 3"),
  async fn() {
    const random = new Random(405);
    const alphabet = [
      ..."ab '\"\\\t\n\r\u0000\u0007\u007f\u0085\u00a0\u00e9\u2028\u200b\ud83d\ude00",
    ];
    const cases = ["", "'", '"', `'"`, "venv", "my env", "\\x"];
    for (let i = 0; i < 400; i++) {
      const length = random.int(0, 8);
      let text = "";
      for (let j = 0; j < length; j++) text += random.pick(alphabet);
      cases.push(text);
    }
    const theirs = await runPythonJson<string[]>(
      oracle!,
      "import json, sys; print(json.dumps([repr(s) for s in json.load(sys.stdin)]))",
      cases,
    );
    assertEquals(cases.map(pythonStringRepr), theirs);
  },
});

Deno.test("planVenv: links, directories and files per version", () => {
  const v38 = planVenv(python({ version: [3, 8, 18], realExecutable: "/opt/py/bin/python3.8" }), {
    ...options,
  });
  assertEquals(v38.dirs, ["bin", "include", "lib", "lib/python3.8", "lib/python3.8/site-packages"]);
  assertEquals(v38.links, [
    { path: "bin/python3", target: "/opt/py/bin/python3" },
    { path: "bin/python", target: "python3" },
    { path: "lib64", target: "lib" },
  ]);
  assertEquals(v38.files.map((f) => f.path), [
    "pyvenv.cfg",
    "bin/activate",
    "bin/activate.csh",
    "bin/activate.fish",
    "bin/Activate.ps1",
    "bin/activate_this.py",
  ]);
  assertEquals([v38.python, v38.prompt], ["/p/.venv/bin/python3", ".venv"]);

  const v313t = planVenv(
    python({
      executable: "/opt/py/bin/python3.13t",
      version: [3, 13, 0],
      abiflags: "t",
      freeThreaded: true,
    }),
    { ...options, prompt: ".", cwdName: "project" },
  );
  assertEquals(v313t.dirs, [
    "bin",
    "include",
    "include/python3.13t",
    "lib",
    "lib/python3.13t",
    "lib/python3.13t/site-packages",
  ]);
  assertEquals(v313t.links.map((l) => `${l.path} -> ${l.target}`), [
    "bin/python3.13t -> /opt/py/bin/python3.13t",
    "bin/python -> python3.13t",
    "bin/python3 -> python3.13t",
    "bin/python3.13 -> python3.13t",
    "lib64 -> lib",
  ]);
  assertEquals(v313t.files.at(-1)?.path, ".gitignore");
  assertEquals(v313t.prompt, "project");

  // macOS and 32-bit builds get no lib64; the executable's own name is not linked twice.
  const mac = planVenv(python({ system: "Darwin", executable: "/opt/py/bin/python" }), options);
  assertEquals(mac.links.map((l) => l.path), [
    "bin/python",
    "bin/python3",
    "bin/python3.12",
  ]);
  const i686 = planVenv(python({ is32Bit: true }), options);
  assertEquals(i686.links.some((l) => l.path === "lib64"), false);
});

Deno.test("planVenv refuses, in one line, what cannot make a venv", () => {
  const cases: [VenvInterpreter, typeof options & { prompt?: string }, string][] = [
    [
      python({ version: [2, 7, 18], executable: "/usr/bin/python2" }),
      options,
      "Cannot create a virtual environment with Python 2.7.18 (/usr/bin/python2): virtual environments (PEP 405) need Python 3.3 or newer",
    ],
    [
      python({ implementationName: "pypy" }),
      options,
      "Cannot create a virtual environment with pypy (/opt/py/bin/python3): dpip venv lays out CPython environments only",
    ],
    [
      python(),
      { ...options, dir: "/p/a:b" },
      "Cannot create a virtual environment in \"/p/a:b\": the path holds a ':' or a control character, which PATH and the activation scripts cannot carry",
    ],
    [
      python(),
      { ...options, dir: "/p/a\nb" },
      "Cannot create a virtual environment in \"/p/a\\nb\": the path holds a ':' or a control character, which PATH and the activation scripts cannot carry",
    ],
    [
      python(),
      { ...options, prompt: "a\nb" },
      'Cannot create a virtual environment with the prompt "a\\nb": it holds a control character',
    ],
  ];
  for (const [interpreter, given, message] of cases) {
    const error = assertThrows(() => planVenv(interpreter, given), VenvUnsupportedError);
    assertEquals(error.message, message);
  }
});

Deno.test("seedProjects: setuptools and wheel only before 3.12", () => {
  assertEquals(seedProjects([3, 8, 18]), ["pip", "setuptools", "wheel"]);
  assertEquals(seedProjects([3, 11, 7]), ["pip", "setuptools", "wheel"]);
  assertEquals(seedProjects([3, 12, 0]), ["pip"]);
  assertEquals(seedProjects([3, 13, 0]), ["pip"]);
});
