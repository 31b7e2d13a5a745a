/**
 * End-to-end tests of `dpip download`, `dpip index versions` and `dpip hash`
 * against the in-process index server: every feature of the index client,
 * fault injection, auth, proxies and redaction. dpip runs in-process
 * through `main(args, io)`, isolated from the machine's pip configuration.
 */

import { join } from "node:path";
import { main } from "../../lib/cli/main.ts";
import { captureIo } from "../../lib/cli/io.ts";
import { formatSize } from "../../lib/cli/progress.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import {
  type IndexFile,
  type IndexServer,
  type IndexServerOptions,
  startIndexServer,
  wheelFile,
} from "../helpers/index_server.ts";
import { oraclePython, skipUnless } from "../helpers/python.ts";

const python = await oraclePython();
const ignore = skipUnless(python, "a Python 3.11 interpreter");

const DEMO_ANY = wheelFile({ name: "demo", version: "1.0", files: { "demo/__init__.py": "" } });
const DEMO_2 = wheelFile({ name: "demo", version: "2.0", files: { "demo/__init__.py": "x=2" } });
const DEMO_SDIST: IndexFile = { filename: "demo-2.0.tar.gz", bytes: new Uint8Array(300).fill(7) };

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory) {
        out.push(...(await files(join(dir, entry.name))).map((f) => `${entry.name}/${f}`));
      } else out.push(entry.name);
    }
  } catch {
    // Missing directory: no files.
  }
  return out.sort();
}

interface Run {
  status: number;
  out: string;
  err: string;
}

interface Env {
  tmp: string;
  server: IndexServer;
  run(args: string[], options?: { env?: Record<string, string>; terminal?: boolean }): Promise<Run>;
}

async function withIndex(
  serverOptions: IndexServerOptions,
  fn: (env: Env) => Promise<void>,
): Promise<void> {
  const server = await startIndexServer(serverOptions);
  const tmp = await Deno.makeTempDir({ prefix: "dpip-e2e-dl-" });
  const baseEnv = {
    HOME: tmp,
    PATH: Deno.env.get("PATH") ?? "",
    PIP_CONFIG_FILE: "/dev/null",
    XDG_CACHE_HOME: join(tmp, "xdg-cache"),
  };
  const run = async (
    args: string[],
    options: { env?: Record<string, string>; terminal?: boolean } = {},
  ): Promise<Run> => {
    const io = captureIo({
      env: { ...baseEnv, ...(options.env ?? {}) },
      cwd: tmp,
      terminal: options.terminal ?? false,
    });
    const status = await main([...args, "--python", python ?? "python3", "--retries", "2"], io);
    return { status, out: io.out(), err: io.err() };
  };
  try {
    await fn({ tmp, server, run });
  } finally {
    await server.close();
    await Deno.remove(tmp, { recursive: true });
  }
}

Deno.test({
  name: "download: the best file, pip's output, and the HTTP cache on a second run",
  ignore,
  fn: () =>
    withIndex({ files: [DEMO_ANY, DEMO_2, DEMO_SDIST] }, async ({ tmp, server, run }) => {
      const first = await run(["download", "--no-deps", "-i", server.url, "demo", "-d", "out"]);
      assertEquals(first.err, "");
      assertEquals(first.status, 0);
      assertEquals(
        first.out,
        [
          `Looking in indexes: ${server.url}`,
          "Collecting demo",
          `  Downloading ${DEMO_2.filename} (${formatSize(DEMO_2.bytes.length)})`,
          `Saved ./out/${DEMO_2.filename}`,
          "Successfully downloaded demo",
          "",
        ].join("\n"),
      );
      assertEquals(await Deno.readFile(join(tmp, "out", DEMO_2.filename)), DEMO_2.bytes);
      assertEquals(server.requests.map((r) => r.path), [
        "/simple/demo/",
        `/files/${DEMO_2.filename}`,
      ]);
      assertStringIncludes(server.requests[0]?.accept ?? "", "application/vnd.pypi.simple.v1+json");
      // Again into another directory: the file comes from the cache, the page is revalidated.
      const second = await run(["download", "--no-deps", "-i", server.url, "demo", "-d", "again"]);
      assertEquals(second.status, 0);
      assertStringIncludes(second.out, `  Using cached ${DEMO_2.filename}`);
      assertEquals(server.requests.length, 3);
      assertEquals(server.requests[2]?.status, 304);
      // Into the same directory: already there.
      const third = await run(["download", "--no-deps", "-i", server.url, "demo", "-d", "out"]);
      assertStringIncludes(
        third.out,
        `  File was already downloaded ${join(tmp, "out", DEMO_2.filename)}`,
      );
      assert(!third.out.includes("Saved"));
    }),
});

