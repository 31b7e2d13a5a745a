import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { base64Url, hexOf, sha256 } from "../lib/sha256.ts";
import { assertEquals } from "./helpers/assert.ts";

Deno.test("sha256() gives FIPS 180-4's digests, and node:crypto's at every padding boundary", () => {
  const hex = (bytes: Uint8Array) =>
    [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  const text = (s: string) => new TextEncoder().encode(s);
  assertEquals(
    hex(sha256(text("abc"))),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assertEquals(
    hex(sha256(text(""))),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assertEquals(
    hex(sha256(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
  for (const length of [1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 70_000]) {
    const data = new Uint8Array(length).map((_, i) => (i * 31 + 7) & 255);
    assertEquals(
      base64Url(sha256(data)),
      createHash("sha256").update(data).digest("base64url"),
      `length ${length}`,
    );
  }
});

Deno.test("hexOf() is lower-case hexadecimal, two digits a byte", () => {
  assertEquals(hexOf(new Uint8Array([0, 10, 171, 255])), "000aabff");
});

Deno.test("base64Url() is RFC 4648's URL alphabet without padding", () => {
  assertEquals(base64Url(new Uint8Array([0xfb, 0xff])), "-_8");
  assertEquals(base64Url(new Uint8Array([0xfb, 0xef, 0xbe])), "----");
  assertEquals(base64Url(new Uint8Array([])), "");
  assertEquals(base64Url(new Uint8Array([0])), "AA");
  for (let length = 0; length < 70; length++) {
    const bytes = new Uint8Array(length).map((_, i) => (i * 97 + 13) & 255);
    assertEquals(base64Url(bytes), Buffer.from(bytes).toString("base64url"), `length ${length}`);
  }
});

Deno.test("base64Url() does without btoa (whose first use loads Deno's base64 module)", () => {
  const btoa = globalThis.btoa;
  globalThis.btoa = () => {
    throw new Error("btoa used");
  };
  try {
    assertEquals(base64Url(new Uint8Array([0xfb, 0xef, 0xbe, 0x01])), "----AQ");
  } finally {
    globalThis.btoa = btoa;
  }
});
