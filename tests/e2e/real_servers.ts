/**
 * Real, independent servers for end-to-end tests: Debian's nginx and
 * `python3 -m http.server`, serving a directory on 127.0.0.1 with a free
 * port. Each server is a child process this module started and stops by its
 * own pid.
 *
 * @module
 */

import { join } from "node:path";

/** A running static server. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>/`. */
  readonly origin: string;
  close(): Promise<void>;
}

/** Whether `command` runs (e.g. `nginx -v`). */
export async function hasCommand(
  command: string,
  args: string[] = ["--version"],
): Promise<boolean> {
  try {
    const result = await new Deno.Command(command, { args, stdout: "null", stderr: "null" })
      .output();
    return result.code === 0;
  } catch {
    return false;
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function waitForPort(port: number, child: Deno.ChildProcess): Promise<void> {
  let exited = false;
  child.status.then(() => exited = true);
  for (let i = 0; i < 200 && !exited; i++) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw new Error(`server on port ${port} did not start`);
}

function stopper(child: Deno.ChildProcess, cleanup: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    await child.status;
    await cleanup();
  };
}

/**
 * Serves `root` with nginx (the `nginx` binary on PATH), with PEP 691
 * negotiation like the corpus' `serve-index --nginx`: under `/simple/`, an
 * `Accept` naming the JSON type gets `index.json` when the directory has one,
 * and `index.html` otherwise.
 */
export async function startNginx(root: string): Promise<StaticServer> {
  const port = freePort();
  const state = await Deno.makeTempDir({ prefix: "dpip-nginx-" });
  const conf = join(state, "nginx.conf");
  await Deno.writeTextFile(
    conf,
    `daemon off;
worker_processes 2;
pid ${state}/nginx.pid;
error_log ${state}/error.log warn;
events { worker_connections 512; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path ${state}/body;
  proxy_temp_path ${state}/proxy;
  fastcgi_temp_path ${state}/fastcgi;
  uwsgi_temp_path ${state}/uwsgi;
  scgi_temp_path ${state}/scgi;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  map $http_accept $simple_index {
    default index.html;
    "~application/vnd\\.pypi\\.simple\\.v1\\+json" index.json;
  }
  server {
    listen 127.0.0.1:${port};
    root ${root};
    autoindex off;
    location /simple/ {
      index $simple_index index.html;
      types {
        text/html html;
        application/vnd.pypi.simple.v1+json json;
      }
      add_header Vary Accept;
    }
  }
}
`,
  );
  const child = new Deno.Command("nginx", {
    args: ["-c", conf, "-p", state],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitForPort(port, child);
  return {
    origin: `http://127.0.0.1:${port}/`,
    close: stopper(child, () => Deno.remove(state, { recursive: true })),
  };
}

/** Serves `root` with `python3 -m http.server`. */
export async function startHttpServer(root: string, python = "python3"): Promise<StaticServer> {
  const port = freePort();
  const child = new Deno.Command(python, {
    args: ["-m", "http.server", "--bind", "127.0.0.1", "--directory", root, String(port)],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitForPort(port, child);
  return { origin: `http://127.0.0.1:${port}/`, close: stopper(child, () => Promise.resolve()) };
}
