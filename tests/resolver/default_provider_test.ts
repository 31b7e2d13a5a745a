/**
 * The default provider with fake index and HTTP layers: which versions it
 * offers (and why others are unusable), and how it checks metadata. The
 * HTTP paths (PEP 658, ranged reads) run for real in tests/e2e/packse_test.ts.
 */

import { compatibleTags, tagPriorities } from "../../lib/dists/mod.ts";
import { canonicalizeName } from "../../lib/names/mod.ts";
import { parseFormatControl } from "../../lib/resolver/candidate_selector.ts";
import { join } from "node:path";
import { MetadataCache } from "../../lib/cache/metadata_cache.ts";
import { HttpCache } from "../../lib/net/http_cache.ts";
import { HashMismatchError } from "../../lib/net/hashes.ts";
import {
  defaultProvider,
  type DefaultProviderOptions,
  fetchWheelMetadata,
  type IndexFile,
  type MetadataClient,
  MetadataMismatchError,
  verifyWheelMetadata,
  versionCandidates,
  WHOLE_WHEELS_PER_PROJECT,
} from "../../lib/resolver/default_provider.ts";
import { IndexSet } from "../../lib/index/mod.ts";
import { HttpClient, NetworkError } from "../../lib/net/mod.ts";
import { isDpipError } from "../../lib/errors.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { startIndexServer, wheelFile } from "../helpers/index_server.ts";
import { buildWheel, formatMetadata } from "../helpers/wheel_builder.ts";
import { linuxCpythonFacts } from "../helpers/tag_facts.ts";

const tags = tagPriorities(compatibleTags(linuxCpythonFacts(3, 12)));

function file(filename: string, extra: Partial<IndexFile> = {}): IndexFile {
  return {
    filename,
    url: `https://example.invalid/${filename}`,
    hashes: {},
    yanked: false,
    coreMetadata: false,
    ...extra,
  };
}

const files = [
  file("demo-3.0.tar.gz"),
  file("demo-2.0-cp313-cp313-win_amd64.whl"),
  file("demo-1.5-py3-none-any.whl", { yanked: true, yankedReason: "oops" }),
  file("demo-1.0-py3-none-any.whl", { requiresPython: ">=3.8" }),
  file("demo-1.0.tar.gz"),
];

Deno.test("versionCandidates() gives one candidate per version, best first, with reasons", () => {
  const candidates = versionCandidates(files, "demo", tags, {
    pythonVersion: [3, 12, 4],
    pre: true,
  });
  assertEquals(
    candidates.map((c) => [c.version, c.unavailable?.kind, c.yanked, c.requiresPython]),
    [
      ["3.0", "sdist-only", undefined, undefined],
      ["1.0", undefined, undefined, ">=3.8"],
      ["1.5", undefined, { reason: "oops" }, undefined],
      ["2.0", "no-compatible-wheel", undefined, undefined],
    ],
  );
  assertEquals(candidates[3]!.unavailable, {
    kind: "no-compatible-wheel",
    tags: ["cp313-cp313-win_amd64"],
  });
});

Deno.test("versionCandidates() follows --prefer-binary and --only-binary", () => {
  const preferBinary = versionCandidates(files, "demo", tags, {
    pythonVersion: [3, 12, 4],
    preferBinary: true,
  });
  assertEquals(preferBinary[0]!.version, "1.0");
  const onlyBinary = versionCandidates(files, "demo", tags, {
    pythonVersion: [3, 12, 4],
    formatControl: parseFormatControl([["only-binary", ":all:"]]),
  });
  assertEquals(
    onlyBinary.find((c) => c.version === "3.0")?.unavailable,
    { kind: "sdist-only", message: "--only-binary forbids building it" },
  );
});

function fakeClient(bodies: Record<string, Uint8Array>): MetadataClient {
  const answer = (url: string) =>
    Promise.resolve(
      bodies[url] === undefined
        ? { status: 404, body: new Uint8Array() }
        : { status: 200, body: bodies[url]! },
    );
  return { get: answer, getRange: answer };
}

