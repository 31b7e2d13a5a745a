/**
 * PEP 740 provenance objects: what an index serves at a file's
 * `provenance` URL — attestation bundles, each a Trusted Publisher identity
 * and the attestations made under it — read from untrusted JSON (bounded),
 * and each attestation turned into the Sigstore bundle (v0.3, DSSE) that
 * `@sigstore/verify` checks.
 *
 * @module
 */

import { DpipError } from "../errors.ts";

/** The most attestation bundles, and attestations per bundle, read from one provenance object. */
export const MAX_ATTESTATIONS = 32;

/** One PEP 740 attestation: a signing certificate, log entries and a DSSE envelope. */
export interface Attestation {
  /** Base64 DER of the signing certificate. */
  readonly certificate: string;
  /** Transparency log entries, as the index gave them (Sigstore's JSON form). */
  readonly transparencyEntries: readonly unknown[];
  /** Base64 of the in-toto statement (the DSSE payload). */
  readonly statement: string;
  /** Base64 of the signature over the DSSE pre-authentication encoding. */
  readonly signature: string;
}

/** A Trusted Publisher (`kind` and its claims) and the attestations made under it. */
export interface AttestationBundle {
  readonly publisher: Readonly<Record<string, unknown>> & { readonly kind: string };
  readonly attestations: readonly Attestation[];
}

/** A provenance object that does not follow PEP 740. */
export class ProvenanceFormatError extends DpipError<"attestation-failed"> {
  /** `detail` says what is wrong. */
  constructor(detail: string) {
    super("attestation-failed", `the provenance object is malformed: ${detail}`);
    this.name = "ProvenanceFormatError";
  }
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function base64(value: unknown, where: string): string {
  if (typeof value !== "string" || value === "" || !BASE64.test(value)) {
    throw new ProvenanceFormatError(`${where} is not base64`);
  }
  return value;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new ProvenanceFormatError(`${where} is not a list`);
  if (value.length > MAX_ATTESTATIONS) {
    throw new ProvenanceFormatError(`${where} has more than ${MAX_ATTESTATIONS} entries`);
  }
  return value;
}

function readAttestation(raw: unknown, where: string): Attestation {
  if (!isObject(raw) || raw.version !== 1) {
    throw new ProvenanceFormatError(`${where} is not a version 1 attestation`);
  }
  const material = raw.verification_material;
  const envelope = raw.envelope;
  if (!isObject(material) || !isObject(envelope)) {
    throw new ProvenanceFormatError(`${where} has no verification_material or envelope`);
  }
  return {
    certificate: base64(material.certificate, `${where}.verification_material.certificate`),
    transparencyEntries: list(
      material.transparency_entries,
      `${where}.verification_material.transparency_entries`,
    ),
    statement: base64(envelope.statement, `${where}.envelope.statement`),
    signature: base64(envelope.signature, `${where}.envelope.signature`),
  };
}

/**
 * Reads a PEP 740 provenance object.
 *
 * @throws {ProvenanceFormatError} for JSON that is not one (version 1, bundles with a publisher `kind`).
 */
export function parseProvenance(text: string): AttestationBundle[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ProvenanceFormatError("not JSON");
  }
  if (!isObject(data) || data.version !== 1) {
    throw new ProvenanceFormatError("not a version 1 provenance object");
  }
  return list(data.attestation_bundles, "attestation_bundles").map((raw, i) => {
    const where = `attestation_bundles[${i}]`;
    if (!isObject(raw) || !isObject(raw.publisher) || typeof raw.publisher.kind !== "string") {
      throw new ProvenanceFormatError(`${where} has no publisher kind`);
    }
    return {
      publisher: raw.publisher as AttestationBundle["publisher"],
      attestations: list(raw.attestations, `${where}.attestations`).map((a, j) =>
        readAttestation(a, `${where}.attestations[${j}]`)
      ),
    };
  });
}

/** The in-toto payload type of PEP 740 attestations. */
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

/** The Sigstore bundle (v0.3 JSON, DSSE) an attestation stands for. */
export function sigstoreBundle(attestation: Attestation): Record<string, unknown> {
  return {
    mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
    verificationMaterial: {
      certificate: { rawBytes: attestation.certificate },
      tlogEntries: attestation.transparencyEntries,
    },
    dsseEnvelope: {
      payload: attestation.statement,
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      signatures: [{ sig: attestation.signature, keyid: "" }],
    },
  };
}
