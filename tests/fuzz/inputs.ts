/**
 * fast-check generators of parser inputs: for each format, inputs built from
 * its grammar (mostly valid, with the odd spelling the standards allow),
 * token soups (the grammar's pieces in any order, with hostile characters),
 * and mutations of both (characters dropped, repeated, replaced).
 *
 * @module
 */

import fc from "fast-check";
import { writeZip, type ZipWriterEntry } from "../../lib/archive/zip_writer.ts";

/** Characters that have broken parsers before: Unicode digits and letters Python folds, blanks, controls. */
export const HOSTILE_CHARACTERS: readonly string[] = [
  "\u0000",
  "\t",
  "\n",
  "\r",
  "\v",
  "\f",
  "\x1c",
  "\x1f",
  " ",
  "\x7f",
  "\x85",
  "\xa0",
  "\u1680",
  "\u2000",
  "\u2028",
  "\u2029",
  "\u3000",
  "\ufeff",
  "ſ", // long s: Python's re folds it to "s"
  "ı", // dotless i
  "K", // Kelvin sign: folds to "k"
  "ﬀ",
  "é",
  "٣", // Arabic-Indic three: Python's int() accepts it
  "𝟙", // mathematical one (astral)
  "\ud800", // lone surrogate
  "😀",
  "\\",
  '"',
  "'",
  "#",
  "%",
  "&",
  ";",
  "<",
  ">",
  "=",
  ",",
  "[",
  "]",
  "(",
  ")",
  "@",
  "/",
  ":",
  "*",
  "$",
  "{",
  "}",
];

const hostile = fc.constantFrom(...HOSTILE_CHARACTERS);

/** Hexadecimal text of up to `maxLength` digits (either case). */
function hex(maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF"), maxLength });
}

/** Joins pieces drawn from `tokens` (and hostile characters) into a string. */
export function tokenSoup(tokens: readonly string[], maxLength = 24): fc.Arbitrary<string> {
  return fc.array(
    fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...tokens) }, {
      weight: 1,
      arbitrary: hostile,
    }),
    { maxLength },
  ).map((parts) => parts.join(""));
}

/** `text` with a few characters dropped, doubled, swapped or replaced by hostile ones. */
export function mutate(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.record({
    at: fc.nat(),
    kind: fc.constantFrom("drop", "double", "replace", "insert", "swap"),
    char: hostile,
  });
  return fc.tuple(base, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([text, edits]) => {
    let out = text;
    for (const { at, kind, char } of edits) {
      const i = out.length === 0 ? 0 : at % out.length;
      switch (kind) {
        case "drop":
          out = out.slice(0, i) + out.slice(i + 1);
          break;
        case "double":
          out = out.slice(0, i + 1) + out.slice(i);
          break;
        case "replace":
          out = out.slice(0, i) + char + out.slice(i + 1);
          break;
        case "insert":
          out = out.slice(0, i) + char + out.slice(i);
          break;
        case "swap":
          out = out.slice(0, i) + out.slice(i + 1, i + 2) + out.slice(i, i + 1) + out.slice(i + 2);
          break;
      }
    }
    return out;
  });
}

/** Grammar-built inputs (weight 6), their mutations (3), token soup (2) and any string (1). */
export function textInputs(
  grammar: fc.Arbitrary<string>,
  tokens: readonly string[],
): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: grammar },
    { weight: 3, arbitrary: mutate(grammar) },
    { weight: 2, arbitrary: tokenSoup(tokens) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  );
}

const digits = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 30 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom("00", "007", "4294967296", "9007199254740993") },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 40n }).map(String) },
);
const separator = fc.constantFrom("", ".", "-", "_");
const lettersCase = (word: string) =>
  fc.constantFrom(word, word.toUpperCase(), word[0]!.toUpperCase() + word.slice(1));

// ---------------------------------------------------------------------------
// PEP 440

