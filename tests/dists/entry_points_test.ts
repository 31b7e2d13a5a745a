import {
  consoleScripts,
  type EntryPoint,
  guiScripts,
  InvalidEntryPointError,
  parseEntryPointReference,
  parseEntryPoints,
  scriptNameProblem,
} from "../../lib/dists/entry_points.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { oraclePython, runPythonJson, skipUnless } from "../helpers/python.ts";
import { Random } from "../helpers/random.ts";

const oracle = await oraclePython();

const sample = `
# comment
ignored = before:sections
[console_scripts]
black = black:patched_main
blackd = blackd:patched_main [d]
black = black:main

[gui_scripts]
  app=pkg.gui:App.run
[pytest11]
plugin = pkg.plugin
`;

Deno.test("parseEntryPoints() reads groups and name = value lines", () => {
  assertEquals(parseEntryPoints(sample), [
    { group: "console_scripts", name: "black", value: "black:patched_main" },
    { group: "console_scripts", name: "blackd", value: "blackd:patched_main [d]" },
    { group: "console_scripts", name: "black", value: "black:main" },
    { group: "gui_scripts", name: "app", value: "pkg.gui:App.run" },
    { group: "pytest11", name: "plugin", value: "pkg.plugin" },
  ]);
});

Deno.test("consoleScripts() and guiScripts() keep one entry per name, the last value", () => {
  const entryPoints = parseEntryPoints(sample);
  assertEquals(consoleScripts(entryPoints).map((e) => [e.name, e.value]), [
    ["black", "black:main"],
    ["blackd", "blackd:patched_main [d]"],
  ]);
  assertEquals(guiScripts(entryPoints).map((e) => e.name), ["app"]);
});

Deno.test("parseEntryPoints() rejects a line without '=' in a group", () => {
  const error = assertThrows(
    () => parseEntryPoints("[console_scripts]\nfoo\n"),
    InvalidEntryPointError,
    "line 2",
  );
  assertEquals([error.code, error.input, error.line], ["invalid-entry-point", "foo", 2]);
});

Deno.test("scriptNameProblem() accepts plain file names only", () => {
  for (const name of ["black", "pip3.11", "x-y_z+1", ".hidden", "foo bar", "...", "a:b"]) {
    assertEquals(scriptNameProblem(name), undefined, name);
  }
  for (
    const name of [
      "../../../../outside/ep",
      "../lib/x",
      "/tmp/abs",
      "sub/tool",
      "tool/",
      "a\\b",
      "..",
      ".",
      "",
      "a\0b",
    ]
  ) {
    assertEquals(scriptNameProblem(name), "its name is not a plain file name", name);
  }
});

Deno.test("parseEntryPointReference() splits module, attr and extras", () => {
  assertEquals(parseEntryPointReference("pkg.cli:App.main [color, fast]"), {
    module: "pkg.cli",
    attr: "App.main",
    extras: ["color", "fast"],
  });
  assertEquals(parseEntryPointReference("pkg"), { module: "pkg", extras: [] });
  assertThrows(() => parseEntryPointReference("pkg:"), InvalidEntryPointError, '"pkg:"');
  assertThrows(() => parseEntryPointReference("a b"), InvalidEntryPointError);
});

const pieces = [
  "[console_scripts]",
  "[gui_scripts]",
  "[[x]]",
  "[",
  "]",
  "#",
  ";",
  "=",
  " = ",
  ":",
  " ",
  "\t",
  "\n",
  "\r\n",
  "\x85",
  "foo",
  "pkg.mod",
  "attr",
  "[extra]",
  "é",
  "-",
  "ñ",
];

Deno.test({
  name: "parseEntryPoints() equals importlib.metadata on 1000 generated files",
  ignore: skipUnless(oracle, "Python 3.11"),
  fn: async () => {
    const random = new Random(1);
    const noise = (count: number) => {
      let text = "";
      for (let index = 0; index < count; index++) text += random.pick(pieces);
      return text;
    };
    const texts = Array.from({ length: 1000 }, () => {
      let text = random.pick(["[console_scripts]\n", "", "[a]\n"]);
      const lines = random.int(0, 6);
      for (let index = 0; index < lines; index++) {
        text += random.chance(0.7)
          ? `${noise(random.int(0, 2))}=${noise(random.int(0, 4))}\n`
          : noise(random.int(0, 5));
      }
      return text;
    });
    const script = `
import importlib.metadata as m, json, sys

class TextDistribution(m.Distribution):
    def __init__(self, text):
        self.text = text
    def read_text(self, filename):
        return self.text if filename == "entry_points.txt" else None
    def locate_file(self, path):
        raise NotImplementedError

out = []
for text in json.load(sys.stdin):
    try:
        eps = list(TextDistribution(text).entry_points)
    except Exception:
        out.append(None)
        continue
    row = []
    for e in eps:
        try:
            ref = {"module": e.module, "extras": e.extras}
            if e.attr is not None:
                ref["attr"] = e.attr
        except Exception:
            ref = None
        row.append([{"group": e.group, "name": e.name, "value": e.value}, ref])
    out.append(row)
print(json.dumps(out))`;
    const expected = await runPythonJson<([EntryPoint, unknown][] | null)[]>(
      oracle!,
      script,
      texts,
    );
    let parsed = 0;
    texts.forEach((text, index) => {
      let got: [EntryPoint, unknown][] | null;
      try {
        got = parseEntryPoints(text).map((entryPoint) => {
          let reference: unknown;
          try {
            reference = parseEntryPointReference(entryPoint.value);
          } catch (error) {
            assert(error instanceof InvalidEntryPointError);
            reference = null;
          }
          return [entryPoint, reference];
        });
        parsed += got.length;
      } catch (error) {
        assert(error instanceof InvalidEntryPointError);
        got = null;
      }
      assertEquals(got, expected[index], JSON.stringify(text));
    });
    assert(parsed > 500);
  },
});
