#!/usr/bin/env bash
# Installs jupyterlab (and its ~90 dependencies) from the machine's local PyPI
# mirror served by nginx on 127.0.0.1 into fresh venvs, pip against dpip and
# against the floors, in one hyperfine run, with each run's peak resident
# memory (GNU time's %M):
#
#   floor (unzip)     xargs -P2 -n1 unzip -q -o -d DIR over the same wheel files, on local disk
#   floor (cp -al)    cp -al of the installed site-packages and bin (the warm floor)
#   pip cold          pip install --no-compile --no-cache-dir   (the venv's own pip, 23.2.1)
#   pip warm          pip install --no-compile with a primed cache
#   pip compile       pip install --no-cache-dir (pip's default: bytecode compiled)
#   pip no-op         pip install jupyterlab into a venv that has it
#   dpip cold         dpip install, a new empty cache every run
#   dpip warm         dpip install, a primed cache (index pages fresh: see scripts/lib/mirror.sh)
#   dpip compile      dpip install --compile, a new empty cache every run
#   dpip no-op        dpip install jupyterlab into a venv that has it
#
# dpip runs as shipped (`deno task bundle`'s output run by its launcher, modules
# loaded as needed, as the compiled binary loads them) and from source (`deno
# run main.ts`). Prints the medians, the peak memory medians and every goal's
# ratio. Each venv is made outside the timing (hyperfine --prepare) under a
# fresh name: nothing is deleted before a timed run.
#
# Usage: scripts/bench_install.sh [python] [runs]   (default: pyenv's newest 3.11, 3 runs)
#   ROWS=regex   run only the rows whose name matches (e.g. ROWS='unzip|cold')
#   BASELINE=dir also runs the dpip rows of another checkout of dpip (`git worktree add DIR main`),
#                as shipped and from source, labelled "(baseline)": a before/after in one run
# The mirror is the first file:// URL of `pip config get global.extra-index-url`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bundle.sh

source scripts/lib/mirror.sh
find_python "${1:-}"
runs="${2:-3}"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (.ci/install-debs)" >&2; exit 1; }
command -v unzip >/dev/null || { echo "needs unzip (.ci/install-debs)" >&2; exit 1; }
serve_mirror

export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1
unset PIP_FIND_LINKS
req=jupyterlab
deno cache main.ts >/dev/null 2>&1 || true
build_bundle "$work/bundle"
shipped="$work/bundle/dpip"
source_dpip="deno run --allow-all --unstable-lazy-dynamic-imports $PWD/main.ts"

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
fresh_empty="d=\$(mktemp -d $work/run.XXXXXX) && mkdir \$d/tree && echo \$d > $work/current"
v='$(cat '"$work"'/current)'

# Primed caches, reference installs (also checks that both succeed) and the wheel files.
$shipped install -q --python "$work/bare-template/bin/python" --cache-dir "$work/dpip-warm" -i "$index" --dry-run $req
cp -a "$work/bare-template" "$work/dpip-done"
$shipped install -q --python "$work/dpip-done/bin/python" --cache-dir "$work/dpip-warm" -i "$index" $req
cp -a "$work/pip-template" "$work/pip-done"
"$work/pip-done/bin/python" -m pip install -q --no-compile --cache-dir "$work/pip-warm" --trusted-host 127.0.0.1 -i "$index" $req
$shipped download -q -d "$work/wheels" --python "$work/bare-template/bin/python" --cache-dir "$work/dpip-warm" -i "$index" $req
site="lib/python3.11/site-packages"
echo "installed: $(ls "$work/dpip-done/$site" | grep -c '\.dist-info$') distributions, $(find "$work/dpip-done/$site" -type f | wc -l) files; $(ls "$work/wheels" | wc -l) wheels, $(du -sm "$work/wheels" | cut -f1) MB"

