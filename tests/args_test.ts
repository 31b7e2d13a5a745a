/**
 * `tokenizeArgs` against the two parsers it stands in for, on thousands of
 * generated argv arrays over one option table (flags, value options, short
 * aliases, unknown options, groups, `--`, `-`, negative numbers):
 *
 * - `node:util`'s `parseArgs` (`tokens: true`, `strict: false`): the tokens
 *   must be identical, except where node turns a `-` inside a short group
 *   into `--` (`-q-` ends options there; optparse, and dpip, report the
 *   unknown option `--`).
 * - Python's `optparse`, which pip's parsers are built on: the options seen,
 *   their values, the positionals and the first usage error must be the same.
 *   Here `parseArgs`'s strict mode differs from pip: it refuses a value that
 *   starts with `-` (`--index-url --pre`, `--timeout -5`) where optparse takes
 *   it, and dpip's callers now do as optparse does.
 */

import { parseArgs } from "node:util";
import { assertEquals } from "./helpers/assert.ts";
import { oraclePython, runPythonJson, skipUnless } from "./helpers/python.ts";
import { Random } from "./helpers/random.ts";
import { type ArgOption, type ArgToken, tokenizeArgs } from "../lib/args.ts";
import { parseArgs as parseDpipArgs } from "../lib/cli/parse_args.ts";
import { parseRequirementsFile } from "../lib/requirements/requirements_txt.ts";

const OPTIONS: Record<string, ArgOption> = {
  verbose: { type: "boolean", short: "v" },
  quiet: { type: "boolean", short: "q" },
  pre: { type: "boolean" },
  "no-deps": { type: "boolean" },
  requirement: { type: "string", short: "r" },
  "index-url": { type: "string", short: "i" },
  "extra-index-url": { type: "string" },
  timeout: { type: "string", short: "t" },
  "pypi-url": { type: "string" },
};

const LONGS = [...Object.keys(OPTIONS), "bogus", "zz"];
const SHORTS = "vqrit" + "xy5=";
const WORDS = ["req", "a=b", "", "-", "--", "-5", "-1.5", "x y", "=", "---x", "--=x"];

/** One argv; `dashInGroups` allows `-` inside short groups (where node parts ways). */
function randomArgv(random: Random, dashInGroups: boolean): string[] {
  const argv: string[] = [];
  const count = random.int(0, 7);
  for (let i = 0; i < count; i++) {
    switch (random.int(0, 4)) {
      case 0:
        argv.push(`--${random.pick(LONGS)}`);
        break;
      case 1:
        argv.push(`--${random.pick(LONGS)}=${random.pick(WORDS)}`);
        break;
      case 2: {
        const alphabet = dashInGroups ? SHORTS + "-" : SHORTS;
        argv.push(`-${random.pick([...SHORTS])}${random.string(alphabet, random.int(0, 3))}`);
        break;
      }
      default:
        argv.push(random.pick(WORDS));
    }
  }
  return argv;
}

