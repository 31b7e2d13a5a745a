import { join } from "node:path";
import { Authenticator, subprocessKeyring } from "../../lib/net/auth.ts";
import { HashMismatchError } from "../../lib/net/hashes.ts";
import { HttpCache } from "../../lib/net/http_cache.ts";
import {
  HttpClient,
  HttpStatusError,
  NetworkError,
  SIMPLE_ACCEPT,
} from "../../lib/net/http_client.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
} from "../helpers/assert.ts";
import { type IndexServerOptions, startIndexServer, wheelFile } from "../helpers/index_server.ts";

const WHEEL = wheelFile({
  name: "demo",
  version: "1.0",
  files: { "demo/__init__.py": "x = 1\n".repeat(5000) },
});
const SHA256 = await crypto.subtle.digest("SHA-256", WHEEL.bytes as Uint8Array<ArrayBuffer>)
  .then((d) => [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join(""));

async function withServer(
  options: IndexServerOptions,
  fn: (server: Awaited<ReturnType<typeof startIndexServer>>, tmp: string) => Promise<void>,
): Promise<void> {
  const server = await startIndexServer({ files: [WHEEL], ...options });
  const tmp = await Deno.makeTempDir({ prefix: "dpip-net-" });
  try {
    await fn(server, tmp);
  } finally {
    await server.close();
    await Deno.remove(tmp, { recursive: true });
  }
}

async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) out.push(...await listTree(path));
    else out.push(path);
  }
  return out.sort();
}

Deno.test("get(): negotiates JSON, caches, and revalidates with a 304", async () => {
  await withServer({}, async (server, tmp) => {
    const client = new HttpClient({ cache: new HttpCache(join(tmp, "http-v1")) });
    try {
      const first = await client.get(server.url + "demo/", { accept: SIMPLE_ACCEPT });
      assertEquals(first.status, 200);
      assertEquals(first.contentType, "application/vnd.pypi.simple.v1+json");
      assertEquals(first.fromCache, false);
      const second = await client.get(server.url + "demo/", { accept: SIMPLE_ACCEPT });
      assertEquals(second.fromCache, true);
      assertEquals(second.body, first.body);
      const last = server.requests.at(-1);
      assertEquals(last?.status, 304);
      assert(last?.ifNoneMatch !== null);
    } finally {
      client.close();
    }
  });
});

Deno.test("get(): a fresh page (max-age) is served from the cache without a request", async () => {
  await withServer({ pageCacheControl: "max-age=600" }, async (server, tmp) => {
    const client = new HttpClient({ cache: new HttpCache(join(tmp, "http-v1")) });
    try {
      await client.get(server.url + "demo/", { accept: SIMPLE_ACCEPT });
      const again = await client.get(server.url + "demo/", { accept: SIMPLE_ACCEPT });
      assertEquals(again.fromCache, true);
      assertEquals(server.requests.length, 1);
      // Another Accept is another entry (pages vary by Accept).
      await client.get(server.url + "demo/", { accept: "text/html" });
      assertEquals(server.requests.length, 2);
    } finally {
      client.close();
    }
  });
});

Deno.test("get(): a 404 is returned, not thrown", async () => {
  await withServer({}, async (server) => {
    const client = new HttpClient();
    try {
      assertEquals((await client.get(server.url + "nothing/")).status, 404);
    } finally {
      client.close();
    }
  });
});

Deno.test("get(): retries 5xx with backoff and succeeds", async () => {
  await withServer(
    { faults: [{ path: "/simple/demo/", kind: "status", status: 503, times: 2 }] },
    async (server) => {
      const client = new HttpClient({ retries: 3, backoffMs: 1 });
      try {
        const page = await client.get(server.url + "demo/");
        assertEquals(page.status, 200);
        assertEquals(server.requests.map((r) => r.status), [503, 503, 200]);
      } finally {
        client.close();
      }
    },
  );
});

