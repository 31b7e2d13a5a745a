import {
  decodePythonString,
  isPythonSpace,
  quote,
  quoteInput,
  Scanner,
} from "../../lib/pep508/scanner.ts";
import { assertEquals, assertThrows } from "../helpers/assert.ts";

function scanner(text: string): Scanner {
  return new Scanner(text, (reason, position) => {
    throw new Error(`${reason} at ${position}`);
  });
}

Deno.test("Scanner.readSpecifier() reads the prefix packaging's specifier pattern matches", () => {
  const cases: [string, string | undefined][] = [
    [">=1.0", ">=1.0"],
    [">= \u00a0\u20031.0 ", ">= \u00a0\u20031.0"],
    ["==1.0.*.*", "==1.0.*"],
    ["==1.0a1.*", "==1.0a1"],
    ["==v1!2.0rc1.post2.dev3+Local.7", "==v1!2.0rc1.post2.dev3+Local.7"],
    ["==1!x", "==1"],
    [">=1.0+local", ">=1.0"],
    ["<1.0-1", "<1.0-1"],
    ["<1.0-", "<1.0"],
    ["<1.0r", "<1.0r"],
    ["<1.0preview1", "<1.0preview1"],
    ["<1.0a.", "<1.0a."],
    ["~=1", undefined],
    ["~=1.0", "~=1.0"],
    ["~=1!2", undefined],
    // Python's case-insensitive matching folds ı and İ to i, ſ to s, outside (?a:) groups.
    ["~=1.0prevıew", "~=1.0prevıew"],
    ["~=1.0poſt1", "~=1.0poſt1"],
    [">=1.0poſt1", ">=1.0"],
    ["~=1.0POST1", "~=1.0POST1"],
    ["===", "==="],
    ["=== a(b),c;d", "=== a(b"],
    ["===a,b;c", "===a,b"],
    ["=1", undefined],
    ["=>1", undefined],
    [">=", undefined],
    ["<>1", undefined],
  ];
  for (const [input, expected] of cases) {
    assertEquals(scanner(input).readSpecifier(), expected, JSON.stringify(input));
  }
});

Deno.test("Scanner.readIdentifier() ends at a word boundary, like Python's \\b", () => {
  const cases: [string, string | undefined][] = [
    ["foo", "foo"],
    ["foo_", "foo_"],
    ["foo.", "foo"],
    ["foo-.bar", "foo-.bar"],
    ["foo--", "foo"],
    ["fooé", undefined],
    ["foo-é", "foo-"],
    ["_foo", undefined],
    ["1", "1"],
  ];
  for (const [input, expected] of cases) {
    assertEquals(scanner(input).readIdentifier(), expected, JSON.stringify(input));
  }
});

Deno.test("Scanner keyword and variable readers need word boundaries on both sides", () => {
  const at = (text: string, position: number) => {
    const s = scanner(text);
    s.position = position;
    return s;
  };
  assertEquals(at("xor", 1).readBooleanOperator(), undefined);
  assertEquals(at("'a'or", 3).readBooleanOperator(), "or");
  assertEquals(at(" andx", 1).readBooleanOperator(), undefined);
  assertEquals(at("extras", 0).readVariable(), "extras");
  assertEquals(at("extra", 0).readVariable(), "extra");
  assertEquals(at("extrasx", 0).readVariable(), undefined);
  assertEquals(
    at("platform.python_implementation", 0).readVariable(),
    "platform_python_implementation",
  );
  assertEquals(at("python_implementation", 0).readVariable(), "platform_python_implementation");
  assertEquals(at("éos_name", 1).readVariable(), undefined);
  assertEquals(at("notin", 0).readKeyword("not"), false);
});

Deno.test("Scanner.atEnd() is Python's $: the end, or before one final newline", () => {
  assertEquals(scanner("").atEnd(), true);
  assertEquals(scanner("\n").atEnd(), true);
  assertEquals(scanner("\n\n").atEnd(), false);
  assertEquals(scanner("\r\n").atEnd(), false);
});

Deno.test("isPythonSpace() matches Python's str.isspace()", () => {
  const spaces = [
    0x09,
    0x0a,
    0x0b,
    0x0c,
    0x0d,
    0x1c,
    0x1d,
    0x1e,
    0x1f,
    0x20,
    0x85,
    0xa0,
    0x1680,
    0x2000,
    0x200a,
    0x2028,
    0x2029,
    0x202f,
    0x205f,
    0x3000,
  ];
  for (const code of spaces) assertEquals(isPythonSpace(code), true, code.toString(16));
  for (const code of [0x08, 0x21, 0x84, 0x200b, 0xfeff, 0x180e]) {
    assertEquals(isPythonSpace(code), false, code.toString(16));
  }
});

Deno.test("decodePythonString() decodes like ast.literal_eval", () => {
  const fail = (reason: string, position: number): never => {
    throw new Error(`${reason} at ${position}`);
  };
  const cases: [string, string][] = [
    ["'abc'", "abc"],
    ['"\\x41\\101\\u00e9\\U0001F600"', "AAé😀"],
    ["'\\a\\b\\f\\n\\r\\t\\v\\\\\\\"'", '\x07\b\f\n\r\t\v\\"'],
    ["'\\777\\0\\1234'", "ǿ\0S4"],
    ["'\\8\\q'", "\\8\\q"],
    ["'a\\\nb\\\r\nc\\\rd'", "abcd"],
  ];
  for (const [raw, expected] of cases) {
    assertEquals(decodePythonString(raw, 0, fail), expected, raw);
  }
  assertThrows(() => decodePythonString("'\\u12'", 0, fail), Error, "truncated");
  assertThrows(() => decodePythonString("'a\rb'", 0, fail), Error, "line break at 2");
});

Deno.test("quote() and quoteInput() keep messages on one line and readable", () => {
  assertEquals(quote("foo>="), '"foo>="');
  assertEquals(quote('os_name == "nt"'), `'os_name == "nt"'`);
  assertEquals(quote(`'a' == "b"`), `"'a' == \\"b\\""`);
  assertEquals(quote('a"\n'), `'a"\\n'`);
  assertEquals(quoteInput("x".repeat(201)), `"${"x".repeat(100)}…" (201 characters)`);
});
