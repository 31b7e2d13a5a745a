/**
 * `dpip install` against the chaos index (`tests/helpers/chaos_server.ts`):
 * dropped, reset and stalled connections, 5xx answers, truncated and
 * corrupted files, redirects to other schemes and ports, compression bombs,
 * huge and trickled pages, unreachable indexes, missing files. Each case runs
 * `main(args, io)` in-process with short timeouts and asserts either success
 * (where retrying recovers, as pip would) or one clean `ERROR:` line, and in
 * both cases a virtual environment byte-identical to before.
 */

import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import {
  type ChaosFile,
  type ChaosRule,
  type ChaosServer,
  closedPort,
  gzipBomb,
  manyLinksPage,
  startChaosServer,
} from "../helpers/chaos_server.ts";
import { skipUnless } from "../helpers/python.ts";
import {
  demoWheel,
  dpip,
  makeVenv,
  python311,
  type RunResult,
  treeSnapshot,
} from "./install_support.ts";

const ignore = skipUnless(python311, "pyenv Python 3.11");
const MiB = 1024 * 1024;

/** `app` 1.0 needs `lib`; both have PEP 658 metadata. */
function demoIndex(): ChaosFile[] {
  return [
    demoWheel("app", "1.0", { metadata: { requiresDist: ["lib>=1"] } }),
    demoWheel("lib", "1.0"),
  ];
}

/** A home and a venv shared by the cases (made on first use, removed when the module unloads). */
let shared: Promise<{ home: string; venvRoot: string; python: string }> | undefined;
function environment(): Promise<{ home: string; venvRoot: string; python: string }> {
  shared ??= (async () => {
    const home = await Deno.makeTempDir({ prefix: "dpip-chaos-e2e-" });
    globalThis.addEventListener("unload", () => Deno.removeSync(home, { recursive: true }));
    const venv = await makeVenv(join(home, "venv"));
    return { home, venvRoot: venv.root, python: venv.python };
  })();
  return shared;
}

let runs = 0;

interface CaseResult extends RunResult {
  /** The ERROR lines of stderr. */
  readonly errors: string[];
  readonly warnings: string[];
  readonly cacheDir: string;
}

/**
 * Runs `dpip install --python <venv> -i <server> <args>` with a fresh cache,
 * `--timeout 3 --retries 1` unless `args` say otherwise (cases that wait for
 * a timeout give a short one), and checks that
 * the venv is byte-identical afterwards and that no failure is a crash.
 */
async function install(
  server: ChaosServer | string,
  args: readonly string[],
  options: { env?: Record<string, string> } = {},
): Promise<CaseResult> {
  const { home, venvRoot, python } = await environment();
  const before = treeSnapshot(venvRoot);
  const cacheDir = join(home, `cache-${++runs}`);
  const index = typeof server === "string" ? server : server.url;
  const result = await dpip(
    [
      "install",
      "--python",
      python,
      "-i",
      index,
      "--cache-dir",
      cacheDir,
      "--timeout",
      "3",
      "--retries",
      "1",
      ...args,
    ],
    { home, ...(options.env === undefined ? {} : { env: options.env }) },
  );
  assertEquals(treeSnapshot(venvRoot), before, "the environment is unchanged");
  assert(!result.stderr.includes("failed unexpectedly"), result.stderr);
  const lines = result.stderr.split("\n");
  return {
    ...result,
    errors: lines.filter((line) => line.startsWith("ERROR:")),
    warnings: lines.filter((line) => line.startsWith("WARNING:")),
    cacheDir,
  };
}

/** Asserts a failure with exactly one ERROR line, matching `pattern`. */
function assertOneError(result: CaseResult, pattern: RegExp): void {
  assertEquals(result.status, 1, result.stderr);
  assertEquals(result.errors.length, 1, result.stderr);
  assertMatch(result.errors[0]!, pattern);
}

