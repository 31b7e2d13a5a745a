import {
  formatRecord,
  InvalidRecordError,
  parseRecord,
  parseRecordRows,
  type RecordEntry,
} from "../../lib/dists/record.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { oraclePython, runPythonJson, skipUnless } from "../helpers/python.ts";
import { Random } from "../helpers/random.ts";

const oracle = await oraclePython();

Deno.test("parseRecord() reads paths, hashes and sizes", () => {
  const text = "pkg/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\r\n" +
    '"pkg/a,b.py",sha256=abc,12\r\n\r\npkg-1.0.dist-info/RECORD,,\r\n';
  assertEquals(parseRecord(text), [
    {
      path: "pkg/__init__.py",
      hash: { algorithm: "sha256", digest: "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU" },
      size: 0,
    },
    { path: "pkg/a,b.py", hash: { algorithm: "sha256", digest: "abc" }, size: 12 },
    { path: "pkg-1.0.dist-info/RECORD" },
  ]);
});

Deno.test("parseRecord() rejects malformed rows, naming the line", () => {
  const cases: [string, string][] = [
    ["a.py,sha256=x,1\nb.py,md5,3\n", "line 2"],
    ["a.py,sha256=x,1,extra\n", "expected 3 fields, found 4"],
    [",sha256=x,1\n", "the path is empty"],
    ["a.py,sha256=x,1.5\n", 'size "1.5" is not a number'],
    ["a.py,=x,1\n", "hash must be <algorithm>=<digest>"],
    ['"a\nb",sha256=\n', "hash must be"],
  ];
  for (const [text, part] of cases) {
    const error = assertThrows(() => parseRecord(text), InvalidRecordError, part);
    assertEquals(error.code, "invalid-record");
    assert(!error.message.includes("\n"), error.message);
  }
  const error = assertThrows(() => parseRecord('x,,\n"a\nb",sha256=\n'), InvalidRecordError);
  assertEquals(error.line, 2);
});

Deno.test("parseRecordRows() refuses a field over Python's size limit", () => {
  assertThrows(() => parseRecordRows("a".repeat(131073)), InvalidRecordError, "limit");
  assertEquals(parseRecordRows("a".repeat(131072))[0]![0]!.length, 131072);
});

Deno.test("formatRecord() quotes only when needed and can use \\n endings", () => {
  const entries: RecordEntry[] = [
    { path: 'we"ird,name.py', hash: { algorithm: "sha256", digest: "x" }, size: 1 },
    { path: "plain.py" },
  ];
  assertEquals(formatRecord(entries), '"we""ird,name.py",sha256=x,1\r\nplain.py,,\r\n');
  assertEquals(formatRecord(entries, { lineTerminator: "\n" }).split("\n").length, 3);
  assertEquals(parseRecord(formatRecord(entries)), entries);
});

const alphabet = [
  "a",
  "b",
  "/",
  ".",
  "_",
  ",",
  '"',
  " ",
  "=",
  "é",
  "😀",
  "\n",
  "\r\n",
  "\r",
  "\v",
  "\x85",
  "\u2028",
  "\t",
  "\0",
];

function randomText(random: Random, length: number, letters: readonly string[]): string {
  let text = "";
  for (let index = 0; index < length; index++) text += random.pick(letters);
  return text;
}

Deno.test({
  name: "parseRecordRows() equals csv.reader(text.splitlines()) on 2000 hostile texts",
  ignore: skipUnless(oracle, "Python 3.11"),
  fn: async () => {
    const random = new Random(376);
    const texts = Array.from(
      { length: 2000 },
      () => randomText(random, random.int(0, 40), alphabet),
    );
    const script = `
import csv, json, sys
print(json.dumps([list(csv.reader(t.splitlines())) for t in json.load(sys.stdin)]))`;
    const expected = await runPythonJson<string[][][]>(oracle!, script, texts);
    texts.forEach((text, index) => {
      assertEquals(parseRecordRows(text), expected[index], JSON.stringify(text));
    });
  },
});

Deno.test({
  name: "formatRecord() equals Python's csv.writer on 2000 generated rows",
  ignore: skipUnless(oracle, "Python 3.11"),
  fn: async () => {
    const random = new Random(627);
    const entries: RecordEntry[] = Array.from({ length: 2000 }, () => {
      const path = randomText(random, random.int(1, 12), alphabet);
      if (random.chance(0.2)) return { path };
      return {
        path,
        hash: { algorithm: "sha256", digest: randomText(random, random.int(1, 8), alphabet) },
        size: random.int(0, 1e9),
      };
    });
    const rows = entries.map((entry) => [
      entry.path,
      entry.hash ? `${entry.hash.algorithm}=${entry.hash.digest}` : "",
      entry.size === undefined ? "" : String(entry.size),
    ]);
    const script = `
import csv, io, json, sys
out = io.StringIO()
csv.writer(out).writerows(json.load(sys.stdin))
print(json.dumps(out.getvalue()))`;
    const expected = await runPythonJson<string>(oracle!, script, rows);
    assertEquals(formatRecord(entries), expected);
  },
});
