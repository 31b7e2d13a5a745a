/**
 * pip's warning for root outside a virtual environment: the same line as
 * pip 23.2.1 prints after `install` and `uninstall` into a system Python
 * (a stand-in whose site-packages is a temporary directory), none into a
 * venv, none for a dry run, none with `--root-user-action ignore` or
 * `PIP_ROOT_USER_ACTION=ignore`. Runs only as root (CI and these machines
 * are); the words themselves are checked anywhere.
 */

import { join } from "node:path";
import { rootUserWarning, runningAsRoot } from "../../lib/cli/root_user.ts";
import { assertEquals } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { distInfos, fakeSystemPython, oracle, python311, withIndexEnv } from "./install_support.ts";

const WARNING_LINE = (program: string) => `WARNING: ${rootUserWarning(program)}\n`;

Deno.test("the root warning is pip 23.2.1's, naming pip when invoked as pip", () => {
  assertEquals(
    rootUserWarning("pip3.11"),
    "Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager. It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv",
  );
  assertEquals(rootUserWarning("dpip").startsWith("Running dpip as the 'root' user"), true);
});

Deno.test({
  name: "as root outside a venv, install and uninstall end with pip's warning; never in a venv",
  ignore: skipUnless(python311 && oracle && runningAsRoot(), "root, and pyenv 3.11 with pip"),
  fn: () =>
    withIndexEnv({}, async ({ home, server, venv, dpip }) => {
      const system = (await fakeSystemPython(join(home, "system")))!;
      const pipSystem = (await fakeSystemPython(join(home, "pip-system")))!;
      const env = { PYTHONHOME: system.home };
      const inSystem = (args: string[], extra: Record<string, string> = {}) =>
        dpip([...args, "--python", system.python], { env: { ...env, ...extra } });
      const installed = await inSystem(["install", "-i", server.url, "tool"]);
      assertEquals(installed.status, 0, installed.stderr);
      // After the script-location warning, as pip: the last line.
      assertEquals(installed.stderr.split("\n").at(-2) + "\n", WARNING_LINE("dpip"));

      // pip 23.2.1 into its own stand-in (pip itself imported from where it is installed): the
      // same line, after its own name.
      const pipHome = await new Deno.Command(oracle!, {
        args: ["-c", "import os, pip; print(os.path.dirname(os.path.dirname(pip.__file__)))"],
        stdout: "piped",
      }).output();
      const pip = await new Deno.Command(oracle!, {
        args: ["-m", "pip", "install", "-i", server.url, "tool", "--no-cache-dir"],
        env: {
          PIP_CONFIG_FILE: "/dev/null",
          PIP_DISABLE_PIP_VERSION_CHECK: "1",
          PYTHONHOME: pipSystem.home,
          PYTHONPATH: new TextDecoder().decode(pipHome.stdout).trim(),
          HOME: home,
          PATH: Deno.env.get("PATH") ?? "",
        },
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const pipErr = new TextDecoder().decode(pip.stderr);
      assertEquals(pip.success, true, pipErr);
      assertEquals(pipErr.split("\n").at(-2) + "\n", WARNING_LINE("pip"));
      assertEquals(distInfos(pipSystem.sitePackages), ["tool-1.0"]);

      const quiet: [string[], Record<string, string>][] = [
        [["install", "-i", server.url, "--dry-run", "lib"], {}],
        [["install", "-i", server.url, "--root-user-action", "ignore", "lib==1.0"], {}],
        [["install", "-i", server.url, "lib==2.0"], { PIP_ROOT_USER_ACTION: "ignore" }],
      ];
      for (const [args, extra] of quiet) {
        const result = await inSystem(args, extra);
        assertEquals(result.status, 0, result.stderr);
        assertEquals(result.stderr, "", args.join(" "));
      }
      const removed = await inSystem(["uninstall", "-y", "tool"]);
      assertEquals(removed.status, 0, removed.stderr);
      assertEquals(removed.stderr, WARNING_LINE("dpip"));

      const inVenv = await dpip(["install", "--python", venv.python, "-i", server.url, "tool"]);
      assertEquals(inVenv.status, 0, inVenv.stderr);
      assertEquals(inVenv.stderr, "");
    }),
});
