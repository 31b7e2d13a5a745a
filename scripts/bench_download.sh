#!/usr/bin/env bash
# Downloads 40 real wheels from the machine's local PyPI mirror served by
# nginx on 127.0.0.1: `dpip download --no-deps` against `pip download
# --no-deps` (the oracle Python 3.11), cold (no HTTP cache; pip with
# --no-cache-dir), in one hyperfine run; then parses a 20,000-file HTML page and
# the equivalent JSON page (deno bench). Prints the ratios. dpip runs as shipped
# (`deno task bundle`'s JavaScript, modules loaded as needed, as the compiled
# binary loads them) and from source (`deno run main.ts`, which also pays for
# Deno checking the transpile cache of every module the program can import).
#
# Usage: scripts/bench_download.sh [python]   (default: pyenv's newest 3.11)
# The mirror is the first file:// URL of `pip config get global.extra-index-url`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bundle.sh

source scripts/lib/mirror.sh
find_python "${1:-}"
serve_mirror

# 40 projects spread over the alphabet that have a wheel for the interpreter
# (checked with `dpip index versions --only-binary=:all:`, which downloads nothing).
export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1
unset PIP_FIND_LINKS
cache="$work/dpip-cache"
dpip_cmd=(deno run --allow-all --unstable-lazy-dynamic-imports main.ts --cache-dir "$cache" --python "$python")
pip=("$python" -m pip download --no-deps --only-binary=:all: --no-cache-dir --progress-bar off -q -i "$index")
mapfile -t all < <(ls "$mirror/simple" | grep -v '\.html$' | sort)
step=$(( ${#all[@]} / 60 > 0 ? ${#all[@]} / 60 : 1 ))
projects=()
for ((i = 0; i < ${#all[@]} && ${#projects[@]} < 40; i += step)); do
  p="${all[$i]}"
  if "${dpip_cmd[@]}" index versions --only-binary=:all: -i "$index" "$p" >/dev/null 2>&1; then
    projects+=("$p")
  fi
done
echo "projects (${#projects[@]}): ${projects[*]}"

# Downloads are cold for both: every timed run gets a fresh dpip cache (holding only the
# interpreter facts warmed above, as a user's cache would) and an empty destination. Nothing
# is deleted between runs: a mass delete slows the disk down for the run after it.
echo 0 >"$work/n"
run='$(cat '"$work"'/n)'
next='echo $(( $(cat '"$work"'/n) + 1 )) > '"$work"'/n && mkdir -p '"$work"'/cache-'"$run"' && cp -a '"$cache"'/interpreters-v1 '"$work"'/cache-'"$run"'/'
dpip="deno run --allow-all --unstable-lazy-dynamic-imports main.ts --python $python download --no-deps --only-binary=:all: -i $index"
dpip_timed="$dpip --cache-dir $work/cache-$run -d $work/dpip-$run ${projects[*]}"
build_bundle "$work/bundle"
shipped="$work/bundle/dpip --python $python download --no-deps --only-binary=:all: -i $index"
shipped_timed="$shipped --cache-dir $work/cache-$run -d $work/shipped-$run ${projects[*]}"
pip_timed="${pip[*]} -d $work/pip-$run ${projects[*]}"
out="$work/hyperfine.json"
hyperfine --warmup 1 --runs "${RUNS:-3}" --export-json "$out" --prepare "$next" \
  -n "dpip download" "$shipped_timed" \
  -n "dpip download (source)" "$dpip_timed" \
  -n "pip download" "$pip_timed"
$dpip --cache-dir "$work/cache-check" -d "$work/dpip" "${projects[@]}" >/dev/null
"${pip[@]}" -d "$work/pip" "${projects[@]}" >/dev/null
echo "downloaded: $(du -sh "$work/dpip" | cut -f1) in $(ls "$work/dpip" | wc -l) files"
diff <(ls "$work/dpip") <(ls "$work/pip") >/dev/null && echo "same files downloaded by both" ||
  echo "WARNING: dpip and pip downloaded different files"

deno eval --quiet "
const results = JSON.parse(Deno.readTextFileSync('$out')).results;
const mean = (name) => results.find((r) => r.command === name).mean;
const d = mean('dpip download'), s = mean('dpip download (source)'), p = mean('pip download');
console.log('download of ${#projects[@]} wheels: pip ' + p.toFixed(3) + ' s; dpip as shipped ' + d.toFixed(3) +
  ' s: ' + (p / d).toFixed(1) + 'x faster; from source ' + s.toFixed(3) + ' s: ' + (p / s).toFixed(1) + 'x');"

deno bench --allow-all tests/bench/simple_api_bench.ts