Deno.test({
  name: "download: specifiers, --prefer-binary, --only-binary, --no-binary, pre-releases",
  ignore,
  fn: () =>
    withIndex({
      files: [DEMO_ANY, DEMO_SDIST, wheelFile({ name: "demo", version: "3.0b1" })],
      formats: ["html"],
    }, async ({ tmp, server, run }) => {
      const dl = async (...args: string[]) => {
        const result = await run(["download", "--no-deps", "-i", server.url, "-d", "d", ...args]);
        return { ...result, files: await files(join(tmp, "d")) };
      };
      assertEquals((await dl("demo")).files, ["demo-2.0.tar.gz"]);
      await Deno.remove(join(tmp, "d"), { recursive: true });
      assertEquals((await dl("demo", "--prefer-binary")).files, [DEMO_ANY.filename]);
      await Deno.remove(join(tmp, "d"), { recursive: true });
      assertEquals((await dl("demo<2")).files, [DEMO_ANY.filename]);
      await Deno.remove(join(tmp, "d"), { recursive: true });
      assertEquals((await dl("demo", "--pre")).files, ["demo-3.0b1-py3-none-any.whl"]);
      await Deno.remove(join(tmp, "d"), { recursive: true });
      assertEquals((await dl("demo", "--only-binary", ":all:")).files, [DEMO_ANY.filename]);
      await Deno.remove(join(tmp, "d"), { recursive: true });
      const none = await dl("demo<2", "--no-binary", "demo");
      assertEquals(none.status, 1);
      // Explained as install explains it (the resolver's words), not pip's one line.
      assertEquals(
        none.err,
        "ERROR: Cannot download demo<2: no set of versions satisfies them\n" +
          "Because you require demo<2, which cannot be used (--no-binary forbids its wheels), we can conclude that your requirements are unsatisfiable.\n",
      );
      assertEquals(none.files, []);
    }),
});

Deno.test({
  name: "download: Requires-Python and yanked files, with pip's warning for a pinned yanked file",
  ignore,
  fn: () =>
    withIndex({
      files: [
        DEMO_ANY,
        { ...DEMO_2, yanked: "broken build" },
        wheelFile({ name: "demo", version: "3.0" }, { requiresPython: ">=3.99" }),
      ],
    }, async ({ tmp, server, run }) => {
      const plain = await run(["download", "--no-deps", "-i", server.url, "demo", "-d", "a"]);
      assertEquals(await files(join(tmp, "a")), [DEMO_ANY.filename]);
      assertEquals(plain.err, "");
      const pinned = await run(["download", "--no-deps", "-i", server.url, "demo==2.0", "-d", "b"]);
      assertEquals(await files(join(tmp, "b")), [DEMO_2.filename]);
      assertEquals(
        pinned.err,
        `WARNING: The candidate selected for download or install is a yanked version: 'demo' candidate (version 2.0 at ${DEMO_2.filename})\nReason for being yanked: broken build\n`,
      );
      const newer = await run(["download", "--no-deps", "-i", server.url, "demo>=3", "-d", "c"]);
      assertEquals(newer.status, 1);
      assertEquals(
        newer.err.replace(/3\.\d+\.\d+\b/g, "3.X"),
        "ERROR: Cannot download demo>=3: no set of versions satisfies them\n" +
          "Because you require demo>=3, which requires Python>=3.99 (the target is 3.X), we can conclude that your requirements are unsatisfiable.\n" +
          "hint: demo 3.0 requires Python>=3.99, but the target Python is 3.X (--ignore-requires-python skips this check)\n",
      );
      const ignored = await run([
        "download",
        "--no-deps",
        "--ignore-requires-python",
        "-i",
        server.url,
        "demo>=3",
        "-d",
        "c",
      ]);
      assertEquals(ignored.status, 0);
    }),
});

