/**
 * Requirements and constraints files given by URL (`-r https://…`,
 * `-c http://…`) are fetched through dpip's HTTP client, as index pages are:
 * credentials in the URL, `--proxy`, `--cert` and `--trusted-host` for
 * HTTPS, the size bound on bodies read whole, and errors in one line with
 * the password redacted. Against servers on
 * 127.0.0.1 that the test starts.
 */

import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { wheelFile } from "../helpers/index_server.ts";
import { skipUnless } from "../helpers/python.ts";
import { makeCertificates } from "../net/certificates.ts";
import { dpip, python311 } from "./install_support.ts";

const certificates = await makeCertificates();

const AUTH = `Basic ${btoa("user:s3cret")}`;

/** A server of requirements files: `/reqs.txt` and `/pins.txt` need the password. */
function serveFiles(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/big.txt") return new Response(`# ${"x".repeat(4096)}\ndemo\n`);
    if (path !== "/reqs.txt" && path !== "/pins.txt") return new Response("", { status: 404 });
    if (request.headers.get("authorization") !== AUTH) {
      return new Response("", { status: 401, headers: { "www-authenticate": 'Basic realm="r"' } });
    }
    return new Response(path === "/reqs.txt" ? "demo\n" : "demo<2\n");
  });
}

/** A forward proxy that answers every request for `reqs.invalid` itself. */
function serveProxy(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const host = new URL(request.url).hostname;
    return host === "reqs.invalid" || request.headers.get("host") === "reqs.invalid"
      ? new Response("demo==1.0\n")
      : new Response("", { status: 502 });
  });
}

Deno.test({
  name: "-r/-c URLs go through dpip's HTTP client: credentials, proxy, size bound, redacted errors",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  sanitizeResources: false,
  fn: async (t) => {
    const home = await Deno.makeTempDir({ prefix: "dpip-requrl-" });
    const files = serveFiles();
    const proxy = serveProxy();
    try {
      const wheels = join(home, "wheels");
      await Deno.mkdir(wheels);
      for (const version of ["1.0", "2.0"]) {
        const wheel = wheelFile({ name: "demo", version, files: { "demo/__init__.py": "" } });
        await Deno.writeFile(join(wheels, wheel.filename), wheel.bytes);
      }
      const base = `http://127.0.0.1:${files.addr.port}`;
      const download = (args: string[], env: Record<string, string> = {}) =>
        dpip([
          "download",
          "--no-deps",
          "-d",
          join(home, "out"),
          "--no-index",
          "--find-links",
          wheels,
          "--python",
          python311!,
          "--retries",
          "0",
          ...args,
        ], { home, env });

      await t.step("credentials in the URL, for -r and -c", async () => {
        const result = await download([
          "-r",
          `http://user:s3cret@127.0.0.1:${files.addr.port}/reqs.txt`,
          "-c",
          `http://user:s3cret@127.0.0.1:${files.addr.port}/pins.txt`,
        ]);
        assertEquals(result.status, 0, result.stderr);
        assertStringIncludes(result.stdout, "Saved ");
        assertStringIncludes(result.stdout, "demo-1.0-py3-none-any.whl");
      });

      await t.step("a refusal is one line, without the password", async () => {
        const result = await download([
          "-r",
          `http://user:wrong@127.0.0.1:${files.addr.port}/reqs.txt`,
        ]);
        assertEquals(result.status, 1, result.stderr);
        assert(!result.stderr.includes("wrong"), result.stderr);
        assertEquals(
          result.stderr.trimEnd().split("\n").filter((l) => l.startsWith("ERROR:")).length,
          1,
        );
        assertStringIncludes(result.stderr, "HTTP 401");
      });

      await t.step("a missing file says not found", async () => {
        const result = await download(["-r", `${base}/missing.txt`]);
        assertEquals(result.status, 1, result.stderr);
        assertEquals(
          result.stderr,
          `ERROR: ${base}/missing.txt: cannot read: HTTP 404 (not found) for ${base}/missing.txt\n`,
        );
      });

      await t.step("the size bound of bodies read whole applies", async () => {
        const result = await download(["-r", `${base}/big.txt`], { DPIP_MAX_PAGE_SIZE: "1K" });
        assertEquals(result.status, 1, result.stderr);
        assertStringIncludes(result.stderr, `ERROR: ${base}/big.txt: cannot read: `);
        assert(!result.stderr.includes("unexpectedly"), result.stderr);
        const fits = await download(["-r", `${base}/big.txt`], { DPIP_MAX_PAGE_SIZE: "8K" });
        assertEquals(fits.status, 0, fits.stderr);
      });

      await t.step({
        name: "HTTPS: refused without --cert, read with it; --trusted-host for a self-signed host",
        ignore: certificates === undefined,
        fn: async () => {
          const certs = certificates!;
          const serveTls = (pair: { cert: string; key: string }) =>
            Deno.serve(
              { hostname: "127.0.0.1", port: 0, onListen: () => {}, ...pair },
              () => new Response("demo==1.0\n"),
            );
          const signed = serveTls(certs.server);
          const selfSigned = serveTls(certs.selfSigned);
          try {
            const url = `https://127.0.0.1:${signed.addr.port}/reqs.txt`;
            const refused = await download(["-r", url]);
            assertEquals(refused.status, 1, refused.stderr);
            assertStringIncludes(refused.stderr, `ERROR: ${url}: cannot read: TLS error`);
            assert(!refused.stderr.includes("unexpectedly"), refused.stderr);
            assertStringIncludes(
              refused.stderr,
              "\nhint: the server's certificate could not be verified",
            );
            const withCert = await download(["-r", url, "--cert", certs.caPath]);
            assertEquals(withCert.status, 0, withCert.stderr);
            const host = `127.0.0.1:${selfSigned.addr.port}`;
            const trusted = await download(["-r", `https://${host}/r.txt`, "--trusted-host", host]);
            assertEquals(trusted.status, 0, trusted.stderr);
          } finally {
            await signed.shutdown();
            await selfSigned.shutdown();
          }
        },
      });

      await t.step("--proxy carries the request", async () => {
        const result = await download([
          "-r",
          "http://reqs.invalid/reqs.txt",
          "--proxy",
          `http://127.0.0.1:${proxy.addr.port}`,
        ]);
        assertEquals(result.status, 0, result.stderr);
        assertStringIncludes(result.stdout, "demo-1.0-py3-none-any.whl");
      });
    } finally {
      await files.shutdown();
      await proxy.shutdown();
      await Deno.remove(home, { recursive: true });
    }
  },
});
