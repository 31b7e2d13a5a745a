import {
  type CoreMetadata,
  CoreMetadataError,
  formatCoreMetadata,
  parseCoreMetadata,
  parseDependencyFields,
} from "../../lib/dists/core_metadata.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { oraclePython, pyenvPython, runPythonJson, skipUnless } from "../helpers/python.ts";
import { Random } from "../helpers/random.ts";

const oracle = await oraclePython();
const python311 = await pyenvPython("3.11");

const sample = `Metadata-Version: 2.4
Name: Demo_Pkg
Version: 1.0.post1
Summary: A demo
  that folds
Keywords: a,b
Home-page: https://example.org
License-Expression: MIT
License-File: LICENSE
License-File: NOTICE
Classifier: Programming Language :: Python
Classifier: License :: OSI Approved
Requires-Dist: idna>=2
Requires-Dist: pysocks; extra == "socks"
Requires-Python: >=3.8
Project-URL: Source, https://example.org/src
Project-URL: Docs,https://docs.example.org
Provides-Extra: socks
Dynamic: license-file
X-Custom: kept
  over lines

The body.

It is the description.
`;

Deno.test("parseCoreMetadata() reads single and multiple-use fields", () => {
  const meta = parseCoreMetadata(sample);
  assertEquals(meta.metadataVersion, "2.4");
  assertEquals([meta.name, meta.version], ["Demo_Pkg", "1.0.post1"]);
  assertEquals(meta.summary, "A demo  that folds");
  assertEquals(meta.licenseExpression, "MIT");
  assertEquals(meta.licenseFile, ["LICENSE", "NOTICE"]);
  assertEquals(meta.classifiers, ["Programming Language :: Python", "License :: OSI Approved"]);
  assertEquals(meta.requiresDist, ["idna>=2", 'pysocks; extra == "socks"']);
  assertEquals(meta.requiresPython, ">=3.8");
  assertEquals(meta.providesExtra, ["socks"]);
  assertEquals(meta.dynamic, ["license-file"]);
  assertEquals(meta.projectUrls, [
    { label: "Source", url: "https://example.org/src" },
    { label: "Docs", url: "https://docs.example.org" },
  ]);
  assertEquals(meta.description, "The body.\n\nIt is the description.\n");
  assertEquals(meta.headers.at(-1), ["X-Custom", "kept\n  over lines"]);
  assertEquals(meta.headers.length, 19);
});

Deno.test("parseCoreMetadata() reads a Description header in both continuation styles", () => {
  const indented = parseCoreMetadata(
    "Metadata-Version: 1.1\nName: a\nVersion: 1\nDescription: Title\n        =====\n        \n" +
      "            code\n        end\nAuthor: Me\n",
  );
  assertEquals(indented.description, "Title\n=====\n\n    code\nend");
  assertEquals(indented.author, "Me");
  const piped = parseCoreMetadata(
    "Name: a\nVersion: 1\nDescription: Title\n       |\n       |  indented\n",
  );
  assertEquals(piped.description, "Title\n\n  indented");
});

Deno.test("parseCoreMetadata() decodes Latin-1 bytes, CRLF and a BOM", () => {
  const latin1 = new Uint8Array([
    ...new TextEncoder().encode("Name: caf"),
    0xe9,
    ...new TextEncoder().encode("\r\nVersion: 1\r\nAuthor: Jos"),
    0xe9,
    0x0d,
    0x0a,
  ]);
  const meta = parseCoreMetadata(latin1);
  assertEquals([meta.name, meta.version, meta.author], ["café", "1", "José"]);
  const utf8 = parseCoreMetadata(new TextEncoder().encode("\ufeffName: ☃\r\nVersion: 2\r\n"));
  assertEquals([utf8.name, utf8.version], ["☃", "2"]);
});

Deno.test("parseCoreMetadata() keeps the first of a repeated single-use field", () => {
  const meta = parseCoreMetadata("Name: a\nname: b\nVersion: 1\n");
  assertEquals(meta.name, "a");
  assertEquals(meta.headers, [["Name", "a"], ["name", "b"], ["Version", "1"]]);
});

Deno.test("parseCoreMetadata() requires Name and Version", () => {
  const noName = assertThrows(
    () => parseCoreMetadata("Metadata-Version: 2.1\nVersion: 1\n"),
    CoreMetadataError,
    "the Name field is missing",
  );
  assertEquals(noName.code, "invalid-core-metadata");
  assert(noName.message.includes('"Metadata-Version: 2.1"'));
  assertThrows(() => parseCoreMetadata("Name: a\n"), CoreMetadataError, "Version field");
  assertThrows(() => parseCoreMetadata(""), CoreMetadataError, "Name");
});

