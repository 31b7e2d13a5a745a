/**
 * Seeded generators of PEP 508 requirements and markers for differential
 * tests: mostly grammatical text with odd spellings, whitespace and escapes,
 * then random character-level damage, plus a few hostile shapes.
 *
 * @module
 */

import { Random } from "../helpers/random.ts";

const VARIABLES = [
  "python_version",
  "python_full_version",
  "os_name",
  "os.name",
  "sys_platform",
  "sys.platform",
  "platform_release",
  "platform_system",
  "platform_version",
  "platform.version",
  "platform_machine",
  "platform.machine",
  "platform_python_implementation",
  "platform.python_implementation",
  "python_implementation",
  "implementation_name",
  "implementation_version",
  "extra",
  "extra",
  "extra",
];

/** Lock-file variables (sets), rarer: most environments do not define them. */
const SET_VARIABLES = ["extras", "dependency_groups"];

const VERSION_VALUES = [
  "3.10",
  "3.9",
  "3.11",
  "3.13",
  "2.7",
  "3",
  "3.*",
  "3.10.*",
  "3.9.0rc1",
  "3.10.12",
  "2.7.18",
  "7.3",
  "22.1.0",
  "10",
  "6.1.0-18-amd64",
  "1.0+local",
  "v3.8",
  " 3.8 ",
  "abc",
  "",
];

const STRING_VALUES = [
  "posix",
  "nt",
  "linux",
  "win32",
  "darwin",
  "cpython",
  "CPython",
  "PyPy",
  "pypy",
  "x86_64",
  "AMD64",
  "Linux",
  "Windows",
  "test",
  "Test",
  "foo-bar",
  "Foo_Bar",
  "Foo.Bar",
  "security",
  "dev",
  "a",
  "os_name",
  "python_version",
  "lin",
  "#1 SMP",
  "é",
  "a b",
];

const ESCAPES = [
  "\\x41",
  "\\n",
  "\\t",
  "\\\\",
  "\\d",
  "\\777",
  "\\101",
  "\\u00e9",
  "\\x4",
  "\\U0001F600",
  "\\",
];

const SPACES = [" ", " ", " ", "  ", "\t", "", "", " \t "];

const OPERATORS = [
  "==",
  "==",
  "!=",
  "<",
  "<",
  "<=",
  ">",
  ">=",
  ">=",
  "~=",
  "===",
  "in",
  "in",
  "not in",
  "not  in",
  "not\tin",
];

function space(random: Random): string {
  return random.pick(SPACES);
}

function quoted(random: Random, value: string): string {
  let text = value;
  if (random.chance(0.08)) {
    const at = random.int(0, text.length);
    text = text.slice(0, at) + random.pick(ESCAPES) + text.slice(at);
  }
  return random.chance(0.5) ? `"${text.replaceAll('"', "")}"` : `'${text.replaceAll("'", "")}'`;
}

function markerValue(random: Random): string {
  return random.chance(0.5) ? random.pick(VERSION_VALUES) : random.pick(STRING_VALUES);
}

function comparison(random: Random): string {
  const variable = random.chance(0.03) ? random.pick(SET_VARIABLES) : random.pick(VARIABLES);
  const operator = random.pick(OPERATORS);
  const value = quoted(random, markerValue(random));
  const left = random.chance(0.15) ? value : variable;
  let right = left === value ? variable : value;
  if (random.chance(0.03)) right = random.pick(VARIABLES);
  return `${space(random)}${left}${space(random) || " "}${operator}${space(random)}${right}`;
}

/** A random marker expression of at most `depth` levels of parentheses. */
export function generateMarker(random: Random, depth = 3): string {
  const terms = random.int(1, 3);
  let text = "";
  for (let i = 0; i < terms; i++) {
    if (i > 0) {
      text += `${space(random) || " "}${random.pick(["and", "or", "or", "and"])}${
        space(random) || " "
      }`;
    }
    if (depth > 0 && random.chance(0.25)) {
      text += `${space(random)}(${generateMarker(random, depth - 1)})${space(random)}`;
    } else {
      text += comparison(random);
    }
  }
  return text;
}

const NAMES = [
  "foo",
  "Foo_Bar",
  "zope.interface",
  "a",
  "A1",
  "foo-",
  "foo_",
  "1foo",
  "foo.bar-baz",
  "x",
  "requests",
];

function version(random: Random): string {
  let text = random.chance(0.05) ? "v" : "";
  if (random.chance(0.05)) text += `${random.int(0, 2)}!`;
  const parts = random.int(1, 4);
  text += Array.from({ length: parts }, () => String(random.int(0, 12))).join(".");
  const suffix = random.int(0, 14);
  if (suffix === 0) text += ".*";
  if (suffix === 1) {
    text += random.pick(["a1", "b2", "rc1", "c3", "alpha", "-beta.2", "pre1", "preview", "_rc"]);
  }
  if (suffix === 2) text += random.pick([".post1", "-1", "post", "rev2", "r3", "_post_4", "-post"]);
  if (suffix === 3) text += random.pick([".dev0", "dev", "-dev_2", "dev3"]);
  if (suffix === 4) text += random.pick(["+local", "+abc.1", "+ABC", "+a_b-c", "+"]);
  if (suffix === 5) text += random.pick(["poſt1", "prevıew", "RC1", "Post2", "DEV"]);
  if (suffix === 6) text += random.pick([".*.*", "a1.*", "+x.*"]);
  return text;
}

