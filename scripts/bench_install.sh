#!/usr/bin/env bash
# Installs jupyterlab (and its ~89 dependencies) from the machine's local PyPI
# mirror served by nginx on 127.0.0.1 into fresh venvs, pip against dpip, with
# hyperfine in one run:
#
#   pip cold     pip install --no-compile --no-cache-dir           (the venv's own pip)
#   pip warm     pip install --no-compile --cache-dir D --trusted-host 127.0.0.1   (D primed)
#   dpip cold    dpip install --cache-dir E                          (E emptied before each run)
#   dpip warm    dpip install --cache-dir E                          (E primed)
#   floor        cp -al of the installed site-packages and bin       (the physical floor)
#   pip no-op    pip install jupyterlab into a venv that has it
#   dpip no-op   dpip install jupyterlab into a venv that has it
#
# and prints the ratios: pip cold / dpip cold, dpip warm / floor, pip warm /
# dpip warm, pip no-op / dpip no-op. Each venv is made outside the timing
# (hyperfine --prepare). dpip runs as shipped (`deno task bundle`'s JavaScript,
# modules loaded as needed, as the compiled binary loads them); the no-op,
# where start-up is most of the time, also from source (`deno run main.ts`).
#
# Usage: scripts/bench_install.sh [python] [runs]   (default: pyenv's newest 3.11, 3 runs)
# The mirror is the first file:// URL of `pip config get global.extra-index-url`.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib/mirror.sh
find_python "${1:-}"
runs="${2:-3}"
serve_mirror

export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1
unset PIP_FIND_LINKS
req=jupyterlab
deno cache main.ts >/dev/null 2>&1 || true
deno bundle --quiet --code-splitting --format esm --outdir "$work/bundle" main.ts lib/installer/extract_worker.ts
dpip="deno run --allow-all $work/bundle/main.js"
source_dpip="deno run --allow-all $PWD/main.ts"

# Venvs: pip's have pip (23.2.1 from ensurepip, made once and copied), dpip's have none.
"$python" -m venv "$work/pip-template"
"$python" -m venv --without-pip "$work/bare-template"
# Every timed run gets a fresh directory name: deleting a big tree right before a
# timed run slows this disk down for minutes, so nothing is removed until the end.
# --prepare makes the directory and records it in $work/current; the timed command
# reads it back (a `cat`, far below the noise).
fresh() { echo "d=\$(mktemp -d $work/run.XXXXXX) && cp -a $1/. \$d/ && echo \$d > $work/current"; }
fresh_pip="$(fresh "$work/pip-template")"
fresh_bare="$(fresh "$work/bare-template")"
fresh_empty="d=\$(mktemp -d $work/run.XXXXXX) && echo \$d > $work/current"
v='$(cat '"$work"'/current)'

# Primed caches and reference installs (also checks that both succeed).
$dpip install -q --python "$work/bare-template/bin/python" --cache-dir "$work/dpip-warm" -i "$index" --dry-run $req
cp -a "$work/bare-template" "$work/dpip-done"
$dpip install -q --python "$work/dpip-done/bin/python" --cache-dir "$work/dpip-warm" -i "$index" $req
cp -a "$work/pip-template" "$work/pip-done"
"$work/pip-done/bin/python" -m pip install -q --no-compile --cache-dir "$work/pip-warm" --trusted-host 127.0.0.1 -i "$index" $req
site="lib/python3.11/site-packages"
echo "installed: $(ls "$work/dpip-done/$site" | grep -c '\.dist-info$') distributions, $(find "$work/dpip-done/$site" -type f | wc -l) files"

hyperfine --runs "$runs" --export-json "$work/result.json" \
  --command-name "pip cold" --prepare "$fresh_pip" \
  "$v/bin/python -m pip install -q --no-compile --no-cache-dir -i $index $req" \
  --command-name "pip warm" --prepare "$fresh_pip" \
  "$v/bin/python -m pip install -q --no-compile --cache-dir $work/pip-warm --trusted-host 127.0.0.1 -i $index $req" \
  --command-name "dpip cold" --prepare "$fresh_bare" \
  "$dpip install -q --python $v/bin/python --cache-dir $v/dpip-cache -i $index $req" \
  --command-name "dpip warm" --prepare "$fresh_bare" \
  "$dpip install -q --python $v/bin/python --cache-dir $work/dpip-warm -i $index $req" \
  --command-name "floor (cp -al)" --prepare "$fresh_empty" \
  "cp -al $work/dpip-done/$site $v/site-packages && cp -al $work/dpip-done/bin $v/bin" \
  --command-name "pip no-op" --prepare "true" \
  "$work/pip-done/bin/python -m pip install -q --no-compile --no-cache-dir -i $index $req" \
  --command-name "dpip no-op" --prepare "true" \
  "$dpip install -q --python $work/dpip-done/bin/python --cache-dir $work/dpip-warm -i $index $req" \
  --command-name "dpip no-op (source)" --prepare "true" \
  "$source_dpip install -q --python $work/dpip-done/bin/python --cache-dir $work/dpip-warm -i $index $req"

"$python" - "$work/result.json" <<'EOF'
import json, sys
results = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}
def ratio(a, b):
    return f"{results[a] / results[b]:.1f}x  ({a} {results[a]:.2f} s / {b} {results[b]:.3f} s)"
print("pip cold / dpip cold:   ", ratio("pip cold", "dpip cold"))
print("pip warm / dpip warm:   ", ratio("pip warm", "dpip warm"))
print("dpip warm / floor:      ", ratio("dpip warm", "floor (cp -al)"))
print("pip no-op / dpip no-op: ", ratio("pip no-op", "dpip no-op"))
print("  from source:          ", ratio("pip no-op", "dpip no-op (source)"))
EOF
