import {
  formatPylock,
  InvalidPylockError,
  parsePylock,
  selectFromPylock,
  UnusablePylockError,
} from "../../lib/lock/pylock.ts";
import { isPylockFilename } from "../../lib/lock/pylock_name.ts";
import { formatToml, TomlDateTime, type TomlWriteValue } from "../../lib/lock/toml_writer.ts";
import { DEFAULT_MARKER_ENVIRONMENT } from "../../lib/pep508/mod.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { pip26, runPip26Json } from "../helpers/pip26.ts";
import { skipUnless } from "../helpers/python.ts";
import { Random } from "../helpers/random.ts";

const H = "a".repeat(64);

/** A lock as `pip lock` writes it (flask and its dependencies, URLs made neutral). */
const PIP_LOCK = `lock-version = "1.0"
created-by = "pip"

[[packages]]
name = "click"
version = "8.5.0"

[[packages.wheels]]
name = "click-8.5.0-py3-none-any.whl"
url = "https://example.org/files/click-8.5.0-py3-none-any.whl"

[packages.wheels.hashes]
sha256 = "${H}"

[[packages]]
name = "markupsafe"
version = "3.0.3"

[[packages.wheels]]
name = "markupsafe-3.0.3-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl"
url = "https://example.org/files/markupsafe-3.0.3-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl"

[packages.wheels.hashes]
sha256 = "${H}"
`;

Deno.test("formatPylock() gives back pip's lock byte for byte", () => {
  const { lock, warnings } = parsePylock(PIP_LOCK, "pylock.toml");
  assertEquals(warnings, []);
  assertEquals(lock.packages.map((p) => p.name), ["click", "markupsafe"]);
  assertEquals(formatPylock(lock), PIP_LOCK);
});

Deno.test("formatPylock() writes every field in the specification's order and reads back the same", () => {
  const lock = {
    lockVersion: "1.0",
    environments: ["sys_platform == 'linux'"],
    requiresPython: ">=3.9",
    createdBy: "dpip",
    packages: [{
      name: "demo" as never,
      version: "1.0",
      marker: "python_version >= '3.9'",
      requiresPython: ">=3.8",
      index: "https://example.org/simple",
      sdist: {
        name: "demo-1.0.tar.gz",
        uploadTime: new TomlDateTime("2024-01-02T03:04:05.000Z"),
        url: "https://example.org/demo-1.0.tar.gz",
        size: 10,
        hashes: { sha256: H },
      },
      wheels: [{
        name: "demo-1.0-py3-none-any.whl",
        url: "https://example.org/demo-1.0-py3-none-any.whl",
        size: 20,
        hashes: { sha256: H },
      }],
    }],
  };
  const text = formatPylock(lock);
  assertEquals(formatPylock(parsePylock(text, "pylock.toml").lock), text);
  assert(text.indexOf("marker =") < text.indexOf('requires-python = ">=3.8"'));
  assert(text.indexOf("index =") < text.indexOf("[packages.sdist]"));
  assert(text.includes("upload-time = 2024-01-02T03:04:05.000Z\n"));
});

Deno.test("isPylockFilename() accepts pylock.toml and pylock.<name>.toml only", () => {
  assertEquals(
    ["pylock.toml", "pylock.dev.toml", "pylock.a.b.toml", "lock.toml", "pylock..toml"].map(
      isPylockFilename,
    ),
    [true, true, false, false, false],
  );
});

Deno.test("parsePylock() names the file and the place in one line", () => {
  const cases: [string, string][] = [
    ["lock-version = 1", "Unexpected type int (expected str) in 'lock-version'"],
    ['lock-version = "1.0"', "Missing required value in 'created-by'"],
    ['lock-version = "1.0"\ncreated-by = "x"', "Missing required value in 'packages'"],
    [
      'lock-version = "1.0"\ncreated-by = "x"\n[[packages]]\nname = "A"',
      "Name 'A' is not normalized in 'packages[0].name'",
    ],
    [
      'lock-version = "2.0"\ncreated-by = "x"\npackages = []',
      "pylock version 2.0 is not supported",
    ],
    ["lock-version = ", "the TOML does not parse: "],
  ];
  for (const [text, detail] of cases) {
    const error = assertThrows(() => parsePylock(text, "dir/pylock.toml"), InvalidPylockError);
    assert(
      error.message.startsWith(`Invalid pylock file 'dir/pylock.toml': ${detail}`),
      error.message,
    );
    assert(!error.message.includes("\n"), error.message);
  }
});