function specifierList(random: Random): string {
  const count = random.int(1, 3);
  const items: string[] = [];
  for (let i = 0; i < count; i++) {
    const operator = random.chance(0.05)
      ? random.pick(["=", "=>", "<>"])
      : random.pick(["==", "!=", "<", "<=", ">", ">=", "~=", "==="]);
    const gap = random.chance(0.1)
      ? random.pick(["\n", "\u00a0", "\u2003", "\x0c", "\x1f", "\x85", "\ufeff", " "])
      : space(random);
    items.push(`${operator}${gap}${random.chance(0.03) ? "" : version(random)}`);
  }
  const separator = () => `${space(random)},${space(random)}`;
  let text = items.join(separator());
  if (random.chance(0.05)) text += ",";
  return random.chance(0.2) ? `(${space(random)}${text}${space(random)})` : text;
}

const URLS = [
  "https://example.com/foo-1.0.tar.gz",
  "file:///tmp/foo.whl",
  "git+https://github.com/a/b.git@v1#egg=foo",
  "https://x.test/a;b",
  "https://x.test/a;",
  "./local/path",
  "https://x.test/a\n",
];

/** A random requirement string. */
export function generateRequirement(random: Random): string {
  let text = space(random);
  text += random.chance(0.05) ? random.string("aZ9._-é ", random.int(0, 6)) : random.pick(NAMES);
  if (random.chance(0.3)) {
    const extras = Array.from(
      { length: random.int(0, 3) },
      () => random.pick(["a", "B", "test", "Foo_Bar", "a", "x.y-z", "_bad", "1"]),
    );
    const joiner = random.chance(0.9) ? `${space(random)},${space(random)}` : " ";
    text += `${space(random)}[${space(random)}${extras.join(joiner)}${space(random)}${
      random.chance(0.05) ? "," : ""
    }]`;
  }
  const kind = random.int(0, 9);
  if (kind <= 1) {
    text += `${space(random)}@${space(random)}${random.pick(URLS)}`;
  } else if (kind <= 7) {
    text += space(random) + specifierList(random);
  }
  if (random.chance(0.45)) text += `${space(random)};${generateMarker(random, 2)}`;
  if (random.chance(0.05)) text += random.pick(["\n", " ", "\t", "\n\n", " # comment"]);
  return text;
}

const DAMAGE = [
  ";",
  ",",
  "(",
  ")",
  "[",
  "]",
  "@",
  "'",
  '"',
  " ",
  "\t",
  "\n",
  ".",
  "*",
  "+",
  "=",
  "<",
  "~",
  "!",
  "\\",
  "\0",
  "_",
  // Whitespace Python's \s knows and [ \t] does not (some JavaScript's \s lacks).
  "\r",
  "\x0b",
  "\x0c",
  "\x1c",
  "\x85",
  "\u00a0",
  "\u2028",
  "\ufeff",
  // Word characters and not, for Python's Unicode \b.
  "é",
  "İ",
  "ª",
  "٣",
  "½",
  "\u0301",
  "😀",
];

/** Inserts, deletes or replaces one character, to probe the error paths. */
export function damage(random: Random, text: string): string {
  const at = random.int(0, text.length);
  const what = random.int(0, 2);
  if (what === 0) return text.slice(0, at) + random.pick(DAMAGE) + text.slice(at);
  if (what === 1) return text.slice(0, at) + text.slice(at + 1);
  return text.slice(0, at) + random.pick(DAMAGE) + text.slice(at + 1);
}

/** Hand-picked hostile shapes: deep nesting either side of the limit, long runs. */
export function hostileInputs(): { requirements: string[]; markers: string[] } {
  const deep = (depth: number) => "(".repeat(depth) + "os_name == 'posix'" + ")".repeat(depth);
  const markers = [
    deep(50),
    deep(480),
    deep(600),
    "(".repeat(600),
    "os_name == '" + "a".repeat(20_000) + "'",
    "os_name == '" + "a".repeat(20_000),
    Array.from({ length: 2000 }, () => "os_name == 'posix'").join(" and "),
    Array.from({ length: 500 }, () => "(os_name == 'posix' or extra == 'x')").join(" or "),
  ];
  const requirements = [
    "a".repeat(20_000),
    "a".repeat(20_000) + "é",
    "a" + "-".repeat(20_000),
    "foo[" + Array.from({ length: 2000 }, (_, i) => `e${i}`).join(",") + "]",
    "foo" + Array.from({ length: 2000 }, (_, i) => `>=${i}`).join(","),
    "foo===" + "x".repeat(20_000),
    "foo @ " + "u".repeat(20_000),
    "foo; " + deep(480),
    "foo; " + deep(600),
    "foo==" + "1.".repeat(10_000),
  ];
  return { requirements, markers };
}

