/**
 * Rules about lib/'s source that keep hostile input from crashing dpip or
 * making it slow:
 *
 * - no spread of a list into a call's arguments (`push(...items)`,
 *   `Math.max(...items)`: past ~125,000 items the stack overflows), and no
 *   error code compared with text (errors are tested with `isDpipError`), and
 *   no function over 80 lines where the install pipeline lives
 *   (`lib/operations/`, `lib/installer/`): the rules of `tools/lint_plugin.ts`,
 *   which `deno lint` also runs;
 * - every regular expression is free of super-linear backtracking: each
 *   literal in lib/ is analysed by `scslre`, which finds the patterns whose
 *   matching time grows faster than the input (a quantifier retried at every
 *   start position, like `\s+$`, or two quantifiers trading characters, like
 *   `[^=]+?\s*=`).
 *
 * An exception is written where it is made, with a reason:
 * `// deno-lint-ignore dpip/RULE -- why` on the line before (for the regular
 * expressions, the rule name is `dpip/linear-regexp`).
 *
 * @module
 */

import { RegExpParser } from "@eslint-community/regexpp";
import { analyse } from "scslre";
import plugin, { MAX_FUNCTION_LINES } from "../tools/lint_plugin.ts";
import { assertEquals } from "./helpers/assert.ts";
import { fileURLToPath, join, relative } from "../lib/paths.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Finding {
  where: string;
  rule: string;
  message: string;
}

async function libraryFiles(dir = join(ROOT, "lib")): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) { for (const file of await libraryFiles(path)) files.push(file); }
    else if (entry.isFile && entry.name.endsWith(".ts")) files.push(path);
  }
  return files.sort();
}

/** Line (1-based) of the UTF-16 offset `index` in `source`. */
function lineOf(source: string, index: number): number {
  let line = 1;
  for (let i = source.indexOf("\n"); i !== -1 && i < index; i = source.indexOf("\n", i + 1)) line++;
  return line;
}

/** Whether the line before `line` is `// deno-lint-ignore … rule …`. */
function ignored(lines: readonly string[], line: number, rule: string): boolean {
  const previous = (lines[line - 2] ?? "").trim();
  if (!previous.startsWith("// deno-lint-ignore ")) return false;
  const names = previous.slice("// deno-lint-ignore ".length).split(" -- ")[0]!.split(/[ ,]+/);
  return names.includes(rule);
}

interface RegexpLiteral {
  source: string;
  flags: string;
  index: number;
}

/** A plugin that only collects the regular expression literals of a file. */
function regexpCollector(found: RegexpLiteral[]): Deno.lint.Plugin {
  return {
    name: "collect",
    rules: {
      "regexps": {
        create() {
          return {
            Literal(node) {
              if ("regex" in node && node.regex !== undefined) {
                found.push({
                  source: node.regex.pattern,
                  flags: node.regex.flags,
                  index: node.range[0],
                });
              }
            },
          };
        },
      },
    },
  };
}

/** What scslre finds super-linear in `/source/flags`, one line each ("" when linear). */
function superLinear(source: string, flags: string): string[] {
  const parsed = new RegExpParser().parseLiteral(`/${source}/${flags}`);
  return analyse(parsed).reports.map((report) =>
    `${report.type === "Move" ? "retried at every start" : "two quantifiers trade"} ` +
    `${report.exponential ? "(exponential)" : "(polynomial)"} on repeated ` +
    `${report.character.literal.source}`
  );
}

async function findings(): Promise<Finding[]> {
  const result: Finding[] = [];
  for (const file of await libraryFiles()) {
    const source = await Deno.readTextFile(file);
    const lines = source.split("\n");
    const name = relative(ROOT, file);
    for (const diagnostic of Deno.lint.runPlugin(plugin, file, source)) {
      const line = lineOf(source, diagnostic.range[0]);
      if (ignored(lines, line, diagnostic.id)) continue;
      result.push({ where: `${name}:${line}`, rule: diagnostic.id, message: diagnostic.message });
    }
    const regexps: RegexpLiteral[] = [];
    Deno.lint.runPlugin(regexpCollector(regexps), file, source);
    for (const regexp of regexps) {
      const line = lineOf(source, regexp.index);
      if (ignored(lines, line, "dpip/linear-regexp")) continue;
      for (const problem of superLinear(regexp.source, regexp.flags)) {
        result.push({
          where: `${name}:${line}`,
          rule: "dpip/linear-regexp",
          message: `/${regexp.source}/${regexp.flags}: ${problem}`,
        });
      }
    }
  }
  return result;
}

