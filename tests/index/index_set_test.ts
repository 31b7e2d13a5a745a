import { join } from "node:path";
import { IndexSet, SourcesUnreachableError } from "../../lib/index/index_set.ts";
import { isSecureOrigin } from "../../lib/index/index_sources.ts";
import { HttpClient, HttpStatusError } from "../../lib/net/http_client.ts";
import { assertEquals, assertRejects } from "../helpers/assert.ts";
import { closedPort } from "../helpers/chaos_server.ts";
import { startIndexServer, wheelFile } from "../helpers/index_server.ts";

Deno.test("isSecureOrigin(): HTTPS, file:, loopback, and trusted hosts", () => {
  const cases: [string, string[], boolean][] = [
    ["https://example.com/simple/", [], true],
    ["file:///srv/simple/", [], true],
    ["http://localhost:8080/simple/", [], true],
    ["http://127.0.0.5/simple/", [], true],
    ["http://[::1]:9/simple/", [], true],
    ["http://example.com/simple/", [], false],
    ["http://example.com/simple/", ["example.com"], true],
    ["http://example.com:8080/simple/", ["example.com:8080"], true],
    ["http://example.com:8080/simple/", ["example.com:9090"], false],
  ];
  for (const [url, trusted, expected] of cases) {
    assertEquals(isSecureOrigin(new URL(url), trusted), expected, url);
  }
});

Deno.test("IndexSet: sources, pip's insecure-host warning, local paths, --no-index", () => {
  const client = new HttpClient();
  const indexes = new IndexSet(client, {
    indexUrl: "http://insecure.example/simple/",
    extraIndexUrls: ["http://trusted.example/simple/", "mirror/simple", "mirror/simple"],
    findLinks: ["~/wheels"],
    trustedHosts: ["trusted.example"],
    cwd: "/home/u",
    env: { HOME: "/home/u" },
  });
  assertEquals(indexes.indexUrls, [
    "http://trusted.example/simple/",
    "file:///home/u/mirror/simple",
  ]);
  assertEquals(indexes.findLinks, ["file:///home/u/wheels"]);
  assertEquals(indexes.sourceWarnings, [
    "The repository located at insecure.example is not a trusted or secure host and is being ignored. If this repository is available via HTTPS we recommend you use HTTPS instead, otherwise you may silence this warning and allow it anyway with '--trusted-host insecure.example'.",
  ]);
  const none = new IndexSet(client, { noIndex: true, cwd: "/", env: {} });
  assertEquals(none.isEmpty, true);
  client.close();
});

Deno.test("IndexSet.projectFiles(): find-links first, then indexes in order; PEP 700 versions", async () => {
  const first = await startIndexServer({ files: [wheelFile({ name: "demo", version: "1.0" })] });
  const second = await startIndexServer({ files: [wheelFile({ name: "demo", version: "2.0" })] });
  const tmp = await Deno.makeTempDir();
  const client = new HttpClient();
  try {
    const local = wheelFile({ name: "demo", version: "3.0" });
    await Deno.writeFile(join(tmp, local.filename), local.bytes);
    const indexes = new IndexSet(client, {
      indexUrl: first.url,
      extraIndexUrls: [second.url],
      findLinks: [tmp],
      cwd: "/",
      env: {},
    });
    const listing = await indexes.projectFiles("Demo");
    assertEquals(listing.files.map((f) => f.filename), [
      "demo-3.0-py3-none-any.whl",
      "demo-1.0-py3-none-any.whl",
      "demo-2.0-py3-none-any.whl",
    ]);
    assertEquals(listing.foundOn, [first.url, second.url]);
    assertEquals(listing.versions?.sort(), ["1.0", "2.0"]);
    const missing = await indexes.projectFiles("nothing");
    assertEquals(missing.foundOn, []);
    assertEquals(missing.files.map((f) => f.filename), ["demo-3.0-py3-none-any.whl"]);
  } finally {
    client.close();
    await first.close();
    await second.close();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("IndexSet: a source that cannot be read is skipped with one warning; none readable is an error", async () => {
  const server = await startIndexServer({
    files: [
      wheelFile({ name: "demo", version: "1.0" }),
      wheelFile({ name: "other", version: "1.0" }),
    ],
  });
  const down = `http://127.0.0.1:${closedPort()}/simple/`;
  const failing = await startIndexServer({ faults: [{ path: "/", kind: "status", status: 503 }] });
  const client = new HttpClient({ retries: 1, backoffMs: 1 });
  try {
    const warnings: string[] = [];
    const indexes = new IndexSet(client, {
      indexUrl: server.url,
      extraIndexUrls: [down, failing.url],
      findLinks: [`${failing.url}links/`],
      cwd: "/",
      env: {},
      onWarning: (message) => warnings.push(message),
    });
    for (const project of ["demo", "other", "missing"]) {
      const listing = await indexes.projectFiles(project);
      assertEquals(listing.foundOn, project === "missing" ? [] : [server.url]);
      assertEquals(listing.warnings, []);
    }
    assertEquals(warnings, [
      `Skipping find-links source ${failing.url}links/: HTTP 503 for ${failing.url}links/ (after 2 attempts)`,
      `Skipping index ${down}: Could not fetch ${down}demo/: connection refused (after 2 attempts)`,
      `Skipping index ${failing.url}: HTTP 503 for ${failing.url}demo/ (after 2 attempts)`,
    ]);
    // Without the working index: an error naming every source.
    const none = new IndexSet(client, {
      indexUrl: down,
      extraIndexUrls: [failing.url],
      cwd: "/",
      env: {},
    });
    const error = await assertRejects(() => none.projectFiles("demo"), SourcesUnreachableError);
    assertEquals(
      error.message,
      `No package source could be read for demo: index ${down} (Could not fetch ${down}demo/: connection refused (not tried again: it failed earlier in this run)); index ${failing.url} (HTTP 503 for ${failing.url}demo/ (after 2 attempts))`,
    );
    // Under first-index, an index that cannot be read is not skipped.
    const first = new IndexSet(client, {
      indexUrl: failing.url,
      extraIndexUrls: [server.url],
      strategy: "first-index",
      cwd: "/",
      env: {},
    });
    await assertRejects(() => first.projectFiles("demo"), HttpStatusError);
  } finally {
    client.close();
    await server.close();
    await failing.close();
  }
});