/** Hand-picked inputs on the edges of packaging's tokenizer. */
export function trickyInputs(): { requirements: string[]; markers: string[] } {
  const requirements = [
    "foo\n",
    "foo\n\n",
    "foo\r\n",
    "foo @ x \n",
    "foo @ x\n",
    "foo-é",
    "fooé",
    "foo_",
    "foo.",
    "foo ()",
    "foo ( )",
    "foo(>=1)",
    "foo>=1,",
    "foo>=1, ",
    "foo (>=1,)",
    "foo>=1,,",
    "foo===",
    "foo===a(b",
    "foo===a)b",
    "foo=== a;os_name=='x'",
    "foo===1,2",
    "foo==1.0+abc.1",
    "foo==1.0+ABC",
    "foo>=1.0+ABC",
    "foo>=1.0+abc",
    "foo==1.0.*.*",
    "foo~=1.0.*",
    "foo~=1",
    "foo~=1!2",
    "foo~=1!2.0",
    "foo==1!x",
    "foo==v1.0",
    "foo==V1.0",
    "foo>=\n1.0",
    "foo>=\x1c1.0",
    "foo>=\ufeff1.0",
    "foo[a b]",
    "foo[a,]",
    "foo[]",
    "foo[ ]",
    "foo[_a]",
    "foo[a-]",
    "foo[a_]",
    "foo @",
    "foo @ ",
    "foo@http://x;os_name=='a'",
    "foo @ http://x ;os_name=='a'",
    "foo @ http://x\t; os_name=='a'",
    "foo;",
    "foo; ",
    "foo;os_name=='a'",
    "foo ; (os_name=='a')",
    "foo; extra == os_name",
    "foo; (extra == 'A_b')",
    "foo; 'a' == 'b'",
    "1",
    "-foo",
    " \tfoo",
    "foo\t",
    "foo\u00a0",
  ];
  const markers = [
    "os_name == 'a'\n",
    "os_name == 'a'\r\n",
    "os_name=='a'or os_name=='b'",
    "os_name=='a'orx",
    "os_name == python_version",
    "'posix' == 'os_name'",
    "'a' == 'b'",
    "extra == extra",
    "(extra == extra)",
    "extras == 'a'",
    "'A_b' in extras",
    "'dev' not in dependency_groups",
    "os_name not in'posix'",
    "os_name not\tin 'posix'",
    "os_name notin 'posix'",
    "os_name in'posix'",
    "os_nameé == 'a'",
    "os_name == 'a'é",
    "python_version > '3.9'",
    "python_version > '3.10'",
    "python_version >= '3.10'",
    "python_version < 'abc'",
    "python_version == '3.*'",
    "python_version == ' 3.11 '",
    "python_version ~= '3'",
    "python_version === '3.11'",
    "platform_release >= '6'",
    "os_name === 'posix'",
    "os_name ~= 'posix'",
    "os_name < 'z'",
    "os_name <= 'posix'",
    "os_name == '\\x41'",
    "os_name == 'a\\\nb'",
    "((os_name == 'a' or os_name == 'b')) and os_name == 'c'",
    "(os_name == 'a') and (os_name == 'b' or os_name == 'c')",
    "python_implementation == 'CPython'",
    "platform.python_implementation == 'CPython'",
  ];
  return { requirements, markers };
}

/** 10,000 distinct, realistic requirements (names, extras, specifiers, markers). */
export function benchmarkRequirements(count = 10_000): string[] {
  const random = new Random(508);
  const names = ["requests", "Django", "zope.interface", "typing_extensions", "numpy", "PyYAML"];
  const markers = [
    'python_version < "3.11"',
    'python_version >= "3.8" and platform_system == "Windows"',
    'extra == "socks"',
    'sys_platform == "win32" or (platform_machine == "arm64" and python_full_version >= "3.9.1")',
    'implementation_name == "cpython" and extra == "test"',
    '"linux" in sys_platform and os_name != "nt"',
  ];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = `${random.pick(names)}-${i}`;
    if (random.chance(0.2)) text += random.pick(["[socks]", "[security, socks]", "[test]"]);
    const major = random.int(0, 30);
    text += random.pick([
      `>=${major}.${random.int(0, 20)}`,
      `>=${major}.0,<${major + 1}`,
      `~=${major}.${random.int(0, 9)}.${random.int(0, 9)}`,
      `==${major}.*`,
      ` (!=${major}.1, >=${major}.0rc1)`,
      "",
    ]);
    if (random.chance(0.5)) text += `; ${random.pick(markers)}`;
    out.push(text);
  }
  return out;
}
