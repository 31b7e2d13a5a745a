/**
 * `dpip completion --bash|--zsh|--fish|--powershell`: prints a shell script
 * that completes dpip's commands and options, in pip's shape. The scripts run
 * the program again with `PIP_AUTO_COMPLETE=1`, `COMP_WORDS` and
 * `COMP_CWORD` set, and show what it prints.
 *
 * @module
 */

import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import { trimEndChars } from "../../trim.ts";

/** A shell dpip writes completion code for. */
export type CompletionShell = "bash" | "zsh" | "fish" | "powershell";

const SHELLS: readonly CompletionShell[] = ["bash", "fish", "powershell", "zsh"];

/** Runs `dpip completion`. */
export function runCompletion(context: CommandContext): Promise<number> {
  const { io, options } = context;
  const shell = options.string("shell");
  if (shell === undefined || !(SHELLS as readonly string[]).includes(shell)) {
    // As pip: the message goes to stderr, but the status is success.
    io.stderr.write(`ERROR: You must pass ${SHELLS.map((s) => `--${s}`).join(" or ")}\n`);
    return Promise.resolve(ExitCode.success);
  }
  io.stdout.write(completionScript(shell as CompletionShell, context.program) + "\n");
  return Promise.resolve(ExitCode.success);
}

/**
 * The completion script for `shell`, for a program invoked as `program`.
 * Function names and markers use the program's name without its version
 * suffix (`pip3.12` → `pip`), so `pip` and `pip3` get pip's own script.
 *
 * @example
 * ```ts
 * import { completionScript } from "./completion.ts";
 * completionScript("bash", "dpip").includes("complete -o default -F _dpip_completion dpip"); // true
 * ```
 */
export function completionScript(shell: CompletionShell, program: string): string {
  const name = trimEndChars(program, "0123456789.").replace(/[^A-Za-z0-9_]/g, "_") || "dpip";
  return `\n# ${name} ${shell} completion start${
    body(shell, name, program)
  }# ${name} ${shell} completion end\n`;
}

function body(shell: CompletionShell, name: string, program: string): string {
  switch (shell) {
    case "bash":
      return `
_${name}_completion()
{
    COMPREPLY=( $( COMP_WORDS="\${COMP_WORDS[*]}" \\
                   COMP_CWORD=$COMP_CWORD \\
                   PIP_AUTO_COMPLETE=1 $1 2>/dev/null ) )
}
complete -o default -F _${name}_completion ${program}
`;
    case "zsh":
      return `
#compdef -P ${name}[0-9.]#
compadd $( COMP_WORDS="$words[*]" \\
           COMP_CWORD=$((CURRENT-1)) \\
           PIP_AUTO_COMPLETE=1 $words[1] 2>/dev/null )
`;
    case "fish":
      return `
function __fish_complete_${name}
    set -lx COMP_WORDS (commandline -o) ""
    set -lx COMP_CWORD ( \\
        math (contains -i -- (commandline -t) $COMP_WORDS)-1 \\
    )
    set -lx PIP_AUTO_COMPLETE 1
    string split \\  -- (eval $COMP_WORDS[1])
end
complete -fa "(__fish_complete_${name})" -c ${program}
`;
    case "powershell":
      return `
if ((Test-Path Function:\\TabExpansion) -and -not \`
    (Test-Path Function:\\_${name}_completeBackup)) {
    Rename-Item Function:\\TabExpansion _${name}_completeBackup
}
function TabExpansion($line, $lastWord) {
    $lastBlock = [regex]::Split($line, '[|;]')[-1].TrimStart()
    if ($lastBlock.StartsWith("${program} ")) {
        $Env:COMP_WORDS=$lastBlock
        $Env:COMP_CWORD=$lastBlock.Split().Length - 1
        $Env:PIP_AUTO_COMPLETE=1
        (& ${program}).Split()
        Remove-Item Env:COMP_WORDS
        Remove-Item Env:COMP_CWORD
        Remove-Item Env:PIP_AUTO_COMPLETE
    }
    elseif (Test-Path Function:\\_${name}_completeBackup) {
        # Fall back on existing tab expansion
        _${name}_completeBackup $line $lastWord
    }
}
`;
  }
}
