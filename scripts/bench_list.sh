#!/usr/bin/env bash
# Compares `dpip list` / `dpip freeze` (warm interpreter cache) with `pip list`
# / `pip freeze` on the oracle Python 3.11 environment, with hyperfine, in one
# run; prints the speed ratios. dpip runs twice: from source (`deno run
# main.ts`, which also pays for Deno reading, hashing and checking the
# transpile cache of all ~130 modules the program can import) and as shipped
# (`deno task bundle`'s JavaScript: modules loaded as they are needed, which is
# what the compiled binary does too).
#
# Usage: scripts/bench_list.sh [python]   (default: pyenv's newest 3.11)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bundle.sh

command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install -y hyperfine)" >&2; exit 1; }
python="${1:-}"
if [[ -z "$python" ]]; then
  root="${PYENV_ROOT:-$(pyenv root 2>/dev/null || true)}"
  python="$(ls -d "$root"/versions/3.11.*/bin/python3.11 2>/dev/null | sort -V | tail -1 || true)"
fi
[[ -x "$python" ]] || { echo "no Python 3.11 found; pass one as the first argument" >&2; exit 1; }

cache="$(mktemp -d)"
[[ "${DPIP_BENCH_KEEP:-}" == 1 ]] || trap 'rm -rf "$cache"' EXIT
build_bundle "$cache/bundle"
dpip=(deno run --allow-all --unstable-lazy-dynamic-imports main.ts --cache-dir "$cache")
bundled=("$cache/bundle/dpip" --cache-dir "$cache")
"${dpip[@]}" list --python "$python" >/dev/null # warms the interpreter cache
"${bundled[@]}" list --python "$python" >/dev/null # and Deno's code cache of the bundle

export PIP_DISABLE_PIP_VERSION_CHECK=1
out="$(mktemp)"
hyperfine -N --warmup 3 --runs "${RUNS:-20}" --export-json "$out" \
  -n "dpip list" "${bundled[*]} list --python $python" \
  -n "dpip list (source)" "${dpip[*]} list --python $python" \
  -n "pip list" "$python -m pip list" \
  -n "dpip freeze" "${bundled[*]} freeze --python $python" \
  -n "dpip freeze (source)" "${dpip[*]} freeze --python $python" \
  -n "pip freeze" "$python -m pip freeze"

deno eval --quiet "
const results = JSON.parse(Deno.readTextFileSync('$out')).results;
const mean = (name) => results.find((r) => r.command === name).mean;
const ms = (name) => (mean(name) * 1000).toFixed(0) + ' ms';
for (const command of ['list', 'freeze']) {
  const pip = mean('pip ' + command);
  const shipped = mean('dpip ' + command), source = mean('dpip ' + command + ' (source)');
  console.log(command + ': pip ' + ms('pip ' + command) + '; dpip as shipped ' +
    ms('dpip ' + command) + ': ' + (pip / shipped).toFixed(1) + 'x faster; from source ' +
    ms('dpip ' + command + ' (source)') + ': ' + (pip / source).toFixed(1) + 'x');
}"
rm -f "$out"