Deno.test("lib/ has no spread into call arguments, no error code compared as text, no long function in the pipeline, no super-linear regular expression", async () => {
  const found = await findings();
  assertEquals(
    found.map((f) => `${f.where}: ${f.rule}: ${f.message}`),
    [],
    "fix these (or justify one with a deno-lint-ignore comment on the line before)",
  );
});

// The checks themselves, on small sources, so a rule that stops firing fails here.
function check(source: string): string[] {
  const file = join(ROOT, "lib", "example.ts");
  const rules = Deno.lint.runPlugin(plugin, file, source).map((d) =>
    `${lineOf(source, d.range[0])}: ${d.id}`
  );
  const lines = source.split("\n");
  return rules.filter((entry) => {
    const [line, rule] = entry.split(": ") as [string, string];
    return !ignored(lines, Number(line), rule);
  });
}

Deno.test("the spread rule flags spreads into calls, not literals, destructuring or object spreads", () => {
  assertEquals(
    check(
      [
        "a.push(...b);",
        "Math.max(0, ...b.map(f));",
        "new Set(...c);",
        "a.push(...[1, 2]);",
        "const [x, ...rest] = a;",
        "const o = { ...p };",
        "const all = [...a, ...b];",
        "// deno-lint-ignore dpip/no-spread-argument -- two items",
        "a.push(...pair);",
      ].join("\n"),
    ),
    ["1: dpip/no-spread-argument", "2: dpip/no-spread-argument", "3: dpip/no-spread-argument"],
  );
});

Deno.test("the error code rule flags comparisons with text and switches on .code", () => {
  assertEquals(
    check(
      [
        "if (e.code === 'invalid-version') f();",
        'if ("usage" !== error.code) f();',
        "switch (e.code) { default: }",
        "if (status.code === 0) f();",
        'if (isDpipError(e, "usage")) f();',
      ].join("\n"),
    ),
    [
      "1: dpip/no-error-code-compare",
      "2: dpip/no-error-code-compare",
      "3: dpip/no-error-code-compare",
    ],
  );
});

Deno.test("the function length rule flags a function over 80 lines in lib/operations/ and lib/installer/ only", () => {
  const body = (lines: number) => Array.from({ length: lines - 2 }, (_, i) => `  f(${i});`);
  const source = [
    "function long() {",
    ...body(MAX_FUNCTION_LINES + 1),
    "}",
    "const short = () => {",
    ...body(MAX_FUNCTION_LINES),
    "};",
  ].join("\n");
  const found = (path: string) =>
    Deno.lint.runPlugin(plugin, join(ROOT, path), source).map((d) =>
      `${lineOf(source, d.range[0])}: ${d.id}: ${d.message}`
    );
  assertEquals(found("lib/operations/example.ts"), [
    `1: dpip/max-function-lines: function of ${MAX_FUNCTION_LINES + 1} lines (at most 80)`,
  ]);
  assertEquals(found("lib/installer/example.ts").length, 1);
  assertEquals(found("lib/resolver/example.ts"), []);
});

Deno.test("the regexp rule flags RegExp built from text at run time", () => {
  assertEquals(
    check(
      ["const a = new RegExp(`^${x}$`);", 'const b = RegExp("^a$");', "const c = /^a+$/;"].join(
        "\n",
      ),
    ),
    ["1: dpip/no-dynamic-regexp"],
  );
});

Deno.test("the backtracking analysis flags the patterns that made parsing quadratic", () => {
  // The requirements-file comment pattern, trailing-slash trimming, the
  // pip.conf key pattern and the extras suffix pattern, as they were.
  for (
    const [source, flags] of [["(^|\\s+)#.*$", ""], ["\\/+$", ""], [
      "^([^=:]+?)\\s*[=:]\\s*(.*)$",
      "",
    ], ["^(.*?)(\\[[^\\]]*\\])$", ""]] as const
  ) {
    assertEquals(superLinear(source, flags).length > 0, true, `/${source}/ should be flagged`);
  }
  for (
    const [source, flags] of [["^\\s*#", ""], ["[-_.]+", "g"], ["^[0-9a-f]{64}$", ""], [
      "\\s+",
      "",
    ]] as const
  ) {
    assertEquals(superLinear(source, flags), [], `/${source}/ is linear`);
  }
});
