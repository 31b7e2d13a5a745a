#!/usr/bin/env bash
# Compares `dpip venv` with `python -m venv --without-pip` for the same
# interpreter, with hyperfine, in one run; prints the speed ratios. dpip runs
# as shipped (`deno task bundle`'s JavaScript, modules loaded as needed, as
# the compiled binary loads them) and from source (`deno run main.ts`).
#
# Every run makes a new directory: hyperfine runs each command through a new
# shell, whose PID (`$$`) names it, so no run reuses a directory and nothing
# is deleted between runs (the directories are removed once, at the end).
# hyperfine subtracts the shell's own start-up from every command alike.
# dpip's interpreter cache is warmed first, as it is after dpip's first use.
# An empty Deno script runs alongside: no Deno program can start faster, so
# python's time over it is the most any ratio here can be.
#
# Usage: scripts/bench_venv.sh [python]   (default: pyenv's newest 3.12)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bundle.sh

command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install -y hyperfine)" >&2; exit 1; }
python="${1:-}"
if [[ -z "$python" ]]; then
  root="${PYENV_ROOT:-$(pyenv root 2>/dev/null || true)}"
  python="$(ls -d "$root"/versions/3.12.*/bin/python3.12 2>/dev/null | sort -V | tail -1 || true)"
fi
[[ -x "$python" ]] || { echo "no Python 3.12 found; pass one as the first argument" >&2; exit 1; }

work="$(mktemp -d)"
[[ "${DPIP_BENCH_KEEP:-}" == 1 ]] || trap 'rm -rf "$work"' EXIT
build_bundle "$work/bundle"
dpip=(deno run --allow-all --unstable-lazy-dynamic-imports main.ts --cache-dir "$work/cache")
bundled=("$work/bundle/dpip" --cache-dir "$work/cache")
"${dpip[@]}" venv -q --python "$python" "$work/warm-source" # probes the interpreter once
"${bundled[@]}" venv -q --python "$python" "$work/warm-bundle" # and warms Deno's code cache
mkdir "$work/runs"
echo "Deno.exitCode = 0;" >"$work/empty.js"

out="$(mktemp)"
hyperfine --warmup 3 --runs "${RUNS:-30}" --export-json "$out" \
  -n "dpip venv" "${bundled[*]} venv -q --python $python $work/runs/bundle-\$\$" \
  -n "dpip venv (source)" "${dpip[*]} venv -q --python $python $work/runs/source-\$\$" \
  -n "python -m venv" "$python -m venv --without-pip $work/runs/python-\$\$" \
  -n "deno (empty script)" "deno run $work/empty.js"

deno eval --quiet "
const results = JSON.parse(Deno.readTextFileSync('$out')).results;
const mean = (name) => results.find((r) => r.command === name).mean;
const ms = (name) => (mean(name) * 1000).toFixed(1) + ' ms';
const python = mean('python -m venv');
console.log('venv: python -m venv --without-pip ' + ms('python -m venv') + '; dpip as shipped ' +
  ms('dpip venv') + ': ' + (python / mean('dpip venv')).toFixed(1) + 'x faster; from source ' +
  ms('dpip venv (source)') + ': ' + (python / mean('dpip venv (source)')).toFixed(1) + 'x; ' +
  'an empty Deno script ' + ms('deno (empty script)') + ': ' +
  (python / mean('deno (empty script)')).toFixed(1) + 'x (the most any Deno program can be)');"
rm -f "$out"
