#!/usr/bin/env bash
# Where a cold install's time and memory go: installs jupyterlab from the local
# mirror (nginx on 127.0.0.1, as scripts/bench_install.sh) into a fresh venv
# with a fresh cache, under V8's CPU profiler (`deno run --cpu-prof`, one
# profile per thread) and GNU time, and prints
#
#   - each phase's span on the main thread (from the first to the last sample
#     whose stack is in that phase's modules) and the time it kept the thread busy,
#   - each unpacking worker's busy time and its top operations,
#   - the wall time and the peak resident memory.
#
# Usage: scripts/profile_install.sh [main.ts or a bundle's main.js] [python]
#   (default: main.ts, from source; pyenv's newest 3.11)
set -euo pipefail
cd "$(dirname "$0")/.."

entry="${1:-main.ts}"
source scripts/lib/mirror.sh
find_python "${2:-}"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (.ci/install-debs)" >&2; exit 1; }
serve_mirror
export PIP_CONFIG_FILE=/dev/null
"$python" -m venv --without-pip "$work/venv"
echo "load: $(uptime | sed 's/.*load average: //')"
/usr/bin/time -f "wall %e s, user %U s, system %S s, peak RSS %M KB" -o "$work/time" \
  deno run --allow-all --cpu-prof --cpu-prof-dir="$work/profile" "$entry" install -q \
  --python "$work/venv/bin/python" --cache-dir "$work/cache" -i "$index" jupyterlab
cat "$work/time"

"$python" - "$work/profile" <<'EOF'
import collections, json, os, sys
# A sample belongs to the first phase one of whose modules is on its stack (innermost first).
PHASES = [
    ("commit", ("transaction.ts",)),
    ("stage", ("staging.ts", "wheel_layout.ts", "destination_check.ts", "scripts.ts")),
    ("compile", ("bytecode.ts",)),
    ("unpack (this thread)", ("unpack.ts", "wheel_check.ts", "extract_pool.ts", "wheel_cache.ts")),
    ("download", ("prepare.ts",)),
    ("resolve", ("resolver/", "simple_api", "index_", "default_provider.ts", "http_client.ts")),
]

def load(path):
    profile = json.load(open(path))
    nodes = {node["id"]: node for node in profile["nodes"]}
    parent = {child: node["id"] for node in profile["nodes"] for child in node.get("children", [])}
    return profile, nodes, parent

def phase_of(node_id, nodes, parent):
    urls = []
    while node_id in nodes:
        urls.append(nodes[node_id]["callFrame"]["url"])
        node_id = parent.get(node_id)
    for url in urls:
        for name, keys in PHASES:
            if any(key in url for key in keys):
                return name
    return None

files = sorted(os.listdir(sys.argv[1]))
main = [f for f in files if "worker" not in f][0]
profile, nodes, parent = load(os.path.join(sys.argv[1], main))
start = profile["startTime"]
spans, busy = {}, collections.Counter()
at = start
for sample, delta in zip(profile["samples"], profile["timeDeltas"]):
    at += delta
    phase = phase_of(sample, nodes, parent)
    if phase is None:
        continue
    busy[phase] += delta
    first, last = spans.get(phase, (at, at))
    spans[phase] = (min(first, at), max(last, at))
print(f"main thread ({(profile['endTime'] - start) / 1e6:.2f} s):")
for phase, (first, last) in sorted(spans.items(), key=lambda item: item[1][0]):
    print(f"  {phase:22} {(first - start) / 1e6:6.2f} .. {(last - start) / 1e6:6.2f} s   busy {busy[phase] / 1e6:5.2f} s")
for name in files:
    if "worker" not in name:
        continue
    worker, nodes, _ = load(os.path.join(sys.argv[1], name))
    own = collections.Counter()
    for sample, delta in zip(worker["samples"], worker["timeDeltas"]):
        frame = nodes[sample]["callFrame"]
        own[frame["functionName"] or "(anonymous)"] += delta
    total = sum(worker["timeDeltas"])
    idle = own.get("(idle)", 0) + own.get("op_worker_maybe_wait_for_debugger", 0)
    print(f"{name.split('.')[-2]}: from {(worker['startTime'] - start) / 1e6:.2f} s, busy {(total - idle) / 1e6:.2f} s of {total / 1e6:.2f} s")
    for function, spent in own.most_common(6):
        print(f"    {spent / 1e6:6.2f} s  {function}")
EOF
