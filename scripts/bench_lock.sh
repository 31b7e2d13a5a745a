#!/usr/bin/env bash
# `lock` time, dpip against pip 26 (../shared/oracles/pip26, the first pip with `pip lock`), in
# one hyperfine run: a PEP 751 lock of jupyterlab (or the requirements given) from the machine's
# local PyPI mirror served by nginx on 127.0.0.1, cold (no cache) and warm (pages and metadata
# cached). dpip runs as shipped (`deno bundle`'s JavaScript, its modules loaded as needed).
#
# Usage: scripts/bench_lock.sh [requirements...]   (default: jupyterlab)
# INDEX_URL=http://... uses another index instead (e.g. ../shared/corpus served by serve-index).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bundle.sh
source scripts/lib/mirror.sh
find_python ""
pip26="$(cd .. && pwd)/shared/oracles/pip26"
[[ -x "$pip26" ]] || { echo "needs ../shared/oracles/pip26" >&2; exit 1; }
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
"$pip26" --version >/dev/null  # unpacks the oracle once, outside the timings
build_bundle "$work/bundle"
dpip="$work/bundle/dpip"
req="$(printf '%q ' "${reqs[@]}")"  # quoted for the shells hyperfine starts
out="$work/out"
mkdir -p "$out"
# Prime both warm caches, and check that both lock the same distributions.
$dpip lock -q --python "$python" --cache-dir "$work/dpip-warm" -i "$index" -o "$out/pylock.dpip.toml" "${reqs[@]}"
"$pip26" --py "$python" lock -q --cache-dir "$work/pip-warm" --trusted-host 127.0.0.1 -i "$index" \
  -o "$out/pylock.pip.toml" "${reqs[@]}" 2>/dev/null
"$python" - "$out/pylock.dpip.toml" "$out/pylock.pip.toml" <<'PY'
import sys, tomllib
pins = [sorted((p["name"], p["version"]) for p in tomllib.load(open(f, "rb"))["packages"]) for f in sys.argv[1:]]
if pins[0] != pins[1]:
    sys.exit(f"the locks differ: {set(pins[0]) ^ set(pins[1])}")
print(f"both lock the same {len(pins[0])} distributions")
PY
fresh="d=\$(mktemp -d $work/cache.XXXXXX) && echo \$d > $work/current"
hyperfine --runs "${RUNS:-3}" --export-json "$work/result.json" \
  --command-name "pip cold" "$pip26 --py $python lock -q --no-cache-dir -i $index -o $out/p.toml $req" \
  --command-name "pip warm" "$pip26 --py $python lock -q --cache-dir $work/pip-warm --trusted-host 127.0.0.1 -i $index -o $out/p.toml $req" \
  --command-name "dpip cold" --prepare "$fresh" \
  "$dpip lock -q --python $python --cache-dir \$(cat $work/current) -i $index -o $out/d.toml $req" \
  --command-name "dpip warm" "$dpip lock -q --python $python --cache-dir $work/dpip-warm -i $index -o $out/d.toml $req"
"$python" - "$work/result.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"cold: pip {r['pip cold']:.2f} s / dpip {r['dpip cold']:.2f} s = {r['pip cold'] / r['dpip cold']:.1f}x")
print(f"warm: pip {r['pip warm']:.2f} s / dpip {r['dpip warm']:.2f} s = {r['pip warm'] / r['dpip warm']:.1f}x")
PY
