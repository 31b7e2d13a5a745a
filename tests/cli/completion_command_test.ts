/**
 * `dpip completion`: the scripts pip 23.2.1 prints for each shell, run in one
 * Python process under several program names; dpip invoked under a pip name
 * prints pip's script byte for byte, and as `dpip` the same script with its
 * own name.
 */

import { captureIo } from "../../lib/cli/io.ts";
import { main } from "../../lib/cli/main.ts";
import { assertEquals } from "../helpers/assert.ts";
import { pyenvPython, runPythonJson, skipUnless } from "../helpers/python.ts";

const python311 = await pyenvPython("3.11");
const pipAvailable = python311 !== undefined &&
  (await new Deno.Command(python311, { args: ["-c", "import pip"], stderr: "null" }).output())
    .success;

interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

async function dpip(args: readonly string[], invokedAs: string): Promise<RunResult> {
  const io = captureIo({ env: { PIP_CONFIG_FILE: "/dev/null" }, invokedAs });
  const status = await main(args, io);
  return { status, stdout: io.out(), stderr: io.err() };
}

/** Each case sets pip's program name (`sys.argv[0]`) and runs its `main` with the arguments. */
const PIP_BATCH = String.raw`
import contextlib, io, json, os, sys
os.environ["PIP_CONFIG_FILE"] = os.devnull
os.environ["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
from pip._internal.cli.main import main
results = []
for case in json.load(sys.stdin):
    sys.argv[0] = case["program"]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(case["args"])
        except SystemExit as exit:
            status = exit.code
    results.append({"status": status, "stdout": out.getvalue(), "stderr": err.getvalue()})
print(json.dumps(results))
`;

const ARGUMENTS: readonly (readonly string[])[] = [
  ["completion", "--bash"],
  ["completion", "--zsh"],
  ["completion", "--fish"],
  ["completion", "--powershell"],
  ["completion", "-b"],
  ["completion", "-z"],
  ["completion", "-f"],
  ["completion", "-p"],
  ["completion", "--bash", "--fish"],
  ["completion"],
];

Deno.test({
  name: "completion prints pip's script for each shell, for the name it was invoked as",
  ignore: skipUnless(pipAvailable, "pyenv Python 3.11 with pip"),
  async fn() {
    const programs = ["pip", "pip3", "pip3.11"];
    const cases = programs.flatMap((program) => ARGUMENTS.map((args) => ({ program, args })));
    const expected = await runPythonJson<RunResult[]>(python311!, PIP_BATCH, cases);
    for (const [i, { program, args }] of cases.entries()) {
      assertEquals(await dpip(args, program), expected[i], `${program} ${args.join(" ")}`);
    }
    // As `dpip`: pip's script with dpip's name (function names and markers too).
    const asPip = await runPythonJson<RunResult[]>(
      python311!,
      PIP_BATCH,
      ARGUMENTS.map((args) => ({ program: "pip", args })),
    );
    for (const [i, args] of ARGUMENTS.entries()) {
      const theirs = asPip[i]!;
      assertEquals(await dpip(args, "/usr/local/bin/dpip"), {
        ...theirs,
        stdout: theirs.stdout.replaceAll("pip", "dpip"),
      }, `dpip ${args.join(" ")}`);
    }
  },
});
