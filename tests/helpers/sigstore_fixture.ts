/**
 * A local Sigstore for tests, with no network: a test CA (a Fulcio
 * stand-in) issuing short-lived leaf certificates with Fulcio's OIDC
 * extensions and an embedded SCT from a test CT log, a test transparency
 * log (a Rekor stand-in) whose entries carry a signed entry timestamp and an
 * inclusion proof with a signed checkpoint, and the trusted root (in
 * Sigstore's `trusted_root.json` format) that names them. PEP 740
 * attestations and provenance objects are signed with them.
 *
 * Certificates are written here as DER by hand (a small encoder), so every
 * field — validity, extensions, the SCT over the precertificate — is what
 * the test says.
 *
 * @module
 */

import { createHash, generateKeyPairSync, type KeyObject, sign } from "node:crypto";

// --- DER ---------------------------------------------------------------------------------

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const length = n < 0x80
    ? [n]
    : n < 0x100
    ? [0x81, n]
    : n < 0x10000
    ? [0x82, n >> 8, n & 0xff]
    : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return concat([new Uint8Array([tag, ...length]), content]);
}

const seq = (...items: Uint8Array[]) => tlv(0x30, concat(items));
const set = (...items: Uint8Array[]) => tlv(0x31, concat(items));
const octets = (bytes: Uint8Array) => tlv(0x04, bytes);
const utf8 = (text: string) => tlv(0x0c, new TextEncoder().encode(text));
const ia5 = (tag: number, text: string) => tlv(tag, new TextEncoder().encode(text));
const bool = (value: boolean) => tlv(0x01, new Uint8Array([value ? 0xff : 0]));
const bits = (bytes: Uint8Array, unused = 0) =>
  tlv(0x03, concat([new Uint8Array([unused]), bytes]));
const explicit = (n: number, inner: Uint8Array) => tlv(0xa0 + n, inner);

function integer(value: number | bigint): Uint8Array {
  let hex = BigInt(value).toString(16);
  if (hex.length % 2) hex = "0" + hex;
  let bytes: Uint8Array = Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  if (bytes[0]! & 0x80) bytes = concat([new Uint8Array([0]), bytes]);
  return tlv(0x02, bytes);
}

function oid(text: string): Uint8Array {
  const parts = text.split(".").map(Number);
  const out = [parts[0]! * 40 + parts[1]!];
  for (const part of parts.slice(2)) {
    const stack = [part & 0x7f];
    for (let v = part >> 7; v > 0; v >>= 7) stack.unshift((v & 0x7f) | 0x80);
    out.push(...stack);
  }
  return tlv(0x06, new Uint8Array(out));
}

function time(date: Date): Uint8Array {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z";
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, new TextEncoder().encode(iso.slice(2)))
    : tlv(0x18, new TextEncoder().encode(iso));
}

const name = (cn: string) =>
  seq(set(seq(oid("2.5.4.10"), utf8("dpip tests")), set(seq(oid("2.5.4.3"), utf8(cn)))));
const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));

/** One certificate extension. */
export interface Extension {
  readonly oid: string;
  readonly critical?: boolean;
  /** The DER of `extnValue`'s content. */
  readonly value: Uint8Array;
}

function extension(ext: Extension): Uint8Array {
  return seq(oid(ext.oid), ...(ext.critical ? [bool(true)] : []), octets(ext.value));
}

/** A key pair (ECDSA P-256) with its SubjectPublicKeyInfo DER. */
export interface TestKey {
  readonly privateKey: KeyObject;
  readonly spki: Uint8Array;
}

/** A fresh ECDSA P-256 key. */
export function testKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return {
    privateKey,
    spki: new Uint8Array(publicKey.export({ type: "spki", format: "der" })),
  };
}

function signDer(key: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign("sha256", data, key));
}

const sha256 = (data: Uint8Array | string) =>
  new Uint8Array(createHash("sha256").update(data).digest());
const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const b64 = (bytes: Uint8Array | string) =>
  typeof bytes === "string"
    ? btoa(unescape(encodeURIComponent(bytes)))
    : btoa(String.fromCharCode(...bytes));

interface CertFields {
  readonly serial: number;
  readonly issuer: string;
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: Uint8Array;
  readonly extensions: readonly Extension[];
}

function tbs(fields: CertFields): Uint8Array {
  return seq(
    explicit(0, integer(2)),
    integer(fields.serial),
    ECDSA_SHA256,
    name(fields.issuer),
    seq(time(fields.notBefore), time(fields.notAfter)),
    name(fields.subject),
    fields.spki,
    explicit(3, seq(...fields.extensions.map(extension))),
  );
}

