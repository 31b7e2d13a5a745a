import { join } from "node:path";
import { Authenticator, subprocessKeyring } from "../../lib/net/auth.ts";
import { HashMismatchError } from "../../lib/net/hashes.ts";
import { CancelledError } from "../../lib/cancellation.ts";
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
import { Random } from "../helpers/random.ts";

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

Deno.test("get(): its timers are not global setTimeout, whose first use loads Node's timers", async () => {
  await withServer({}, async (server, tmp) => {
    const client = new HttpClient({ cache: new HttpCache(join(tmp, "http-v1")) });
    const original = globalThis.setTimeout;
    let armed = 0;
    globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
      armed++;
      return original(...args);
    }) as typeof setTimeout;
    try {
      assertEquals((await client.get(server.url + "demo/", { accept: SIMPLE_ACCEPT })).status, 200);
      assertEquals(
        (await client.get(server.url + "demo/", { accept: SIMPLE_ACCEPT })).fromCache,
        true,
      );
      assertEquals(server.requests.at(-1)?.status, 304);
    } finally {
      globalThis.setTimeout = original;
      client.close();
    }
    assertEquals(armed, 0);
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

/** `length` seeded random bytes (a body that compresses to nothing would not do). */
function randomBody(seed: number, length: number): Uint8Array {
  const random = new Random(seed);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 4) {
    const word = random.int(0, 0xffffffff);
    for (let j = 0; j < 4 && i + j < length; j++) bytes[i + j] = (word >>> (8 * j)) & 0xff;
  }
  return bytes;
}

async function sha256Of(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("download(): a multi-megabyte file dropped mid-way resumes at the exact byte it stopped at", async () => {
  const big = { filename: "big-1.0-py3-none-any.whl", bytes: randomBody(5, (3 << 20) + 12345) };
  const sha256 = await sha256Of(big.bytes);
  const cut = 1_500_001; // not on a read-buffer boundary
  const server = await startIndexServer({
    files: [big],
    faults: [{ path: "/files/", kind: "truncate", bytes: cut, times: 1 }],
  });
  const tmp = await Deno.makeTempDir({ prefix: "dpip-net-" });
  const client = new HttpClient({ backoffMs: 1, cache: new HttpCache(join(tmp, "http-v1")) });
  try {
    const dest = join(tmp, big.filename);
    const progress: number[] = [];
    const result = await client.download(server.fileUrl(big.filename), dest, {
      checks: [{ source: "the index", allowed: { sha256: [sha256] } }],
      onProgress: (received) => progress.push(received),
    });
    assertEquals(server.requests.map((r) => r.range), [null, `bytes=${cut}-`]);
    assertEquals(server.requests.map((r) => r.status), [200, 206]);
    assertEquals(result.digests["sha256"], sha256);
    assertEquals(result.size, big.bytes.length);
    assert(await Deno.readFile(dest).then((d) => d.length === big.bytes.length));
    assertEquals(await sha256Of(await Deno.readFile(dest)), sha256);
    assertEquals(progress.at(-1), big.bytes.length);
    assert(progress.every((n, i) => i === 0 || n >= (progress[i - 1] ?? 0)), "progress only grows");
  } finally {
    client.close();
    await server.close();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("download(): leaves the file linked to its cache entry and no temporary file; a stale destination is replaced", async () => {
  await withServer({}, async (server, tmp) => {
    const cacheDir = join(tmp, "http-v1");
    const client = new HttpClient({ cache: new HttpCache(cacheDir) });
    const fresh = join(tmp, "out", WHEEL.filename);
    const stale = join(tmp, "stale", WHEEL.filename);
    await Deno.mkdir(join(tmp, "out"));
    await Deno.mkdir(join(tmp, "stale"));
    await Deno.writeTextFile(stale, "an older, different file");
    try {
      const checks = [{ source: "the index", allowed: { sha256: [SHA256] } }];
      await client.download(server.fileUrl(WHEEL.filename), fresh, { checks });
      assertEquals((await Deno.stat(fresh)).nlink, 2); // the cache entry's body, linked
      assertEquals(
        (await listTree(tmp)).filter((p) => !p.startsWith(cacheDir)),
        [fresh, stale],
      );
      const cached = (await listTree(cacheDir)).map((p) => p.slice(p.lastIndexOf(".")));
      assertEquals(cached, [".body", ".json"]);

      const again = await client.download(server.fileUrl(WHEEL.filename), stale, { checks });
      assertEquals(again.fromCache, true);
      assertEquals(await Deno.readFile(stale), WHEEL.bytes);
      assertEquals(
        (await listTree(tmp)).filter((p) => !p.startsWith(cacheDir)),
        [fresh, stale],
      );
    } finally {
      client.close();
    }
  });
});

/**
 * A server whose one file arrives in `pieces` bytes-long pieces, `gapMs` apart,
 * with `stallMs` of silence before the second piece on the first request only.
 */
function slowServer(
  body: Uint8Array,
  options: { pieces: number; gapMs: number; stallMs: number },
): { url: string; requests: number; close(): Promise<void> } {
  const state = { requests: 0 };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    const first = state.requests++ === 0;
    const size = Math.ceil(body.length / options.pieces);
    let at = 0;
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (at >= body.length) {
          controller.close();
          return;
        }
        const wait = first && sent === 1 ? options.stallMs : sent === 0 ? 0 : options.gapMs;
        await new Promise((resolve) => setTimeout(resolve, wait));
        controller.enqueue(body.slice(at, at + size));
        at += size;
        sent++;
      },
    });
    return new Response(stream, { headers: { "content-length": String(body.length) } });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/files/slow-1.0-py3-none-any.whl`,
    get requests() {
      return state.requests;
    },
    close: () => server.shutdown(),
  };
}

Deno.test("download(): the timeout is per read: a body that keeps coming is not cut off, one that stalls is retried", async () => {
  const body = randomBody(11, 40_000);
  const tmp = await Deno.makeTempDir({ prefix: "dpip-net-" });
  // 10 pieces 60 ms apart: 540 ms in all, far over the 200 ms timeout, never 200 ms silent.
  const steady = slowServer(body, { pieces: 10, gapMs: 60, stallMs: 60 });
  // The first answer goes silent for 600 ms after its first piece.
  const stalling = slowServer(body, { pieces: 2, gapMs: 0, stallMs: 600 });
  const client = new HttpClient({ timeout: 0.2, backoffMs: 1 });
  try {
    const checks = [{ source: "the index", allowed: { sha256: [await sha256Of(body)] } }];
    await client.download(steady.url, join(tmp, "steady.whl"), { checks });
    assertEquals(steady.requests, 1);
    assertEquals(await Deno.readFile(join(tmp, "steady.whl")), body);
    await client.download(stalling.url, join(tmp, "stalling.whl"), { checks });
    assertEquals(stalling.requests, 2);
    assertEquals(await Deno.readFile(join(tmp, "stalling.whl")), body);
  } finally {
    client.close();
    await steady.close();
    await stalling.close();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("download(): the cache entry is keyed without the URL's fragment and credentials", async () => {
  await withServer({}, async (server, tmp) => {
    const client = new HttpClient({ cache: new HttpCache(join(tmp, "http-v1")) });
    const checks = [{ source: "the index", allowed: { sha256: [SHA256] } }];
    const plain = server.fileUrl(WHEEL.filename);
    const withCredentials = plain.replace("http://", "http://user:secret@");
    try {
      const first = await client.download(`${plain}#sha256=${SHA256}`, join(tmp, "a.whl"), {
        checks,
      });
      const second = await client.download(plain, join(tmp, "b.whl"), { checks });
      const third = await client.download(`${withCredentials}#x`, join(tmp, "c.whl"), { checks });
      assertEquals([first.fromCache, second.fromCache, third.fromCache], [false, true, true]);
      assertEquals(server.requests.map((r) => r.path), [`/files/${WHEEL.filename}`]);
    } finally {
      client.close();
    }
  });
});

Deno.test("download(): its own signal stops it (no file left); the client's other requests go on", async () => {
  await withServer(
    { faults: [{ path: /\/files\/.*\.whl$/, kind: "delay", delayMs: 30_000, times: 1 }] },
    async (server, tmp) => {
      const client = new HttpClient({ cache: new HttpCache(join(tmp, "http-v1")) });
      try {
        const stop = new AbortController();
        const url = `${server.origin}files/${WHEEL.filename}`;
        const dest = join(tmp, "stopped.whl");
        const stopped = client.download(url, dest, { signal: stop.signal });
        await new Promise((resolve) => setTimeout(resolve, 50));
        stop.abort();
        await assertRejects(() => stopped, CancelledError);
        assertEquals(await listTree(tmp).then((files) => files.includes(dest)), false);
        const again = await client.download(url, join(tmp, "again.whl"));
        assertEquals(again.digests["sha256"], SHA256);
      } finally {
        client.close();
      }
    },
  );
});