/** A version as someone might write it (normalized or not). */
export const versionGrammar: fc.Arbitrary<string> = fc.tuple(
  fc.option(digits.map((d) => `${d}!`), { nil: "" }),
  fc.constantFrom("", "v", "V"),
  fc.array(digits, { minLength: 1, maxLength: 5 }).map((r) => r.join(".")),
  fc.option(
    fc.tuple(
      separator,
      fc.constantFrom("a", "b", "c", "rc", "alpha", "beta", "pre", "preview").chain(lettersCase),
      separator,
      fc.option(digits, { nil: "" }),
    ).map((p) => p.join("")),
    { nil: "" },
  ),
  fc.option(
    fc.oneof(
      digits.map((d) => `-${d}`),
      fc.tuple(
        separator,
        fc.constantFrom("post", "rev", "r"),
        separator,
        fc.option(digits, { nil: "" }),
      )
        .map((p) => p.join("")),
    ),
    { nil: "" },
  ),
  fc.option(
    fc.tuple(separator, lettersCase("dev"), fc.option(digits, { nil: "" })).map((p) => p.join("")),
    {
      nil: "",
    },
  ),
  fc.option(
    fc.array(fc.oneof(digits, fc.constantFrom("ubuntu", "abc", "Local", "x1")), {
      minLength: 1,
      maxLength: 4,
    })
      .chain((parts) => separator.map((s) => "+" + parts.join(s || "."))),
    { nil: "" },
  ),
  fc.constantFrom("", "", "", " ", "\t", "\n"),
).map(([epoch, v, release, pre, post, dev, local, pad]) =>
  `${pad}${v}${epoch}${release}${pre}${post}${dev}${local}${pad}`
);

const VERSION_TOKENS = [
  "0",
  "1",
  "9",
  "10",
  "00",
  "99999999999999999999",
  ".",
  "!",
  "+",
  "-",
  "_",
  "a",
  "b",
  "c",
  "rc",
  "alpha",
  "beta",
  "pre",
  "preview",
  "post",
  "rev",
  "r",
  "dev",
  "v",
  "V",
  "ubuntu",
  " ",
  "*",
];

/** Versions: grammar, mutations, soup. */
export const versionInputs: fc.Arbitrary<string> = textInputs(versionGrammar, VERSION_TOKENS);

const OPERATORS = ["==", "!=", "<=", ">=", "<", ">", "~=", "==="];

/** One specifier clause. */
export const specifierGrammar: fc.Arbitrary<string> = fc.tuple(
  fc.constantFrom(...OPERATORS),
  fc.constantFrom("", " ", "  "),
  versionGrammar,
  fc.constantFrom("", "", "", ".*"),
).map(([op, space, version, wildcard]) => `${op}${space}${version.trim()}${wildcard}`);

/** A specifier set: clauses joined by commas. */
export const specifierSetGrammar: fc.Arbitrary<string> = fc.array(specifierGrammar, {
  maxLength: 4,
})
  .chain((clauses) => fc.constantFrom(",", ", ", " ,").map((sep) => clauses.join(sep)));

/** Specifier sets: grammar, mutations, soup. */
export const specifierInputs: fc.Arbitrary<string> = textInputs(specifierSetGrammar, [
  ...OPERATORS,
  ...VERSION_TOKENS,
  ",",
  ".*",
  "=",
  "~",
]);

// ---------------------------------------------------------------------------
// PEP 508

const MARKER_VARIABLES = [
  "python_version",
  "python_full_version",
  "os_name",
  "sys_platform",
  "platform_release",
  "platform_system",
  "platform_version",
  "platform_machine",
  "platform_python_implementation",
  "implementation_name",
  "implementation_version",
  "extra",
  "extras",
  "dependency_groups",
  "os.name",
  "sys.platform",
  "python_implementation",
];
const MARKER_OPERATORS = ["==", "!=", "<", "<=", ">", ">=", "~=", "===", "in", "not in"];
const markerValue = fc.oneof(
  versionGrammar.map((v) => v.trim()),
  fc.constantFrom("linux", "win32", "darwin", "posix", "nt", "CPython", "test", "socks", "3", ""),
  fc.string({ maxLength: 6 }),
).chain((value) =>
  fc.constantFrom(`'${value.replaceAll("'", "")}'`, `"${value.replaceAll('"', "")}"`)
);

