#!/usr/bin/env bash
# Downloads 40 real wheels from the machine's local PyPI mirror served by
# nginx on 127.0.0.1: `dpip download --no-deps` (deno run main.ts) against
# `pip download --no-deps` (the oracle Python 3.11), cold (no cache), one run
# each with hyperfine; then parses a 20,000-file HTML page and the equivalent
# JSON page (deno bench). Prints the ratio.
#
# Usage: scripts/bench_download.sh [python]   (default: pyenv's newest 3.11)
# The mirror is the first file:// URL of `pip config get global.extra-index-url`.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v hyperfine >/dev/null || { echo "needs hyperfine (.ci/install-debs)" >&2; exit 1; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "needs nginx (.ci/install-debs)" >&2; exit 1; }
PATH="$PATH:/usr/sbin"
python="${1:-}"
if [[ -z "$python" ]]; then
  root="${PYENV_ROOT:-$(pyenv root 2>/dev/null || true)}"
  python="$(ls -d "$root"/versions/3.11.*/bin/python3.11 2>/dev/null | sort -V | tail -1 || true)"
fi
[[ -x "$python" ]] || { echo "no Python 3.11 found; pass one as the first argument" >&2; exit 1; }
mirror_url="$("$python" -m pip config get global.extra-index-url 2>/dev/null | tr ' ' '\n' | grep '^file://' | head -1 || true)"
[[ -n "$mirror_url" ]] || { echo "no file:// mirror in pip's configuration" >&2; exit 1; }
simple="${mirror_url#file://}"
mirror="$(cd "$simple/.." && pwd)"

work="$(mktemp -d)"
port="$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 512; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  sendfile on;
  keepalive_timeout 65;
  server {
    listen 127.0.0.1:$port;
    root $mirror;
    location /simple/ { index index.html; types { text/html html; } }
  }
}
EOF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null; rm -rf "$work"' EXIT
index="http://127.0.0.1:$port/simple/"
for _ in $(seq 50); do curl -sf "$index" >/dev/null && break; sleep 0.1; done

# 40 projects spread over the alphabet whose best file pip can download as a wheel.
export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1
unset PIP_FIND_LINKS
pip=("$python" -m pip download --no-deps --only-binary=:all: --no-cache-dir --progress-bar off -q -i "$index")
mapfile -t all < <(ls "$simple" | grep -v '\.html$' | sort)
step=$(( ${#all[@]} / 80 > 0 ? ${#all[@]} / 80 : 1 ))
projects=()
for ((i = 0; i < ${#all[@]} && ${#projects[@]} < 40; i += step)); do
  p="${all[$i]}"
  if "${pip[@]}" -d "$work/probe" "$p" >/dev/null 2>&1; then projects+=("$p"); fi
done
size="$(du -sh "$work/probe" | cut -f1)"
rm -rf "$work/probe"
echo "projects (${#projects[@]}, $size): ${projects[*]}"

deno cache main.ts >/dev/null
dpip="deno run --allow-all main.ts download --no-deps --only-binary=:all: --no-cache-dir --python $python -i $index -d $work/dpip ${projects[*]}"
pipcmd="${pip[*]} -d $work/pip ${projects[*]}"
out="$work/hyperfine.json"
hyperfine --runs 1 --export-json "$out" \
  --prepare "rm -rf $work/dpip $work/pip" \
  -n "dpip download" "$dpip" \
  -n "pip download" "$pipcmd"
diff <(ls "$work/dpip") <(ls "$work/pip") >/dev/null && echo "same ${#projects[@]} files downloaded by both" ||
  echo "WARNING: dpip and pip downloaded different files"

deno eval --quiet "
const results = JSON.parse(Deno.readTextFileSync('$out')).results;
const mean = (name) => results.find((r) => r.command === name).mean;
const d = mean('dpip download'), p = mean('pip download');
console.log('download of ${#projects[@]} wheels: dpip ' + d.toFixed(2) + ' s, pip ' + p.toFixed(2) + ' s: ' + (p / d).toFixed(1) + 'x faster');"

deno bench --allow-all tests/bench/simple_api_bench.ts
