/**
 * `--trusted-host` for HTTPS in the HTTP client: trusted hosts skip
 * certificate verification (through `node:https`), every other host keeps it,
 * and the trusted path keeps the client's features (streaming downloads with
 * hashes, retries, timeouts, redirects, proxies).
 */

import { join } from "node:path";
import { HttpCache } from "../../lib/net/http_cache.ts";
import { HttpClient, NetworkError, SIMPLE_ACCEPT } from "../../lib/net/http_client.ts";
import { isTrustedHost } from "../../lib/net/node_https.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../helpers/assert.ts";
import {
  type IndexServer,
  type IndexServerOptions,
  startIndexServer,
  wheelFile,
} from "../helpers/index_server.ts";
import { skipUnless } from "../helpers/python.ts";
import { makeCertificates } from "./certificates.ts";

const certificates = await makeCertificates();
const ignore = skipUnless(certificates, "openssl to make certificates");
const selfSigned = certificates?.selfSigned ?? { cert: "", key: "" };

const WHEEL = wheelFile({
  name: "demo",
  version: "1.0",
  files: { "demo/__init__.py": "x = 1\n".repeat(50_000) },
});
const SHA256 = await crypto.subtle.digest("SHA-256", WHEEL.bytes as Uint8Array<ArrayBuffer>)
  .then((d) => [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join(""));

async function withSelfSigned(
  options: IndexServerOptions,
  fn: (server: IndexServer, tmp: string) => Promise<void>,
): Promise<void> {
  const server = await startIndexServer({ files: [WHEEL], tls: selfSigned, ...options });
  const tmp = await Deno.makeTempDir({ prefix: "dpip-net-tls-" });
  try {
    await fn(server, tmp);
  } finally {
    await server.close();
    await Deno.remove(tmp, { recursive: true });
  }
}

Deno.test("isTrustedHost(): host, host:port, default ports, IPv6, case", () => {
  const cases: [string, string[], boolean][] = [
    ["https://mirror.example/simple/", ["mirror.example"], true],
    ["https://MIRROR.example:8443/simple/", ["mirror.EXAMPLE"], true],
    ["https://mirror.example:8443/simple/", ["mirror.example:8443"], true],
    ["https://mirror.example:8443/simple/", ["mirror.example:443"], false],
    ["https://mirror.example/simple/", ["mirror.example:443"], true],
    ["http://mirror.example/simple/", ["mirror.example:80"], true],
    ["https://mirror.example/simple/", ["other.example", "mirror.example"], true],
    ["https://sub.mirror.example/simple/", ["mirror.example"], false],
    ["https://mirror.example/simple/", [], false],
    ["https://[::1]:8443/simple/", ["::1"], true],
    ["https://[::1]:8443/simple/", ["[::1]"], true],
    ["https://[::1]:8443/simple/", ["[::1]:8443"], true],
    ["https://[::1]:8443/simple/", ["[::1]:9000"], false],
    ["https://127.0.0.1:8443/", [" 127.0.0.1 "], true],
  ];
  for (const [url, trusted, expected] of cases) {
    assertEquals(isTrustedHost(new URL(url), trusted), expected, `${url} ${trusted.join(",")}`);
  }
});

Deno.test({
  name: "trusted host: a self-signed HTTPS index works only for the host trusted",
  ignore,
  fn: () =>
    withSelfSigned({}, async (server, tmp) => {
      const host = new URL(server.url).host;
      const untrusted = new HttpClient({ retries: 2, backoffMs: 1 });
      const trusted = new HttpClient({
        trustedHosts: ["127.0.0.1"],
        cache: new HttpCache(join(tmp, "http")),
      });
      const byPort = new HttpClient({ trustedHosts: [host] });
      const otherPort = new HttpClient({ retries: 0, trustedHosts: ["127.0.0.1:1"] });
      const otherName = new HttpClient({ retries: 0, trustedHosts: ["localhost"] });
      try {
        const error = await assertRejects(
          () => untrusted.get(server.url + "demo/"),
          NetworkError,
          `TLS error with ${host}: the server's certificate was refused: its issuer is not a trusted certificate authority (UnknownIssuer), fetching ${server.url}demo/`,
        );
        assert(!error.message.includes("attempts"), "a certificate error is not retried");
        assertEquals(
          error.hint,
          `the server's certificate could not be verified: pass its CA bundle with --cert, or, for a host you trust, --trusted-host ${host}`,
        );
        for (const client of [otherPort, otherName]) {
          await assertRejects(() => client.get(server.url + "demo/"), NetworkError, "certificate");
        }
        assertEquals(server.requests.length, 0);

        const page = await trusted.get(server.url + "demo/", { accept: SIMPLE_ACCEPT });
        assertEquals(page.status, 200);
        assertEquals(page.url, `${server.url}demo/`);
        assertEquals(page.contentType, "application/vnd.pypi.simple.v1+json");
        assertStringIncludes(new TextDecoder().decode(page.body), WHEEL.filename);
        assertEquals((await byPort.get(server.url + "demo/")).status, 200);
        // The cache revalidates through the trusted path too (a 304 with no body).
        const again = await trusted.get(server.url + "demo/", { accept: SIMPLE_ACCEPT });
        assertEquals(again.body, page.body);
        assertEquals(server.requests.at(-1)?.status, 304);
        assertEquals((await trusted.get(server.url + "nothing/")).status, 404);

        const dest = join(tmp, WHEEL.filename);
        const progress: number[] = [];
        const result = await trusted.download(server.fileUrl(WHEEL.filename), dest, {
          checks: [{ source: "the index", allowed: { sha256: [SHA256] } }],
          onProgress: (received) => progress.push(received),
        });
        assertEquals(result.digests["sha256"], SHA256);
        assertEquals(await Deno.readFile(dest), WHEEL.bytes);
        assertEquals(progress.at(-1), WHEEL.bytes.length);
        const range = await trusted.getRange(server.fileUrl(WHEEL.filename), "bytes=-100");
        assertEquals(range.status, 206);
        assertEquals(range.body, WHEEL.bytes.slice(-100));
      } finally {
        for (const client of [untrusted, trusted, byPort, otherPort, otherName]) client.close();
      }
    }),
});

Deno.test({
  name: "trusted host: dropped connections resume with Range and stalls time out, then retry",
  ignore,
  fn: () =>
    withSelfSigned({
      faults: [
        { path: "/files/", kind: "truncate", times: 1 },
        { path: "/simple/", kind: "delay", delayMs: 1500, times: 1 },
      ],
    }, async (server, tmp) => {
      const client = new HttpClient({ trustedHosts: ["127.0.0.1"], timeout: 0.3, backoffMs: 1 });
      try {
        assertEquals((await client.get(server.url + "demo/")).status, 200);
        assertEquals(server.requests.filter((r) => r.path === "/simple/demo/").length, 2);
        const dest = join(tmp, WHEEL.filename);
        await client.download(server.fileUrl(WHEEL.filename), dest, {
          checks: [{ source: "the index", allowed: { sha256: [SHA256] } }],
        });
        assertEquals(await Deno.readFile(dest), WHEEL.bytes);
        const files = server.requests.filter((r) => r.path.startsWith("/files/"));
        assertEquals(files.length, 2);
        assertStringIncludes(files[1]?.range ?? "", "bytes=");
      } finally {
        client.close();
      }
    }),
});

Deno.test({
  name: "trusted host: redirects are followed hop by hop, each hop verified unless trusted",
  ignore,
  fn: () =>
    withSelfSigned({}, async (server) => {
      const seen: string[] = [];
      const redirector = Deno.serve(
        { hostname: "127.0.0.1", port: 0, ...selfSigned, onListen() {} },
        (request) => {
          seen.push(request.headers.get("authorization") ?? "-");
          return Response.redirect(server.url + "demo/", 302);
        },
      );
      const start = `https://u:p@127.0.0.1:${redirector.addr.port}/simple/demo/`;
      const both = new HttpClient({ trustedHosts: ["127.0.0.1"] });
      const first = new HttpClient({
        retries: 0,
        trustedHosts: [`127.0.0.1:${redirector.addr.port}`],
      });
      try {
        const page = await both.get(start);
        assertEquals(page.status, 200);
        assertEquals(page.url, server.url + "demo/");
        assertEquals(seen, [`Basic ${btoa("u:p")}`]);
        assertEquals(server.requests[0]?.authorization, null, "credentials stay on their origin");
        await assertRejects(() => first.get(start), NetworkError, "certificate");
        assertEquals(server.requests.length, 1);
      } finally {
        both.close();
        first.close();
        await redirector.shutdown();
      }
    }),
});

/** A minimal `CONNECT` proxy on 127.0.0.1 that logs each request line and its credentials. */
function startConnectProxy(): { url: string; seen: string[]; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const seen: string[] = [];
  const tunnels: Deno.Conn[] = [];
  const serve = async (client: Deno.Conn) => {
    const buffer = new Uint8Array(8192);
    let head = "";
    while (!head.includes("\r\n\r\n")) {
      const n = await client.read(buffer);
      if (n === null) return client.close();
      head += new TextDecoder().decode(buffer.subarray(0, n));
    }
    const [line = "", ...rest] = head.split("\r\n");
    const auth = rest.find((h) => h.toLowerCase().startsWith("proxy-authorization:"));
    seen.push(`${line} ${auth?.slice(auth.indexOf(":") + 1).trim() ?? "-"}`);
    const [hostname = "", port = ""] = (line.split(" ")[1] ?? "").split(":");
    const upstream = await Deno.connect({ hostname, port: Number(port) });
    tunnels.push(client, upstream);
    await client.write(new TextEncoder().encode("HTTP/1.1 200 Connection established\r\n\r\n"));
    await Promise.all([
      client.readable.pipeTo(upstream.writable).catch(() => {}),
      upstream.readable.pipeTo(client.writable).catch(() => {}),
    ]);
  };
  (async () => {
    for await (const connection of listener) serve(connection).catch(() => {});
  })().catch(() => {});
  const address = listener.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${address.port}`,
    seen,
    close() {
      listener.close();
      for (const conn of tunnels) {
        try {
          conn.close();
        } catch {
          // Already closed by its pipe.
        }
      }
    },
  };
}

Deno.test({
  name: "trusted host: a proxy is reached with a CONNECT tunnel, with its credentials",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withSelfSigned({}, async (server) => {
      const proxy = startConnectProxy();
      const client = new HttpClient({
        trustedHosts: ["127.0.0.1"],
        proxy: proxy.url.replace("http://", "http://pu:pp@"),
      });
      try {
        assertEquals((await client.get(server.url + "demo/")).status, 200);
        assertEquals(proxy.seen, [
          `CONNECT ${new URL(server.url).host} HTTP/1.1 Basic ${btoa("pu:pp")}`,
        ]);
        assertEquals(server.requests.length, 1);
      } finally {
        client.close();
        proxy.close();
      }
    }),
});

Deno.test({
  name: "trusted host: other hosts keep the verified fetch and its pooled connections",
  ignore,
  fn: async () => {
    const server = await startIndexServer({ files: [WHEEL], tls: certificates?.server });
    const ca = await Deno.readTextFile(certificates?.caPath ?? "");
    const plain = new HttpClient({ caCerts: [ca] });
    const withTrusted = new HttpClient({ caCerts: [ca], trustedHosts: ["other.example"] });
    try {
      // Counted, not timed: the connections 30 requests take, and how they came.
      const requests = async (client: HttpClient) => {
        const before = server.requests.length;
        for (let i = 0; i < 30; i++) {
          await client.getRange(server.fileUrl(WHEEL.filename), "bytes=0-9");
        }
        const made = server.requests.slice(before);
        return {
          connections: new Set(made.map((r) => r.clientPort)).size,
          // Deno's fetch speaks HTTP/2 here (no Host, no Connection header); node:https does not.
          transports: [
            ...new Set(made.map((r) => r.headers.has("connection") ? "node:https" : "fetch")),
          ],
        };
      };
      const viaPlain = await requests(plain);
      assertEquals(viaPlain, { connections: 1, transports: ["fetch"] });
      // Untrusted hosts take the same verified fetch; only manual redirects differ.
      assertEquals(await requests(withTrusted), viaPlain);
    } finally {
      plain.close();
      withTrusted.close();
      await server.close();
    }
  },
});