const markerAtom = fc.tuple(
  fc.boolean(),
  fc.constantFrom(...MARKER_VARIABLES),
  fc.constantFrom(...MARKER_OPERATORS),
  markerValue,
  fc.constantFrom(" ", "", "  "),
).map(([variableFirst, variable, op, value, space]) =>
  variableFirst
    ? `${variable}${space}${op}${space}${value}`
    : `${value}${space}${op}${space}${variable}`
);

/** A marker expression with `and`, `or` and parentheses. */
export const markerGrammar: fc.Arbitrary<string> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    markerAtom,
    fc.tuple(tie("node"), fc.constantFrom(" and ", " or ", "and", " AND "), tie("node")).map((p) =>
      p.join("")
    ),
    tie("node").map((n) => `(${n})`),
  ) as fc.Arbitrary<string>,
})).node;

/** Markers: grammar, mutations, soup. */
export const markerInputs: fc.Arbitrary<string> = textInputs(markerGrammar, [
  ...MARKER_VARIABLES,
  ...MARKER_OPERATORS,
  " and ",
  " or ",
  "(",
  ")",
  "'",
  '"',
  "'3.8'",
  '"linux"',
  " ",
  "not",
]);

const nameGrammar = fc.oneof(
  fc.constantFrom(
    "requests",
    "Django",
    "zope.interface",
    "typing_extensions",
    "a",
    "A-B_c.d",
    "x1",
  ),
  fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,8}[A-Za-z0-9])?$/),
);

const urlGrammar = fc.tuple(
  fc.constantFrom("https://", "http://", "file://", "git+https://", "file:///", "hg+ssh://"),
  fc.constantFrom("", "user:pass@", "token@"),
  fc.constantFrom("example.com", "127.0.0.1:8080", "[::1]", "h"),
  fc.constantFrom("/p/demo-1.0-py3-none-any.whl", "/demo-1.0.tar.gz", "/repo.git@v1", "/", ""),
  fc.constantFrom("", "#sha256=" + "0".repeat(64), "#egg=demo", "#subdirectory=sub&egg=demo"),
).map((p) => p.join(""));

/** A PEP 508 requirement. */
export const requirementGrammar: fc.Arbitrary<string> = fc.tuple(
  nameGrammar,
  fc.option(
    fc.array(nameGrammar, { maxLength: 3 }).map((extras) => `[${extras.join(",")}]`),
    { nil: "" },
  ),
  fc.oneof(
    specifierSetGrammar.map((s) => (s === "" ? "" : ` ${s}`)),
    specifierSetGrammar.map((s) => `(${s})`),
    urlGrammar.map((u) => ` @ ${u} `),
  ),
  fc.option(markerGrammar.map((m) => `; ${m}`), { nil: "" }),
).map((p) => p.join(""));

/** Requirements: grammar, mutations, soup. */
export const requirementInputs: fc.Arbitrary<string> = textInputs(requirementGrammar, [
  "requests",
  "a",
  "[",
  "]",
  ",",
  "@",
  ";",
  " ",
  "https://h/x.whl",
  ...OPERATORS,
  ...VERSION_TOKENS,
  ...MARKER_VARIABLES.slice(0, 4),
  "'3.8'",
  " and ",
]);

// ---------------------------------------------------------------------------
// Requirements files