// Its cost, linear in its length, is checked in tests/fuzz/hostile_growth_test.ts.
Deno.test("parseCoreMetadata() handles 100 KB hostile input", () => {
  assertThrows(() => parseCoreMetadata(" ".repeat(100_000)), CoreMetadataError);
  assertThrows(() => parseCoreMetadata("A:" + ":".repeat(100_000)), CoreMetadataError);
  const long = parseCoreMetadata("Name: a\nVersion: 1\nDescription: x\n" + " y\n".repeat(30_000));
  assert(long.description!.length > 30_000);
});

function typedFields(meta: CoreMetadata): Omit<CoreMetadata, "headers" | "body"> {
  const { headers: _headers, body: _body, ...typed } = meta;
  return typed;
}

Deno.test("formatCoreMetadata() round-trips the typed fields and keeps unknown headers", () => {
  const meta = parseCoreMetadata(sample);
  const text = formatCoreMetadata(meta);
  assert(text.startsWith("Metadata-Version: 2.4\nName: Demo_Pkg\nVersion: 1.0.post1\n"));
  assert(text.includes("X-Custom: kept\n  over lines\n"));
  assertEquals(typedFields(parseCoreMetadata(text)), typedFields(meta));
  const license = parseCoreMetadata("Name: a\nVersion: 1\nLicense: line one\n        line two\n");
  assertEquals(license.license, "line one\nline two");
  assertEquals(typedFields(parseCoreMetadata(formatCoreMetadata(license))), typedFields(license));
});

Deno.test("formatCoreMetadata() keeps an empty Description header (found by fuzzing)", () => {
  const meta = parseCoreMetadata("Name: a\nVersion: 1\nDescription: \n");
  assertEquals(meta.description, "");
  assertEquals(parseCoreMetadata(formatCoreMetadata(meta)).description, "");
  assertEquals(
    parseCoreMetadata(formatCoreMetadata(parseCoreMetadata("Name: a\nVersion: 1\n"))).description,
    undefined,
  );
});

Deno.test("formatCoreMetadata() keeps a multi-line License's blank lines and leading bars (found by fuzzing)", () => {
  // Plain folding lost both to the reader's dedent and its "|" convention.
  for (
    const text of [
      "Name: a\nVersion: 1\nLicense: x\n        |  \n        |y\n",
      "Name: a\nVersion: 1\nLicense: x\n        ||y\n",
      "Name: a\nVersion: 1\nLicense: x\n        |  piped\n        |\n",
    ]
  ) {
    const meta = parseCoreMetadata(text);
    assert(meta.license?.includes("\n"), text);
    assertEquals(parseCoreMetadata(formatCoreMetadata(meta)).license, meta.license, text);
  }
});

interface InstalledMetadata {
  path: string;
  text: string;
  name: string | null;
  version: string | null;
  summary: string | null;
  requiresPython: string | null;
  requiresDist: string[];
  providesExtra: string[];
}

Deno.test({
  name: "parseCoreMetadata() agrees with importlib.metadata on Python 3.11's installed dists",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  fn: async () => {
    const script = `
import importlib.metadata as m, json, sys, sysconfig, os
site = sysconfig.get_paths()["purelib"]
out = []
for dist in m.distributions(path=[site]):
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO")
    if text is None:
        continue
    md = dist.metadata
    out.append({
        "path": str(dist._path),
        "text": text,
        "name": md["Name"],
        "version": md["Version"],
        "summary": md["Summary"],
        "requiresPython": md["Requires-Python"],
        "requiresDist": md.get_all("Requires-Dist") or [],
        "providesExtra": md.get_all("Provides-Extra") or [],
    })
print(json.dumps(out))`;
    const dists = await runPythonJson<InstalledMetadata[]>(python311!, script, null);
    assert(dists.length > 20, `${dists.length} distributions`);
    const flat = (text: string | null | undefined) => text?.replace(/\s+/g, " ").trim() ?? null;
    let folded = 0;
    for (const dist of dists) {
      const meta = parseCoreMetadata(dist.text);
      const what = dist.path;
      assertEquals(meta.name, dist.name, what);
      assertEquals(meta.version, dist.version, what);
      assertEquals(meta.requiresDist, dist.requiresDist, what);
      assertEquals(meta.providesExtra, dist.providesExtra, what);
      assertEquals(meta.requiresPython ?? null, dist.requiresPython, what);
      if (dist.summary?.includes("\n")) {
        // importlib re-indents folded values; dpip unfolds them.
        folded++;
        assertEquals(flat(meta.summary), flat(dist.summary), what);
      } else {
        assertEquals(meta.summary ?? null, dist.summary, what);
      }
      assertEquals(typedFields(parseCoreMetadata(formatCoreMetadata(meta))), typedFields(meta));
    }
    assert(folded < dists.length / 10);
  },
});

const headerNames = [
  "Name",
  "Version",
  "Summary",
  "Requires-Dist",
  "X-Thing",
  "Description",
  "From ",
  "",
  "Bad Name",
  "Ünicode",
];
const valuePieces = ["a", " ", "\t", ":", "b c", "é", "|", "", "x=1"];

