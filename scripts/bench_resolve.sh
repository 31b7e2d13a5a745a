#!/usr/bin/env bash
# Resolve-only time, dpip against pip, in one hyperfine run: `install --dry-run`
# of a big requirement set from the machine's local PyPI mirror served by nginx
# on 127.0.0.1, cold (no cache) and warm (metadata and pages cached).
#
# Usage: scripts/bench_resolve.sh [requirements...]   (default: jupyterlab)
# The mirror is the first file:// URL of `pip config get global.extra-index-url`;
# INDEX_URL=http://... uses another index instead (e.g. ../shared/corpus served
# with its serve-index script, for its backtracking sets).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/mirror.sh
find_python ""
reqs=("${@:-jupyterlab}")
if [[ -n "${INDEX_URL:-}" ]]; then
  work="$(mktemp -d)"
  [[ "${DPIP_BENCH_KEEP:-}" == 1 ]] || trap 'rm -rf "$work"' EXIT
  index="$INDEX_URL"
else
  serve_mirror
fi

export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
unset PIP_FIND_LINKS
"$python" -m venv "$work/venv"
venv_python="$work/venv/bin/python"
dpip="deno run --allow-all --unstable-lazy-dynamic-imports $PWD/main.ts"
req="$(printf '%q ' "${reqs[@]}")"  # quoted for the shells hyperfine starts
# Prime both warm caches (and check both resolve).
$dpip install -q --dry-run --python "$venv_python" --cache-dir "$work/dpip-warm" -i "$index" "${reqs[@]}"
"$venv_python" -m pip install -q --dry-run --cache-dir "$work/pip-warm" --trusted-host 127.0.0.1 -i "$index" "${reqs[@]}"
fresh="d=\$(mktemp -d $work/cache.XXXXXX) && echo \$d > $work/current"
hyperfine --runs "${RUNS:-3}" --export-json "$work/result.json" \
  --command-name "pip cold" "$venv_python -m pip install -q --dry-run --no-cache-dir -i $index $req" \
  --command-name "pip warm" "$venv_python -m pip install -q --dry-run --cache-dir $work/pip-warm --trusted-host 127.0.0.1 -i $index $req" \
  --command-name "dpip cold" --prepare "$fresh" \
  "$dpip install -q --dry-run --python $venv_python --cache-dir \$(cat $work/current) -i $index $req" \
  --command-name "dpip warm" "$dpip install -q --dry-run --python $venv_python --cache-dir $work/dpip-warm -i $index $req"
"$python" - "$work/result.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"cold: pip {r['pip cold']:.2f} s / dpip {r['dpip cold']:.2f} s = {r['pip cold'] / r['dpip cold']:.1f}x")
print(f"warm: pip {r['pip warm']:.2f} s / dpip {r['dpip warm']:.2f} s = {r['pip warm'] / r['dpip warm']:.1f}x")
PY
