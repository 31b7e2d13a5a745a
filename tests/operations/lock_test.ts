import { formatPylock, parsePylock } from "../../lib/lock/pylock.ts";
import { pylockFromResolution, UnlockableError } from "../../lib/operations/lock.ts";
import { referenceLine, referenceTable } from "../../lib/operations/lock_entries.ts";
import { lockedProvider, lockedRequirements } from "../../lib/operations/pylock_install.ts";
import { canonicalizeName } from "../../lib/names/mod.ts";
import { DEFAULT_MARKER_ENVIRONMENT } from "../../lib/pep508/mod.ts";
import type { IndexSource } from "../../lib/resolver/default_provider.ts";
import { inMemoryProvider, type ResolvedDist } from "../../lib/resolver/mod.ts";
import { assertEquals, assertThrows } from "../helpers/assert.ts";

const H = "b".repeat(64);

function dist(
  name: string,
  version: string,
  filename: string,
  extra: object = {},
): ResolvedDist<IndexSource> {
  return {
    name: canonicalizeName(name),
    version,
    extras: [],
    requested: false,
    installed: false,
    metadata: { requiresDist: [], providesExtra: [], requiresPython: ">=3.8" },
    source: {
      kind: "index",
      format: filename.endsWith(".whl") ? "wheel" : "sdist",
      file: {
        filename,
        url: `https://user:pw@example.org/files/${filename}#sha256=${H}`,
        hashes: { md5: "x", sha256: H },
        yanked: false,
        coreMetadata: false,
        size: 12,
        uploadTime: "2024-05-01T10:20:30.123456Z",
        ...extra,
      },
    },
  };
}

Deno.test("pylockFromResolution() sorts by name and records the chosen file, its size, upload time and sha256", () => {
  const lock = pylockFromResolution([
    dist("Zed", "2.0", "zed-2.0.tar.gz"),
    dist("abc", "1.0", "abc-1.0-py3-none-any.whl"),
  ], { createdBy: "dpip" });
  const text = formatPylock(lock);
  assertEquals(lock.packages.map((p) => p.name), ["abc", "zed"]);
  assertEquals(
    text.split("\n").slice(0, 16).join("\n"),
    `lock-version = "1.0"
created-by = "dpip"

[[packages]]
name = "abc"
version = "1.0"
requires-python = ">=3.8"

[[packages.wheels]]
name = "abc-1.0-py3-none-any.whl"
upload-time = 2024-05-01 10:20:30.123456+00:00
url = "https://example.org/files/abc-1.0-py3-none-any.whl"
size = 12

[packages.wheels.hashes]
sha256 = "${H}"`,
  );
  assertEquals(parsePylock(text, "pylock.toml").lock.packages[1]!.sdist?.name, "zed-2.0.tar.gz");
  assertThrows(
    () =>
      pylockFromResolution([dist("a", "1", "a-1-py3-none-any.whl", { hashes: {} })], {
        createdBy: "x",
      }),
    UnlockableError,
  );
});

Deno.test("lockedRequirements() pins each selected package with its hashes; lockedProvider() offers only the locked file", async () => {
  const lock = pylockFromResolution([dist("abc", "1.0", "abc-1.0-py3-none-any.whl")], {
    createdBy: "dpip",
  });
  const locked = lockedRequirements(lock, {
    file: "pylock.toml",
    target: { environment: DEFAULT_MARKER_ENVIRONMENT, tags: ["py3-none-any"] },
  });
  assertEquals(locked.lines, [`abc==1.0 --hash=sha256:${H}`]);
  const provider = lockedProvider(
    inMemoryProvider({ abc: { "1.0": [], "2.0": [] }, other: { "1.0": [] } }),
    locked.candidates,
  );
  const listing = await provider.listVersions(canonicalizeName("abc"));
  assertEquals(listing.kind === "found" ? listing.candidates.map((c) => c.version) : [], ["1.0"]);
  const other = await provider.listVersions(canonicalizeName("other"));
  assertEquals(other.kind === "found" ? other.candidates.length : 0, 1);
});

Deno.test("referenceTable() writes a direct reference as pip lock does; referenceLine() as a pinned requirement", () => {
  const options = { lockDir: "/srv/app", label: "x==1" };
  const sha256 = "c".repeat(64);
  // A local wheel: its file URL and the hash of the file unpacked.
  const wheelUrl = "file:///srv/dist/x-1-py3-none-any.whl";
  assertEquals(referenceTable(wheelUrl, { sha256 }, options), {
    archive: { url: wheelUrl, hashes: { sha256 } },
  });
  // An sdist built: the archive's own hash (PEP 610's legacy `hash`), not the wheel's.
  const sdist = {
    sha256,
    directUrl: {
      url: "https://u:p@example.org/x-1.tar.gz",
      info: { kind: "archive" as const, hash: `sha256=${H}` },
      subdirectory: "sub",
    },
  };
  assertEquals(referenceTable("https://example.org/x-1.tar.gz", sdist, options), {
    archive: { url: "https://example.org/x-1.tar.gz", hashes: { sha256: H }, subdirectory: "sub" },
  });
  // A directory, relative to the lock's directory; an editable one says so.
  const dir = (editable: boolean) => ({
    sha256,
    directUrl: {
      url: "file:///srv/projects/x",
      info: { kind: "dir" as const, ...(editable ? { editable } : {}) },
    },
  });
  assertEquals(referenceTable("file:///srv/projects/x", dir(false), options), {
    directory: { path: "../projects/x" },
  });
  assertEquals(referenceTable("file:///srv/projects/x", dir(true), options), {
    directory: { path: "../projects/x", editable: true },
  });
  // A checkout: the commit, the revision asked for, git@ kept.
  const vcs = {
    sha256,
    directUrl: {
      url: "ssh://git@example.org/x.git",
      info: {
        kind: "vcs" as const,
        vcs: "git",
        commitId: "a".repeat(40),
        requestedRevision: "main",
      },
    },
  };
  assertEquals(referenceTable("git+ssh://git@example.org/x.git@main", vcs, options), {
    vcs: {
      type: "git",
      url: "ssh://git@example.org/x.git",
      requestedRevision: "main",
      commitId: "a".repeat(40),
    },
  });
  // A remote wheel never fetched has no hash to record.
  assertThrows(
    () => referenceTable("https://example.org/x-1-py3-none-any.whl", undefined, options),
    UnlockableError,
  );

  assertEquals(referenceLine(wheelUrl, { sha256 }), {
    url: wheelUrl,
    editable: false,
    hashes: [`sha256:${sha256}`],
  });
  assertEquals(referenceLine("https://example.org/x-1.tar.gz", sdist), {
    url: "https://example.org/x-1.tar.gz#subdirectory=sub",
    editable: false,
    hashes: [`sha256:${H}`],
  });
  assertEquals(referenceLine("file:///srv/projects/x", dir(true)), {
    url: "file:///srv/projects/x",
    editable: true,
    hashes: [],
  });
  assertEquals(
    referenceLine("git+ssh://git@example.org/x.git@main", vcs).url,
    `git+ssh://git@example.org/x.git@${"a".repeat(40)}`,
  );
});
