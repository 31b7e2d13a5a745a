import { assertEquals, assertThrows } from "../helpers/assert.ts";
import { CommandUsageError, parseArgs } from "../../lib/cli/parse_args.ts";
import { configKeysOf, envVarsOf, OPTIONS } from "../../lib/cli/options.ts";

Deno.test("general options may precede the command", () => {
  const p = parseArgs(["-vv", "--python", "/x/python", "install", "-q", "req"]);
  assertEquals(p.command?.name, "install");
  assertEquals(p.options.count("verbose"), 2);
  assertEquals(p.options.count("quiet"), 1);
  assertEquals(p.options.string("python"), "/x/python");
  assertEquals(p.args, ["req"]);
});

Deno.test("short options take attached or separate values; -- ends options", () => {
  const p = parseArgs(["install", "-rreq.txt", "-r", "b.txt", "--", "-notanoption"]);
  assertEquals(p.options.strings("requirements"), ["req.txt", "b.txt"]);
  assertEquals(p.args, ["-notanoption"]);
});

Deno.test("repeatable options collect, single ones keep the last value", () => {
  const p = parseArgs([
    "install",
    "--extra-index-url=a",
    "--extra-index-url",
    "b",
    "-i",
    "x",
    "--index-url",
    "y",
  ]);
  assertEquals(p.options.strings("extraIndexUrls"), ["a", "b"]);
  assertEquals(p.options.string("indexUrl"), "y");
});

Deno.test("aliases and unique prefixes reach the same dest", () => {
  assertEquals(parseArgs(["install", "--pypi-url", "u"]).options.string("indexUrl"), "u");
  assertEquals(parseArgs(["install", "--no-dependencies"]).options.flag("noDeps"), true);
  assertEquals(parseArgs(["install", "--force-r"]).options.flag("forceReinstall"), true);
  assertEquals(parseArgs(["install", "--default-timeout=3"]).options.number("timeout", 15), 3);
});

Deno.test("negative flags share a dest and the last one wins", () => {
  assertEquals(parseArgs(["install", "--compile", "--no-compile"]).options.flag("compile"), false);
  assertEquals(parseArgs(["install", "--no-compile", "--compile"]).options.flag("compile"), true);
  const noCache = parseArgs(["install", "--no-cache-dir"]);
  assertEquals(noCache.options.isDisabled("cacheDir"), true);
  assertEquals(noCache.options.string("cacheDir"), undefined);
});

Deno.test("short flags are per command (-f)", () => {
  assertEquals(parseArgs(["show", "-f", "x"]).options.flag("files"), true);
  assertEquals(parseArgs(["install", "-f", "dir"]).options.strings("findLinks"), ["dir"]);
});

Deno.test("a number option rejects text", () => {
  assertThrows(() => parseArgs(["install", "--retries", "many"]), CommandUsageError);
});

Deno.test("env and config names are derived from every long flag", () => {
  assertEquals(envVarsOf(OPTIONS.timeout), ["PIP_TIMEOUT", "PIP_DEFAULT_TIMEOUT"]);
  assertEquals(configKeysOf(OPTIONS.indexUrl), ["index-url", "pypi-url"]);
  assertEquals(envVarsOf(OPTIONS.help), []);
});

Deno.test("option names are the table's: a misspelt one fails deno check", () => {
  const { options } = parseArgs(["install", "--upgrade"]);
  assertEquals(options.flag("upgrade"), true);
  // @ts-expect-error: "upgrad" is no option's dest (this line stops compiling if that is lost).
  assertEquals(options.flag("upgrad"), false);
});

Deno.test("a choice option's value is typed as its choices, checked when parsed", () => {
  const { options } = parseArgs(["install", "--link-mode", "copy"]);
  const mode: "hardlink" | "copy" | "symlink" | undefined = options.choice("linkMode");
  assertEquals(mode, "copy");
  // @ts-expect-error: the value may be any of the three modes, not only "copy".
  const narrowed: "copy" | undefined = options.choice("linkMode");
  assertEquals(narrowed, "copy");
  // @ts-expect-error: "upgrade" is a flag, not a choice option.
  assertEquals(options.choice("upgrade"), undefined);
  assertThrows(() => parseArgs(["install", "--link-mode", "move"]), CommandUsageError);
});
