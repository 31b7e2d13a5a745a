import { assertEquals } from "../helpers/assert.ts";
import { formatPythonJson, type PythonJsonValue } from "../../lib/dists/python_json.ts";
import { Random } from "../helpers/random.ts";
import { oraclePython, runPythonJson, skipUnless } from "../helpers/python.ts";

Deno.test("formatPythonJson() lays out like json.dumps", () => {
  const value = { b: [1, "é\u007f"], a: { x: null, y: true }, c: [] };
  assertEquals(
    formatPythonJson(value),
    '{"b": [1, "\\u00e9\\u007f"], "a": {"x": null, "y": true}, "c": []}',
  );
  assertEquals(formatPythonJson(value, { sortKeys: true }).startsWith('{"a"'), true);
  assertEquals(formatPythonJson(["é\u007f"], { ensureAscii: false }), '["é\u007f"]');
  assertEquals(formatPythonJson({ a: [1] }, { indent: 2 }), '{\n  "a": [\n    1\n  ]\n}');
});

const python = await oraclePython();

Deno.test({
  name: "formatPythonJson() matches json.dumps on 500 generated documents",
  ignore: skipUnless(python, "Python 3.11"),
  fn: async () => {
    const random = new Random(11);
    const alphabet = 'aZ "\\\n\t\b\f\r\u0001\u001f\u007f\u0080é€😀/\u2028';
    const make = (depth: number): PythonJsonValue => {
      const kind = random.int(0, depth > 2 ? 3 : 5);
      if (kind === 0) return random.string(alphabet, random.int(0, 6));
      if (kind === 1) return random.int(-5, 100);
      if (kind === 2) return random.chance(0.5);
      if (kind === 3) return null;
      if (kind === 4) return Array.from({ length: random.int(0, 3) }, () => make(depth + 1));
      return Object.fromEntries(
        Array.from({ length: random.int(0, 3) }, () => [random.string("abc", 2), make(depth + 1)]),
      );
    };
    const docs = Array.from({ length: 500 }, () => make(0));
    const variants = [{}, { indent: 2 }, { ensureAscii: false }, { sortKeys: true }];
    const script = `
import json, sys
docs, variants = json.load(sys.stdin)
out = []
for d in docs:
    for v in variants:
        out.append(json.dumps(d, indent=v.get("indent"), ensure_ascii=v.get("ensureAscii", True), sort_keys=v.get("sortKeys", False)))
print(json.dumps(out))
`;
    const theirs = await runPythonJson<string[]>(python as string, script, [docs, variants]);
    const ours = docs.flatMap((d) => variants.map((v) => formatPythonJson(d, v)));
    assertEquals(ours, theirs);
  },
});