async function withChaos(
  rules: readonly ChaosRule[],
  fn: (server: ChaosServer) => Promise<void>,
  files: readonly ChaosFile[] = demoIndex(),
): Promise<void> {
  const server = await startChaosServer({ files, rules });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

Deno.test({
  name: "chaos e2e: a reset, a 503, a stall and a truncated page, each once, are recovered from",
  ignore,
  async fn() {
    for (
      const fault of [
        { kind: "reset" },
        { kind: "status", status: 503 },
        { kind: "stall" },
        { kind: "truncate" },
      ] as const
    ) {
      await withChaos([{ path: "/simple/app/", fault, times: 1 }], async (server) => {
        const timeout = fault.kind === "stall" ? ["--timeout", "0.5"] : [];
        const result = await install(server, [...timeout, "--dry-run", "app"]);
        assertEquals(result.status, 0, `${fault.kind}: ${result.stderr}`);
        assertStringIncludes(result.stdout, "Would install app-1.0 lib-1.0");
      });
    }
  },
});

Deno.test({
  name: "chaos e2e: files dropped, cut short or stalled once are fetched again and installed",
  ignore,
  async fn() {
    const { home } = await environment();
    for (
      const fault of [{ kind: "close" }, { kind: "truncate" }, {
        kind: "stall-body",
        bytes: 10,
      }] as const
    ) {
      await withChaos([{ path: /\.whl$/, fault, times: 1 }], async (server) => {
        const target = join(home, `target-${++runs}`);
        const timeout = fault.kind === "stall-body" ? ["--timeout", "0.5"] : [];
        const result = await install(server, [...timeout, "--target", target, "app"]);
        assertEquals(result.status, 0, `${fault.kind}: ${result.stderr}`);
        const installed = [...Deno.readDirSync(target)].map((e) => e.name);
        assertEquals(installed.sort(), [
          "app",
          "app-1.0.dist-info",
          "lib",
          "lib-1.0.dist-info",
        ]);
      });
    }
  },
});

Deno.test({
  name: "chaos e2e: an index that always fails is named in one line, with the page asked for",
  ignore,
  async fn() {
    for (
      const [fault, reason] of [
        [{ kind: "status", status: 503 }, "HTTP 503 for"],
        [{ kind: "reset" }, "Could not fetch"],
        [{ kind: "redirect", location: "file:///etc/passwd" }, "Could not fetch"],
      ] as const
    ) {
      await withChaos([{ path: "/simple/", fault }], async (server) => {
        const result = await install(server, ["app"]);
        assertOneError(
          result,
          new RegExp(`^ERROR: ${reason} ${escape(server.url)}app/`),
        );
        if (fault.kind === "redirect") {
          assertStringIncludes(
            result.errors[0]!,
            "it redirects to a URL that is not http or https",
          );
        }
      });
    }
  },
});

Deno.test({
  name: "chaos e2e: a wheel with a wrong hash fails the install and poisons no cache",
  ignore,
  async fn() {
    const good = demoWheel("app", "1.0");
    const evil = demoWheel("app", "1.0", { metadata: { requiresDist: ["lib>=1"] } });
    const goodSha256 = await crypto.subtle.digest("SHA-256", good.bytes as Uint8Array<ArrayBuffer>)
      .then((d) => [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join(""));
    const { home } = await environment();
    const cacheDir = join(home, "shared-cache");
    for (const pep658 of [false, true]) {
      const served = (file: ChaosFile) => pep658 ? file : { ...file, metadata: undefined };
      const lib = demoWheel("lib", "1.0");
      await withChaos([], async (server) => {
        // The index lists the good wheel's hash but serves another (which needs lib).
        server.setFiles([{ ...served(evil), hashes: { sha256: goodSha256 } }, lib]);
        const bad = await install(server, ["--cache-dir", cacheDir, "app"]);
        assertOneError(
          bad,
          /^ERROR: Hash mismatch for app-1\.0-py3-none-any\.whl: the index expected sha256:/,
        );
        // The index fixed, the same cache: app alone, as its real metadata says.
        server.setFiles([served(good), lib]);
        const fixed = await install(server, ["--cache-dir", cacheDir, "--dry-run", "app"]);
        assertEquals(fixed.status, 0, fixed.stderr);
        assertStringIncludes(fixed.stdout, "Would install app-1.0\n");
      });
    }
  },
});

Deno.test({
  name: "chaos e2e: compression bombs and oversized pages stop at the limit, in one line",
  ignore,
  async fn() {
    const bomb = await gzipBomb(64 * MiB);
    const gzip = { "content-type": "text/html", "content-encoding": "gzip" };
    await withChaos(
      [{ path: "/simple/app/", fault: { kind: "body", body: bomb, headers: gzip } }],
      async (server) => {
        const result = await install(server, ["app"], { env: { DPIP_MAX_PAGE_SIZE: "1M" } });
        assertOneError(
          result,
          new RegExp(
            `^ERROR: The response from ${
              escape(server.url)
            }app/ is larger than 1 MiB, dpip's limit for pages$`,
          ),
        );
        assertStringIncludes(
          result.stderr,
          "hint: if it is legitimate, raise the limit with DPIP_MAX_PAGE_SIZE",
        );
      },
    );
    await withChaos(
      [{ path: ".metadata", fault: { kind: "body", body: bomb, headers: gzip } }],
      async (server) => {
        const result = await install(server, ["app"], { env: { DPIP_MAX_METADATA_SIZE: "64K" } });
        assertOneError(result, /is larger than 64 KiB, dpip's limit for metadata$/);
      },
    );
    const result = await install("http://127.0.0.1:1/simple/", ["app"], {
      env: { DPIP_MAX_PAGE_SIZE: "lots" },
    });
    assertOneError(
      result,
      /^ERROR: DPIP_MAX_PAGE_SIZE=lots is not a size: give bytes, or a number with K, M or G$/,
    );
  },
});

Deno.test({
  name: "chaos e2e: a page of 130,000 links (50 MB) is read; under a smaller limit it is refused",
  ignore,
  async fn() {
    const files = demoIndex();
    const real = files.find((f) => f.filename.startsWith("app-"))!;
    const page = manyLinksPage("app", 130_000, {
      bytesPerLink: 390,
      extra: `<a href="../../files/${real.filename}">${real.filename}</a>\n`,
    });
    assert(page.length > 50_000_000, `${page.length} bytes`);
    const html = { "content-type": "text/html" };
    await withChaos(
      [{ path: "/simple/app/", fault: { kind: "body", body: page, headers: html } }],
      async (server) => {
        const result = await install(server, ["--dry-run", "app"]);
        assertEquals(result.status, 0, result.stderr);
        assertStringIncludes(result.stdout, "Would install app-1.0 lib-1.0");
        const limited = await install(server, ["app"], { env: { DPIP_MAX_PAGE_SIZE: "10M" } });
        assertOneError(limited, /is larger than 10 MiB, dpip's limit for pages$/);
      },
      files,
    );
  },
});

Deno.test({
  name: "chaos e2e: a page trickled byte by byte fails at its deadline",
  ignore,
  async fn() {
    await withChaos(
      [{ path: "/simple/app/", fault: { kind: "slow-loris", intervalMs: 2 } }],
      async (server) => {
        const result = await install(server, ["--timeout", "0.05", "app"]);
        assertOneError(result, /the answer did not arrive whole within 0\.4 s \(8 × --timeout\)/);
      },
    );
  },
});

Deno.test({
  name: "chaos e2e: a file that stalls fails after the retries, naming it",
  ignore,
  async fn() {
    await withChaos(
      [{ path: /lib-1\.0-py3-none-any\.whl$/, fault: { kind: "stall" } }],
      async (server) => {
        const { home } = await environment();
        const result = await install(server, [
          "--timeout",
          "0.1",
          "--target",
          join(home, "stalled"),
          "app",
        ]);
        assertOneError(
          result,
          new RegExp(
            `^ERROR: Could not fetch ${
              escape(server.fileUrl("lib-1.0-py3-none-any.whl"))
            }: .*timed out after 0\\.1 s \\(after 2 attempts\\)$`,
          ),
        );
      },
    );
  },
});

Deno.test({
  name:
    "chaos e2e: a wheel that fails while others are unpacked ahead leaves only whole cache entries",
  ignore,
  async fn() {
    // lib is large enough (9 MB that do not compress) for a worker thread to unpack it at once.
    const noise = new Uint8Array(9 * MiB);
    for (let at = 0; at < noise.length; at += 65536) {
      crypto.getRandomValues(noise.subarray(at, at + 65536));
    }
    const files = [
      demoWheel("app", "1.0", { metadata: { requiresDist: ["lib>=1"] } }),
      demoWheel("lib", "1.0", { files: { "lib/__init__.py": "", "lib/noise.bin": noise } }),
    ];
    await withChaos(
      [{ path: /app-1\.0-py3-none-any\.whl$/, fault: { kind: "stall" } }],
      async (server) => {
        // lib arrives at once and is unpacked into the cache while app's download stalls.
        const result = await install(server, ["--timeout", "1", "--retries", "0", "app"]);
        assertOneError(result, /^ERROR: Could not fetch .*app-1\.0-py3-none-any\.whl: .*timed out/);
        const bucket = join(result.cacheDir, "unpacked-v1");
        const entries: string[] = [];
        for (const top of Deno.readDirSync(bucket)) {
          assert(!top.name.startsWith(".tmp-"), `a temporary directory is left: ${top.name}`);
          for (const entry of Deno.readDirSync(join(bucket, top.name))) {
            const manifest = JSON.parse(
              Deno.readTextFileSync(join(bucket, top.name, entry.name, "manifest.json")),
            );
            entries.push(`${manifest.name} ${manifest.version}`);
          }
        }
        assertEquals(entries, ["lib 1.0"]);
      },
      files,
    );
  },
});

Deno.test({
  name: "chaos e2e: a redirect to another port is followed, without the credentials",
  ignore,
  async fn() {
    await withChaos([], async (other) => {
      await withChaos(
        [{ path: "/simple/app/", fault: { kind: "redirect", location: `${other.url}app/` } }],
        async (server) => {
          const withCredentials = server.url.replace("http://", "http://user:s3cret@");
          const result = await install(withCredentials, ["--dry-run", "app"]);
          assertEquals(result.status, 0, result.stderr);
          assertStringIncludes(result.stdout, "Would install app-1.0 lib-1.0");
          assert(server.requests.some((r) => r.headers["authorization"] !== undefined));
          const redirected = other.requests.filter((r) => r.path === "/simple/app/");
          assertEquals(redirected.length, 1);
          assertEquals(redirected[0]?.headers["authorization"], undefined);
        },
      );
    });
  },
});

Deno.test({
  name:
    "chaos e2e: an unreachable extra index is skipped with one warning; all unreachable is an error",
  ignore,
  async fn() {
    const down = `http://127.0.0.1:${closedPort()}/simple/`;
    await withChaos([], async (server) => {
      const result = await install(server, [
        "--extra-index-url",
        down,
        "--retries",
        "5",
        "--dry-run",
        "app",
      ]);
      assertEquals(result.status, 0, result.stderr);
      assertStringIncludes(result.stdout, "Would install app-1.0 lib-1.0");
      assertEquals(result.warnings, [
        `WARNING: Skipping index ${down}: Could not fetch ${down}app/: connection refused (after 3 attempts)`,
      ]);
    });
    const alsoDown = `http://127.0.0.1:${closedPort()}/simple/`;
    const result = await install(down, ["--extra-index-url", alsoDown, "app"]);
    assertOneError(
      result,
      new RegExp(
        `^ERROR: No package source could be read for app: index ${
          escape(down)
        } \\(Could not fetch ${
          escape(down)
        }app/: connection refused \\(after 2 attempts\\)\\); index ${escape(alsoDown)} `,
      ),
    );
  },
});

Deno.test({
  name: "chaos e2e: a direct URL that is not there is 'not found', its password hidden",
  ignore,
  async fn() {
    await withChaos([], async (server) => {
      const url = server.fileUrl("gone-1.0-py3-none-any.whl").replace(
        "http://",
        "http://user:s3cret@",
      );
      const result = await install(server, [`gone @ ${url}`]);
      assertOneError(
        result,
        new RegExp(`^ERROR: Not found: ${escape(url.replace("s3cret", "****"))} \\(HTTP 404\\)$`),
      );
      assert(!result.stderr.includes("s3cret"), result.stderr);
    });
  },
});
