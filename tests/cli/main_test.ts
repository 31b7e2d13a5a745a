import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { captureIo, main } from "../../lib/cli/mod.ts";
import { DPIP_VERSION } from "../../lib/version.ts";

async function run(args: string[], env: Record<string, string> = {}) {
  const io = captureIo({ env });
  const status = await main(args, io);
  return { status, out: io.out(), err: io.err() };
}

Deno.test("--version prints dpip's version and exits 0", async () => {
  for (const flag of ["--version", "-V"]) {
    const r = await run([flag]);
    assertEquals(r.status, 0);
    assertEquals(r.out, `dpip ${DPIP_VERSION}\n`);
  }
});

Deno.test("--help lists every command and the general options", async () => {
  const r = await run(["--help"]);
  assertEquals(r.status, 0);
  for (const name of ["install", "download", "uninstall", "freeze", "list", "show", "check"]) {
    assertMatch(r.out, new RegExp(`^  ${name} +\\S`, "m"));
  }
  assertStringIncludes(r.out, "General Options:");
  assertStringIncludes(r.out, "  -i, --index-url <url>".slice(0, 0) + "--python <python>");
});

Deno.test("no arguments prints the main help", async () => {
  const r = await run([]);
  assertEquals(r.status, 0);
  assertStringIncludes(r.out, "Commands:");
});

Deno.test("COMMAND --help is generated from the option table", async () => {
  const r = await run(["install", "--help"]);
  assertEquals(r.status, 0);
  assertStringIncludes(r.out, "dpip install [options] <requirement specifier>");
  assertStringIncludes(r.out, "Install Options:");
  assertStringIncludes(r.out, "Package Index Options:");
  assertMatch(r.out, /^ {2}-i, --index-url <url> +Base URL/m);
  assertMatch(r.out, /^ {2}-U, --upgrade +Upgrade/m);
  const help = await run(["help", "list"]);
  assertStringIncludes(help.out, "List Options:");
});

Deno.test("an unknown command is a usage error (exit 2) with a suggestion", async () => {
  const r = await run(["instal", "x"]);
  assertEquals(r.status, 2);
  assertEquals(r.err, 'ERROR: unknown command "instal" - maybe you meant "install"\n');
  const far = await run(["zzzzz"]);
  assertEquals(far.err, 'ERROR: unknown command "zzzzz"\n');
  assertEquals(far.status, 2);
});

Deno.test("an unknown option is a usage error with the command's usage", async () => {
  const r = await run(["list", "--foo"]);
  assertEquals(r.status, 2);
  assertStringIncludes(r.err, "Usage:   \n  dpip list [options]\n");
  assert(r.err.endsWith("no such option: --foo\n"));
  const general = await run(["--bogus", "list"]);
  assertEquals(general.status, 2);
  assert(general.err.endsWith("no such option: --bogus\n"));
});

Deno.test("a missing option value and a bad choice are usage errors", async () => {
  const missing = await run(["install", "--index-url"]);
  assertEquals(missing.status, 2);
  assert(missing.err.endsWith("--index-url option requires 1 argument\n"), missing.err);
  const choice = await run(["list", "--format", "yaml"]);
  assertEquals(choice.status, 2);
  assert(
    choice.err.endsWith(
      "option --format: invalid choice: 'yaml' (choose from 'columns', 'freeze', 'json')\n",
    ),
    choice.err,
  );
  const flagValue = await run(["install", "--pre=yes"]);
  assertEquals(flagValue.status, 2);
  assert(flagValue.err.endsWith("--pre option does not take a value\n"), flagValue.err);
});

Deno.test("ambiguous option prefixes are refused like optparse does", async () => {
  const r = await run(["install", "--upg", "x"]);
  assertEquals(r.status, 2);
  assert(r.err.endsWith("ambiguous option: --upg (--upgrade, --upgrade-strategy?)\n"), r.err);
});

Deno.test("a pip alias name shows in usage lines", async () => {
  const io = captureIo({ invokedAs: "/usr/local/bin/pip3.12" });
  assertEquals(await main(["list", "--nope"], io), 2);
  assertStringIncludes(io.err(), "  pip3.12 list [options]");
});

Deno.test("wheel without a requirement fails clearly, exit 1", async () => {
  const r = await run(["wheel"]);
  assertEquals(r.status, 1);
  assertMatch(r.err, /^ERROR: You must give at least one requirement to wheel/);
});

Deno.test("main answers the completion scripts' call (PIP_AUTO_COMPLETE) as pip does: candidates, exit 1", async () => {
  const io = captureIo({
    env: { PIP_AUTO_COMPLETE: "1", COMP_WORDS: "dpip uninst", COMP_CWORD: "1" },
  });
  assertEquals(await main([], io), 1);
  assertEquals(io.out(), "uninstall\n");
});