Deno.test("getMetadata() checks PEP 658 hashes and the name and version inside", async () => {
  const metadata = new TextEncoder().encode(
    formatMetadata("demo", "1.0", { requiresDist: ["b>=2"] }),
  );
  const wheel = buildWheel({ name: "other", version: "1.0" });
  const good = file("demo-1.0-py3-none-any.whl", { coreMetadata: {} });
  const badHash = file("demo-1.1-py3-none-any.whl", { coreMetadata: { sha256: "00" } });
  const wrongName = file("demo-1.2-py3-none-any.whl");
  const provider = defaultProvider({
    indexes: {
      projectFiles: () => Promise.resolve({ files: [good, badHash, wrongName], foundOn: ["x"] }),
    },
    client: fakeClient({
      [`${good.url}.metadata`]: metadata,
      [`${badHash.url}.metadata`]: metadata,
      [wrongName.url]: wheel.bytes,
    }),
    tags,
    policy: { pythonVersion: [3, 12, 4] },
  });
  const name = canonicalizeName("demo");
  const listing = await provider.listVersions(name);
  if (listing.kind !== "found") throw new Error("expected a listing");
  const byVersion = new Map(listing.candidates.map((c) => [c.version, c]));
  const first = await provider.getMetadata(name, byVersion.get("1.0")!);
  assertEquals(first.kind === "metadata" && first.metadata.requiresDist, ["b>=2"]);
  const second = await provider.getMetadata(name, byVersion.get("1.1")!);
  assertEquals(second.kind === "unavailable" && second.reason.kind, "metadata");
  const third = await provider.getMetadata(name, byVersion.get("1.2")!);
  assertEquals(
    third.kind === "unavailable" && third.reason,
    {
      kind: "metadata",
      message:
        "The metadata of demo-1.2-py3-none-any.whl is inconsistent: it names the project other",
    },
  );
});

Deno.test("getMetadata() lets a network failure through as a network failure (not as bad metadata)", async () => {
  const wheel = file("demo-1.0-py3-none-any.whl", { coreMetadata: {} });
  const failing = () =>
    Promise.reject(new NetworkError(wheel.url, "connection reset", { attempts: 3 }));
  const provider = defaultProvider({
    indexes: { projectFiles: () => Promise.resolve({ files: [wheel], foundOn: ["x"] }) },
    client: { get: failing, getRange: failing },
    tags,
    policy: { pythonVersion: [3, 12, 4] },
  });
  const name = canonicalizeName("demo");
  const listing = await provider.listVersions(name);
  if (listing.kind !== "found") throw new Error("expected a listing");
  const error = await provider.getMetadata(name, listing.candidates[0]!).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert(isDpipError(error, "network-error"), `expected a network error, got ${error}`);
});

Deno.test("listVersions() says when no index knows a project, with similar names", async () => {
  const provider = defaultProvider({
    indexes: { projectFiles: () => Promise.resolve({ files: [], foundOn: [] }) },
    client: fakeClient({}),
    tags,
    policy: { pythonVersion: [3, 12, 4] },
    knownNames: () => Promise.resolve(["Requests", "flask"]),
  });
  assertEquals(await provider.listVersions(canonicalizeName("requestz")), {
    kind: "not-found",
    suggestions: ["requests"],
  });
});

/** The default provider over a test index, for Python 3.12 on Linux. */
function providerOver(
  server: { url: string },
  client: HttpClient,
  extra: Partial<DefaultProviderOptions> = {},
) {
  return defaultProvider({
    indexes: new IndexSet(client, { indexUrl: server.url, cwd: Deno.cwd(), env: {} }),
    client,
    tags,
    policy: { pythonVersion: [3, 12, 4] },
    ...extra,
  });
}

/**
 * The metadata the default provider gets for the best version of `project`
 * on `server`, and that version's listed file.
 */
async function bestMetadata(
  server: { url: string },
  client: HttpClient,
  project: string,
  extra: Partial<DefaultProviderOptions> = {},
) {
  const provider = providerOver(server, client, extra);
  const name = canonicalizeName(project);
  const listing = await provider.listVersions(name);
  if (listing.kind !== "found") throw new Error("expected a listing");
  const best = listing.candidates[0]!;
  return { answer: await provider.getMetadata(name, best), file: best.source!.file };
}

