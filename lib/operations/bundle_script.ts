/**
 * The `install` script of an offline bundle (`dpip bundle`): POSIX sh that
 * runs the bundle's own dpip to install its `pylock.toml` into the Python or
 * virtual environment named first, from the bundle's wheels only
 * (`--no-index`), every file checked against the lock's sha256
 * (`--require-hashes`). A bundle carrying dpip as JavaScript needs Deno (and
 * bash, for the launcher); the script says so, and how to do without, before
 * anything runs.
 *
 * @module
 */

/** The file name of the script in the bundle. */
export const INSTALL_SCRIPT = "install";

/** The text of the `install` script. */
export function installScript(): string {
  return `#!/bin/sh
# Installs this bundle, offline: the packages of pylock.toml, from the wheels/ beside it only
# (--no-index), each checked against the lock's sha256 (--require-hashes), by the dpip in dpip/.
# Written by 'dpip bundle'. Options after the target go to 'dpip install':
#   ./install .venv                 # a virtual environment ('dpip/dpip venv .venv' makes one)
#   ./install /usr/bin/python3.12 --user
set -eu
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
if [ "$#" -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  echo "usage: $0 PYTHON-OR-VENV [dpip install options]" >&2
  echo "Installs $here/pylock.toml from $here/wheels with $here/dpip/dpip, offline." >&2
  exit 2
fi
target=$1
shift
if [ -f "$here/dpip/main.js" ]; then
  # dpip as JavaScript: its launcher is a bash script that runs it with Deno.
  if [ -z "\${DENO:-}" ]; then DENO=$(command -v deno || true); fi
  if [ -z "$DENO" ]; then
    echo "ERROR: this bundle's dpip is JavaScript, which needs Deno 2, and there is no deno on PATH" >&2
    echo "hint: install deno or set DENO to its path; or make the bundle with a compiled dpip ('deno task compile', then 'dist/dpip bundle …'), which needs nothing" >&2
    exit 1
  fi
  if ! command -v bash >/dev/null 2>&1; then
    echo "ERROR: this bundle's dpip is JavaScript, whose launcher needs bash, and there is no bash on PATH" >&2
    exit 1
  fi
  DPIP_BUNDLE=$here/dpip
  export DENO DPIP_BUNDLE
fi
exec "$here/dpip/dpip" install --python "$target" --no-index --require-hashes \\
  --only-binary :all: -r "$here/pylock.toml" "$@"
`;
}
