/**
 * Activation scripts of a new venv, written by dpip (not copied from CPython
 * or virtualenv): `activate` (bash, zsh and other POSIX shells),
 * `activate.fish`, `activate.csh` (csh and tcsh), `Activate.ps1`
 * (PowerShell) and `activate_this.py` (activation inside a running Python).
 *
 * Each does what a venv's activation is known to do: remember `PATH`,
 * `PYTHONHOME` and the prompt; put the venv's `bin` first on `PATH`; set
 * `VIRTUAL_ENV` and `VIRTUAL_ENV_PROMPT`; unset `PYTHONHOME`; prefix the
 * prompt with `(prompt) ` unless `VIRTUAL_ENV_DISABLE_PROMPT` is set; and
 * define `deactivate`, which undoes all of it (`deactivate nondestructive`
 * keeps the function, which activation itself uses to leave a previous venv).
 *
 * Values are quoted for each shell, so a directory or prompt holding quotes,
 * `$` or spaces stays data. The prompt put into a shell's prompt string (`PS1`,
 * csh's `prompt`) is reduced to characters no shell expands there (others
 * become `_`), since prompt strings are expanded each time they are shown;
 * fish and PowerShell print it as data, and `VIRTUAL_ENV_PROMPT` keeps it
 * exactly. Pure: returns texts.
 *
 * @module
 */

import { pythonStringRepr } from "./pyvenv_cfg.ts";

/** What the scripts need to know about the venv. */
export interface ActivationFacts {
  /** The venv directory, absolute. */
  readonly dir: string;
  /** The prompt (`--prompt`, else the directory's name). */
  readonly prompt: string;
  /** site-packages relative to the venv directory, e.g. `lib/python3.12/site-packages`. */
  readonly sitePackages: string;
}

/** One activation script: its file name in `bin/` and its text. */
export interface ActivationScript {
  readonly name: string;
  readonly text: string;
}

/** Quoted for POSIX shells: single quotes, with `'` as `'\''`. */
function shQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Quoted for fish: single quotes, with `\` and `'` escaped. */
function fishQuote(value: string): string {
  return `'${value.replace(/[\\']/g, "\\$&")}'`;
}

/** Quoted for csh: single quotes, with `'` as `'\''` and history's `!` escaped. */
function cshQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`).replaceAll("!", "\\!")}'`;
}

/** Quoted for PowerShell: single quotes (including the typographic ones) doubled. */
function psQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, "$&$&")}'`;
}

