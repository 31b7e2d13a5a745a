#!/usr/bin/env bash
# Resolve-only time, dpip against pip, in one hyperfine run: `install --dry-run`
# of a big requirement set from the machine's local PyPI mirror served by nginx
# on 127.0.0.1, cold (no cache) and warm (metadata and pages cached).
#
# Usage: scripts/bench_resolve.sh [requirements...]   (default: jupyterlab)
# The mirror is the first file:// URL of `pip config get global.extra-index-url`.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install -y hyperfine)" >&2; exit 1; }
PATH="$PATH:/usr/sbin"
command -v nginx >/dev/null || { echo "needs nginx (apt-get install -y nginx)" >&2; exit 1; }
root="${PYENV_ROOT:-$(pyenv root 2>/dev/null || true)}"
python="$(ls -d "$root"/versions/3.11.*/bin/python3.11 2>/dev/null | sort -V | tail -1 || true)"
[[ -x "$python" ]] || { echo "no pyenv Python 3.11" >&2; exit 1; }
mirror_url="$("$python" -m pip config get global.extra-index-url 2>/dev/null | tr ' ' '\n' | grep '^file://' | head -1 || true)"
[[ -n "$mirror_url" ]] || { echo "no file:// mirror in pip's configuration" >&2; exit 1; }
mirror="$(cd "${mirror_url#file://}/.." && pwd)"
reqs=("${@:-jupyterlab}")

work="$(mktemp -d)"
port="$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<CONF
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
  server {
    listen 127.0.0.1:$port;
    root $mirror;
    location /simple/ { index index.html; types { text/html html; } }
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null; rm -rf "$work"' EXIT
index="http://127.0.0.1:$port/simple/"
for _ in $(seq 50); do curl -sf "$index" >/dev/null && break; sleep 0.1; done

export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
unset PIP_FIND_LINKS
"$python" -m venv "$work/venv"
venv_python="$work/venv/bin/python"
dpip="deno run --allow-all $PWD/main.ts"
req="${reqs[*]}"
# Prime both warm caches (and check both resolve).
$dpip install -q --dry-run --python "$venv_python" --cache-dir "$work/dpip-warm" -i "$index" $req
"$venv_python" -m pip install -q --dry-run --cache-dir "$work/pip-warm" --trusted-host 127.0.0.1 -i "$index" $req
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