Deno.test({
  name: "download: 5xx answers are retried; persistent failure leaves nothing behind",
  ignore,
  fn: () =>
    withIndex({
      files: [DEMO_ANY],
      faults: [
        { path: "/simple/demo/", kind: "status", status: 503, times: 1 },
        { path: "/files/", kind: "status", status: 500, times: 2 },
      ],
    }, async ({ tmp, server, run }) => {
      const ok = await run(["download", "--no-deps", "-i", server.url, "demo", "-d", "ok"]);
      assertEquals(ok.status, 0, ok.err);
      assertEquals(server.requests.map((r) => r.status), [503, 200, 500, 500, 200]);
      server.setFaults([{ path: "/files/", kind: "status", status: 502 }]);
      const bad = await run([
        "download",
        "--no-deps",
        "--cache-dir",
        "fresh-cache",
        "-i",
        server.url,
        "demo",
        "-d",
        "bad",
      ]);
      assertEquals(bad.status, 1);
      assertEquals(
        bad.err,
        `ERROR: HTTP 502 for ${server.fileUrl(DEMO_ANY.filename)} (after 3 attempts)\n`,
      );
      assertEquals(await files(join(tmp, "bad")), []);
      // Only the project page reached the fresh cache; no temporary file is left.
      const cached = await files(join(tmp, "fresh-cache"));
      assertEquals(cached.filter((f) => f.endsWith(".body")).length, 1);
      assert(!cached.some((f) => f.endsWith(".tmp")));
    }),
});

Deno.test({
  name:
    "download: a dropped connection resumes; a truncated file that never completes fails cleanly",
  ignore,
  fn: () =>
    withIndex({
      files: [DEMO_ANY],
      faults: [{ path: "/files/", kind: "truncate", bytes: 200, times: 1 }],
    }, async ({ tmp, server, run }) => {
      const ok = await run(["download", "--no-deps", "-i", server.url, "demo", "-d", "ok"]);
      assertEquals(ok.status, 0, ok.err);
      assertEquals(await Deno.readFile(join(tmp, "ok", DEMO_ANY.filename)), DEMO_ANY.bytes);
      assertEquals(server.requests.filter((r) => r.range !== null).map((r) => r.range), [
        "bytes=200-",
      ]);
      server.setFaults([{ path: "/files/", kind: "drop" }]);
      const bad = await run([
        "download",
        "--no-deps",
        "--no-cache-dir",
        "-i",
        server.url,
        "demo",
        "-d",
        "bad",
      ]);
      assertEquals(bad.status, 1);
      assertMatch(
        bad.err,
        /^ERROR: Could not fetch http:\/\/127\.0\.0\.1:\d+\/files\/demo-1\.0-py3-none-any\.whl: connection lost after 0 bytes: .* \(after 3 attempts\)\n/,
      );
      assertEquals(await files(join(tmp, "bad")), []);
    }),
});

Deno.test({
  name: "download: a corrupted file fails the index hash; --hash and --require-hashes",
  ignore,
  fn: async () => {
    const good = await sha256(DEMO_ANY.bytes);
    await withIndex(
      { files: [DEMO_ANY], faults: [{ path: "/files/", kind: "corrupt", times: 1 }] },
      async ({ tmp, server, run }) => {
        const corrupt = await run(["download", "--no-deps", "-i", server.url, "demo", "-d", "x"]);
        assertEquals(corrupt.status, 1);
        assertMatch(
          corrupt.err,
          new RegExp(
            `^ERROR: Hash mismatch for ${DEMO_ANY.filename}: the index expected sha256:${good}, got sha256:[0-9a-f]{64}\n`,
          ),
        );
        assertEquals(await files(join(tmp, "x")), []);
        // Only the page is cached: the corrupted file never reached the cache.
        assertEquals(
          (await files(join(tmp, "xdg-cache"))).filter((f) => f.endsWith(".body")).length,
          1,
        );
        const req = join(tmp, "req.txt");
        await Deno.writeTextFile(req, `demo==1.0 --hash=sha256:${good}\n`);
        // A relative -r path is read from the working directory (tmp), not the process's.
        const ok = await run([
          "download",
          "--no-deps",
          "-i",
          server.url,
          "-r",
          "req.txt",
          "-d",
          "ok",
        ]);
        assertEquals(ok.status, 0, ok.err);
        await Deno.writeTextFile(req, `demo==1.0 --hash=sha256:${"0".repeat(64)}\n`);
        const wrong = await run([
          "download",
          "--no-deps",
          "--no-cache-dir",
          "-i",
          server.url,
          "-r",
          req,
          "-d",
          "wrong",
        ]);
        assertEquals(wrong.status, 1);
        // No file matches the hash, so pip's rule keeps them all and the check fails.
        assertEquals(
          wrong.err.split("\n")[0],
          `ERROR: Hash mismatch for ${DEMO_ANY.filename}: the requirement expected sha256:${
            "0".repeat(64)
          }, got sha256:${good}`,
        );
        assertEquals(await files(join(tmp, "wrong")), []);
        await Deno.writeTextFile(req, "demo>=1.0 --hash=sha256:00\n");
        const unpinned = await run([
          "download",
          "--no-deps",
          "-i",
          server.url,
          "-r",
          req,
          "-d",
          "u",
        ]);
        assertEquals(
          unpinned.err.split("\n")[0],
          "ERROR: In --require-hashes mode, all requirements must have their versions pinned with ==. These do not: demo>=1.0",
        );
        const missing = await run([
          "download",
          "--no-deps",
          "--require-hashes",
          "-i",
          server.url,
          "demo==1.0",
          "-d",
          "m",
        ]);
        assertEquals(missing.status, 1);
        assertStringIncludes(missing.err, `demo==1.0 --hash=sha256:${good}`);
        assertEquals(await files(join(tmp, "m")), []);
      },
    );
  },
});