const requirementsLine = fc.oneof(
  { weight: 6, arbitrary: requirementGrammar },
  {
    weight: 4,
    arbitrary: fc.tuple(
      fc.constantFrom(
        "-r ",
        "--requirement=",
        "-c ",
        "-e ",
        "--editable ",
        "-i ",
        "--index-url ",
        "--extra-index-url=",
        "-f ",
        "--no-binary ",
        "--only-binary=",
        "--pre",
        "--prefer-binary",
        "--require-hashes",
        "--trusted-host ",
        "--no-index",
        "--use-feature ",
        "-C",
        "--config-settings ",
        "--global-option ",
      ),
      fc.constantFrom(
        "other.txt",
        "missing.txt",
        "./pkg",
        ":all:",
        "https://h/simple",
        "k=v",
        "",
        "${HOME}/x",
      ),
    ).map((p) => p.join("")),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(
      requirementGrammar,
      fc.constantFrom(" --hash=sha256:", " --hash sha256:"),
      hex(64),
    )
      .map((p) => p.join("")),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom("", "# comment", "  # indented", "\\", "a \\", "#", " "),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

/** A requirements file. */
export const requirementsFileGrammar: fc.Arbitrary<string> = fc.tuple(
  fc.array(
    fc.tuple(requirementsLine, fc.constantFrom("", "", " # note", " \\", "\t#x")).map((p) =>
      p.join("")
    ),
    { maxLength: 8 },
  ),
  fc.constantFrom("\n", "\r\n", "\r"),
).map(([lines, eol]) => lines.join(eol));

/** Requirements files: grammar, mutations, soup. */
export const requirementsFileInputs: fc.Arbitrary<string> = textInputs(requirementsFileGrammar, [
  "requests",
  "-r x.txt",
  "--pre",
  "-e .",
  "\n",
  "\\\n",
  "#",
  " ",
  "--hash=sha256:00",
  "${X}",
  ";",
  "==1.0",
]);

// ---------------------------------------------------------------------------
// Index pages

const filenameGrammar = fc.oneof(
  fc.tuple(nameGrammar, versionGrammar.map((v) => v.trim()), fc.constantFrom("", "-1", "-2b"))
    .chain(
      ([name, version, build]) =>
        fc.constantFrom(
          `${name}-${version}${build}-py3-none-any.whl`,
          `${name}-${version}-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`,
          `${name}-${version}.tar.gz`,
          `${name}-${version}.zip`,
          `${name}-${version}.exe`,
        ),
    ),
  fc.string({ maxLength: 12 }),
);

const htmlAttributeValue = fc.oneof(
  fc.constantFrom(">=3.8", "&gt;=3.8", "&amp;", "&#60;3", "&#x3c;3", "&bogus;", "&", "true", ""),
  fc.string({ maxLength: 8 }),
);

const anchor = fc.tuple(
  filenameGrammar,
  fc.constantFrom(
    "",
    "../../files/",
    "https://files.example/",
    "/abs/",
    "file:///x/",
    "javascript:",
  ),
  fc.constantFrom("", "#sha256=" + "ab".repeat(32), "#md5=00", "#sha256=zz", "#"),
  fc.array(
    fc.tuple(
      fc.constantFrom(
        "data-requires-python",
        "data-yanked",
        "data-dist-info-metadata",
        "data-core-metadata",
        "data-gpg-sig",
        "rel",
        "HREF",
      ),
      htmlAttributeValue,
      fc.constantFrom('"', "'", ""),
    ),
    { maxLength: 3 },
  ),
  fc.constantFrom("a", "A", "link", "a "),
).map(([filename, base, fragment, attributes, tag]) => {
  const extra = attributes.map(([name, value, q]) => ` ${name}=${q}${value}${q}`).join("");
  return `<${tag} href="${base}${filename}${fragment}"${extra}>${filename}</${tag.trim()}>`;
});

/** A PEP 503 HTML project page. */
export const htmlPageGrammar: fc.Arbitrary<string> = fc.tuple(
  fc.constantFrom(
    "",
    "<!DOCTYPE html>",
    '<meta name="pypi:repository-version" content="1.1">',
    '<base href="https://b/">',
  ),
  fc.array(
    fc.oneof(
      { weight: 6, arbitrary: anchor },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          "<!-- <a href='x.whl'> -->",
          "<br>",
          "</a>",
          "<a",
          "<script>",
          "<![CDATA[",
          "&lt;a&gt;",
        ),
      },
      { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
    ),
    { maxLength: 8 },
  ),
).map(([head, body]) => `<html><head>${head}</head><body>\n${body.join("\n")}\n</body></html>`);

/** HTML pages: grammar, mutations, soup. */
export const htmlPageInputs: fc.Arbitrary<string> = textInputs(htmlPageGrammar, [
  "<a href='",
  "demo-1.0.tar.gz",
  "'>",
  "</a>",
  "<",
  ">",
  "&amp;",
  "&#",
  "=",
  '"',
  " data-yanked",
  "#sha256=",
  "<!--",
  "-->",
]);

/** Any JSON value, or a field's expected type. */
function jsonField<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 8, arbitrary: valid }, {
    weight: 1,
    arbitrary: fc.jsonValue({ maxDepth: 2 }),
  });
}