Deno.test("getMetadata() reads a big wheel's METADATA with range requests only", async () => {
  const files = Object.fromEntries(
    Array.from({ length: 3000 }, (_, i) => [`big/module_with_a_long_name_${i}.py`, ""]),
  );
  const big = wheelFile({ name: "big", version: "1.0", files, metadata: { requiresDist: ["x"] } });
  const server = await startIndexServer({ files: [{ ...big, metadata: undefined }] });
  const client = new HttpClient({ retries: 0 });
  try {
    const { answer } = await bestMetadata(server, client, "big");
    assertEquals(answer.kind === "metadata" && answer.metadata.requiresDist, ["x"]);
    const fileRequests = server.requests.filter((request) => request.path.startsWith("/files/"));
    assertEquals(fileRequests.map((request) => request.range !== null), [true, true, true]);
    assert(big.bytes.length > 3 * 65536, "the central directory does not fit the first range");
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("getMetadata() reads a small wheel's METADATA from the one range request of its tail", async () => {
  const small = wheelFile({ name: "small", version: "1.0", metadata: { requiresDist: ["x"] } });
  const server = await startIndexServer({ files: [{ ...small, metadata: undefined }] });
  const client = new HttpClient({ retries: 0 });
  try {
    const { answer } = await bestMetadata(server, client, "small");
    assertEquals(answer.kind === "metadata" && answer.metadata.requiresDist, ["x"]);
    const fileRequests = server.requests.filter((request) => request.path.startsWith("/files/"));
    assertEquals(fileRequests.map((request) => request.range), ["bytes=-65536"]);
  } finally {
    client.close();
    await server.close();
  }
});

/** A wheel of `demo` 1.0 that requires `dependency`. */
function demoRequiring(dependency: string) {
  return wheelFile({ name: "demo", version: "1.0", metadata: { requiresDist: [dependency] } });
}

async function sha256Of(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

for (const pep658 of [false, true]) {
  Deno.test(`a wheel that does not match its listed hash leaves nothing in the metadata cache (PEP 658: ${pep658})`, async () => {
    const good = demoRequiring("good-dependency");
    const evil = demoRequiring("evil-dependency");
    const listed = { sha256: await sha256Of(good.bytes) };
    const served = (file: typeof good) => pep658 ? file : { ...file, metadata: undefined };
    // The index lists the good wheel's hash but serves another wheel (and its metadata).
    const server = await startIndexServer({ files: [{ ...served(evil), hashes: listed }] });
    const dir = await Deno.makeTempDir({ prefix: "dpip-poison-" });
    const client = new HttpClient({ retries: 0, cache: new HttpCache(join(dir, "http")) });
    try {
      const run = async () => {
        const indexes = new IndexSet(client, { indexUrl: server.url, cwd: Deno.cwd(), env: {} });
        const [file] = (await indexes.projectFiles("demo")).files;
        assert(file !== undefined);
        return {
          file,
          metadata: await fetchWheelMetadata(client, file, new MetadataCache(join(dir, "meta"))),
        };
      };
      const first = await run();
      assertStringIncludes(first.metadata, "evil-dependency");
      // The install then fails on the wheel's hash…
      const failure = await client.download(first.file.url, join(dir, "demo.whl"), {
        checks: [{ source: "the index", allowed: { sha256: [listed.sha256] } }],
      }).then(() => undefined, (e: unknown) => e);
      assert(isDpipError(failure, "hash-mismatch"), `expected a hash mismatch, got ${failure}`);
      // …and a later run, the index fixed, sees the good wheel's metadata.
      server.setFiles([served(good)]);
      const second = await run();
      assertEquals(second.file.hashes, listed);
      assertStringIncludes(second.metadata, "good-dependency");
    } finally {
      client.close();
      await server.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("a wheel read whole (no range support) is checked against its hash before its metadata is kept", async () => {
  const good = demoRequiring("good-dependency");
  const evil = demoRequiring("evil-dependency");
  const goodSha256 = await sha256Of(good.bytes);
  const dir = await Deno.makeTempDir({ prefix: "dpip-whole-" });
  let serving = evil.bytes;
  const client: MetadataClient = {
    get: () => Promise.resolve({ status: 404, body: new Uint8Array() }),
    // A server that ignores Range: 200, and the client leaves the body unread.
    getRange: () => Promise.resolve({ status: 200, body: new Uint8Array() }),
    download: async (_url, dest, options) => {
      const digests = { sha256: await sha256Of(serving) };
      for (const check of options.checks) {
        if (!check.allowed["sha256"]?.includes(digests.sha256)) {
          throw new HashMismatchError("demo.whl", {
            expected: check.allowed,
            got: digests,
            source: check.source,
          });
        }
      }
      await Deno.writeFile(dest, serving);
      return { digests };
    },
  };
  const wheel = file(good.filename, { hashes: { sha256: goodSha256 } });
  try {
    const store = new MetadataCache(dir);
    const failure = await fetchWheelMetadata(client, wheel, store).then(() => undefined, (e) => e);
    assert(isDpipError(failure, "hash-mismatch"), `expected a hash mismatch, got ${failure}`);
    assertEquals(await store.get({ kind: "wheel", sha256: goodSha256 }), undefined);
    serving = good.bytes;
    assertStringIncludes(await fetchWheelMetadata(client, wheel, store), "good-dependency");
    const kept = await new MetadataCache(dir).get({ kind: "wheel", sha256: goodSha256 });
    assertStringIncludes(new TextDecoder().decode(kept), "good-dependency");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("getMetadata() with wholeWheels reads no range: the wheel whole, hash-checked, its metadata kept", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dpip-whole-" });
  const wheel = wheelFile({ name: "whole", version: "1.0", metadata: { requiresDist: ["x"] } });
  const server = await startIndexServer({ files: [{ ...wheel, metadata: undefined }] });
  const client = new HttpClient({ retries: 0, cache: new HttpCache(join(dir, "http")) });
  const store = new MetadataCache(join(dir, "meta"));
  try {
    const { answer, file } = await bestMetadata(server, client, "whole", {
      metadataStore: store,
      wholeWheels: true,
    });
    assertEquals(answer.kind === "metadata" && answer.metadata.requiresDist, ["x"]);
    const fileRequests = server.requests.filter((request) => request.path.startsWith("/files/"));
    assertEquals(fileRequests.map((request) => [request.method, request.range]), [["GET", null]]);
    const sha256 = file.hashes["sha256"]!;
    assert(await store.has({ kind: "wheel", sha256 }), "kept by the wheel's sha256");
  } finally {
    client.close();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("verifyWheelMetadata() fails when the ranges read declared other dependencies than the wheel", async () => {
  const honest = wheelFile({ name: "app", version: "1.0", metadata: { requiresDist: ["dep"] } });
  const forged = wheelFile({ name: "app", version: "1.0", metadata: { requiresDist: [] } });
  const server = await startIndexServer({
    files: [{ ...honest, metadata: undefined }],
    faults: [{ path: "/files/", kind: "ranges-from", replacement: forged.bytes }],
  });
  const client = new HttpClient({ retries: 0 });
  const dir = await Deno.makeTempDir({ prefix: "dpip-verify-" });
  const store = new MetadataCache(dir);
  try {
    const indexes = new IndexSet(client, { indexUrl: server.url, cwd: Deno.cwd(), env: {} });
    const [listed] = (await indexes.projectFiles("app")).files;
    const ranged = await fetchWheelMetadata(client, listed!, store);
    assert(!ranged.includes("Requires-Dist"), "the ranges serve the forged METADATA");
    const wheel = { name: canonicalizeName("app"), version: "1.0", file: listed! };
    let failure: unknown;
    try {
      await verifyWheelMetadata(client, {
        ...wheel,
        metadata: { requiresDist: [], providesExtra: [] },
      }, store);
    } catch (error) {
      failure = error;
    }
    assert(failure instanceof MetadataMismatchError, String(failure));
    assertStringIncludes(failure.message, "Requires-Dist");
    assertStringIncludes(failure.message, honest.filename);
    // What the wheel itself declares passes, and is now kept: nothing more is fetched.
    await verifyWheelMetadata(client, {
      ...wheel,
      metadata: { requiresDist: ["dep"], providesExtra: [] },
    }, store);
    const before = server.requests.length;
    await verifyWheelMetadata(client, {
      ...wheel,
      metadata: { requiresDist: ["dep"], providesExtra: [] },
    }, store);
    assertEquals(server.requests.length, before);
  } finally {
    client.close();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("wholeWheels reads the first versions of a project whole, the rest of a backtrack by ranges", async () => {
  const versions = ["4.0", "3.0", "2.0", "1.0"];
  const server = await startIndexServer({
    files: versions.map((version) => ({
      ...wheelFile({ name: "many", version, metadata: { requiresDist: [] } }),
      metadata: undefined,
    })),
  });
  const client = new HttpClient({ retries: 0 });
  try {
    const provider = providerOver(server, client, { wholeWheels: true });
    const name = canonicalizeName("many");
    const listing = await provider.listVersions(name);
    if (listing.kind !== "found") throw new Error("expected a listing");
    const read: [string, boolean][] = [];
    for (const candidate of listing.candidates) {
      const before = server.requests.length;
      assertEquals((await provider.getMetadata(name, candidate)).kind, "metadata");
      const asked = server.requests.slice(before).filter((r) => r.path.startsWith("/files/"));
      read.push([candidate.version, asked.every((r) => r.range === null)]);
    }
    assertEquals(
      read,
      versions.map((version, index) => [version, index < WHOLE_WHEELS_PER_PROJECT]),
    );
  } finally {
    client.close();
    await server.close();
  }
});