function certificate(fields: CertFields, signer: KeyObject): Uint8Array {
  const body = tbs(fields);
  return seq(body, ECDSA_SHA256, bits(signDer(signer, body)));
}

// --- The local Sigstore -------------------------------------------------------------------

const OIDC_ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";
const OIDC_ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";
const SCT_LIST = "1.3.6.1.4.1.11129.2.4.2";
const LOG_URL = "https://rekor.dpip.test";
const LOG_ORIGIN = "rekor.dpip.test";

/** Who a leaf certificate says signed. */
export interface SignerIdentity {
  /** The SAN URI (GitHub: `https://github.com/<repo>/.github/workflows/<file>@<ref>`) or email. */
  readonly san: string;
  readonly issuer: string;
}

/** Options for one signature. */
export interface SignOptions {
  readonly identity: SignerIdentity;
  /** When the certificate starts (default: an hour ago); it lasts `lifetimeMinutes` (10). */
  readonly notBefore?: Date;
  readonly lifetimeMinutes?: number;
  /** When the log says it saw the entry (default: a minute after notBefore). */
  readonly integratedTime?: Date;
}

/** A CA, a CT log and a transparency log, all local, and the trusted root naming them. */
export class LocalSigstore {
  readonly ca = testKey();
  readonly ctlog = testKey();
  readonly tlog = testKey();
  readonly caCert: Uint8Array;
  #serial = 2;

  constructor() {
    const now = Date.now();
    this.caCert = certificate({
      serial: 1,
      issuer: "dpip test Fulcio",
      subject: "dpip test Fulcio",
      notBefore: new Date(now - 365 * 86400_000),
      notAfter: new Date(now + 365 * 86400_000),
      spki: this.ca.spki,
      extensions: [
        { oid: "2.5.29.19", critical: true, value: seq(bool(true)) },
        { oid: "2.5.29.15", critical: true, value: bits(new Uint8Array([0x06]), 1) },
      ],
    }, this.ca.privateKey);
  }

  /** The trusted root, in Sigstore's `trusted_root.json` format. */
  trustedRoot(): Record<string, unknown> {
    const start = new Date(Date.now() - 400 * 86400_000).toISOString();
    const log = (key: TestKey, baseUrl: string) => ({
      baseUrl,
      hashAlgorithm: "SHA2_256",
      publicKey: {
        rawBytes: b64(key.spki),
        keyDetails: "PKIX_ECDSA_P256_SHA_256",
        validFor: { start },
      },
      logId: { keyId: b64(sha256(key.spki)) },
    });
    return {
      mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
      tlogs: [log(this.tlog, LOG_URL)],
      certificateAuthorities: [{
        subject: { organization: "dpip tests", commonName: "dpip test Fulcio" },
        uri: "https://fulcio.dpip.test",
        certChain: { certificates: [{ rawBytes: b64(this.caCert) }] },
        validFor: { start },
      }],
      ctlogs: [log(this.ctlog, "https://ctfe.dpip.test")],
      timestampAuthorities: [],
    };
  }

  /** A leaf certificate (with an SCT) for `identity` and its key. */
  leaf(options: SignOptions): { cert: Uint8Array; key: TestKey } {
    const key = testKey();
    const notBefore = options.notBefore ?? new Date(Date.now() - 3600_000);
    const fields: CertFields = {
      serial: this.#serial++,
      issuer: "dpip test Fulcio",
      subject: "",
      notBefore,
      notAfter: new Date(notBefore.getTime() + (options.lifetimeMinutes ?? 10) * 60_000),
      spki: key.spki,
      extensions: [
        { oid: "2.5.29.15", critical: true, value: bits(new Uint8Array([0x80]), 7) },
        { oid: "2.5.29.37", value: seq(oid("1.3.6.1.5.5.7.3.3")) },
        {
          oid: "2.5.29.17",
          critical: true,
          value: seq(
            options.identity.san.includes("://")
              ? ia5(0x86, options.identity.san)
              : ia5(0x81, options.identity.san),
          ),
        },
        { oid: OIDC_ISSUER_V1, value: new TextEncoder().encode(options.identity.issuer) },
        { oid: OIDC_ISSUER_V2, value: utf8(options.identity.issuer) },
      ],
    };
    // The SCT signs the precertificate: the TBS without the SCT extension.
    const precert = tbs(fields);
    const timestamp = BigInt(notBefore.getTime());
    const issuerKeyHash = sha256(this.ca.spki);
    const u16 = (n: number) => new Uint8Array([n >> 8, n & 0xff]);
    const u24 = (n: number) => new Uint8Array([n >> 16, (n >> 8) & 0xff, n & 0xff]);
    const u64 = (n: bigint) => {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setBigUint64(0, n);
      return out;
    };
    const signed = concat([
      new Uint8Array([0, 0]), // v1, certificate_timestamp
      u64(timestamp),
      u16(1), // precert_entry
      issuerKeyHash,
      u24(precert.length),
      precert,
      u16(0), // no extensions
    ]);
    const signature = signDer(this.ctlog.privateKey, signed);
    const sct = concat([
      new Uint8Array([0]),
      sha256(this.ctlog.spki),
      u64(timestamp),
      u16(0),
      new Uint8Array([4, 3]), // sha256, ecdsa
      u16(signature.length),
      signature,
    ]);
    const list = concat([u16(sct.length + 2), u16(sct.length), sct]);
    const cert = certificate(
      { ...fields, extensions: [...fields.extensions, { oid: SCT_LIST, value: octets(list) }] },
      this.ca.privateKey,
    );
    return { cert, key };
  }