Deno.test({
  name: "download: a --hash that does not match the served bytes names expected and got",
  ignore,
  fn: async () => {
    const good = await sha256(DEMO_ANY.bytes);
    // The index advertises no hash, so only the user's hash is checked (after download).
    await withIndex({ files: [{ ...DEMO_ANY, hashes: {} }] }, async ({ tmp, server, run }) => {
      const req = join(tmp, "req.txt");
      await Deno.writeTextFile(req, `demo==1.0 --hash=sha256:${"0".repeat(64)}\n`);
      const wrong = await run(["download", "--no-deps", "-i", server.url, "-r", req, "-d", "w"]);
      assertEquals(wrong.status, 1);
      assertStringIncludes(
        wrong.err,
        `ERROR: Hash mismatch for ${DEMO_ANY.filename}: the requirement expected sha256:${
          "0".repeat(64)
        }, got sha256:${good}\n`,
      );
      assertEquals(await files(join(tmp, "w")), []);
    });
  },
});

Deno.test({
  name: "download: basic auth from the URL (redacted in output), .netrc, and a clear 401",
  ignore,
  fn: () =>
    withIndex(
      { files: [DEMO_ANY], auth: { username: "alice", password: "s3cr3t" } },
      async ({ tmp, server, run }) => {
        const withCreds = server.url.replace("http://", "http://alice:s3cr3t@");
        const ok = await run(["download", "--no-deps", "-i", withCreds, "demo", "-d", "a"]);
        assertEquals(ok.status, 0, ok.err);
        assertStringIncludes(
          ok.out,
          `Looking in indexes: ${server.url.replace("http://", "http://alice:****@")}`,
        );
        assert(!ok.out.includes("s3cr3t") && !ok.err.includes("s3cr3t"));
        // A direct URL with credentials: downloaded, and shown redacted.
        const direct = await run([
          "download",
          "--no-deps",
          `demo @ ${server.fileUrl(DEMO_ANY.filename).replace("http://", "http://alice:s3cr3t@")}`,
          "-d",
          "direct",
        ]);
        assertEquals(direct.status, 0, direct.err);
        assertStringIncludes(direct.out, "Collecting demo @ http://alice:****@127.0.0.1:");
        assert(!direct.out.includes("s3cr3t") && !direct.err.includes("s3cr3t"));
        assertEquals(await files(join(tmp, "direct")), [DEMO_ANY.filename]);
        const netrc = join(tmp, "netrc");
        await Deno.writeTextFile(netrc, "machine 127.0.0.1 login alice password s3cr3t\n");
        const viaNetrc = await run(["download", "--no-deps", "-i", server.url, "demo", "-d", "b"], {
          env: { NETRC: netrc },
        });
        assertEquals(viaNetrc.status, 0, viaNetrc.err);
        const denied = await run([
          "download",
          "--no-deps",
          "-i",
          server.url.replace("http://", "http://alice:wrong@"),
          "demo",
          "-d",
          "c",
        ]);
        assertEquals(denied.status, 1);
        assertEquals(
          denied.err,
          `ERROR: HTTP 401 for ${server.url.replace("http://", "http://alice:****@")}demo/\n` +
            "hint: the index needs credentials: put them in the URL, in .netrc, or use --keyring-provider subprocess\n",
        );
      },
    ),
});

