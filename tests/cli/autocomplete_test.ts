/**
 * The completion protocol: dpip's answers to generated `COMP_WORDS` /
 * `COMP_CWORD` requests against pip 23.2.1's `autocomplete()`, run in one
 * Python process in a directory of generated files.
 */

import { join } from "node:path";
import { autocomplete } from "../../lib/cli/autocomplete.ts";
import { assertEquals } from "../helpers/assert.ts";
import { pyenvPython, runPythonJson, skipUnless } from "../helpers/python.ts";
import { Random } from "../helpers/random.ts";
import { COMMANDS } from "../../lib/cli/commands.ts";

/** pip 23.2's commands; the others in dpip's table are dpip's own. */
const PIP_COMMANDS = new Set([
  "install",
  "download",
  "uninstall",
  "freeze",
  "inspect",
  "list",
  "show",
  "check",
  "config",
  "search",
  "cache",
  "index",
  "wheel",
  "hash",
  "completion",
  "debug",
  "help",
]);
const DPIP_ONLY_COMMANDS = new Set(
  COMMANDS.map((command) => command.name).filter((name) => !PIP_COMMANDS.has(name)),
);

/** Options of dpip's own, by the pip command they are added to (`*`: every command but list and cache). */
function dpipOnlyOptions(words: string): Set<string> {
  const command = words.split(" ").slice(1).find((w) => PIP_COMMANDS.has(w));
  const only = new Set<string>();
  if (command !== "list" && command !== "cache") only.add("--format=");
  if (command === "uninstall") only.add("--autoremove");
  return only;
}

const python311 = await pyenvPython("3.11");
const pipAvailable = python311 !== undefined &&
  (await new Deno.Command(python311, { args: ["-c", "import pip"], stderr: "null" }).output())
    .success;

/** Runs pip's autocomplete once per case in `cwd`; each case's printed lines, empty ones dropped. */
const PIP_BATCH = String.raw`
import contextlib, io, json, os, sys
request = json.load(sys.stdin)
os.chdir(request["cwd"])
os.environ["PIP_CONFIG_FILE"] = os.devnull
from pip._internal.cli.autocompletion import autocomplete
results = []
for case in request["cases"]:
    os.environ.update(PIP_AUTO_COMPLETE="1", COMP_WORDS=case["words"], COMP_CWORD=case["cword"])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            autocomplete()
        except SystemExit:
            pass
    results.append([line for line in out.getvalue().split("\n") if line != ""])
print(json.dumps(results))
`;

/** Commands and options whose tables agree with pip's (pip also has `search`). */
const COMMANDS_USED = [
  "install",
  "cache",
  "hash",
  "completion",
  "check",
  "freeze",
  "help",
  "debug",
];

function generateWords(random: Random): { words: string; cword: string } {
  const pieces = [
    "",
    "c",
    "ca",
    "h",
    "-",
    "--",
    "--c",
    "--ca",
    "--cache-dir",
    "--cache-dir=x",
    "--log",
    "-v",
    "--format",
    "--algorithm",
    "-a",
    "dir",
    "d",
    "sub/",
    "sub/f",
    "fi",
    "nothing",
    ...COMMANDS_USED,
  ];
  const middle = pieces.filter((piece) => piece !== "");
  const words = ["dpip", ...Array.from({ length: random.int(0, 3) }, () => random.pick(middle))];
  const completing = random.pick(pieces);
  words.push(completing);
  // A trailing empty word is what a shell sends after a space.
  return { words: words.join(" ") + (completing === "" ? " " : ""), cword: `${words.length - 1}` };
}

