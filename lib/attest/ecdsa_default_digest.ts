/**
 * A compatibility fix for `@sigstore/verify` on Deno: it verifies ECDSA
 * signatures (signed entry timestamps, checkpoints, DSSE envelopes) with
 * `crypto.verify(undefined, data, key, signature)`, relying on Node's
 * default digest for EC keys (SHA-256 for P-256). Deno 2.9's `node:crypto`
 * has no such default and throws "no default digest", so no attestation
 * would ever verify. This wraps `verify` once so that a missing digest with
 * an EC key means the digest of the key's curve (SHA-256 for P-256, SHA-384
 * for P-384, SHA-512 for P-521), as in Node; every other call is unchanged.
 *
 * @module
 */

import nodeCrypto from "node:crypto";

let installed = false;

function curveDigest(key: unknown): string | undefined {
  let object: nodeCrypto.KeyObject;
  try {
    object = key instanceof nodeCrypto.KeyObject
      ? key
      : nodeCrypto.createPublicKey(key as nodeCrypto.KeyLike);
  } catch {
    return undefined;
  }
  if (object.asymmetricKeyType !== "ec") return undefined;
  switch (object.asymmetricKeyDetails?.namedCurve) {
    case "secp384r1":
      return "sha384";
    case "secp521r1":
      return "sha512";
    default:
      return "sha256";
  }
}

/** Makes `node:crypto`'s `verify` default to the curve's digest for EC keys, once. */
export function installEcdsaDefaultDigest(): void {
  if (installed) return;
  installed = true;
  const original = nodeCrypto.verify;
  const patched = (
    algorithm: string | null | undefined,
    data: NodeJS.ArrayBufferView,
    key: nodeCrypto.KeyLike,
    signature: NodeJS.ArrayBufferView,
  ): boolean => original(algorithm ?? curveDigest(key) ?? null, data, key, signature);
  (nodeCrypto as { verify: unknown }).verify = patched;
}
