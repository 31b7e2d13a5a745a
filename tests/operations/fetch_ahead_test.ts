import { join } from "../../lib/paths.ts";
import { FetchAhead } from "../../lib/operations/fetch_ahead.ts";
import type { DownloadOptions, DownloadResult } from "../../lib/net/http_client.ts";
import { CancelledError } from "../../lib/cancellation.ts";
import type { IndexSource } from "../../lib/resolver/default_provider.ts";
import { canonicalizeExtra, canonicalizeName } from "../../lib/names/mod.ts";
import { buildWheel } from "../helpers/wheel_builder.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";

function source(
  filename: string,
  sha256: string,
  format: "wheel" | "sdist" = "wheel",
): IndexSource {
  return {
    kind: "index",
    format,
    file: {
      filename,
      url: `https://index.test/files/${filename}#sha256=${sha256}`,
      hashes: { sha256 },
      yanked: false,
      coreMetadata: false,
    },
  };
}

/** A downloader that serves `files` by URL, or waits until aborted for `stalled` ones. */
function downloader(files: Map<string, Uint8Array>, stalled: Set<string>) {
  const asked: string[] = [];
  return {
    asked,
    async download(url: string, dest: string, options?: DownloadOptions): Promise<DownloadResult> {
      asked.push(url);
      if (stalled.has(url)) {
        await new Promise((_, reject) =>
          options?.signal?.addEventListener("abort", () => reject(new CancelledError()))
        );
      }
      const bytes = files.get(url)!;
      await Deno.writeFile(dest, bytes);
      const sha256 = buildSha256(bytes);
      return {
        path: dest,
        size: bytes.length,
        digests: { sha256: await sha256 },
        fromCache: false,
      };
    },
  };
}

async function buildSha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("FetchAhead: a decided version's wheel is fetched and unpacked; close() stops the rest", async () => {
  const root = await Deno.makeTempDir({ prefix: "dpip-fetch-ahead-" });
  try {
    const one = buildWheel({ name: "one", version: "1.0", files: { "one.py": "X = 1\n" } });
    const slow = buildWheel({ name: "slow", version: "1.0", files: { "slow.py": "" } });
    const url = (wheel: typeof one) => `https://index.test/files/${wheel.filename}`;
    const served = downloader(
      new Map([[url(one), one.bytes], [url(slow), slow.bytes]]),
      new Set([url(slow)]),
    );
    const dir = join(root, "work");
    const ahead = new FetchAhead({
      downloader: served,
      dir,
      bucket: join(root, "unpacked"),
      compatibleTags: new Set(["py3-none-any"]),
    });
    const decision = (name: string, wheel: typeof one) => ({
      name: canonicalizeName(name),
      version: "1.0",
      tries: 1,
      source: source(wheel.filename, wheel.sha256),
    });
    ahead.decided(decision("one", one));
    ahead.decided(decision("one", one)); // decided again (after backtracking): fetched once
    ahead.decided({ ...decision("one", one), extra: canonicalizeExtra("cli") }); // the same wheel
    ahead.decided({ name: canonicalizeName("kept"), version: "1.0", tries: 1 }); // installed
    const backtracked = buildWheel({ name: "tried", version: "2.0", files: { "tried.py": "" } });
    ahead.decided({ ...decision("tried", backtracked), tries: 2 }); // a second version tried
    ahead.decided({ ...decision("sdist", one), source: source("sdist-1.0.tar.gz", "00", "sdist") });
    ahead.decided(decision("slow", slow));
    const request = (wheel: typeof one) => ({
      name: canonicalizeName(wheel.filename.split("-")[0]!),
      version: "1.0",
      filename: wheel.filename,
      url: url(wheel),
      hashes: { sha256: wheel.sha256 },
    });
    const fetched = await ahead.begun(request(one));
    assert(fetched !== undefined);
    assertEquals([fetched.sha256, fetched.origin], [one.sha256, "downloaded"]);
    // Your own hashes: the install fetches and checks the file itself.
    assertEquals(ahead.begun({ ...request(one), userHashes: { sha256: [one.sha256] } }), undefined);
    ahead.unpacked.fetched();
    const entry = await ahead.unpacked.take(one.sha256, () => {});
    assertEquals(entry?.manifest.name, "one");
    assertEquals(served.asked.sort(), [url(one), url(slow)]);

    const stalled = ahead.begun(request(slow))!;
    await ahead.close();
    const error = await assertRejects(() => stalled);
    assert(error instanceof CancelledError, String(error));
    assertEquals(Deno.statSync(root).isDirectory, true);
    assertEquals([...Deno.readDirSync(root)].map((e) => e.name).sort(), ["unpacked"]); // dir removed
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
