#!/usr/bin/env bash
# Installing real wheels into fresh virtual environments, in one hyperfine run:
#   pip install --no-deps --no-compile      (pip has no cache for local wheels)
#   dpip install --no-deps, cold cache      (a new, empty cache dir every run)
#   dpip install --no-deps, warm cache      (the wheels already unpacked)
#   cp -al of the resulting environment     (the floor: hard-linking the tree)
# The wheels: numpy, scipy, botocore, boto3 and pydantic-core plus 25 smaller
# ones, all compatible with Python 3.11, from the machine's local mirror
# (found through the pip configuration of that Python: the file:// indexes
# of global.extra-index-url, whose files sit in a sibling files/ dir, and
# global.find-links / PIP_FIND_LINKS). Every timed run gets a new directory;
# nothing is deleted before a timed run. Prints the ratios at the end. dpip
# runs as shipped: `deno task bundle`'s JavaScript, modules loaded as needed,
# as the compiled binary loads them.
#
# Usage: scripts/bench_install_wheels.sh [python] [runs]   (default: pyenv's newest 3.11, 5)
#   BASELINE=dir also runs the warm row with another checkout of dpip (`git worktree add DIR main`),
#                as shipped, labelled "(baseline)", on the same warm cache: a before/after in one run
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bundle.sh
repo="$(pwd)"

command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install -y hyperfine)" >&2; exit 1; }
python="${1:-}"
runs="${2:-5}"
if [[ -z "$python" ]]; then
  root="${PYENV_ROOT:-$(pyenv root 2>/dev/null || true)}"
  python="$(ls -d "$root"/versions/3.11.*/bin/python3.11 2>/dev/null | sort -V | tail -1 || true)"
fi
[[ -x "$python" ]] || { echo "no Python 3.11 found; pass one as the first argument" >&2; exit 1; }

# The mirror's wheel directories, from pip's configuration.
dirs=()
for url in $("$python" -m pip config get global.extra-index-url 2>/dev/null || true); do
  [[ "$url" == file://* ]] && dirs+=("$(dirname "${url#file://}")/files")
done
for link in $("$python" -m pip config get global.find-links 2>/dev/null || true) ${PIP_FIND_LINKS:-}; do
  dirs+=("${link#file://}")
done
existing=()
for dir in "${dirs[@]}"; do [[ -d "$dir" ]] && existing+=("$dir"); done
[[ ${#existing[@]} -gt 0 ]] || { echo "no local wheel mirror found in pip's configuration" >&2; exit 1; }

# The newest compatible wheel of each big project, and 25 smaller ones (under 5 MB, by name).
mapfile -t wheels < <("$python" - "${existing[@]}" <<'EOF'
import os, sys
from packaging.tags import sys_tags
from packaging.utils import parse_wheel_filename
supported = {str(t): i for i, t in enumerate(sys_tags())}
best = {}
for d in sys.argv[1:]:
    for f in os.listdir(d):
        if not f.endswith(".whl"):
            continue
        try:
            name, version, _, tags = parse_wheel_filename(f)
        except Exception:
            continue
        ranks = [supported[str(t)] for t in tags if str(t) in supported]
        if ranks and (name not in best or (version, -min(ranks)) > best[name][0]):
            best[name] = ((version, -min(ranks)), os.path.join(d, f))
big = ["numpy", "scipy", "botocore", "boto3", "pydantic-core"]
missing = [n for n in big if n not in best]
if missing:
    sys.exit("the mirror lacks " + ", ".join(missing))
small = [p for n, (_, p) in sorted(best.items()) if n not in big and os.path.getsize(p) < 5_000_000]
for path in [best[n][1] for n in big] + small[:25]:
    print(path)
EOF
)
echo "${#wheels[@]} wheels, $(du -cb "${wheels[@]}" | tail -1 | cut -f1) bytes"

work="$(mktemp -d "${TMPDIR:-/tmp}/dpip-bench-XXXXXX")"
# DPIP_BENCH_KEEP=1 keeps the work directory (deleting it slows the disk for the next benchmark).
[[ "${DPIP_BENCH_KEEP:-}" == 1 ]] || trap 'rm -rf "$work"' EXIT
echo 0 >"$work/n"
export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
unset PIP_FIND_LINKS
list="${wheels[*]}"
build_bundle "$work/bundle"
dpip="$work/bundle/dpip install --no-deps --no-index"
next='n=$(( $(cat '"$work"'/n) + 1 )); echo $n > '"$work"'/n'
current='$(cat '"$work"'/n)'
baseline_rows=()
if [[ -n "${BASELINE:-}" ]]; then
  (cd "$BASELINE" && build_bundle "$work/baseline-bundle")
  baseline_rows=(-n "dpip install (warm cache, baseline)"
    --prepare "$next; $python -m venv --without-pip $work/base-$current"
    "$work/baseline-bundle/dpip install --no-deps --no-index -q --python $work/base-$current/bin/python --cache-dir $work/warm-cache $list")
fi

# A warm cache, and the environment it produces (the tree cp -al copies).
$dpip --python "$(mkdir -p "$work/ref" && "$python" -m venv --without-pip "$work/ref/env" && echo "$work/ref/env/bin/python")" \
  --cache-dir "$work/warm-cache" $list >/dev/null

out="$work/results.json"
hyperfine --runs "$runs" --export-json "$out" --export-markdown "$work/results.md" \
  -n "pip install --no-deps --no-compile" \
  --prepare "$next; $python -m venv $work/pip-$current" \
  "$work/pip-$current/bin/python -m pip install -q --no-deps --no-compile --no-index $list" \
  -n "dpip install (cold cache)" \
  --prepare "$next; $python -m venv --without-pip $work/cold-$current" \
  "$dpip -q --python $work/cold-$current/bin/python --cache-dir $work/cache-$current $list" \
  -n "dpip install (warm cache)" \
  --prepare "$next; $python -m venv --without-pip $work/warm-$current" \
  "$dpip -q --python $work/warm-$current/bin/python --cache-dir $work/warm-cache $list" \
  "${baseline_rows[@]}" \
  -n "cp -al of the environment" \
  --prepare "$next" \
  "cp -al $work/ref/env $work/copy-$current"

cat "$work/results.md"
deno eval --quiet "
const results = JSON.parse(Deno.readTextFileSync('$out')).results;
const mean = (prefix) => results.find((r) => r.command.startsWith(prefix)).mean;
const pip = mean('pip'), cold = mean('dpip install (cold'), warm = mean('dpip install (warm'), cp = mean('cp -al');
console.log('cold cache: ' + (pip / cold).toFixed(1) + 'x faster than pip (goal 3x)');
console.log('warm cache: ' + (pip / warm).toFixed(1) + 'x faster than pip (goal 20x)');
console.log('warm cache: ' + (warm / cp).toFixed(1) + 'x the time of cp -al (goal within 3x)');
const base = results.find((r) => r.command.endsWith('baseline)'));
if (base) console.log('baseline warm cache: ' + (base.mean / cp).toFixed(1) + 'x the time of cp -al');"