Deno.test({
  name: "download: --proxy and HTTP_PROXY go through a proxy",
  ignore,
  fn: () =>
    withIndex({ files: [DEMO_ANY] }, async ({ server, run }) => {
      const seen: string[] = [];
      const proxy = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (r) => {
        seen.push(new URL(r.url).pathname);
        const response = await fetch(r.url, { headers: r.headers });
        return new Response(response.body, { status: response.status, headers: response.headers });
      });
      try {
        const proxyUrl = `http://127.0.0.1:${proxy.addr.port}`;
        const viaFlag = await run([
          "download",
          "--no-deps",
          "--no-cache-dir",
          "--proxy",
          proxyUrl,
          "-i",
          server.url,
          "demo",
          "-d",
          "a",
        ]);
        assertEquals(viaFlag.status, 0, viaFlag.err);
        const viaEnv = await run(
          ["download", "--no-deps", "--no-cache-dir", "-i", server.url, "demo", "-d", "b"],
          { env: { HTTP_PROXY: proxyUrl } },
        );
        assertEquals(viaEnv.status, 0, viaEnv.err);
        assertEquals(seen, [
          "/simple/demo/",
          `/files/${DEMO_ANY.filename}`,
          "/simple/demo/",
          `/files/${DEMO_ANY.filename}`,
        ]);
      } finally {
        await proxy.shutdown();
      }
    }),
});

Deno.test({
  name: "download: foreign targets (--platform, --python-version, --implementation, --abi)",
  ignore,
  fn: () =>
    withIndex({
      files: [
        DEMO_SDIST,
        wheelFile({ name: "demo", version: "2.0", tags: "cp312-cp312-win_amd64" }),
        wheelFile({ name: "demo", version: "2.0", tags: "cp311-cp311-manylinux_2_17_x86_64" }),
      ],
    }, async ({ tmp, server, run }) => {
      const win = await run([
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--platform",
        "win_amd64",
        "--python-version",
        "3.12",
        "--implementation",
        "cp",
        "--abi",
        "cp312",
        "-i",
        server.url,
        "demo",
        "-d",
        "win",
      ]);
      assertEquals(win.status, 0, win.err);
      assertEquals(await files(join(tmp, "win")), ["demo-2.0-cp312-cp312-win_amd64.whl"]);
      // With dependencies, a foreign target uses wheels only (pip demands --only-binary=:all:
      // for that); asking for a source distribution is refused.
      const implied = await run(["download", "--platform", "win_amd64", "--python-version", "3.12"]
        .concat(["-i", server.url, "demo", "-d", "implied"]));
      assertEquals(implied.status, 0, implied.err);
      assertEquals(await files(join(tmp, "implied")), ["demo-2.0-cp312-cp312-win_amd64.whl"]);
      const refused = await run([
        "download",
        "--platform",
        "win_amd64",
        "--no-binary",
        "demo",
        "-i",
        server.url,
        "demo",
        "-d",
        "x",
      ]);
      assertEquals(refused.status, 2);
      assertStringIncludes(
        refused.err,
        "--no-binary demo asks for source distributions, which cannot be used for another platform",
      );
    }),
});

