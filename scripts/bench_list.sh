#!/usr/bin/env bash
# Compares `dpip list` / `dpip freeze` (deno run main.ts, warm interpreter
# cache) with `pip list` / `pip freeze` on the oracle Python 3.11 environment,
# with hyperfine, in one run; prints the speed ratios.
#
# Usage: scripts/bench_list.sh [python]   (default: pyenv's newest 3.11)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install -y hyperfine)" >&2; exit 1; }
python="${1:-}"
if [[ -z "$python" ]]; then
  root="${PYENV_ROOT:-$(pyenv root 2>/dev/null || true)}"
  python="$(ls -d "$root"/versions/3.11.*/bin/python3.11 2>/dev/null | sort -V | tail -1 || true)"
fi
[[ -x "$python" ]] || { echo "no Python 3.11 found; pass one as the first argument" >&2; exit 1; }

cache="$(mktemp -d)"
[[ "${DPIP_BENCH_KEEP:-}" == 1 ]] || trap 'rm -rf "$cache"' EXIT
dpip=(deno run --allow-all main.ts --cache-dir "$cache")
"${dpip[@]}" list --python "$python" >/dev/null # warms the interpreter cache

export PIP_DISABLE_PIP_VERSION_CHECK=1
out="$(mktemp)"
hyperfine --warmup 2 --runs 10 --export-json "$out" \
  -n "dpip list" "${dpip[*]} list --python $python" \
  -n "pip list" "$python -m pip list" \
  -n "dpip freeze" "${dpip[*]} freeze --python $python" \
  -n "pip freeze" "$python -m pip freeze"

deno eval --quiet "
const results = JSON.parse(Deno.readTextFileSync('$out')).results;
const mean = (name) => results.find((r) => r.command === name).mean;
for (const command of ['list', 'freeze']) {
  const ratio = mean('pip ' + command) / mean('dpip ' + command);
  console.log(command + ': dpip ' + (mean('dpip ' + command) * 1000).toFixed(0) + ' ms, pip ' +
    (mean('pip ' + command) * 1000).toFixed(0) + ' ms: ' + ratio.toFixed(1) + 'x faster');
}"
rm -f "$out"