Deno.test("get(): persistent 5xx ends with a clear error after retries", async () => {
  await withServer(
    { faults: [{ path: "/simple/", kind: "status", status: 502 }] },
    async (server) => {
      const client = new HttpClient({ retries: 2, backoffMs: 1 });
      try {
        const error = await assertRejects(() => client.get(server.url + "demo/"), HttpStatusError);
        assertEquals(error.message, `HTTP 502 for ${server.url}demo/ (after 3 attempts)`);
        assertEquals(server.requests.length, 3);
      } finally {
        client.close();
      }
    },
  );
});

Deno.test("get(): a connection that stalls times out and is retried", async () => {
  await withServer(
    { faults: [{ path: "/simple/demo/", kind: "delay", delayMs: 400, times: 1 }] },
    async (server) => {
      const client = new HttpClient({ retries: 1, backoffMs: 1, timeout: 0.1 });
      try {
        assertEquals((await client.get(server.url + "demo/")).status, 200);
        assertEquals(server.requests.length, 2);
      } finally {
        client.close();
      }
    },
  );
});

Deno.test("get(): connection refused is a NetworkError naming the redacted URL", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const client = new HttpClient({ retries: 1, backoffMs: 1 });
  try {
    const error = await assertRejects(
      () => client.get(`http://user:s3cret@127.0.0.1:${port}/simple/demo/`),
      NetworkError,
    );
    assertStringIncludes(error.message, `http://user:****@127.0.0.1:${port}/simple/demo/`);
    assert(!error.message.includes("s3cret"));
    assertStringIncludes(error.message, "(after 2 attempts)");
  } finally {
    client.close();
  }
});

Deno.test("download(): streams to disk, verifies the hash, and caches the file", async () => {
  await withServer({}, async (server, tmp) => {
    const cacheDir = join(tmp, "http-v1");
    const client = new HttpClient({ cache: new HttpCache(cacheDir) });
    const dest = join(tmp, WHEEL.filename);
    const progress: number[] = [];
    try {
      const result = await client.download(server.fileUrl(WHEEL.filename), dest, {
        checks: [{ source: "the index", allowed: { sha256: [SHA256] } }],
        onProgress: (received) => progress.push(received),
      });
      assertEquals(result.digests["sha256"], SHA256);
      assertEquals(await Deno.readFile(dest), WHEEL.bytes);
      assertEquals(progress.at(-1), WHEEL.bytes.length);
      await Deno.remove(dest);
      const again = await client.download(server.fileUrl(WHEEL.filename), dest, {
        checks: [{ source: "the index", allowed: { sha256: [SHA256] } }],
      });
      assertEquals(again.fromCache, true);
      assertEquals(server.requests.length, 1);
      assertEquals(await Deno.readFile(dest), WHEEL.bytes);
    } finally {
      client.close();
    }
  });
});

Deno.test("download(): a dropped connection resumes with Range", async () => {
  await withServer(
    { faults: [{ path: "/files/", kind: "truncate", bytes: 1000, times: 1 }] },
    async (server, tmp) => {
      const client = new HttpClient({ backoffMs: 1 });
      const dest = join(tmp, WHEEL.filename);
      try {
        const result = await client.download(server.fileUrl(WHEEL.filename), dest, {
          checks: [{ source: "the index", allowed: { sha256: [SHA256] } }],
        });
        assertEquals(result.size, WHEEL.bytes.length);
        assertEquals(await Deno.readFile(dest), WHEEL.bytes);
        assertEquals(server.requests.map((r) => r.range), [null, "bytes=1000-"]);
        assertEquals(server.requests.map((r) => r.status), [200, 206]);
      } finally {
        client.close();
      }
    },
  );
});

Deno.test("download(): persistent failure leaves no file in dest or cache", async () => {
  await withServer(
    { faults: [{ path: "/files/", kind: "truncate", bytes: 100 }] },
    async (server, tmp) => {
      const cacheDir = join(tmp, "cache");
      const destDir = join(tmp, "dest");
      await Deno.mkdir(destDir);
      const client = new HttpClient({ retries: 2, backoffMs: 1, cache: new HttpCache(cacheDir) });
      try {
        const error = await assertRejects(
          () => client.download(server.fileUrl(WHEEL.filename), join(destDir, WHEEL.filename)),
          NetworkError,
        );
        assertMatch(error.message, /Could not fetch .*demo-1\.0-py3-none-any\.whl: .*3 attempts/);
        assertEquals(await listTree(destDir), []);
        assertEquals(await listTree(cacheDir).catch(() => []), []);
      } finally {
        client.close();
      }
    },
  );
});