  /**
   * A PEP 740 attestation of `filename` with `digest` (hex sha256), signed
   * as `options.identity` and entered in the local log.
   */
  attest(filename: string, digest: string, options: SignOptions): Record<string, unknown> {
    const { cert, key } = this.leaf(options);
    const statement = new TextEncoder().encode(JSON.stringify({
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name: filename, digest: { sha256: digest } }],
      predicateType: "https://docs.pypi.org/attestations/publish/v1",
      predicate: null,
    }));
    const payloadType = "application/vnd.in-toto+json";
    const enc = new TextEncoder();
    const pae = concat([
      enc.encode(`DSSEv1 ${payloadType.length} ${payloadType} ${statement.length} `),
      statement,
    ]);
    const signature = signDer(key.privateKey, pae);
    const pem = `-----BEGIN CERTIFICATE-----\n${b64(cert)}\n-----END CERTIFICATE-----\n`;
    const body = canonicalJson({
      apiVersion: "0.0.1",
      kind: "dsse",
      spec: {
        envelopeHash: { algorithm: "sha256", value: hex(sha256(pae)) },
        payloadHash: { algorithm: "sha256", value: hex(sha256(statement)) },
        signatures: [{ signature: b64(signature), verifier: b64(pem) }],
      },
    });
    const integrated = Math.floor(
      (options.integratedTime ??
        new Date((options.notBefore ?? new Date(Date.now() - 3600_000)).getTime() + 60_000))
        .getTime() / 1000,
    );
    const logId = sha256(this.tlog.spki);
    const set = signDer(
      this.tlog.privateKey,
      enc.encode(canonicalJson({
        body: b64(body),
        integratedTime: integrated,
        logIndex: 0,
        logID: hex(logId),
      })),
    );
    const root = sha256(concat([new Uint8Array([0]), enc.encode(body)]));
    const note = `${LOG_ORIGIN} - 1\n1\n${b64(root)}\n`;
    const noteSignature = signDer(this.tlog.privateKey, enc.encode(note));
    const checkpoint = `${note}\n\u2014 ${LOG_ORIGIN} ${
      b64(concat([logId.slice(0, 4), noteSignature]))
    }\n`;
    return {
      version: 1,
      verification_material: {
        certificate: b64(cert),
        transparency_entries: [{
          logIndex: "0",
          logId: { keyId: b64(logId) },
          kindVersion: { kind: "dsse", version: "0.0.1" },
          integratedTime: String(integrated),
          inclusionPromise: { signedEntryTimestamp: b64(set) },
          inclusionProof: {
            logIndex: "0",
            rootHash: b64(root),
            treeSize: "1",
            hashes: [],
            checkpoint: { envelope: checkpoint },
          },
          canonicalizedBody: b64(body),
        }],
      },
      envelope: { statement: b64(statement), signature: b64(signature) },
    };
  }
}

/** A PEP 740 provenance object: one bundle per publisher, with its attestations. */
export function provenance(
  bundles: readonly { publisher: Record<string, unknown>; attestations: unknown[] }[],
): string {
  return JSON.stringify({ version: 1, attestation_bundles: bundles });
}

/** The GitHub Trusted Publisher identity of `repository`'s `workflow`. */
export function githubIdentity(repository: string, workflow: string, ref = "refs/tags/v1"): {
  identity: SignerIdentity;
  publisher: Record<string, unknown> & { kind: string };
} {
  return {
    identity: {
      san: `https://github.com/${repository}/.github/workflows/${workflow}@${ref}`,
      issuer: "https://token.actions.githubusercontent.com",
    },
    publisher: { kind: "GitHub", repository, workflow, environment: null },
  };
}

/** JSON with keys sorted, no spaces (what Rekor signs). */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : 1
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