/** One entry of a JSON page's `files` (with wrong types here and there). */
export const jsonFile = fc.record(
  {
    filename: jsonField(filenameGrammar),
    url: jsonField(
      fc.tuple(fc.constantFrom("", "../", "https://f/", "/x/", "::"), filenameGrammar).map((p) =>
        p.join("")
      ),
    ),
    hashes: jsonField(
      fc.dictionary(
        fc.constantFrom("sha256", "md5", "SHA256", "blake2b"),
        hex(64),
      ),
    ),
    "requires-python": jsonField(fc.constantFrom(">=3.8", "", ">=3.8,<4", "bogus")),
    yanked: jsonField(fc.oneof(fc.boolean(), fc.string({ maxLength: 8 }))),
    "core-metadata": jsonField(
      fc.oneof(fc.boolean(), fc.dictionary(fc.constantFrom("sha256"), hex(64))),
    ),
    "dist-info-metadata": jsonField(fc.boolean()),
    size: jsonField(fc.nat()),
    "upload-time": jsonField(fc.constantFrom("2024-01-01T00:00:00.000000Z", "yesterday")),
  },
  { requiredKeys: ["filename", "url", "hashes"] },
);

/** A PEP 691 JSON project page (with wrong types here and there). */
export const jsonPageGrammar: fc.Arbitrary<string> = fc.record(
  {
    meta: jsonField(
      fc.record({ "api-version": jsonField(fc.constantFrom("1.0", "1.1", "1.9", "2.0", "x")) }),
    ),
    name: jsonField(nameGrammar),
    files: jsonField(fc.array(jsonFile, { maxLength: 6 })),
    versions: jsonField(fc.array(versionGrammar.map((v) => v.trim()), { maxLength: 4 })),
  },
  { requiredKeys: ["meta", "files"] },
).map((page) => JSON.stringify(page));

/**
 * JSON pages that grow: `count` files (copies of generated ones, each named
 * apart) and `count` versions, so the work after `JSON.parse` grows too.
 */
export const jsonPagePumps: fc.Arbitrary<(count: number) => string> = fc.tuple(
  fc.array(jsonFile, { minLength: 1, maxLength: 3 }),
  fc.constantFrom("1.0", "1.1"),
).map(([files, api]) => (count: number) =>
  JSON.stringify({
    meta: { "api-version": api },
    name: "demo",
    files: Array.from({ length: count }, (_, i) => {
      const file = files[i % files.length]!;
      return typeof file.filename === "string"
        ? { ...file, filename: `${i}${file.filename}` }
        : file;
    }),
    versions: Array.from({ length: count }, (_, i) => `1.${i}`),
  })
);

/** JSON pages: grammar, mutations, soup. */
export const jsonPageInputs: fc.Arbitrary<string> = textInputs(jsonPageGrammar, [
  "{",
  "}",
  "[",
  "]",
  '"files"',
  ":",
  ",",
  '"meta"',
  '{"api-version":"1.0"}',
  '"x.whl"',
  "null",
  "1e999",
  '"\\ud800"',
]);

// ---------------------------------------------------------------------------
// Distribution metadata files

const HEADERS = [
  "Metadata-Version",
  "Name",
  "Version",
  "Summary",
  "Requires-Dist",
  "Requires-Python",
  "Provides-Extra",
  "Classifier",
  "Project-URL",
  "Description",
  "Description-Content-Type",
  "Dynamic",
  "License",
  "License-Expression",
  "License-File",
  "Keywords",
  "Author-email",
  "Platform",
  "X-Custom",
  "name",
  "VERSION",
];

const headerValue = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "demo",
      "1.0",
      "2.1",
      "requests>=2; extra == 'x'",
      "Homepage, https://h",
      "a, b",
      "",
    ),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("line\n        continued", "x\n\ty", "trailing  ", " lead", "a\rb"),
  },
);

