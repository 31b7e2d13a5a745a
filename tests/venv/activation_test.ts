/**
 * The activation scripts, sourced in every shell this machine has (bash,
 * zsh, dash, fish, tcsh, csh; a missing shell is skipped with a message),
 * for a venv whose directory and prompt hold quotes, `$(…)`, backquotes,
 * `%` and `!`: the variables come out exactly, nothing in a name runs,
 * the prompt gains `(prompt) `, `PYTHONHOME` is set aside, and `deactivate`
 * puts everything back and removes itself. `activate_this.py` is run by a
 * real Python.
 *
 * @module
 */

import { join } from "node:path";
import { activationScripts, displayPrompt } from "../../lib/venv/mod.ts";
import { assertEquals } from "../helpers/assert.ts";
import { oraclePython, skipUnless } from "../helpers/python.ts";

const decoder = new TextDecoder();
const oracle = await oraclePython();

async function which(shell: string): Promise<string | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir === "") continue;
    try {
      const path = join(dir, shell);
      if ((await Deno.stat(path)).isFile) return path;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** A venv directory whose name a careless script would execute or split. */
const HOSTILE_NAME = `we'ird $(touch PWNED1) \`touch PWNED2\` "dir" %d !x`;
const HOSTILE_PROMPT = `p$(touch PWNED3)'"%!\`x\``;

async function venvWithScripts(root: string): Promise<string> {
  const dir = join(root, HOSTILE_NAME);
  await Deno.mkdir(join(dir, "bin"), { recursive: true });
  const scripts = activationScripts({
    dir,
    prompt: HOSTILE_PROMPT,
    sitePackages: "lib/python3.12/site-packages",
  });
  for (const script of scripts) {
    await Deno.writeTextFile(join(dir, "bin", script.name), script.text);
  }
  return dir;
}

const POSIX = `set -eu
PS1='$ '
PYTHONHOME=/old/home
export PYTHONHOME
OLDPATH=$PATH
. "$1/bin/activate"
. "$1/bin/activate"
printf '%s\\n' "$VIRTUAL_ENV" "$VIRTUAL_ENV_PROMPT" "\${PATH%%:*}" "\${PYTHONHOME-unset}" "$PS1"
deactivate
[ "$PATH" = "$OLDPATH" ] && same=same || same=changed
printf '%s\\n' "\${VIRTUAL_ENV-unset}" "$same" "$PYTHONHOME" "$PS1"
case "$(type deactivate 2>&1)" in *function*) echo kept ;; *) echo removed ;; esac
`;

const FISH = `set -gx PYTHONHOME /old/home
set OLDPATH $PATH
function fish_prompt; echo -n '$ '; end
source "$argv[1]/bin/activate.fish"
source "$argv[1]/bin/activate.fish"
printf '%s\\n' "$VIRTUAL_ENV" "$VIRTUAL_ENV_PROMPT" $PATH[1]
if set -q PYTHONHOME; echo $PYTHONHOME; else; echo unset; end
echo (fish_prompt)
deactivate
if set -q VIRTUAL_ENV; echo set; else; echo unset; end
if test "$PATH" = "$OLDPATH"; echo same; else; echo changed; end
echo $PYTHONHOME
echo (fish_prompt)
if functions -q deactivate; echo kept; else; echo removed; end
`;

const CSH = `set prompt='$ '
setenv PYTHONHOME /old/home
set oldpath="$PATH"
source "$1/bin/activate.csh"
source "$1/bin/activate.csh"
printf '%s\\n' "$VIRTUAL_ENV" "$VIRTUAL_ENV_PROMPT"
printf '%s\\n' "$PATH" | cut -d: -f1
if ($?PYTHONHOME) then
  echo "$PYTHONHOME"
else
  echo unset
endif
printf '%s\\n' "$prompt"
deactivate
if ($?VIRTUAL_ENV) then
  echo set
else
  echo unset
endif
if ("$PATH" == "$oldpath") then
  echo same
else
  echo changed
endif
echo "$PYTHONHOME"
printf '%s\\n' "$prompt"
alias deactivate | grep -q . && echo kept || echo removed
`;

/**
 * Each shell's check script; `exact` when the shell prints the prompt as data (fish's prompt
 * is a function's output), else prompt strings show it reduced to characters they never expand.
 */
const SHELLS: readonly { shell: string; script: string; exact?: boolean }[] = [
  { shell: "bash", script: POSIX },
  { shell: "zsh", script: POSIX },
  { shell: "dash", script: POSIX },
  { shell: "fish", script: FISH, exact: true },
  { shell: "tcsh", script: CSH },
  { shell: "csh", script: CSH },
];

for (const { shell, script, exact } of SHELLS) {
  const path = await which(shell);
  Deno.test({
    name: `activation in ${shell}: exact values, nothing executed, deactivate restores`,
    ignore: skipUnless(path, shell),
    async fn() {
      const root = await Deno.makeTempDir({ prefix: "dpip-activate-" });
      try {
        const dir = await venvWithScripts(root);
        const file = join(root, "check");
        await Deno.writeTextFile(file, script);
        const result = await new Deno.Command(path!, {
          args: [file, dir],
          cwd: root,
          // fish writes its configuration into HOME: keep it apart from the working directory.
          env: { PATH: Deno.env.get("PATH") ?? "", HOME: await Deno.makeTempDir({ dir: root }) },
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).output();
        const err = decoder.decode(result.stderr);
        assertEquals(result.code, 0, err);
        const lines = decoder.decode(result.stdout).split("\n");
        const shown = `(${exact ? HOSTILE_PROMPT : displayPrompt(HOSTILE_PROMPT)}) $ `;
        assertEquals(lines.slice(0, 5), [dir, HOSTILE_PROMPT, join(dir, "bin"), "unset", shown]);
        assertEquals(lines.slice(5, 10), ["unset", "same", "/old/home", "$ ", "removed"]);
        const created = [];
        for await (const entry of Deno.readDir(root)) created.push(entry.name);
        assertEquals(created.filter((name) => /^PWNED\d$/.test(name)), []);
        for await (const entry of Deno.readDir(dir)) assertEquals(entry.name, "bin");
      } finally {
        await Deno.remove(root, { recursive: true });
      }
    },
  });
}

Deno.test({
  name: "activate_this.py: the venv's site-packages first, PATH and VIRTUAL_ENV set",
  ignore: skipUnless(oracle, "a Python 3"),
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "dpip-activate-" });
    try {
      const dir = await venvWithScripts(root);
      const site = join(dir, "lib", "python3.12", "site-packages");
      await Deno.mkdir(site, { recursive: true });
      await Deno.writeTextFile(join(site, "venv_only_module.py"), "WHERE = 'venv'\n");
      const program = `
import json, os, sys
path = sys.argv[1]
exec(open(path).read(), {"__file__": path})
import venv_only_module
print(json.dumps([sys.path[0], sys.prefix, os.environ["VIRTUAL_ENV"],
    os.environ["VIRTUAL_ENV_PROMPT"], os.environ["PATH"].split(os.pathsep)[0], venv_only_module.WHERE]))
`;
      const result = await new Deno.Command(oracle!, {
        args: ["-c", program, join(dir, "bin", "activate_this.py")],
        env: { PYTHONDONTWRITEBYTECODE: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals(result.code, 0, decoder.decode(result.stderr));
      assertEquals(JSON.parse(decoder.decode(result.stdout)), [
        site,
        dir,
        dir,
        HOSTILE_PROMPT,
        join(dir, "bin"),
        "venv",
      ]);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
