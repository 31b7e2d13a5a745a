# Sourced by the benchmark scripts: finds pyenv's newest Python 3.11 and the
# machine's local PyPI mirror (the first file:// URL of pip's
# global.extra-index-url), and serves the mirror with nginx on 127.0.0.1, its
# simple pages with `Cache-Control: max-age=600, public` as PyPI sends them
# (Warehouse's simple views cache for 10 minutes). pip asks again anyway (it
# sends `Cache-Control: max-age=0` for index pages); dpip uses a page still
# fresh in its cache without asking. MIRROR_MAX_AGE=N sends max-age=N instead,
# MIRROR_MAX_AGE= none (every page revalidated, as in rows measured before 2026-12-07 19:40 UTC).
#
#   source scripts/lib/mirror.sh
#   find_python "${1:-}"          # sets $python
#   serve_mirror                  # sets $work (a temp dir), $mirror and $index; cleans up on exit

find_python() {
  python="$1"
  if [[ -z "$python" ]]; then
    local root="${PYENV_ROOT:-$(pyenv root 2>/dev/null || true)}"
    python="$(ls -d "$root"/versions/3.11.*/bin/python3.11 2>/dev/null | sort -V | tail -1 || true)"
  fi
  [[ -x "$python" ]] || { echo "no Python 3.11 found; pass one as the first argument" >&2; exit 1; }
}

serve_mirror() {
  command -v hyperfine >/dev/null || { echo "needs hyperfine (.ci/install-debs)" >&2; exit 1; }
  PATH="$PATH:/usr/sbin"
  command -v nginx >/dev/null || { echo "needs nginx (.ci/install-debs)" >&2; exit 1; }
  local mirror_url
  mirror_url="$("$python" -m pip config get global.extra-index-url 2>/dev/null | tr ' ' '\n' | grep '^file://' | head -1 || true)"
  [[ -n "$mirror_url" ]] || { echo "no file:// mirror in pip's configuration" >&2; exit 1; }
  mirror="$(cd "${mirror_url#file://}/.." && pwd)"
  work="$(mktemp -d)"
  local port
  port="$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  mkdir -p "$work/nginx"
  local max_age="${MIRROR_MAX_AGE-600}" cache_header=""
  if [[ -n "$max_age" ]]; then cache_header="add_header Cache-Control \"max-age=$max_age, public\";"; fi
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
  keepalive_timeout 65;
  server {
    listen 127.0.0.1:$port;
    root $mirror;
    location /simple/ { index index.html; types { text/html html; } $cache_header }
  }
}
CONF
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
  nginx_pid=$!
  # DPIP_BENCH_KEEP=1 leaves the work directory behind: deleting its large trees slows the
  # disk down for minutes, which would skew a benchmark run right after this one.
  if [[ "${DPIP_BENCH_KEEP:-}" == 1 ]]; then
    trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null; echo "kept $work" >&2' EXIT
  else
    trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null; rm -rf "$work"' EXIT
  fi
  index="http://127.0.0.1:$port/simple/"
  for _ in $(seq 50); do curl -sf "$index" >/dev/null && break; sleep 0.1; done
}
