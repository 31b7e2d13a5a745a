/**
 * The HTTP client against the chaos index (`tests/helpers/chaos_server.ts`):
 * what it retries and recovers from, what it refuses at once, and that every
 * body it reads whole is bounded in size and in time.
 */

import { join } from "node:path";
import { isDpipError } from "../../lib/errors.ts";
import { BodyTooLargeError } from "../../lib/net/body_limits.ts";
import { HashMismatchError } from "../../lib/net/hashes.ts";
import { HttpCache } from "../../lib/net/http_cache.ts";
import { HttpClient, NetworkError } from "../../lib/net/http_client.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../helpers/assert.ts";
import {
  type ChaosRule,
  type ChaosServer,
  closedPort,
  gzipBomb,
  startChaosServer,
} from "../helpers/chaos_server.ts";
import { wheelFile } from "../helpers/index_server.ts";

const WHEEL = wheelFile({ name: "demo", version: "1.0", files: { "demo/__init__.py": "x\n" } });
const SHA256 = await crypto.subtle.digest("SHA-256", WHEEL.bytes as Uint8Array<ArrayBuffer>)
  .then((d) => [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join(""));
const MiB = 1024 * 1024;

async function withChaos(
  rules: readonly ChaosRule[],
  fn: (server: ChaosServer, tmp: string) => Promise<void>,
): Promise<void> {
  const server = await startChaosServer({ files: [WHEEL], rules });
  const tmp = await Deno.makeTempDir({ prefix: "dpip-chaos-" });
  try {
    await fn(server, tmp);
  } finally {
    await server.close();
    await Deno.remove(tmp, { recursive: true });
  }
}

/** Every file under `dir`. */
async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) found.push(...await filesUnder(path));
    else found.push(path);
  }
  return found;
}

/** A client with short backoff (and a timeout long enough for a loaded machine). */
function client(options: ConstructorParameters<typeof HttpClient>[0] = {}): HttpClient {
  return new HttpClient({ retries: 2, backoffMs: 1, timeout: 3, ...options });
}

Deno.test("chaos: a reset, a dropped answer, a stall and a 503, each once, are retried and recovered from", async () => {
  for (
    const fault of [
      { kind: "reset" },
      { kind: "close" },
      { kind: "stall" },
      { kind: "status", status: 503 },
      { kind: "truncate" },
      { kind: "stall-body", bytes: 10 },
    ] as const
  ) {
    await withChaos([{ path: "/simple/demo/", fault, times: 1 }], async (server) => {
      // A stall is waited out: a short timeout for those.
      const http = client(fault.kind.startsWith("stall") ? { timeout: 0.3 } : {});
      try {
        const page = await http.get(server.url + "demo/");
        assertEquals(page.status, 200, fault.kind);
        assertStringIncludes(new TextDecoder().decode(page.body), WHEEL.filename);
        assertEquals(server.requests.length, 2, fault.kind);
      } finally {
        http.close();
      }
    });
  }
});

Deno.test("chaos: a download cut short resumes; a corrupted one is a hash mismatch and leaves nothing", async () => {
  await withChaos(
    [{ path: "/files/", fault: { kind: "truncate", bytes: 100 }, times: 1 }],
    async (server, tmp) => {
      const http = client({ cache: new HttpCache(join(tmp, "http")) });
      try {
        const checks = [{ source: "the index", allowed: { sha256: [SHA256] } }];
        const result = await http.download(server.fileUrl(WHEEL.filename), join(tmp, "a.whl"), {
          checks,
        });
        assertEquals(result.digests["sha256"], SHA256);
        assertEquals(server.requests.at(-1)?.headers["range"], "bytes=100-");
        server.setRules([{ path: "/files/", fault: { kind: "corrupt" } }]);
        const fresh = client({ cache: new HttpCache(join(tmp, "fresh")) });
        try {
          await assertRejects(
            () => fresh.download(server.fileUrl(WHEEL.filename), join(tmp, "b.whl"), { checks }),
            HashMismatchError,
          );
        } finally {
          fresh.close();
        }
        assertEquals([...Deno.readDirSync(tmp)].map((e) => e.name).sort(), [
          "a.whl",
          "fresh",
          "http",
        ]);
        assertEquals(await filesUnder(join(tmp, "fresh")), []);
      } finally {
        http.close();
      }
    },
  );
});

