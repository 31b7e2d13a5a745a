import {
  parseScriptMetadata,
  scriptBlocks,
  ScriptMetadataError,
} from "../../lib/requirements/script_metadata.ts";
import { assertEquals, assertThrows } from "../helpers/assert.ts";
import { pip26, runPip26Json } from "../helpers/pip26.ts";
import { skipUnless } from "../helpers/python.ts";
import { Random } from "../helpers/random.ts";

Deno.test("parseScriptMetadata() reads the script block's dependencies and requires-python", () => {
  const script = [
    "#!/usr/bin/env python",
    "# /// script",
    '# requires-python = ">=3.11"',
    "# dependencies = [",
    '#   "requests<3",',
    '#   "rich",',
    "# ]",
    "# ///",
    "import requests",
    "",
  ].join("\n");
  assertEquals(parseScriptMetadata(script, "s.py"), {
    dependencies: ["requests<3", "rich"],
    requiresPython: ">=3.11",
  });
});

Deno.test("parseScriptMetadata() names the script when the block is missing, repeated or not TOML", () => {
  const block = '# /// script\n# dependencies = ["a"]\n# ///\n';
  const cases: [string, string][] = [
    ["print(1)\n", "File does not contain 'script' metadata: 's.py'"],
    [block + "x = 1\n" + block, "Multiple 'script' blocks found in 's.py'"],
    ["# /// script\n# dependencies = [\n# ///\n", "Failed to parse TOML in 's.py'"],
    [
      '# /// script\n# dependencies = "a"\n# ///\n',
      "Invalid 'dependencies' in 's.py': expected a list of strings",
    ],
  ];
  for (const [text, message] of cases) {
    assertEquals(
      assertThrows(() => parseScriptMetadata(text, "s.py"), ScriptMetadataError).message,
      message,
    );
  }
});

Deno.test("scriptBlocks() closes a block at the last '# ///' of its comment run", () => {
  assertEquals(scriptBlocks("# /// a\n# x = 1\n# ///\n# ///\ny\n"), [{
    type: "a",
    content: "# x = 1\n# ///\n",
  }]);
});

const LINES = [
  "# /// script",
  "# /// other",
  "# ///",
  "#",
  "# dependencies = ['a', 'b>1']",
  "# requires-python = '>=3'",
  "#   'c',",
  "# dependencies = [",
  "# ]",
  "#dependencies = []",
  "import x",
  "",
  "  # /// script",
  "# /// script ",
  "# x = 1\r",
  "# y = 'a\fb'",
];

const oracle = await pip26();

Deno.test({
  name:
    "script metadata: the same blocks, requirements and refusals as pip 26, for 2,000 generated scripts",
  ignore: skipUnless(oracle, "the pip 26 oracle (../shared/oracles/pip26) and Python 3.11"),
  fn: async () => {
    const random = new Random(723);
    const scripts = Array.from({ length: 2000 }, () => {
      const lines = Array.from({ length: random.int(0, 12) }, () => random.pick(LINES));
      if (random.chance(0.6)) {
        const at = random.int(0, lines.length);
        lines.splice(at, 0, "# /// script", "# dependencies = ['a']", "# ///");
      }
      return lines.join(random.pick(["\n", "\n", "\r\n"])) + (random.chance(0.7) ? "\n" : "");
    });
    const expected = await runPip26Json<{ ok?: unknown; error?: string }[]>(
      oracle!,
      `import json, sys, os, tempfile
from pip._internal.req.pep723 import pep723_metadata, PEP723Exception
out = []
os.chdir(tempfile.mkdtemp())
for text in json.load(sys.stdin):
    with open("s.py", "w", newline="") as f:
        f.write(text)
    try:
        m = pep723_metadata("s.py")
        deps = m.get("dependencies", [])
        out.append({"ok": [deps, m.get("requires-python", "")] if isinstance(deps, list) else "bad"})
    except PEP723Exception as e:
        out.append({"error": e.msg})
print(json.dumps(out))`,
      scripts,
    );
    scripts.forEach((text, i) => {
      const want = expected[i]!;
      if (want.ok === "bad") return;
      let got: { ok?: unknown; error?: string };
      try {
        const metadata = parseScriptMetadata(text, "s.py");
        got = { ok: [metadata.dependencies, metadata.requiresPython ?? ""] };
      } catch (error) {
        if (!(error instanceof ScriptMetadataError)) throw error;
        got = { error: error.message };
      }
      assertEquals(got, want, JSON.stringify(text));
    });
  },
});