/** node's tokens, minus `undefined` fields, for comparison. */
function nodeTokens(args: string[]): unknown[] {
  const { tokens } = parseArgs({
    args,
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  return JSON.parse(JSON.stringify(tokens));
}

Deno.test("tokenizeArgs() gives node:util parseArgs's tokens on 4000 generated argvs", () => {
  const random = new Random(0x5eed);
  for (let n = 0; n < 4000; n++) {
    const argv = randomArgv(random, false);
    assertEquals(
      JSON.parse(JSON.stringify(tokenizeArgs(argv, OPTIONS))),
      nodeTokens(argv),
      JSON.stringify(argv),
    );
  }
});

Deno.test("tokenizeArgs() reads examples of each form", () => {
  const names = (argv: string[]) =>
    tokenizeArgs(argv, OPTIONS).map((t) =>
      t.kind === "option"
        ? `${t.rawName}${t.value === undefined ? "" : `=${t.value}`}`
        : t.kind === "positional"
        ? t.value
        : "<end>"
    );
  assertEquals(names(["-vqrfile", "x", "-i", "-5"]), ["-v", "-q", "-r=file", "x", "-i=-5"]);
  assertEquals(names(["--timeout", "--pre", "-", "--", "--pre"]), [
    "--timeout=--pre",
    "-",
    "<end>",
    "--pre",
  ]);
  // node:util's parseArgs reads `-q-` as `-q --`; optparse reports the option `--`.
  assertEquals(names(["-q-", "--pre"]), ["-q", "--", "--pre"]);
  assertEquals(names(["--index-url"]), ["--index-url"]);
});

Deno.test("tokenizeArgs() expandLong renames long options and rawName follows", () => {
  const tokens = tokenizeArgs(["--ind=u", "--ti", "3"], OPTIONS, {
    expandLong: (name) => Object.keys(OPTIONS).find((l) => l.startsWith(name)) ?? name,
  });
  assertEquals(tokens, [
    {
      kind: "option",
      index: 0,
      name: "index-url",
      rawName: "--index-url",
      value: "u",
      inlineValue: true,
    },
    {
      kind: "option",
      index: 1,
      name: "timeout",
      rawName: "--timeout",
      value: "3",
      inlineValue: false,
    },
  ]);
});

Deno.test("callers take an option value that starts with '-', as optparse does", async () => {
  assertEquals(
    parseDpipArgs(["install", "--index-url", "--pre", "x"]).options.string("indexUrl"),
    "--pre",
  );
  const parsed = await parseRequirementsFile("/r.txt", {
    read: () => Promise.resolve("-i -weird\n"),
    env: {},
  });
  assertEquals(parsed.options.indexUrl, "-weird");
});

type Outcome = { events: [string, string | null][]; positionals: string[] } | { error: string };

/** What dpip's callers make of the tokens: the options in order, or pip's first usage error. */
function interpret(tokens: ArgToken[]): Outcome {
  const events: [string, string | null][] = [];
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const option = Object.hasOwn(OPTIONS, token.name) ? OPTIONS[token.name] : undefined;
    if (option === undefined) return { error: `no such option: ${token.rawName}` };
    if (option.type === "boolean" && token.value !== undefined) {
      return { error: `${token.rawName} option does not take a value` };
    }
    if (option.type === "string" && token.value === undefined) {
      return { error: `${token.rawName} option requires 1 argument` };
    }
    events.push([token.name, token.value ?? null]);
  }
  return { events, positionals };
}

/** optparse over the same table: each option records (name, value) in order; errors are data. */
const OPTPARSE = String.raw`
import json, optparse, sys

class Stop(Exception):
    pass

class Parser(optparse.OptionParser):
    def error(self, msg):
        raise Stop(msg)

table, argvs = json.load(sys.stdin)
out = []
for argv in argvs:
    parser = Parser(add_help_option=False)
    events = []
    def record(option, opt_str, value, parser, name):
        events.append([name, value])
    for name, spec in table.items():
        flags = ["--" + name] + (["-" + spec["short"]] if "short" in spec else [])
        extra = {"type": "string", "nargs": 1} if spec["type"] == "string" else {}
        parser.add_option(*flags, action="callback", callback=record, callback_args=(name,), **extra)
    try:
        _, positionals = parser.parse_args(argv)
        out.append({"events": events, "positionals": positionals})
    except Stop as stop:
        out.append({"error": str(stop)})
print(json.dumps(out))
`;

const python = await oraclePython();

Deno.test({
  name: "tokenizeArgs() with the callers' checks agrees with Python's optparse on 3000 argvs",
  ignore: skipUnless(python, "the oracle Python 3.11"),
  async fn() {
    const random = new Random(0x0b7);
    // optparse expands `--zz`-like prefixes and reads `--=x` as a prefix `--`; keep to names
    // that are no prefixes (the callers expand prefixes themselves, tested in tests/cli).
    const argvs = Array.from({ length: 3000 }, () => randomArgv(random, true)).filter((argv) =>
      !argv.some((a) => a.startsWith("--=") || a.startsWith("---"))
    );
    const expected = await runPythonJson<Outcome[]>(python ?? "", OPTPARSE, [OPTIONS, argvs]);
    argvs.forEach((argv, i) => {
      assertEquals(interpret(tokenizeArgs(argv, OPTIONS)), expected[i], JSON.stringify(argv));
    });
  },
});