Deno.test("chaos: a download whose connection fails after its last byte is complete, not a 416", async () => {
  await withChaos(
    [{ path: "/files/", fault: { kind: "overlong" }, times: 1 }],
    async (server, tmp) => {
      const http = client();
      try {
        const checks = [{ source: "the index", allowed: { sha256: [SHA256] } }];
        const result = await http.download(server.fileUrl(WHEEL.filename), join(tmp, "a.whl"), {
          checks,
        });
        assertEquals([result.size, result.digests["sha256"]], [WHEEL.bytes.length, SHA256]);
        assertEquals(server.requests.map((r) => r.headers["range"]), [
          undefined,
          `bytes=${WHEEL.bytes.length}-`,
        ]);
      } finally {
        http.close();
      }
    },
  );
});

Deno.test("chaos: a gzip bomb is stopped at the limit, naming the URL and the limit", async () => {
  const bomb = await gzipBomb(64 * MiB);
  assert(bomb.length < MiB, "the bomb is small on the wire");
  await withChaos([{
    path: "/simple/demo/",
    fault: {
      kind: "body",
      body: bomb,
      headers: { "content-type": "text/html", "content-encoding": "gzip" },
    },
  }], async (server) => {
    const http = client({ limits: { page: MiB } });
    try {
      const error = await assertRejects(
        () => http.get(server.url.replace("http://", "http://user:pw@") + "demo/"),
        BodyTooLargeError,
      );
      assertEquals(
        error.message,
        `The response from http://user:****@127.0.0.1:${server.port}/simple/demo/ is larger than 1 MiB, dpip's limit for pages`,
      );
      assertStringIncludes(error.hint ?? "", "DPIP_MAX_PAGE_SIZE");
      assertEquals(server.requests.length, 1, "not retried");
    } finally {
      http.close();
    }
  });
});

Deno.test("chaos: a body announced bigger than the limit is refused before it is read", async () => {
  const big = new Uint8Array(3 * MiB);
  await withChaos(
    [{ path: "/files/", fault: { kind: "body", body: big } }],
    async (server, tmp) => {
      const http = client({ limits: { metadata: MiB } });
      try {
        const url = server.fileUrl(WHEEL.filename) + ".metadata";
        const error = await assertRejects(
          () => http.get(url, { limit: "metadata" }),
          BodyTooLargeError,
        );
        assertStringIncludes(error.message, "larger than 1 MiB, dpip's limit for metadata");
        // A local file too.
        await Deno.writeFile(join(tmp, "page.html"), big);
        await assertRejects(
          () => http.get(`file://${tmp}/page.html`, { limit: "metadata" }),
          BodyTooLargeError,
        );
      } finally {
        http.close();
      }
    },
  );
});

Deno.test("chaos: a body trickled byte by byte fails at its deadline, without retries", async () => {
  await withChaos(
    [{ path: "/simple/demo/", fault: { kind: "slow-loris", intervalMs: 2 } }],
    async (server) => {
      const http = client({ timeout: 0.05 });
      try {
        const error = await assertRejects(() => http.get(server.url + "demo/"), NetworkError);
        assertEquals(
          error.message,
          `Could not fetch ${server.url}demo/: the answer did not arrive whole within 0.4 s (8 × --timeout)`,
        );
        assertEquals(server.requests.length, 1);
      } finally {
        http.close();
      }
    },
  );
});

Deno.test("chaos: redirects to file: and redirect loops fail at once with what happened", async () => {
  await withChaos([
    { path: "/simple/file/", fault: { kind: "redirect", location: "file:///etc/passwd" } },
    { path: "/simple/loop/", fault: { kind: "redirect", location: "/simple/loop/" } },
  ], async (server) => {
    for (const trusted of [false, true]) {
      // With a trusted host, redirects are followed hop by hop by dpip itself.
      const http = client(trusted ? { trustedHosts: ["example.invalid"] } : {});
      try {
        await assertRejects(
          () => http.get(server.url + "file/"),
          NetworkError,
          `Could not fetch ${server.url}file/: it redirects to a URL that is not http or https`,
        );
        await assertRejects(
          () => http.get(server.url + "loop/"),
          NetworkError,
          `Could not fetch ${server.url}loop/: too many redirects`,
        );
      } finally {
        http.close();
      }
    }
    assertEquals(server.requests.filter((r) => r.path === "/simple/file/").length, 2);
  });
});

