/**
 * End-to-end TLS options of `dpip download`: `--client-cert` against a Python
 * `ssl` server that requires a client certificate from a CA made with
 * openssl, and `--trusted-host` for HTTPS hosts with a self-signed
 * certificate (verification skipped for that host only). dpip runs in-process
 * through `main(args, io)`, isolated from the machine's pip configuration.
 */

import { join } from "node:path";
import { captureIo } from "../../lib/cli/io.ts";
import { main } from "../../lib/cli/main.ts";
import { dirNames } from "../helpers/dir_names.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { startChaosServer } from "../helpers/chaos_server.ts";
import { startIndexServer, wheelFile } from "../helpers/index_server.ts";
import { oraclePython, skipUnless } from "../helpers/python.ts";
import { writeWheel } from "../helpers/wheel_builder.ts";
import { makeCertificates, type TestCertificates } from "../net/certificates.ts";

const python = await oraclePython();
const certificates = await makeCertificates();
const ignore = skipUnless(python, "a Python 3.11 interpreter") ||
  skipUnless(certificates, "openssl to make certificates");

const DEMO = wheelFile({ name: "demo", version: "1.0", files: { "demo/__init__.py": "" } });

interface Run {
  status: number;
  out: string;
  err: string;
}

/** Runs dpip in `cwd` with a clean environment (no pip.conf), no retries. */
async function dpip(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const io = captureIo({
    env: {
      HOME: cwd,
      PATH: Deno.env.get("PATH") ?? "",
      PIP_CONFIG_FILE: "/dev/null",
      XDG_CACHE_HOME: join(cwd, "cache"),
      ...env,
    },
    cwd,
    terminal: false,
  });
  const status = await main([...args, "--python", python ?? "python3", "--retries", "0"], io);
  return { status, out: io.out(), err: io.err() };
}

/** Serves `root` over HTTPS with `ssl` + `http.server`, requiring a client certificate. */
const CLIENT_CERT_SERVER = `
import functools, http.server, ssl, sys
root, ca, cert, key = sys.argv[1:5]
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
context.load_verify_locations(ca)
context.verify_mode = ssl.CERT_REQUIRED
class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=root))
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
`;

