/** The wheel request of a resolved distribution: which hashes check which file. */

import { HashMismatchError } from "../../lib/net/hashes.ts";
import { canonicalizeName } from "../../lib/names/mod.ts";
import { wheelRequest } from "../../lib/operations/resolved_wheels.ts";
import type { IndexSource, SdistOrigin } from "../../lib/resolver/default_provider.ts";
import type { ResolvedDist } from "../../lib/resolver/mod.ts";
import { assertEquals, assertThrows } from "../helpers/assert.ts";

const WHEEL = "a".repeat(64);
const SDIST = "b".repeat(64);

function built(builtFrom?: SdistOrigin): ResolvedDist<IndexSource> {
  return {
    name: canonicalizeName("demo"),
    version: "1.0",
    extras: [],
    requested: true,
    installed: false,
    url: "file:///srv/dist/demo-1.0.tar.gz",
    metadata: { requiresDist: [], providesExtra: [] },
    source: {
      kind: "index",
      format: "wheel",
      file: {
        filename: "demo-1.0-py3-none-any.whl",
        url: "file:///tmp/build/demo-1.0-py3-none-any.whl",
        hashes: { sha256: WHEEL },
        yanked: false,
        coreMetadata: false,
      },
      ...(builtFrom === undefined ? {} : { builtFrom }),
    },
  };
}

Deno.test("wheelRequest(): a direct sdist's --hash and #sha256= are the sdist's, not the built wheel's", () => {
  const sdist = { filename: "demo-1.0.tar.gz", sha256: SDIST };
  const request = wheelRequest(built(sdist), {
    user: { sha256: [SDIST] },
    url: { sha256: SDIST },
  });
  // The wheel is checked against its own hash only.
  assertEquals(request.hashes, { sha256: WHEEL });
  assertEquals(request.userHashes, undefined);
  for (const hashes of [{ user: { sha256: [WHEEL] } }, { url: { sha256: WHEEL } }]) {
    const error = assertThrows(() => wheelRequest(built(sdist), hashes), HashMismatchError);
    assertEquals(error.message.includes("demo-1.0.tar.gz"), true, error.message);
  }
  // A wheel named directly: your hashes are the wheel's.
  assertEquals(wheelRequest(built(), { user: { sha256: [WHEEL] } }).userHashes, {
    sha256: [WHEEL],
  });
});