const base = () => ({
  "lock-version": "1.0",
  "created-by": "dpip",
  packages: [{
    name: "demo",
    version: "1.0",
    wheels: [
      {
        name: "demo-1.0-cp311-cp311-linux_x86_64.whl",
        url: "https://x/a.whl",
        hashes: { sha256: H },
      },
      { name: "demo-1.0-py3-none-any.whl", url: "https://x/b.whl", hashes: { sha256: H } },
    ],
    sdist: { url: "https://x/demo-1.0.tar.gz", hashes: { sha256: H } },
  }, {
    name: "other",
    marker: "sys_platform == 'win32'",
    archive: { url: "https://x/other.zip", hashes: { sha256: H } },
  }],
});

const target = {
  environment: DEFAULT_MARKER_ENVIRONMENT,
  tags: ["cp311-cp311-linux_x86_64", "py3-none-any"],
};

Deno.test("selectFromPylock() picks the best wheel for the tags and skips packages whose marker fails", () => {
  const { lock } = parsePylock(formatToml(base()), "pylock.toml");
  const selected = selectFromPylock(lock, { file: "pylock.toml", target });
  assertEquals(selected.map((s) => [s.package.name, s.source.kind]), [["demo", "wheel"]]);
  const source = selected[0]!.source;
  assertEquals(
    source.kind === "wheel" ? source.filename : "",
    "demo-1.0-cp311-cp311-linux_x86_64.whl",
  );
  const other = selectFromPylock(lock, {
    file: "pylock.toml",
    target: { ...target, tags: ["py3-none-any"] },
  });
  assertEquals(
    other[0]!.source.kind === "wheel" && other[0]!.source.filename,
    "demo-1.0-py3-none-any.whl",
  );
  const sdist = selectFromPylock(lock, {
    file: "pylock.toml",
    target: { ...target, tags: ["py2-none-any"] },
  });
  assertEquals(sdist[0]!.source.kind, "sdist");
});

Deno.test("selectFromPylock() refuses a lock the target cannot use, naming the package", () => {
  const noSdist = base();
  delete (noSdist.packages[0] as Record<string, unknown>)["sdist"];
  const { lock } = parsePylock(formatToml(noSdist), "pylock.toml");
  const error = assertThrows(
    () =>
      selectFromPylock(lock, {
        file: "pylock.toml",
        target: { ...target, tags: ["py2-none-any"] },
      }),
    UnusablePylockError,
  );
  assertEquals(error.package, "demo");
  assertEquals(
    error.message,
    "Cannot select requirements from pylock file 'pylock.toml': No wheel found matching the provided tags for package 'demo' at packages[0], and no sdist available as a fallback",
  );
  const old =
    parsePylock(formatToml({ ...base(), "requires-python": ">=3.12" }), "pylock.toml").lock;
  assertThrows(() => selectFromPylock(old, { file: "pylock.toml", target }), UnusablePylockError);
  const pkgPython = base();
  (pkgPython.packages[0] as Record<string, unknown>)["requires-python"] = "<3";
  const error2 = assertThrows(
    () => selectFromPylock(parsePylock(formatToml(pkgPython), "p").lock, { file: "p", target }),
    UnusablePylockError,
  );
  assertEquals(error2.package, "demo");
});

type Doc = Record<string, TomlWriteValue>;

const WRONG: TomlWriteValue[] = [
  "text",
  3,
  true,
  [],
  ["x"],
  [1],
  {},
  { a: "b" },
  new TomlDateTime("2024-01-01T00:00:00Z"),
  new TomlDateTime("2024-01-01"),
  new TomlDateTime("2024-01-01T00:00:00"),
  [{}],
];

