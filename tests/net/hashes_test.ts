import { loadCrypto, sha256Hex } from "../../lib/net/hashes.ts";
import { assertEquals } from "../helpers/assert.ts";
import { Random } from "../helpers/random.ts";

/** The reference: Web Crypto over the UTF-8 bytes. */
async function webCryptoSha256(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function inputs(seed: number): (string | Uint8Array)[] {
  const random = new Random(seed);
  const out: (string | Uint8Array)[] = ["", "abc"];
  for (let i = 0; i < 100; i++) {
    if (random.chance(0.5)) {
      out.push(random.string("aZ09-_/:.?\n é€😀", random.int(0, 200)));
    } else {
      out.push(Uint8Array.from({ length: random.int(0, 3000) }, () => random.int(0, 255)));
    }
  }
  return out;
}

Deno.test("sha256Hex() gives Web Crypto's digest of the UTF-8 bytes, before and after node:crypto is loaded", async () => {
  for (const input of inputs(1)) assertEquals(await sha256Hex(input), await webCryptoSha256(input));
  await loadCrypto(); // from here on sha256Hex hashes with node:crypto
  for (const input of inputs(2)) assertEquals(await sha256Hex(input), await webCryptoSha256(input));
});