/** A METADATA / PKG-INFO file. */
export const metadataGrammar: fc.Arbitrary<string> = fc.tuple(
  fc.array(fc.tuple(fc.constantFrom(...HEADERS), headerValue), { maxLength: 10 }),
  fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
  fc.constantFrom("\n", "\r\n"),
  fc.constantFrom("", "From nobody\n", "\ufeff"),
).map(([headers, body, eol, head]) => {
  const lines = [["Metadata-Version", "2.1"], ["Name", "demo"], ["Version", "1.0"], ...headers]
    .map(([name, value]) => `${name}: ${value}`);
  return head + lines.join(eol) + eol + (body === undefined ? "" : eol + body);
});

/** METADATA files: grammar, mutations, soup. */
export const metadataInputs: fc.Arbitrary<string> = textInputs(metadataGrammar, [
  "Name: x\n",
  "Version: 1\n",
  "Metadata-Version: 2.1\n",
  ":",
  "\n",
  "\n\n",
  " ",
  "\t",
  "From ",
  "Requires-Dist: a\n",
]);

const recordField = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "demo/__init__.py",
      "demo-1.0.dist-info/RECORD",
      "a b.py",
      "../x",
      "/abs",
    ),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 10 }) },
  { weight: 1, arbitrary: fc.constantFrom('q"uote', "com,ma", "new\nline", '"quoted"', "") },
);