/** Places a mutation can reach in the base lock. */
function paths(doc: TomlWriteValue, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (Array.isArray(doc)) {
    doc.forEach((item, i) => {
      out.push([...prefix, i]);
      out.push(...paths(item as TomlWriteValue, [...prefix, i]));
    });
  } else if (typeof doc === "object" && !(doc instanceof TomlDateTime) && !(doc instanceof Map)) {
    for (const [key, value] of Object.entries(doc)) {
      out.push([...prefix, key]);
      out.push(...paths(value as TomlWriteValue, [...prefix, key]));
    }
  }
  return out;
}

function mutate(doc: Doc, random: Random): void {
  const all = paths(doc);
  const path = random.pick(all);
  let parent: Record<string | number, unknown> = doc;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const key = path.at(-1)!;
  const action = random.int(0, 9);
  if (action < 2 && !Array.isArray(parent)) delete parent[key];
  else if (action < 6) parent[key] = random.pick(WRONG);
  else if (action === 6) {
    parent[key] = random.pick([
      "Demo",
      "not a version",
      "1.0.0",
      "2.0",
      "demo-2.0-py3-none-any.whl",
      "other-1.0-py3-none-any.whl",
      "bad.whl",
      "demo-1.0.tar.bz2",
      ">=3.x",
      "python_version >=",
      "sys_platform == 'linux'",
      "",
      "https://x/",
      "0.9",
      "1.1",
    ]);
  } else if (action === 7 && !Array.isArray(parent)) {
    parent[
      random.pick([
        "archive",
        "vcs",
        "directory",
        "environments",
        "extras",
        "hashes",
        "attestation-identities",
      ])
    ] = random.pick<TomlWriteValue>([
      { url: "https://x/a.zip", hashes: { sha256: H } },
      { type: "git", url: "https://x/r", "commit-id": "abc" },
      { path: "." },
      ["python_version >= '3'", "bogus marker"],
      ["Foo", "bar"],
      { sha256: 1 },
      [{ kind: "x" }, {}],
    ]);
  } else if (action === 8) {
    parent[key] = [];
  } else {
    parent[key] = { name: "demo-1.0-py3-none-any.whl", hashes: { sha256: H } };
  }
}

const oracle = await pip26();

Deno.test({
  name:
    "parsePylock() accepts and refuses what packaging.pylock does, with its words, for 3,000 mutated locks",
  ignore: skipUnless(oracle, "the pip 26 oracle (../shared/oracles/pip26) and Python 3.11"),
  fn: async () => {
    const random = new Random(751);
    const texts: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const doc = base() as unknown as Doc;
      for (let n = random.int(1, 2); n > 0; n--) mutate(doc, random);
      try {
        texts.push(formatToml(doc));
      } catch {
        // A mutation TOML cannot express (e.g. a table inside a list of scalars).
      }
    }
    const expected = await runPip26Json<(string | null)[]>(
      oracle!,
      `import json, sys, tomllib
from pip._vendor.packaging.pylock import Pylock, PylockValidationError
out = []
for text in json.load(sys.stdin):
    try:
        Pylock.from_dict(tomllib.loads(text))
        out.append(None)
    except PylockValidationError as e:
        out.append(str(e))
    except Exception as e:
        out.append("crash " + type(e).__name__ + ": " + str(e))
print(json.dumps(out))`,
      texts,
    );
    let compared = 0;
    texts.forEach((text, i) => {
      const want = expected[i]!;
      let got: string | null = null;
      try {
        parsePylock(text, "f");
      } catch (error) {
        if (!(error instanceof InvalidPylockError)) throw error;
        got = error.detail;
      }
      if (want === null || got === null) {
        assertEquals(got, want, text);
        return;
      }
      if (want.startsWith("crash ")) return; // packaging itself fails unexpectedly here.
      compared++;
      if (/^Invalid (marker|specifier)|^Expected|\n/.test(want)) {
        // packaging words these with its own parser's text; the place must be the same.
        const place = / in ('[^']*')$/.exec(want)?.[1];
        assertEquals(/ in ('[^']*')$/.exec(got)?.[1], place, `${text}\n${want}\n${got}`);
      } else {
        assertEquals(got, want, text);
      }
    });
    assert(compared > 1000, `only ${compared} refusals compared`);
  },
});