Deno.test({
  name: "download: --find-links directories and pages, --no-index, file:// indexes",
  ignore,
  fn: () =>
    withIndex({ files: [DEMO_ANY] }, async ({ tmp, server, run }) => {
      const links = join(tmp, "links");
      await Deno.mkdir(links);
      await Deno.writeFile(join(links, DEMO_2.filename), DEMO_2.bytes);
      await Deno.writeTextFile(join(links, "notes.txt"), "not a distribution");
      const local = await run([
        "download",
        "--no-deps",
        "--no-index",
        "-f",
        "links",
        "demo",
        "-d",
        "a",
      ]);
      assertEquals(local.status, 0, local.err);
      assertStringIncludes(local.out, `Looking in links: file://${links}`);
      assertEquals(await files(join(tmp, "a")), [DEMO_2.filename]);
      // A remote find-links page (the server's project page serves as one) merged with nothing else.
      const page = await run([
        "download",
        "--no-deps",
        "--no-index",
        "-f",
        `${server.url}demo/`,
        "demo",
        "-d",
        "b",
      ]);
      assertEquals(page.status, 0, page.err);
      assertEquals(await files(join(tmp, "b")), [DEMO_ANY.filename]);
      // A file:// index laid out like a simple index.
      const simple = join(tmp, "simple", "demo");
      await Deno.mkdir(simple, { recursive: true });
      await Deno.writeTextFile(
        join(simple, "index.html"),
        `<a href="../../links/${DEMO_2.filename}">x</a>`,
      );
      const fileIndex = await run([
        "download",
        "--no-deps",
        "-i",
        `file://${tmp}/simple`,
        "demo",
        "-d",
        "c",
      ]);
      assertEquals(fileIndex.status, 0, fileIndex.err);
      assertEquals(await files(join(tmp, "c")), [DEMO_2.filename]);
      const missing = await run(["download", "--no-deps", "--no-index", "nothing", "-d", "d"]);
      assertEquals(missing.status, 1);
      assertEquals(
        missing.err,
        "ERROR: Cannot download nothing: no set of versions satisfies them\n" +
          "Because you require nothing, which was not found in the package index, we can conclude that your requirements are unsatisfiable.\n" +
          "hint: no index has a project named 'nothing'\n",
      );
    }),
});

Deno.test({
  name: "download: --index-strategy first-index stops at the first index that has the project",
  ignore,
  fn: () =>
    withIndex({ files: [DEMO_ANY] }, async ({ tmp, server, run }) => {
      const other = await startIndexServer({ files: [DEMO_2] });
      try {
        const merged = await run([
          "download",
          "--no-deps",
          "-i",
          server.url,
          "--extra-index-url",
          other.url,
          "demo",
          "-d",
          "m",
        ]);
        assertEquals(merged.status, 0, merged.err);
        assertEquals(await files(join(tmp, "m")), [DEMO_2.filename]);
        const first = await run([
          "download",
          "--no-deps",
          "--index-strategy",
          "first-index",
          "-i",
          server.url,
          "--extra-index-url",
          other.url,
          "demo",
          "-d",
          "f",
        ]);
        assertEquals(first.status, 0, first.err);
        assertEquals(await files(join(tmp, "f")), [DEMO_ANY.filename]);
        assertEquals(other.requests.filter((r) => r.path === "/simple/demo/").length, 1);
      } finally {
        await other.close();
      }
    }),
});

Deno.test({
  name: "download: progress bars only on a terminal, and never with --progress-bar off",
  ignore,
  fn: () =>
    withIndex({ files: [DEMO_ANY] }, async ({ server, run }) => {
      const tty = await run(
        ["download", "--no-deps", "--no-cache-dir", "-i", server.url, "demo", "-d", "t"],
        { terminal: true },
      );
      assertEquals(tty.status, 0, tty.err);
      assertStringIncludes(tty.err, "1/1 files");
      assertStringIncludes(tty.err, "\x1b[");
      const off = await run(
        [
          "download",
          "--no-deps",
          "--no-cache-dir",
          "--progress-bar",
          "off",
          "-i",
          server.url,
          "demo",
          "-d",
          "o",
        ],
        { terminal: true },
      );
      assertEquals(off.err, "");
      const pipe = await run([
        "download",
        "--no-deps",
        "--no-cache-dir",
        "-i",
        server.url,
        "demo",
        "-d",
        "q",
      ]);
      assertEquals(pipe.err, "");
    }),
});

Deno.test({
  name: "index versions: pip's text output and --json",
  ignore,
  fn: () =>
    withIndex({
      files: [
        DEMO_ANY,
        DEMO_2,
        { ...wheelFile({ name: "demo", version: "2.5" }), yanked: true },
        wheelFile({ name: "demo", version: "3.0rc1" }),
      ],
    }, async ({ server, run }) => {
      const text = await run(["index", "versions", "demo", "-i", server.url]);
      assertEquals(text.status, 0, text.err);
      assertEquals(text.out, "demo (2.0)\nAvailable versions: 2.0, 1.0\n");
      const pre = await run(["index", "versions", "demo", "--pre", "--json", "-i", server.url]);
      assertEquals(JSON.parse(pre.out), {
        name: "demo",
        versions: ["3.0rc1", "2.0", "1.0"],
        latest: "3.0rc1",
      });
      const none = await run(["index", "versions", "nothing", "-i", server.url]);
      assertEquals(none.status, 1);
      assertStringIncludes(none.err, "No matching distribution found for nothing");
      const noAction = await run(["index", "-i", server.url]);
      assertEquals(noAction.err.split("\n")[0], "ERROR: Need an action (versions) to perform.");
    }),
});