/** A PEP 503 index of one wheel in `root`, served by Python; returns its URL and a stopper. */
async function startClientCertIndex(
  root: string,
  certs: TestCertificates,
): Promise<{ url: string; close(): Promise<void> }> {
  const wheel = await writeWheel(join(root, "files"), {
    name: "demo",
    version: "1.0",
    files: { "demo/__init__.py": "" },
  });
  await Deno.mkdir(join(root, "simple", "demo"), { recursive: true });
  await Deno.writeTextFile(
    join(root, "simple", "demo", "index.html"),
    `<!DOCTYPE html><html><body><a href="../../files/${wheel.filename}#sha256=${wheel.sha256}">${wheel.filename}</a></body></html>\n`,
  );
  await Deno.writeTextFile(join(certs.dir, "server-bundle.key"), certs.server.key);
  await Deno.writeTextFile(join(certs.dir, "server-bundle.pem"), certs.server.cert);
  const child = new Deno.Command(python ?? "python3", {
    args: [
      "-c",
      CLIENT_CERT_SERVER,
      root,
      certs.caPath,
      join(certs.dir, "server-bundle.pem"),
      join(certs.dir, "server-bundle.key"),
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let line = "";
  while (!line.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the Python TLS server did not start");
    line += value;
  }
  reader.releaseLock();
  return {
    url: `https://127.0.0.1:${line.trim()}/simple/`,
    async close() {
      child.kill("SIGTERM");
      await child.status;
      await child.stdout.cancel().catch(() => {});
    },
  };
}

Deno.test({
  name: "tls: --client-cert is sent to a server that requires one; without it the error is clear",
  ignore,
  fn: async () => {
    const certs = certificates as TestCertificates;
    const tmp = await Deno.makeTempDir({ prefix: "dpip-e2e-tls-" });
    const index = await startClientCertIndex(join(tmp, "index"), certs);
    try {
      const download = (dir: string, ...options: string[]) =>
        dpip(tmp, ["download", "--no-deps", ...options, "-i", index.url, "demo", "-d", dir]);
      const without = await download("none", "--cert", certs.caPath);
      assertEquals(without.status, 1);
      assertMatch(
        without.err,
        /^ERROR: TLS error with 127\.0\.0\.1:(\d+): the server requires a client certificate, fetching https:\/\/127\.0\.0\.1:\1\/simple\/demo\/\n/,
      );
      assertStringIncludes(
        without.err,
        "hint: the server asks for a client certificate: pass one with --client-cert",
      );
      assertEquals(without.err.split("\n").length, 3, "one error line and one hint");
      assertEquals(await dirNames(join(tmp, "none")), []);

      const verified = await download(
        "ok",
        "--cert",
        certs.caPath,
        "--client-cert",
        certs.clientPemPath,
      );
      assertEquals(verified.status, 0, verified.err);
      assertEquals(await dirNames(join(tmp, "ok")), [DEMO.filename]);

      // Trusted instead of verified: the unverified path sends the client certificate too.
      const trusted = await download(
        "trusted",
        "--no-cache-dir",
        "--trusted-host",
        "127.0.0.1",
        "--client-cert",
        certs.clientPemPath,
      );
      assertEquals(trusted.status, 0, trusted.err);
      assertEquals(await dirNames(join(tmp, "trusted")), [DEMO.filename]);
    } finally {
      await index.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name: "tls: --trusted-host accepts a self-signed HTTPS index for that host only",
  ignore,
  fn: async () => {
    const certs = certificates as TestCertificates;
    const tmp = await Deno.makeTempDir({ prefix: "dpip-e2e-tls-" });
    const first = await startIndexServer({ files: [DEMO], tls: certs.selfSigned });
    const second = await startIndexServer({ files: [DEMO], tls: certs.selfSigned });
    const firstHost = new URL(first.url).host;
    const download = (index: string, dir: string, ...options: string[]) =>
      dpip(tmp, ["download", "--no-deps", ...options, "-i", index, "demo", "-d", dir]);
    try {
      const refused = await download(first.url, "refused");
      assertEquals(refused.status, 1);
      assertMatch(
        refused.err,
        /^ERROR: TLS error with 127\.0\.0\.1:(\d+): the server's certificate was refused: its issuer is not a trusted certificate authority \(UnknownIssuer\), fetching https:\/\/127\.0\.0\.1:\1\/simple\/demo\/\n/,
      );
      assertStringIncludes(
        refused.err,
        `hint: the server's certificate could not be verified: pass its CA bundle with --cert, or, for a host you trust, --trusted-host ${firstHost}`,
      );
      assertEquals(refused.err.split("\n").length, 3);
      assertEquals(first.requests.length, 0);

      const trusted = await download(first.url, "trusted", "--trusted-host", "127.0.0.1");
      assertEquals(trusted.status, 0, trusted.err);
      assertEquals(trusted.err, "");
      assertEquals(await dirNames(join(tmp, "trusted")), [DEMO.filename]);

      // host:port trusts that port only: the same certificate elsewhere still fails.
      const other = await download(second.url, "other", "--trusted-host", firstHost);
      assertEquals(other.status, 1);
      assertStringIncludes(other.err, `certificate was refused`);
      assertStringIncludes(other.err, `fetching ${second.url}demo/`);
      assertEquals(second.requests.length, 0);
      // Another name for the same server is another host.
      const byName = first.url.replace("127.0.0.1", "localhost");
      const named = await download(byName, "named", "--trusted-host", "127.0.0.1");
      assertEquals(named.status, 1);
      assertStringIncludes(named.err, `fetching ${byName}demo/`);

      // The environment variable and a requirements file's --trusted-host work too.
      const viaEnv = await download(first.url, "env", "--no-cache-dir");
      assertEquals(viaEnv.status, 1);
      const env = await dpip(
        tmp,
        ["download", "--no-deps", "--no-cache-dir", "-i", first.url, "demo", "-d", "env"],
        { PIP_TRUSTED_HOST: firstHost },
      );
      assertEquals(env.status, 0, env.err);
      await Deno.writeTextFile(join(tmp, "reqs.txt"), `--trusted-host ${firstHost}\ndemo\n`);
      const file = await dpip(tmp, [
        "download",
        "--no-deps",
        "--no-cache-dir",
        "-i",
        first.url,
        "-r",
        join(tmp, "reqs.txt"),
        "-d",
        "file",
      ]);
      assertEquals(file.status, 0, file.err);
      assertEquals(await dirNames(join(tmp, "file")), [DEMO.filename]);
      assert(first.requests.every((r) => r.status === 200 || r.status === 304));
    } finally {
      await first.close();
      await second.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

/** pip 23.2.1 (the oracle), isolated from the machine's configuration and CA variables. */
async function pip(cwd: string, args: string[]): Promise<Run> {
  const result = await new Deno.Command(python ?? "python3", {
    args: ["-m", "pip", ...args],
    cwd,
    clearEnv: true,
    env: {
      HOME: cwd,
      PATH: Deno.env.get("PATH") ?? "",
      PIP_CONFIG_FILE: "/dev/null",
      PIP_DISABLE_PIP_VERSION_CHECK: "1",
      PIP_NO_CACHE_DIR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    status: result.code,
    out: decoder.decode(result.stdout),
    err: decoder.decode(result.stderr),
  };
}

Deno.test({
  name: "tls: --cert accepts a self-signed certificate that is its own CA, as pip does",
  ignore,
  fn: async () => {
    const certs = certificates as TestCertificates;
    const tmp = await Deno.makeTempDir({ prefix: "dpip-e2e-tls-" });
    const server = await startIndexServer({ files: [DEMO], tls: certs.selfSignedCa });
    const download = (dir: string, ...options: string[]) =>
      dpip(tmp, ["download", "--no-deps", ...options, "-i", server.url, "demo", "-d", dir]);
    try {
      const ours = await download("ours", "--cert", certs.selfSignedCaPath);
      assertEquals(ours.status, 0, ours.err);
      assertEquals(await dirNames(join(tmp, "ours")), [DEMO.filename]);
      const theirs = await pip(tmp, [
        "download",
        "--no-deps",
        "--cert",
        certs.selfSignedCaPath,
        "-i",
        server.url,
        "demo",
        "-d",
        "theirs",
      ]);
      assertEquals(theirs.status, 0, theirs.err);
      assertEquals(await dirNames(join(tmp, "theirs")), [DEMO.filename]);
      // It is still a verification: with another bundle it is refused.
      const other = await download("other", "--no-cache-dir", "--cert", certs.caPath);
      assertEquals(other.status, 1);
      assertStringIncludes(other.err, "TLS error with 127.0.0.1:");
    } finally {
      await server.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "tls: a TLS failure on --find-links, an index page or a file is a TLS error naming the host",
  ignore,
  fn: async () => {
    const certs = certificates as TestCertificates;
    const tmp = await Deno.makeTempDir({ prefix: "dpip-e2e-tls-" });
    const secure = await startIndexServer({ files: [DEMO], tls: certs.selfSigned });
    const host = new URL(secure.url).host;
    // A plain index whose file redirects to the HTTPS server.
    const plain = await startIndexServer({ files: [DEMO] });
    const redirecting = await startChaosServer({
      files: [DEMO],
      rules: [{
        path: /\.whl$/,
        fault: { kind: "redirect", location: secure.fileUrl(DEMO.filename) },
      }],
    });
    const refused =
      `the server's certificate was refused: its issuer is not a trusted certificate authority (UnknownIssuer)`;
    try {
      const links = `${secure.url}demo/`;
      const alone = await dpip(tmp, [
        "download",
        "--no-index",
        "--find-links",
        links,
        "demo",
        "-d",
        "a",
      ]);
      assertEquals(alone.status, 1);
      assertEquals(
        alone.err.split("\n")[0],
        `ERROR: TLS error with ${host}: ${refused}, fetching ${links}`,
      );
      assertStringIncludes(alone.err, `hint: the server's certificate could not be verified`);
      // Beside an index that answers: a warning naming it, and the index is used.
      const beside = await dpip(tmp, [
        "download",
        "--find-links",
        links,
        "-i",
        plain.url,
        "demo",
        "-d",
        "b",
      ]);
      assertEquals(beside.status, 0, beside.err);
      assertEquals(
        beside.err,
        `WARNING: Skipping find-links source ${links}: TLS error with ${host}: ${refused}, fetching ${links}\n`,
      );
      // A file on the HTTPS host, reached by a redirect.
      const file = await dpip(tmp, [
        "download",
        "--no-cache-dir",
        "-i",
        redirecting.url,
        "demo",
        "-d",
        "c",
      ]);
      assertEquals(file.status, 1);
      assertEquals(
        file.err.split("\n")[0],
        `ERROR: TLS error with ${host}: ${refused}, fetching ${redirecting.fileUrl(DEMO.filename)}`,
      );
      assertEquals(await dirNames(join(tmp, "c")), []);
    } finally {
      await secure.close();
      await plain.close();
      await redirecting.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