Deno.test("download(): a corrupted body is a hash mismatch and leaves nothing behind", async () => {
  await withServer(
    { faults: [{ path: "/files/", kind: "corrupt" }] },
    async (server, tmp) => {
      const cacheDir = join(tmp, "cache");
      const destDir = join(tmp, "dest");
      await Deno.mkdir(destDir);
      const client = new HttpClient({ cache: new HttpCache(cacheDir) });
      try {
        const error = await assertRejects(
          () =>
            client.download(server.fileUrl(WHEEL.filename), join(destDir, WHEEL.filename), {
              checks: [{ source: "the index", allowed: { sha256: [SHA256] } }],
            }),
          HashMismatchError,
        );
        assertStringIncludes(error.message, `Hash mismatch for ${WHEEL.filename}: the index`);
        assertStringIncludes(error.message, `expected sha256:${SHA256}, got sha256:`);
        assertEquals(await listTree(destDir), []);
        assertEquals(await listTree(cacheDir).catch(() => []), []);
      } finally {
        client.close();
      }
    },
  );
});

Deno.test("download(): a 404 is an HttpStatusError", async () => {
  await withServer({}, async (server, tmp) => {
    const client = new HttpClient();
    try {
      const error = await assertRejects(
        () => client.download(server.fileUrl("missing-1.0.tar.gz"), join(tmp, "x")),
        HttpStatusError,
      );
      assertEquals(error.status, 404);
      assertEquals(await listTree(tmp), []);
    } finally {
      client.close();
    }
  });
});