Deno.test({
  name: "hash: pip's output for each file and algorithm; a clear error for a missing file",
  ignore,
  fn: () =>
    withIndex({}, async ({ tmp, run }) => {
      await Deno.writeTextFile(join(tmp, "a.txt"), "abc");
      const result = await run(["hash", "a.txt"]);
      assertEquals(
        result.out,
        "a.txt:\n--hash=sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n",
      );
      const sha512 = await run(["hash", "-a", "sha512", "a.txt"]);
      assertMatch(sha512.out, /^a\.txt:\n--hash=sha512:ddaf35a193617aba[0-9a-f]{112}\n$/);
      const missing = await run(["hash", "nope.whl"]);
      assertEquals(missing.status, 1);
      assertEquals(missing.err, "ERROR: Cannot hash nope.whl: no such file\n");
    }),
});

Deno.test({
  name: "download: without --no-deps, dependencies are resolved and downloaded",
  ignore,
  fn: () =>
    withIndex({
      files: [
        wheelFile({
          name: "app",
          version: "1.0",
          metadata: { requiresDist: ["lib>=2", "other; python_version < '3'"] },
        }),
        wheelFile({ name: "lib", version: "1.0" }),
        wheelFile({ name: "lib", version: "2.1" }),
        wheelFile({ name: "other", version: "1.0" }),
      ],
    }, async ({ tmp, server, run }) => {
      const result = await run(["download", "-i", server.url, "app", "-d", "d"]);
      assertEquals(result.status, 0, result.err);
      assertEquals(await files(join(tmp, "d")), [
        "app-1.0-py3-none-any.whl",
        "lib-2.1-py3-none-any.whl",
      ]);
      assertStringIncludes(result.out, "Successfully downloaded app lib\n");
      // The metadata came from the PEP 658 files, not from the wheels.
      assert(server.requests.some((r) => r.path.endsWith(".whl.metadata")));
      const pinned = join(tmp, "req.txt");
      await Deno.writeTextFile(
        pinned,
        `app==1.0 --hash=sha256:${await sha256(
          wheelFile({
            name: "app",
            version: "1.0",
            metadata: { requiresDist: ["lib>=2", "other; python_version < '3'"] },
          }).bytes,
        )}\n`,
      );
      const hashed = await run(["download", "-i", server.url, "-r", pinned, "-d", "h"]);
      assertEquals(hashed.status, 1);
      assertStringIncludes(hashed.err, "Hashes are required in --require-hashes mode");
      assertStringIncludes(hashed.err, "lib==2.1 --hash=sha256:");
      assertEquals(await files(join(tmp, "h")), ["app-1.0-py3-none-any.whl"]);
    }),
});

/** A private CA and a server certificate for 127.0.0.1 signed by it (PEM), made with openssl. */
async function privateCertificate(dir: string): Promise<{ cert: string; key: string } | undefined> {
  const openssl = (args: string[]) =>
    new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "null" }).output();
  try {
    await Deno.writeTextFile(
      join(dir, "leaf.ext"),
      "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    );
    const steps = [
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem"]
        .concat(["-days", "1", "-subj", "/CN=dpip test CA"]),
      ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "leaf.csr"]
        .concat(["-subj", "/CN=127.0.0.1"]),
      ["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key"]
        .concat(["-CAcreateserial", "-out", "cert.pem", "-days", "1", "-extfile", "leaf.ext"]),
    ];
    for (const step of steps) if (!(await openssl(step)).success) return undefined;
    return {
      cert: await Deno.readTextFile(join(dir, "cert.pem")),
      key: await Deno.readTextFile(join(dir, "key.pem")),
    };
  } catch {
    return undefined;
  }
}

const certDir = await Deno.makeTempDir({ prefix: "dpip-cert-" });
const certificate = await privateCertificate(certDir);