function generateMessage(random: Random): string {
  const lines: string[] = random.chance(0.7) ? ["Name: n", "Version: 1"] : [];
  const count = random.int(0, 8);
  for (let index = 0; index < count; index++) {
    const roll = random.next();
    let value = "";
    for (let piece = random.int(0, 3); piece > 0; piece--) value += random.pick(valuePieces);
    if (roll < 0.6) {
      const name = random.pick(headerNames);
      lines.push(name.startsWith("From") ? `From ${value}` : `${name}:${value}`);
    } else if (roll < 0.85) lines.push(random.pick([" ", "\t", "        ", "       |"]) + value);
    else if (roll < 0.92) lines.push("");
    else lines.push(value);
  }
  return lines.join("\n") + random.pick(["\n", "", "\n\nbody\n", "\nbody"]);
}

Deno.test({
  name: "parseCoreMetadata() splits headers and body like Python's email parser (2000 messages)",
  ignore: skipUnless(oracle, "Python 3.11"),
  fn: async () => {
    const random = new Random(822);
    const messages = Array.from({ length: 2000 }, () => generateMessage(random));
    const script = `
import email.parser, email.policy, json, sys
out = []
for text in json.load(sys.stdin):
    msg = email.parser.Parser(policy=email.policy.compat32).parsestr(text)
    out.append([[list(h) for h in msg._headers], msg.get_payload()])
print(json.dumps(out))`;
    const expected = await runPythonJson<[[string, string][], string][]>(oracle!, script, messages);
    let parsed = 0;
    messages.forEach((message, index) => {
      const [headers, body] = expected[index]!;
      try {
        const meta = parseCoreMetadata(message);
        parsed++;
        assertEquals([meta.headers, meta.body], [headers, body], JSON.stringify(message));
      } catch (error) {
        assert(error instanceof CoreMetadataError, String(error));
        const names = headers.map(([name]) => name.toLowerCase());
        assert(!(names.includes("name") && names.includes("version")), JSON.stringify(message));
      }
    });
    assert(parsed > 1000, `${parsed} parsed`);
  },
});

/** A random METADATA text: header lines (folded, repeated, odd), line ends of all kinds, a body. */
function randomMetadata(random: Random): string {
  const pieces = [
    "Name: demo",
    "name: Other",
    "Version: 1.0",
    "VERSION: 2.0",
    "Requires-Dist: idna>=2",
    "Requires-Dist: pysocks;\n extra == 'socks'",
    "requires-dist: a [b] (>=1)",
    "Requires-Python: >=3.8",
    "Requires-Python: <4",
    "Provides-Extra: socks",
    "Provides-Extra:",
    "Summary: folded\n  over lines",
    "Description: a\n        |b\n        |",
    "From someone",
    ":no name",
    "X-Odd: Name: not a name",
    "Requires-Dist:\tx\r",
  ];
  const ends = ["\n", "\r\n", "\r"];
  const lines: string[] = [];
  for (let count = random.int(0, 12); count > 0; count--) lines.push(random.pick(pieces));
  let text = lines.map((line) => line.replaceAll("\n", random.pick(ends))).join(random.pick(ends));
  if (random.chance(0.5)) {
    text += random.pick(ends) + random.pick(["", "Requires-Dist: in-body", "body line"]);
  }
  if (random.chance(0.3)) text += random.pick(ends) + "\nRequires-Dist: after-a-blank\nName: late";
  return (random.chance(0.1) ? "\ufeff" : "") + text;
}

Deno.test("parseDependencyFields() reads what parseCoreMetadata() reads, on 3,000 random texts", () => {
  const random = new Random(658);
  let parsed = 0;
  for (let run = 0; run < 3000; run++) {
    const text = randomMetadata(random);
    let full: CoreMetadata | undefined;
    try {
      full = parseCoreMetadata(text);
    } catch (error) {
      assert(error instanceof CoreMetadataError);
      assertThrows(() => parseDependencyFields(text), CoreMetadataError);
      continue;
    }
    parsed++;
    const { name, version, requiresDist, requiresPython, providesExtra } = full;
    assertEquals(
      parseDependencyFields(text),
      {
        name,
        version,
        requiresDist,
        providesExtra,
        ...(requiresPython === undefined ? {} : { requiresPython }),
      },
      JSON.stringify(text),
    );
  }
  assert(parsed > 500, `only ${parsed} texts had a Name and a Version`);
});

Deno.test("parseDependencyFields() does not read the body", () => {
  const fields = parseDependencyFields(sample + "Requires-Dist: not-a-header\n");
  assertEquals(fields.requiresDist, ["idna>=2", 'pysocks; extra == "socks"']);
  assertEquals(fields.requiresPython, ">=3.8");
  assertEquals(fields.providesExtra, ["socks"]);
});