Deno.test({
  name: "autocomplete() answers generated requests as pip's autocomplete does",
  ignore: skipUnless(pipAvailable, "pyenv Python 3.11 with pip"),
  async fn() {
    const cwd = await Deno.makeTempDir({ prefix: "dpip-autocomplete-" });
    try {
      for (const dir of ["dir1", "dirty", "sub", "sub/deep"]) await Deno.mkdir(join(cwd, dir));
      for (const file of ["file.txt", "fi2", "d.py", "sub/file", "sub/f2"]) {
        await Deno.writeTextFile(join(cwd, file), "");
      }
      const random = new Random(0xc0de);
      const cases = Array.from({ length: 400 }, () => generateWords(random));
      const expected = await runPythonJson<string[][]>(python311!, PIP_BATCH, { cwd, cases });
      for (const [i, request] of cases.entries()) {
        const ours = await autocomplete(
          { PIP_AUTO_COMPLETE: "1", COMP_WORDS: request.words, COMP_CWORD: request.cword },
          { cwd },
        );
        // pip's order of directory entries is the file system's; compare sorted, and
        // without pip's `search` command, which dpip does not have, and the commands of
        // dpip's own (`venv`, `tree`, …) and the options dpip adds (`--format json`), which
        // pip does not have.
        const own = dpipOnlyOptions(request.words);
        const normalize = (lines: readonly string[]) =>
          lines.map((line) =>
            line.split(" ").filter((w) =>
              w !== "search" && !DPIP_ONLY_COMMANDS.has(w) && !own.has(w)
            ).join(" ")
          )
            .filter((line) => line !== "").map((line) => line.split(" ").sort().join(" ")).sort();
        // pip offers `--no-cache-dir=` (its callback option reports a value count); dpip does not.
        const theirs = expected[i]!.map((line) =>
          line === "--no-cache-dir=" ? "--no-cache-dir" : line
        );
        assertEquals(normalize(ours ?? []), normalize(theirs), JSON.stringify(request));
      }
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  },
});

Deno.test("autocomplete() is a normal run without PIP_AUTO_COMPLETE", async () => {
  assertEquals(
    await autocomplete({ COMP_WORDS: "dpip ", COMP_CWORD: "1" }, { cwd: "/" }),
    undefined,
  );
});

Deno.test("autocomplete() offers installed projects after show and uninstall", async () => {
  const installed = () => Promise.resolve(["requests", "rich", "six"]);
  const ask = (words: string, cword: string) =>
    autocomplete({ PIP_AUTO_COMPLETE: "1", COMP_WORDS: words, COMP_CWORD: cword }, {
      cwd: "/",
      installed,
    });
  assertEquals(await ask("dpip show R", "2"), ["requests", "rich"]);
  assertEquals(await ask("dpip uninstall rich r", "3"), ["requests"]);
  // None left: the options are offered instead, as pip does.
  assertEquals(await ask("dpip show six --fi", "3"), ["--files"]);
});

Deno.test({
  name: "dpip completes show and uninstall with what is installed in the environment, as pip does",
  ignore: skipUnless(pipAvailable, "pip in Python 3.11"),
  async fn() {
    const { main } = await import("../../lib/cli/main.ts");
    const { captureIo } = await import("../../lib/cli/io.ts");
    const root = await Deno.makeTempDir({ prefix: "dpip-complete-installed-" });
    try {
      const venv = join(root, "venv");
      const made = await new Deno.Command(python311!, { args: ["-m", "venv", venv] }).output();
      assertEquals(made.success, true);
      const site = join(venv, "lib", "python3.11", "site-packages");
      const dists = [["Foo_Bar", "1.0"], ["fooz", "2.0"], ["six", "1.16.0"]] as const;
      for (const [name, version] of dists) {
        Deno.mkdirSync(join(site, `${name}-${version}.dist-info`));
        Deno.writeTextFileSync(
          join(site, `${name}-${version}.dist-info`, "METADATA"),
          `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`,
        );
      }
      const cases = ([
        ["show ", "2"],
        ["show f", "2"],
        ["uninstall Foo", "2"],
        ["show foo-bar f", "3"],
        ["uninstall pi", "2"],
        ["show zz", "2"],
      ] as const).map(([words, cword]) => ({ words: `pip ${words}`, cword }));
      const theirs = await runPythonJson<string[][]>(join(venv, "bin", "python"), PIP_BATCH, {
        cwd: root,
        cases,
      });
      for (const [i, { words, cword }] of cases.entries()) {
        const io = captureIo({
          cwd: root,
          env: {
            PIP_AUTO_COMPLETE: "1",
            COMP_WORDS: words.replace(/^pip/, "dpip"),
            COMP_CWORD: cword,
            VIRTUAL_ENV: venv,
            PATH: Deno.env.get("PATH") ?? "",
            XDG_CACHE_HOME: join(root, "cache"),
          },
        });
        assertEquals(await main([], io), 1);
        const ours = io.out().split("\n").filter((line) => line !== "");
        assertEquals(ours, theirs[i], words);
      }
      assertEquals(theirs[1], ["foo-bar", "fooz"]); // the case that shows the wiring works
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