Deno.test({
  name: "download: HTTPS with --cert trusts a private CA; without it the error is clear",
  ignore: ignore || skipUnless(certificate, "openssl to make a certificate"),
  fn: async () => {
    try {
      await withIndex({ files: [DEMO_ANY], tls: certificate }, async ({ tmp, server, run }) => {
        assert(server.url.startsWith("https://"));
        const ok = await run([
          "download",
          "--no-deps",
          "--cert",
          join(certDir, "ca.pem"),
          "-i",
          server.url,
          "demo",
          "-d",
          "ok",
        ]);
        assertEquals(ok.status, 0, ok.err);
        assertEquals(await files(join(tmp, "ok")), [DEMO_ANY.filename]);
        const untrusted = await run([
          "download",
          "--no-deps",
          "--retries",
          "0",
          "-i",
          server.url,
          "demo",
          "-d",
          "no",
        ]);
        assertEquals(untrusted.status, 1);
        assertMatch(
          untrusted.err,
          /^ERROR: TLS error with 127\.0\.0\.1:\d+: the server's certificate was refused: .*, fetching https:\/\/127\.0\.0\.1:\d+\/simple\/demo\/\n/,
        );
        // One line, not retried (a certificate does not get better), then dpip's hint.
        assertEquals(untrusted.err.split("\n").length, 3);
        assert(!untrusted.err.includes("attempts"));
      });
    } finally {
      await Deno.remove(certDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "download: --keyring-provider subprocess asks the keyring command after a 401",
  ignore,
  fn: () =>
    withIndex(
      { files: [DEMO_ANY], auth: { username: "bob", password: "from-keyring" } },
      async ({ tmp, server, run }) => {
        const bin = join(tmp, "bin");
        await Deno.mkdir(bin);
        await Deno.writeTextFile(
          join(bin, "keyring"),
          `#!/bin/sh\nif [ "$1" = get ] && [ "$3" = bob ]; then echo from-keyring; exit 0; fi\nexit 1\n`,
        );
        await Deno.chmod(join(bin, "keyring"), 0o755);
        const withUser = server.url.replace("http://", "http://bob@");
        const env = { PATH: `${bin}:${Deno.env.get("PATH") ?? ""}` };
        const ok = await run(
          [
            "download",
            "--no-deps",
            "--keyring-provider",
            "subprocess",
            "-i",
            withUser,
            "demo",
            "-d",
            "k",
          ],
          { env },
        );
        assertEquals(ok.status, 0, ok.err);
        assertEquals(await files(join(tmp, "k")), [DEMO_ANY.filename]);
        const without = await run(["download", "--no-deps", "-i", withUser, "demo", "-d", "n"], {
          env,
        });
        assertEquals(without.status, 1);
      },
    ),
});

Deno.test({
  name: "download: -q hides pip's informational lines, -qq the warnings too",
  ignore,
  fn: () =>
    withIndex(
      { files: [DEMO_ANY, { ...DEMO_2, yanked: "broken build" }] },
      async ({ tmp, server, run }) => {
        const args = ["download", "--no-deps", "-i", server.url, "demo==2.0"];
        const quiet = await run([...args, "-q", "-d", "q"]);
        assertEquals([quiet.status, quiet.out], [0, ""]);
        assertMatch(
          quiet.err,
          /^WARNING: The candidate selected for download or install is a yanked version/,
        );
        assertEquals(await files(join(tmp, "q")), [DEMO_2.filename]);
        const silent = await run([...args, "-qq", "-d", "qq"]);
        assertEquals([silent.status, silent.out, silent.err], [0, "", ""]);
        assertEquals(await files(join(tmp, "qq")), [DEMO_2.filename]);
      },
    ),
});

Deno.test({
  name: "download: files start as soon as their page is read; a requirement that fails leaves none",
  ignore,
  async fn() {
    await withIndex(
      { files: [DEMO_ANY], faults: [{ path: "/simple/missing/", kind: "delay", delayMs: 300 }] },
      async ({ tmp, server, run }) => {
        const result = await run([
          "download",
          "--no-deps",
          "-i",
          server.url,
          "demo",
          "missing",
          "-d",
          "d",
        ]);
        assertEquals(result.status, 1);
        assertMatch(result.err, /^ERROR: Cannot download demo, missing: no set of versions/);
        // demo's file was fetched while missing's page was still on its way, then removed.
        assert(server.requests.some((r) => r.path === `/files/${DEMO_ANY.filename}`));
        assertEquals(await files(join(tmp, "d")), []);
      },
    );
  },
});