# Each timed command runs under GNU time, which appends its peak RSS (KB) to $work/rss/<row>.
mkdir -p "$work/rss"
rows=()
row() { # name prepare command
  [[ -n "${ROWS:-}" && ! "$1" =~ ${ROWS} ]] && return 0
  rows+=(--command-name "$1" --prepare "$2" "/usr/bin/time -f %M -a -o '$work/rss/$1' sh -c '$3'")
}
dpip_rows() { # label command
  row "dpip cold$1" "$fresh_bare" "$2 install -q --python $v/bin/python --cache-dir $v/dpip-cache -i $index $req"
  # The mirror's pages are fresh for MIRROR_MAX_AGE seconds (PyPI's 600) after they were last
  # asked: a --dry-run outside the timing asks again for the stale ones, so that a long run times
  # every warm install with the pages fresh, as one within 10 minutes of the last is.
  row "dpip warm$1" "$fresh_bare && $2 install -q --dry-run --python $v/bin/python --cache-dir $work/dpip-warm -i $index $req" \
    "$2 install -q --python $v/bin/python --cache-dir $work/dpip-warm -i $index $req"
  row "dpip compile$1" "$fresh_bare" "$2 install -q --compile --python $v/bin/python --cache-dir $v/dpip-cache -i $index $req"
  row "dpip no-op$1" true "$2 install -q --python $work/dpip-done/bin/python --cache-dir $work/dpip-warm -i $index $req"
}
row "floor (unzip)" "$fresh_empty" "ls $work/wheels/*.whl | xargs -P2 -n1 unzip -q -o -d $v/tree"
row "floor (cp -al)" "$fresh_empty" "cp -al $work/dpip-done/$site $v/site-packages && cp -al $work/dpip-done/bin $v/bin"
row "pip cold" "$fresh_pip" "$v/bin/python -m pip install -q --no-compile --no-cache-dir -i $index $req"
row "pip warm" "$fresh_pip" "$v/bin/python -m pip install -q --no-compile --cache-dir $work/pip-warm --trusted-host 127.0.0.1 -i $index $req"
row "pip compile" "$fresh_pip" "$v/bin/python -m pip install -q --no-cache-dir -i $index $req"
row "pip no-op" true "$work/pip-done/bin/python -m pip install -q --no-compile --no-cache-dir -i $index $req"
dpip_rows "" "$shipped"
dpip_rows " (source)" "$source_dpip"
if [[ -n "${BASELINE:-}" ]]; then
  baseline="$(cd "$BASELINE" && pwd)"
  (cd "$baseline" && { deno cache main.ts >/dev/null 2>&1 || true; } && build_bundle "$work/baseline-bundle")
  dpip_rows " (baseline)" "$work/baseline-bundle/dpip"
  dpip_rows " (baseline source)" "${source_dpip/$PWD/$baseline}"
fi
[[ ${#rows[@]} -gt 0 ]] || { echo "no row matches ROWS=$ROWS" >&2; exit 1; }

echo "load before: $(uptime | sed 's/.*load average: //')"
hyperfine --runs "$runs" --export-json "$work/result.json" "${rows[@]}"
echo "load after:  $(uptime | sed 's/.*load average: //')"

"$python" - "$work/result.json" "$work/rss" <<'EOF'
import json, os, statistics, sys
results = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}
rss = {}
for name in results:
    path = os.path.join(sys.argv[2], name)
    if os.path.exists(path):
        rss[name] = statistics.median(int(x) for x in open(path).read().split()) / 1024
print(f"{'':22} {'median':>9} {'peak RSS':>9}")
for name, median in results.items():
    print(f"{name:22} {median:8.3f}s {rss.get(name, 0):7.0f}MB")
def ratio(label, a, b, goal, table=results, unit="s"):
    if a in table and b in table:
        print(f"{label:34} {table[a] / table[b]:5.2f}x  (goal {goal}; {a} {table[a]:.3f}{unit} / {b} {table[b]:.3f}{unit})")
print()
for suffix, how in (("", "as shipped"), (" (source)", "from source"),
                    (" (baseline)", "baseline as shipped"), (" (baseline source)", "baseline from source")):
    if not any(name.endswith(suffix) for name in results if name.startswith("dpip")):
        continue
    print(how)
    ratio("  dpip cold / floor (unzip)", "dpip cold" + suffix, "floor (unzip)", "<= 1.25")
    ratio("  pip cold / dpip cold", "pip cold", "dpip cold" + suffix, ">= 4")
    ratio("  dpip cold peak RSS / pip's", "dpip cold" + suffix, "pip cold", "<= 1.5", rss, "MB")
    ratio("  dpip warm / floor (cp -al)", "dpip warm" + suffix, "floor (cp -al)", "<= 1.5")
    ratio("  pip warm / dpip warm", "pip warm", "dpip warm" + suffix, "-")
    ratio("  pip no-op / dpip no-op", "pip no-op", "dpip no-op" + suffix, ">= 20")
    ratio("  pip compile / dpip compile", "pip compile", "dpip compile" + suffix, ">= 3")
    ratio("  dpip compile peak RSS / pip's", "dpip compile" + suffix, "pip compile", "-", rss, "MB")
EOF