/** The prompt as shown inside a prompt string: characters no shell expands there. */
export function displayPrompt(prompt: string): string {
  return prompt.replace(/[^\p{L}\p{N} ._+\-@:,=/~()[\]{}#^*?&|<>;]/gu, "_");
}

function posixScript(facts: ActivationFacts): string {
  return `# Use this virtual environment in bash, zsh or another POSIX shell by sourcing this file:
#     . ${facts.dir}/bin/activate
# Run \`deactivate\` to leave it. Written by dpip venv.

deactivate () {
    if [ -n "\${_OLD_VIRTUAL_PATH+x}" ]; then
        PATH=$_OLD_VIRTUAL_PATH
        export PATH
        unset _OLD_VIRTUAL_PATH
    fi
    if [ -n "\${_OLD_VIRTUAL_PYTHONHOME+x}" ]; then
        PYTHONHOME=$_OLD_VIRTUAL_PYTHONHOME
        export PYTHONHOME
        unset _OLD_VIRTUAL_PYTHONHOME
    fi
    if [ -n "\${_OLD_VIRTUAL_PS1+x}" ]; then
        PS1=$_OLD_VIRTUAL_PS1
        unset _OLD_VIRTUAL_PS1
    fi
    unset VIRTUAL_ENV VIRTUAL_ENV_PROMPT
    # Commands remembered from the old PATH must be looked up again.
    hash -r 2>/dev/null || true
    if [ "\${1-}" != nondestructive ]; then
        unset -f deactivate
    fi
}

# Leave whichever venv was active, keeping the function.
deactivate nondestructive

VIRTUAL_ENV=${shQuote(facts.dir)}
VIRTUAL_ENV_PROMPT=${shQuote(facts.prompt)}
export VIRTUAL_ENV VIRTUAL_ENV_PROMPT

_OLD_VIRTUAL_PATH=$PATH
PATH=$VIRTUAL_ENV/bin:$PATH
export PATH

if [ -n "\${PYTHONHOME+x}" ]; then
    _OLD_VIRTUAL_PYTHONHOME=$PYTHONHOME
    unset PYTHONHOME
fi

if [ -z "\${VIRTUAL_ENV_DISABLE_PROMPT-}" ]; then
    _OLD_VIRTUAL_PS1=\${PS1-}
    PS1=${shQuote(`(${displayPrompt(facts.prompt)}) `)}\${PS1-}
fi

hash -r 2>/dev/null || true
`;
}

function fishScript(facts: ActivationFacts): string {
  return `# Use this virtual environment in fish by sourcing this file:
#     source ${facts.dir}/bin/activate.fish
# Run \`deactivate\` to leave it. Written by dpip venv.

function deactivate --description 'Leave the virtual environment'
    if set -q _OLD_VIRTUAL_PATH
        set -gx PATH $_OLD_VIRTUAL_PATH
        set -e _OLD_VIRTUAL_PATH
    end
    if set -q _OLD_VIRTUAL_PYTHONHOME
        set -gx PYTHONHOME $_OLD_VIRTUAL_PYTHONHOME
        set -e _OLD_VIRTUAL_PYTHONHOME
    end
    if set -q _OLD_FISH_PROMPT_OVERRIDE
        set -e _OLD_FISH_PROMPT_OVERRIDE
        functions -e fish_prompt
        if functions -q _dpip_venv_saved_prompt
            functions -c _dpip_venv_saved_prompt fish_prompt
            functions -e _dpip_venv_saved_prompt
        end
    end
    set -e VIRTUAL_ENV
    set -e VIRTUAL_ENV_PROMPT
    if test "$argv[1]" != nondestructive
        functions -e deactivate _dpip_venv_status
    end
end

# Leave whichever venv was active, keeping the function.
deactivate nondestructive

set -gx VIRTUAL_ENV ${fishQuote(facts.dir)}
set -gx VIRTUAL_ENV_PROMPT ${fishQuote(facts.prompt)}
set -g _OLD_VIRTUAL_PATH $PATH
set -gx PATH "$VIRTUAL_ENV/bin" $PATH

if set -q PYTHONHOME
    set -g _OLD_VIRTUAL_PYTHONHOME $PYTHONHOME
    set -e PYTHONHOME
end

if test -z "$VIRTUAL_ENV_DISABLE_PROMPT"
    if functions -q fish_prompt
        functions -c fish_prompt _dpip_venv_saved_prompt
    end
    # Hands the saved prompt the status the user's last command left.
    function _dpip_venv_status
        return $argv[1]
    end
    function fish_prompt
        set -l last_status $status
        printf '(%s) ' $VIRTUAL_ENV_PROMPT
        if functions -q _dpip_venv_saved_prompt
            _dpip_venv_status $last_status
            _dpip_venv_saved_prompt
        end
    end
    set -g _OLD_FISH_PROMPT_OVERRIDE "$VIRTUAL_ENV"
end
`;
}

function cshScript(facts: ActivationFacts): string {
  // csh substitutes variables as each command of a `&&` chain runs, so the alias tests a
  // variable with `$?name` before a later command of the chain reads it.
  const steps = [
    `test $?_OLD_VIRTUAL_PATH = 1 && setenv PATH "$_OLD_VIRTUAL_PATH" && unset _OLD_VIRTUAL_PATH`,
    `test $?_OLD_VIRTUAL_PYTHONHOME = 1 && setenv PYTHONHOME "$_OLD_VIRTUAL_PYTHONHOME" && unset _OLD_VIRTUAL_PYTHONHOME`,
    `test $?_OLD_VIRTUAL_PROMPT = 1 && set prompt="$_OLD_VIRTUAL_PROMPT" && unset _OLD_VIRTUAL_PROMPT`,
    "unsetenv VIRTUAL_ENV",
    "unsetenv VIRTUAL_ENV_PROMPT",
    "rehash",
    `test "\\!:*" = nondestructive || unalias deactivate`,
  ];
  return `# Use this virtual environment in csh or tcsh by sourcing this file:
#     source ${facts.dir}/bin/activate.csh
# Run \`deactivate\` to leave it. Written by dpip venv.

alias deactivate '${steps.join("; ")}'

# Leave whichever venv was active, keeping the alias.
deactivate nondestructive

setenv VIRTUAL_ENV ${cshQuote(facts.dir)}
setenv VIRTUAL_ENV_PROMPT ${cshQuote(facts.prompt)}
set _OLD_VIRTUAL_PATH="$PATH"
setenv PATH "$VIRTUAL_ENV/bin:$PATH"

if ($?PYTHONHOME) then
    set _OLD_VIRTUAL_PYTHONHOME="$PYTHONHOME"
    unsetenv PYTHONHOME
endif

if (! $?VIRTUAL_ENV_DISABLE_PROMPT) then
    if ($?prompt) then
        set _OLD_VIRTUAL_PROMPT="$prompt"
        set prompt=${cshQuote(`(${displayPrompt(facts.prompt)}) `)}"$prompt"
    endif
endif

rehash
`;
}

function powershellScript(facts: ActivationFacts): string {
  return `# Use this virtual environment in PowerShell by dot-sourcing this file:
#     . ${facts.dir}/bin/Activate.ps1
# Run \`deactivate\` to leave it. Written by dpip venv.

function global:deactivate([switch] $NonDestructive) {
    if (Test-Path variable:global:_OLD_VIRTUAL_PATH) {
        $env:PATH = $global:_OLD_VIRTUAL_PATH
        Remove-Variable -Name _OLD_VIRTUAL_PATH -Scope Global
    }
    if (Test-Path variable:global:_OLD_VIRTUAL_PYTHONHOME) {
        $env:PYTHONHOME = $global:_OLD_VIRTUAL_PYTHONHOME
        Remove-Variable -Name _OLD_VIRTUAL_PYTHONHOME -Scope Global
    }
    if (Test-Path function:global:_dpip_venv_saved_prompt) {
        Set-Item function:global:prompt $function:global:_dpip_venv_saved_prompt
        Remove-Item function:global:_dpip_venv_saved_prompt
    }
    Remove-Item env:VIRTUAL_ENV -ErrorAction SilentlyContinue
    Remove-Item env:VIRTUAL_ENV_PROMPT -ErrorAction SilentlyContinue
    if (-not $NonDestructive) {
        Remove-Item function:global:deactivate
    }
}

# Leave whichever venv was active, keeping the function.
deactivate -NonDestructive

$env:VIRTUAL_ENV = ${psQuote(facts.dir)}
$env:VIRTUAL_ENV_PROMPT = ${psQuote(facts.prompt)}
$global:_OLD_VIRTUAL_PATH = $env:PATH
$env:PATH = (Join-Path $env:VIRTUAL_ENV 'bin') + [System.IO.Path]::PathSeparator + $env:PATH

if (Test-Path env:PYTHONHOME) {
    $global:_OLD_VIRTUAL_PYTHONHOME = $env:PYTHONHOME
    Remove-Item env:PYTHONHOME
}

if (-not $env:VIRTUAL_ENV_DISABLE_PROMPT) {
    Set-Item function:global:_dpip_venv_saved_prompt $function:prompt
    function global:prompt {
        Write-Host -NoNewline "($env:VIRTUAL_ENV_PROMPT) "
        _dpip_venv_saved_prompt
    }
}
`;
}

function activateThisScript(facts: ActivationFacts): string {
  return `"""Use this virtual environment from inside a running Python:

    path = "<the venv>/bin/activate_this.py"
    exec(open(path).read(), {"__file__": path})

It puts the venv's bin directory first on PATH, sets VIRTUAL_ENV and makes
the venv's site-packages importable ahead of the interpreter's own (sys.prefix
becomes the venv, sys.real_prefix the interpreter's prefix). Written by dpip venv.
"""
import os
import site
import sys

try:
    _bin = os.path.dirname(os.path.abspath(__file__))
except NameError:
    raise AssertionError("activate_this.py needs __file__: exec(open(path).read(), {'__file__': path})")

_venv = os.path.dirname(_bin)
os.environ["PATH"] = os.pathsep.join([_bin] + [p for p in os.environ.get("PATH", "").split(os.pathsep) if p])
os.environ["VIRTUAL_ENV"] = _venv
os.environ["VIRTUAL_ENV_PROMPT"] = ${pythonStringRepr(facts.prompt)}

_known = list(sys.path)
site.addsitedir(os.path.join(_venv, *${pythonStringRepr(facts.sitePackages)}.split("/")))
sys.path[:] = [p for p in sys.path if p not in _known] + _known

sys.real_prefix = sys.prefix
sys.prefix = sys.exec_prefix = _venv
`;
}

/**
 * The activation scripts of a venv, by file name in its `bin` directory.
 *
 * @example
 * ```ts
 * import { activationScripts } from "./activation.ts";
 * const scripts = activationScripts({
 *   dir: "/p/.venv", prompt: ".venv", sitePackages: "lib/python3.12/site-packages",
 * });
 * scripts.map((s) => s.name); // ["activate", "activate.csh", "activate.fish", "Activate.ps1", "activate_this.py"]
 * ```
 */
export function activationScripts(facts: ActivationFacts): ActivationScript[] {
  return [
    { name: "activate", text: posixScript(facts) },
    { name: "activate.csh", text: cshScript(facts) },
    { name: "activate.fish", text: fishScript(facts) },
    { name: "Activate.ps1", text: powershellScript(facts) },
    { name: "activate_this.py", text: activateThisScript(facts) },
  ];
}
