/**
 * Revalidating cached `http:` pages without `fetch` (lib/net/revalidator.ts),
 * against a TCP server written here, so each answer is exactly the bytes a
 * test wants, including broken ones.
 */

import { join } from "node:path";
import { HttpCache } from "../../lib/net/http_cache.ts";
import { HttpClient, NetworkError } from "../../lib/net/http_client.ts";
import { MAX_HEAD_BYTES, parseHead, Revalidator } from "../../lib/net/revalidator.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";

/** What the server does with one request: answer these bytes, or hang, or close. */
type Answer = string | "hang" | "close";

/** A server whose n-th request (over all connections) gets `answer(n, request)`. */
function rawServer(answer: (n: number, request: string) => Answer) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const requests: string[] = [];
  const conns = new Set<Deno.Conn>();
  let connections = 0;
  const serve = async (conn: Deno.Conn): Promise<void> => {
    connections++;
    conns.add(conn);
    const buffer = new Uint8Array(64 * 1024);
    let pending = "";
    try {
      for (;;) {
        const end = pending.indexOf("\r\n\r\n");
        if (end === -1) {
          const read = await conn.read(buffer);
          if (read === null) return;
          pending += new TextDecoder().decode(buffer.subarray(0, read));
          continue;
        }
        const request = pending.slice(0, end);
        pending = pending.slice(end + 4);
        requests.push(request);
        const reply = answer(requests.length, request);
        if (reply === "hang") return await new Promise<void>(() => {});
        if (reply === "close") return;
        await conn.write(new TextEncoder().encode(reply));
      }
    } catch {
      // the client went away
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch {
        // closed already
      }
    }
  };
  const accepting = (async () => {
    for await (const conn of listener) serve(conn);
  })();
  const { port } = listener.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}/simple/demo/`,
    requests,
    get connections() {
      return connections;
    },
    async close() {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // closed already
        }
      }
      await accepting.catch(() => {});
    },
  };
}

const PAGE = "<a href='demo-1.0.tar.gz'>demo-1.0.tar.gz</a>";
const OK = (body: string, etag = '"v1"') =>
  `HTTP/1.1 200 OK\r\ncontent-type: text/html\r\netag: ${etag}\r\ncontent-length: ${
    new TextEncoder().encode(body).length
  }\r\n\r\n${body}`;
const NOT_MODIFIED = 'HTTP/1.1 304 Not Modified\r\netag: "v1"\r\n\r\n';

/** Runs `fn` with a client caching in a new directory, `fetch` counted. */
async function withClient(
  fn: (client: HttpClient, fetches: () => number) => Promise<void>,
  options: { timeout?: number; retries?: number } = {},
): Promise<void> {
  const tmp = await Deno.makeTempDir({ prefix: "dpip-reval-" });
  const client = new HttpClient({ cache: new HttpCache(join(tmp, "http-v1")), ...options });
  const original = globalThis.fetch;
  let fetches = 0;
  globalThis.fetch = ((...args: Parameters<typeof fetch>) => {
    fetches++;
    return original(...args);
  }) as typeof fetch;
  try {
    await fn(client, () => fetches);
  } finally {
    globalThis.fetch = original;
    client.close();
    await Deno.remove(tmp, { recursive: true });
  }
}

const text = (body: Uint8Array) => new TextDecoder().decode(body);

Deno.test("revalidation: a 304 is taken without fetch, on one kept-alive connection", async () => {
  const server = rawServer((n) => n === 1 ? OK(PAGE) : NOT_MODIFIED);
  try {
    await withClient(async (client, fetches) => {
      assertEquals((await client.get(server.url)).fromCache, false);
      assertEquals(fetches(), 1);
      for (let i = 0; i < 3; i++) {
        const again = await client.get(server.url);
        assertEquals([again.fromCache, text(again.body)], [true, PAGE]);
      }
      assertEquals(fetches(), 1);
      // fetch's own connection, and one more kept for the three revalidations.
      assertEquals(server.connections, 2);
      const last = server.requests.at(-1) ?? "";
      assert(/^GET \/simple\/demo\/ HTTP\/1\.1\r\n/.test(last), last);
      assert(/\r\nif-none-match: "v1"(\r\n|$)/.test(last), last);
      assert(/\r\nhost: 127\.0\.0\.1:\d+(\r\n|$)/.test(last), last);
      // As fetch asks, so that the server picks the representation whose validator is held.
      assert(/\r\naccept-encoding: gzip,br(\r\n|$)/.test(last), last);
    });
  } finally {
    await server.close();
  }
});

Deno.test("revalidation: a changed page (200) is asked again through fetch and replaces the entry", async () => {
  const server = rawServer((n) => n === 1 ? OK(PAGE) : OK("changed", '"v2"'));
  try {
    await withClient(async (client, fetches) => {
      await client.get(server.url);
      const changed = await client.get(server.url);
      assertEquals([changed.fromCache, text(changed.body)], [false, "changed"]);
      assertEquals(fetches(), 2);
      assertEquals(server.requests.length, 3);
    });
  } finally {
    await server.close();
  }
});

Deno.test("revalidation: bytes after a 304's head end that connection's reuse", async () => {
  const server = rawServer((n) => n === 1 ? OK(PAGE) : NOT_MODIFIED + "HTTP/1.1 304 x\r\n\r\n");
  try {
    await withClient(async (client, fetches) => {
      await client.get(server.url);
      assertEquals(text((await client.get(server.url)).body), PAGE);
      assertEquals(text((await client.get(server.url)).body), PAGE);
      assertEquals(fetches(), 1);
      assertEquals(server.connections, 3); // fetch's, then one per revalidation
    });
  } finally {
    await server.close();
  }
});

Deno.test("revalidation: a kept connection the server closed is replaced by a new one", async () => {
  // The second request's connection is closed by the server after its 304.
  const server = rawServer((n) => n === 1 ? OK(PAGE) : n === 3 ? "close" : NOT_MODIFIED);
  try {
    await withClient(async (client, fetches) => {
      await client.get(server.url);
      assertEquals(text((await client.get(server.url)).body), PAGE);
      assertEquals(text((await client.get(server.url)).body), PAGE);
      assertEquals(fetches(), 1);
      assertEquals(server.requests.length, 4);
    });
  } finally {
    await server.close();
  }
});

Deno.test("revalidation: a head over the limit, or malformed, is left to fetch", async () => {
  const huge = `HTTP/1.1 304 Not Modified\r\nx-filler: ${"a".repeat(MAX_HEAD_BYTES)}\r\n\r\n`;
  for (const bad of [huge, "HTTP/1.1 304 Not Modified\r\nx-bad\r\n\r\n"]) {
    const server = rawServer((n) => n === 2 ? bad : n === 1 ? OK(PAGE) : NOT_MODIFIED);
    try {
      await withClient(async (client, fetches) => {
        await client.get(server.url);
        assertEquals(text((await client.get(server.url)).body), PAGE);
        assertEquals(fetches(), 2);
      });
    } finally {
      await server.close();
    }
  }
});

Deno.test("revalidation: a server that never answers times out as any request does", async () => {
  const server = rawServer((n) => n === 1 ? OK(PAGE) : "hang");
  try {
    await withClient(async (client) => {
      await client.get(server.url);
      await assertRejects(() => client.get(server.url), NetworkError, "timed out");
    }, { timeout: 0.2, retries: 0 });
  } finally {
    await server.close();
  }
});

Deno.test("Revalidator: a header that cannot be written as is is not sent", async () => {
  const server = rawServer(() => NOT_MODIFIED);
  const revalidator = new Revalidator();
  try {
    const url = new URL(server.url);
    const signal = new AbortController().signal;
    assertEquals(
      await revalidator.notModified(url, { "if-none-match": '"a"\r\nx: y' }, signal),
      undefined,
    );
    assertEquals(await revalidator.notModified(url, { "bad name": "x" }, signal), undefined);
    assertEquals(server.connections, 0);
    const head = await revalidator.notModified(url, { "if-none-match": '"v1"' }, signal);
    assertEquals(head?.get("ETag"), '"v1"');
  } finally {
    revalidator.close();
    await server.close();
  }
});

Deno.test("parseHead: status, headers joined as Headers joins them, and whether to keep the connection", () => {
  const head = parseHead('HTTP/1.1 304 Not Modified\r\nVary: a\r\nvary: b\r\nETag:  "x" ');
  assertEquals([head?.status, head?.headers.get("vary"), head?.headers.get("etag")], [
    304,
    "a, b",
    '"x"',
  ]);
  assertEquals(head?.keepAlive, true);
  assertEquals(parseHead("HTTP/1.0 304 Not Modified")?.keepAlive, false);
  assertEquals(parseHead("HTTP/1.1 304 OK\r\nConnection: keep-alive, Close")?.keepAlive, false);
  for (
    const bad of [
      "HTTP/2 304",
      "HTTP/1.1 30x Not Modified",
      "HTTP/1.1 304 Not Modified\r\n folded",
      "HTTP/1.1 304 Not Modified\r\n: empty name",
      "HTTP/1.1 304 Not Modified\r\nx: a\u0000b",
      "HTTP/1.1 304 Not Modified\r\nx: caf\u00e9",
      "ICY 200 OK",
    ]
  ) {
    assertEquals(parseHead(bad), undefined, bad);
  }
});