Deno.test("chaos: a refused connection is retried twice, then the origin fails at once for the run", async () => {
  const port = closedPort();
  const http = new HttpClient({ retries: 5, backoffMs: 1 });
  try {
    const first = await assertRejects(
      () => http.get(`http://127.0.0.1:${port}/simple/a/`),
      NetworkError,
      `Could not fetch http://127.0.0.1:${port}/simple/a/: connection refused (after 3 attempts)`,
    );
    assertEquals(first.repeated, false);
    const second = await assertRejects(
      () => http.get(`http://127.0.0.1:${port}/simple/b/`),
      NetworkError,
      "connection refused (not tried again: it failed earlier in this run)",
    );
    assertEquals(second.repeated, true);
  } finally {
    http.close();
  }
});

Deno.test("chaos: a range request the server ignores comes back without its body", async () => {
  await withChaos([{ path: "/files/", fault: { kind: "no-ranges" } }], async (server) => {
    const http = client();
    try {
      const answer = await http.getRange(server.fileUrl(WHEEL.filename), "bytes=-100");
      assertEquals(answer, { status: 200, body: new Uint8Array() });
      server.setRules([]);
      const ranged = await http.getRange(server.fileUrl(WHEEL.filename), "bytes=-100");
      assertEquals(ranged, { status: 206, body: WHEEL.bytes.slice(-100) });
    } finally {
      http.close();
    }
  });
});

Deno.test("get(): a body that fails its checks is an error and is not cached; a bad cache entry is not used", async () => {
  const metadata = new TextEncoder().encode("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n");
  const metadataSha256 = await crypto.subtle.digest("SHA-256", metadata)
    .then((d) => [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join(""));
  const server = await startChaosServer({ files: [{ ...WHEEL, metadata }] });
  const tmp = await Deno.makeTempDir({ prefix: "dpip-chaos-" });
  const http = client({ cache: new HttpCache(join(tmp, "http")) });
  const url = server.fileUrl(WHEEL.filename) + ".metadata";
  const checks = [{ source: "the index", allowed: { sha256: [metadataSha256] } }];
  try {
    server.setRules([{ path: ".metadata", fault: { kind: "corrupt" } }]);
    const error = await assertRejects(() => http.get(url, { checks }), HashMismatchError);
    assertStringIncludes(error.message, `Hash mismatch for ${WHEEL.filename}.metadata`);
    // Without checks the corrupted body is cached (the server says it is immutable)…
    assertEquals((await http.get(url)).fromCache, false);
    assertEquals((await http.get(url)).fromCache, true);
    server.setRules([]);
    // …but a request with checks does not take it, and replaces it.
    const good = await http.get(url, { checks });
    assertEquals([good.fromCache, good.body], [false, metadata]);
    assertEquals((await http.get(url, { checks })).fromCache, true);
  } finally {
    http.close();
    await server.close();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("download(): a fresh cache entry that fails the checks is fetched again, not an error", async () => {
  await withChaos([{ path: "/files/", fault: { kind: "corrupt" } }], async (server, tmp) => {
    const http = client({ cache: new HttpCache(join(tmp, "http")) });
    const url = server.fileUrl(WHEEL.filename);
    try {
      // A download without checks (a URL with no hash) keeps what the server sent.
      await http.download(url, join(tmp, "a.whl"));
      server.setRules([]);
      const checks = [{ source: "the index", allowed: { sha256: [SHA256] } }];
      const result = await http.download(url, join(tmp, "b.whl"), { checks });
      assertEquals([result.fromCache, result.digests["sha256"]], [false, SHA256]);
      const again = await http.download(url, join(tmp, "c.whl"), { checks });
      assertEquals(again.fromCache, true);
      assert(isDpipError(
        await http.download(url, join(tmp, "d.whl"), {
          checks: [{ source: "the requirement", allowed: { sha256: ["00"] } }],
        }).catch((e) => e),
        "hash-mismatch",
      ));
    } finally {
      http.close();
    }
  });
});

Deno.test("HttpCache: an entry record too big to be one is a miss, not read", async () => {
  await withChaos([], async (server, tmp) => {
    const cache = new HttpCache(join(tmp, "http"));
    const http = client({ cache });
    try {
      const url = server.fileUrl(WHEEL.filename);
      await http.get(url);
      const [record] = (await filesUnder(join(tmp, "http"))).filter((p) => p.endsWith(".json"));
      assert(record !== undefined);
      assert(await cache.lookup(url, "*/*") !== undefined);
      const text = await Deno.readTextFile(record);
      await Deno.writeTextFile(record, text.replace("{", `{"padding":"${"x".repeat(MiB)}",`));
      assertEquals(await cache.lookup(url, "*/*"), undefined);
    } finally {
      http.close();
    }
  });
});