Deno.test("download(): file: URLs are copied and hashed", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const source = join(tmp, WHEEL.filename);
    await Deno.writeFile(source, WHEEL.bytes);
    await Deno.mkdir(join(tmp, "out"));
    const client = new HttpClient();
    const result = await client.download("file://" + source, join(tmp, "out", WHEEL.filename));
    assertEquals(result.digests["sha256"], SHA256);
    await assertRejects(
      () =>
        client.download("file://" + source, join(tmp, "out", "other.whl"), {
          checks: [{ source: "the requirement", allowed: { sha256: ["00"] } }],
        }),
      HashMismatchError,
    );
    assertEquals((await listTree(join(tmp, "out"))).length, 1);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("auth: URL credentials are sent as basic auth and reused for the host", async () => {
  await withServer({ auth: { username: "user", password: "p@ss" } }, async (server) => {
    const client = new HttpClient();
    const withCreds = server.url.replace("http://", "http://user:p%40ss@");
    try {
      assertEquals((await client.get(withCreds + "demo/")).status, 200);
      // Files of the same host get the same credentials.
      assertEquals((await client.get(server.fileUrl(WHEEL.filename))).status, 200);
      assertEquals(server.requests.map((r) => r.status), [200, 200]);
    } finally {
      client.close();
    }
  });
});

Deno.test("auth: index URL credentials, .netrc, and a 401 without credentials", async () => {
  await withServer({ auth: { username: "user", password: "pw" } }, async (server, tmp) => {
    const withCreds = server.url.replace("http://", "http://user:pw@");
    const indexClient = new HttpClient({
      authenticator: new Authenticator({ indexUrls: [withCreds] }),
    });
    const netrcClient = new HttpClient({
      authenticator: new Authenticator({
        netrc: [{ machine: "127.0.0.1", login: "user", password: "pw" }],
      }),
    });
    const none = new HttpClient();
    try {
      assertEquals((await indexClient.get(server.url + "demo/")).status, 200);
      assertEquals((await netrcClient.get(server.url + "demo/")).status, 200);
      assertEquals((await none.get(server.url + "demo/")).status, 401);
      const error = await assertRejects(
        () => none.download(server.fileUrl(WHEEL.filename), join(tmp, "x.whl")),
        HttpStatusError,
      );
      assertEquals(error.status, 401);
      assertStringIncludes(error.hint ?? "", "credentials");
    } finally {
      indexClient.close();
      netrcClient.close();
      none.close();
    }
  });
});

Deno.test("auth: keyring subprocess provider answers after a 401", async () => {
  await withServer(
    { auth: { username: "user", password: "from-keyring" } },
    async (server, tmp) => {
      const script = join(tmp, "keyring");
      await Deno.writeTextFile(
        script,
        `#!/bin/sh\necho "$@" >> "${tmp}/calls"\nif [ "$1" = get ] && [ "$3" = user ]; then echo from-keyring; exit 0; fi\nexit 1\n`,
      );
      await Deno.chmod(script, 0o755);
      const client = new HttpClient({
        authenticator: new Authenticator({
          indexUrls: [server.url.replace("http://", "http://user@")],
          keyring: subprocessKeyring({ command: script }),
        }),
      });
      try {
        assertEquals((await client.get(server.url + "demo/")).status, 200);
        assertEquals(server.requests.map((r) => r.status), [401, 200]);
        assertEquals(await Deno.readTextFile(join(tmp, "calls")), `get ${server.url} user\n`);
      } finally {
        client.close();
      }
    },
  );
});

Deno.test("proxy: --proxy and HTTP_PROXY route requests through the proxy; NO_PROXY bypasses", async () => {
  await withServer({}, async (server) => {
    const seen: string[] = [];
    const proxy = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (r) => {
      seen.push(`${r.method} ${r.url} ${r.headers.get("proxy-authorization") ?? "-"}`);
      const response = await fetch(r.url, { headers: r.headers });
      return new Response(response.body, { status: response.status, headers: response.headers });
    });
    const proxyUrl = `http://127.0.0.1:${proxy.addr.port}`;
    const viaFlag = new HttpClient({ proxy: proxyUrl.replace("http://", "http://pu:pp@") });
    const viaEnv = new HttpClient({ env: { HTTP_PROXY: proxyUrl } });
    const bypass = new HttpClient({
      env: { http_proxy: proxyUrl, NO_PROXY: "localhost,127.0.0.1" },
    });
    try {
      assertEquals((await viaFlag.get(server.url + "demo/")).status, 200);
      assertEquals((await viaEnv.get(server.url + "demo/")).status, 200);
      assertEquals((await bypass.get(server.url + "demo/")).status, 200);
      assertEquals(seen, [
        `GET ${server.url}demo/ Basic ${btoa("pu:pp")}`,
        `GET ${server.url}demo/ -`,
      ]);
      assertEquals(server.requests.length, 3);
    } finally {
      viaFlag.close();
      viaEnv.close();
      bypass.close();
      await proxy.shutdown();
    }
  });
});

Deno.test("HttpCache.refresh rewrites an entry only when that can matter", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dpip-refresh-" });
  try {
    const cache = new HttpCache(dir);
    const store = async (headers: Record<string, string>) => {
      const pending = await cache.begin("http://x/simple/a/", "text/html");
      await Deno.writeTextFile(pending.path, "page");
      return await pending.commit({
        url: "http://x/simple/a/",
        status: 200,
        size: 4,
        headers,
        sha256: "0".repeat(64),
      });
    };
    // Never fresh (no max-age) and nothing new: left as it is.
    const plain = await store({ etag: '"1"' });
    const same = await cache.refresh(plain, new Headers({ etag: '"1"', date: "now" }), "text/html");
    assertEquals(same, plain);
    // New validators are kept.
    const changed = await cache.refresh(plain, new Headers({ etag: '"2"' }), "text/html");
    assertEquals(changed.headers["etag"], '"2"');
    assertEquals((await cache.lookup("http://x/simple/a/", "text/html"))?.headers["etag"], '"2"');
    // With max-age, a revalidation restarts the freshness clock.
    const aged = await store({ etag: '"3"', "cache-control": "max-age=60" });
    await new Promise((r) => setTimeout(r, 5));
    const renewed = await cache.refresh(aged, new Headers({ etag: '"3"' }), "text/html");
    assert(renewed.storedAt > aged.storedAt);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