/** A RECORD file, quoted as Python's csv writer quotes, or not. */
export const recordGrammar: fc.Arbitrary<string> = fc.tuple(
  fc.array(
    fc.tuple(
      recordField,
      fc.oneof(
        fc.constant(""),
        hex(8).map((h) => `sha256=${h}`),
        fc.string({ maxLength: 6 }),
      ),
      fc.oneof(fc.constant(""), fc.nat().map(String), fc.string({ maxLength: 4 })),
      fc.boolean(),
    ),
    { maxLength: 8 },
  ),
  fc.constantFrom("\n", "\r\n"),
).map(([rows, eol]) =>
  rows.map(([path, hash, size, quote]) =>
    [path, hash, size].map((
      f,
    ) => (quote || /[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(",")
  ).join(eol) + eol
);

/** RECORD files: grammar, mutations, soup. */
export const recordInputs: fc.Arbitrary<string> = textInputs(recordGrammar, [
  "a.py",
  ",",
  '"',
  '""',
  "sha256=",
  "12",
  "\n",
  "\r\n",
  " ",
]);

/** An entry_points.txt file. */
export const entryPointsGrammar: fc.Arbitrary<string> = fc.array(
  fc.oneof(
    fc.constantFrom("[console_scripts]", "[gui_scripts]", "[demo.plugins]", "[[x]]", "[", "]"),
    fc.tuple(
      fc.oneof(nameGrammar, fc.constantFrom("../x", "/abs", "a b", "", "ep.exe")),
      fc.constantFrom(" = ", "=", " =", "= "),
      fc.constantFrom(
        "demo.cli:main",
        "demo:App.run [color]",
        "demo",
        "demo:",
        ":main",
        "x:y [a,b]",
        "1bad:x",
      ),
    ).map((p) => p.join("")),
    fc.constantFrom("# comment", "", "  ", "; semi"),
  ),
  { maxLength: 8 },
).map((lines) => lines.join("\n"));

/** entry_points.txt files: grammar, mutations, soup. */
export const entryPointsInputs: fc.Arbitrary<string> = textInputs(entryPointsGrammar, [
  "[console_scripts]",
  "\n",
  "name",
  " = ",
  "mod:attr",
  "[extra]",
  " ",
  "#",
]);

/** Wheel filenames. */
export const wheelFilenameInputs: fc.Arbitrary<string> = textInputs(
  fc.tuple(
    nameGrammar,
    versionGrammar.map((v) => v.trim()),
    fc.constantFrom("", "-1", "-10abc", "-x"),
    fc.constantFrom("py3", "cp311", "py2.py3", "pp310"),
    fc.constantFrom("none", "abi3", "cp311"),
    fc.constantFrom(
      "any",
      "linux_x86_64",
      "manylinux_2_17_x86_64.manylinux2014_x86_64",
      "macosx_11_0_arm64",
    ),
  ).map(([name, version, build, py, abi, plat]) =>
    `${name}-${version}${build}-${py}-${abi}-${plat}.whl`
  ),
  ["demo", "-", "1.0", "py3", "none", "any", ".whl", "_", "."],
);

/** Sdist filenames. */
export const sdistFilenameInputs: fc.Arbitrary<string> = textInputs(
  fc.tuple(
    nameGrammar,
    versionGrammar.map((v) => v.trim()),
    fc.constantFrom(".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar"),
  )
    .map(([name, version, ext]) => `${name}-${version}${ext}`),
  ["demo", "-", "1.0", ".tar.gz", ".zip", "_", "."],
);

/** direct_url.json documents. */
export const directUrlInputs: fc.Arbitrary<string> = textInputs(
  fc.record(
    {
      url: jsonField(urlGrammar),
      archive_info: jsonField(
        fc.record({
          hash: jsonField(fc.constantFrom("sha256=" + "0".repeat(64), "md5=00", "bad")),
          hashes: jsonField(
            fc.dictionary(fc.constantFrom("sha256", "md5"), hex(8)),
          ),
        }, { requiredKeys: [] }),
      ),
      dir_info: jsonField(fc.record({ editable: jsonField(fc.boolean()) }, { requiredKeys: [] })),
      vcs_info: jsonField(
        fc.record({
          vcs: jsonField(fc.constantFrom("git", "hg")),
          commit_id: jsonField(hex(40)),
          requested_revision: jsonField(fc.constantFrom("main", "v1")),
        }, { requiredKeys: ["vcs", "commit_id"] }),
      ),
      subdirectory: jsonField(fc.constantFrom("sub", "../x", "")),
    },
    { requiredKeys: ["url"] },
  ).map((d) => JSON.stringify(d)),
  ["{", "}", '"url"', ":", ",", '"dir_info"', "{}", "true"],
);

/** pip.conf files. */
export const iniGrammar: fc.Arbitrary<string> = fc.tuple(
  fc.array(
    fc.oneof(
      fc.constantFrom("[global]", "[install]", "[freeze]", "[ global ]", "[]", "[a]b"),
      fc.tuple(
        fc.constantFrom(
          "index-url",
          "extra-index-url",
          "timeout",
          "Trusted-Host",
          "no-cache-dir",
          "a b",
          "",
        ),
        fc.constantFrom(" = ", "=", ": ", " :", " = = "),
        fc.constantFrom(
          "https://h/simple",
          "60",
          "a\n    b\n    c",
          "yes",
          "",
          "x # not a comment",
          "%(x)s",
        ),
      ).map((p) => p.join("")),
      fc.constantFrom("# comment", "; comment", "", "   continued", "\tx"),
    ),
    { maxLength: 10 },
  ),
  fc.constantFrom("\n", "\r\n"),
  fc.constantFrom("", "\ufeff"),
).map(([lines, eol, bom]) => bom + lines.join(eol) + eol);

/** pip.conf files: grammar, mutations, soup. */
export const iniInputs: fc.Arbitrary<string> = textInputs(iniGrammar, [
  "[global]",
  "\n",
  "key",
  " = ",
  ":",
  "value",
  "    ",
  "#",
  ";",
  "[",
  "]",
]);

// ---------------------------------------------------------------------------
// Archives

const archiveName = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "demo/__init__.py",
      "demo-1.0.dist-info/RECORD",
      "dir/",
      "a/b/c.txt",
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom("../escape", "/abs", "C:/win", "a\\b", "a//b", "./x", "é.txt", ""),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

const archiveData = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom("hello", "x".repeat(300), "").map((s) => new TextEncoder().encode(s)),
);

/** Entries for {@link writeZip}. */
export const zipEntries: fc.Arbitrary<ZipWriterEntry[]> = fc.array(
  fc.record({
    name: archiveName,
    data: archiveData,
    compression: fc.constantFrom("store" as const, "deflate" as const),
    mode: fc.constantFrom(0o100644, 0o100755, 0o120777, 0o40755, 0o10644),
  }),
  { maxLength: 5 },
);

/** Byte-level damage to an archive: flips, truncation, garbage. */
export function damage(bytes: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(
    bytes,
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    fc.option(fc.nat(), { nil: undefined }),
    fc.uint8Array({ maxLength: 8 }),
  ).map(([original, flips, cut, garbage]) => {
    let out = original.slice();
    for (const [at, value] of flips) if (out.length > 0) out[at % out.length] = value;
    if (cut !== undefined && out.length > 0) out = out.subarray(0, cut % out.length);
    if (garbage.length > 0) {
      const longer = new Uint8Array(out.length + garbage.length);
      longer.set(out);
      longer.set(garbage, out.length);
      out = longer;
    }
    return out;
  });
}

/** Zip archives: written whole, then damaged (or not). */
export const zipInputs: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 3, arbitrary: zipEntries.map((entries) => writeZip(entries)) },
  { weight: 6, arbitrary: damage(zipEntries.map((entries) => writeZip(entries))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
);

const encoder = new TextEncoder();

/** One 512-byte tar header (ustar), with a correct checksum unless `badChecksum`. */
export function tarHeader(
  fields: {
    name: string;
    size: number;
    type: string;
    linkName?: string;
    mode?: number;
    prefix?: string;
  },
): Uint8Array {
  const header = new Uint8Array(512);
  const put = (text: string, at: number, length: number) =>
    header.set(encoder.encode(text).subarray(0, length), at);
  put(fields.name, 0, 100);
  put((fields.mode ?? 0o644).toString(8).padStart(7, "0"), 100, 8);
  put("0000000", 108, 8);
  put("0000000", 116, 8);
  put(fields.size.toString(8).padStart(11, "0"), 124, 12);
  put("00000000000", 136, 12);
  put(fields.type, 156, 1);
  put(fields.linkName ?? "", 157, 100);
  put("ustar\x0000", 257, 8);
  put(fields.prefix ?? "", 345, 155);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  put(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8);
  return header;
}

/** A tar member: its header (pax or GNU long-name records first, when asked) and its padded data. */
export function tarMember(
  member: {
    name: string;
    data: Uint8Array;
    type: string;
    linkName: string;
    long: "none" | "pax" | "gnu";
  },
): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  const padded = (data: Uint8Array) => {
    const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
    out.set(data);
    return out;
  };
  let name = member.name;
  if (member.long === "pax") {
    const record = (key: string, value: string) => {
      const body = ` ${key}=${value}\n`;
      let length = body.length + 1;
      while (String(length).length + encoder.encode(body).length !== length) {
        length = String(length).length + encoder.encode(body).length;
      }
      return `${length}${body}`;
    };
    const pax = encoder.encode(record("path", member.name) + record("linkpath", member.linkName));
    blocks.push(tarHeader({ name: "PaxHeader", size: pax.length, type: "x" }), padded(pax));
    name = "short";
  } else if (member.long === "gnu") {
    const long = encoder.encode(member.name + "\0");
    blocks.push(tarHeader({ name: "././@LongLink", size: long.length, type: "L" }), padded(long));
    name = "short";
  }
  const size = member.type === "0" ? member.data.length : 0;
  blocks.push(tarHeader({ name, size, type: member.type, linkName: member.linkName }));
  if (size > 0) blocks.push(padded(member.data));
  return blocks;
}

/** Members for {@link tarArchive}. */
export const tarMembers = fc.array(
  fc.record({
    name: archiveName,
    data: archiveData,
    type: fc.constantFrom("0", "0", "5", "2", "1", "3", "6", "g", "7"),
    linkName: fc.constantFrom("", "target", "../up", "/abs"),
    long: fc.constantFrom("none" as const, "none" as const, "pax" as const, "gnu" as const),
  }),
  { maxLength: 5 },
);

/** A tar stream of `members`, ended by two zero blocks. */
export function tarArchive(members: Parameters<typeof tarMember>[0][]): Uint8Array {
  const blocks = members.flatMap(tarMember);
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const block of blocks) {
    out.set(block, at);
    at += block.length;
  }
  return out;
}

/** Tar archives: written whole, then damaged (or not). */
export const tarInputs: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 3, arbitrary: tarMembers.map(tarArchive) },
  { weight: 6, arbitrary: damage(tarMembers.map(tarArchive)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 1100 }) },
);
