/**
 * Verifying one PEP 740 attestation of one file, with `@sigstore/verify`
 * (loaded on first use: about 250–450 ms on the development machine, so
 * only runs that verify something pay for it).
 *
 * What is verified: the Sigstore bundle the attestation stands for against
 * the trust root — the signing certificate chains to a trusted CA (a
 * Fulcio) and was valid when the transparency log integrated the entry, it
 * carries a valid SCT from a trusted CT log, the log entry's inclusion is
 * proven (signed entry timestamp, and the inclusion proof against a signed
 * checkpoint when given) by a trusted log and matches the envelope, and the
 * DSSE signature over the statement is valid; then the in-toto statement
 * names exactly this file (name and sha256); then the certificate's identity
 * (SAN and OIDC issuer) is the publisher's the index claims.
 *
 * The trust root is Sigstore's `trusted_root.json`: by default the
 * public-good instance's, as shipped in `@sigstore/tuf` 5.0.1 (not refreshed
 * over TUF: dpip fetches nothing from Sigstore), or a file the user names.
 *
 * @module
 */

// Full specifiers (the versions deno.json pins), so lib/ imports without dpip's deno.json.
// deno-lint-ignore no-import-prefix
import type { TrustMaterial } from "npm:@sigstore/verify@4.1.3";
import { DpipError } from "../errors.ts";
import { installEcdsaDefaultDigest } from "./ecdsa_default_digest.ts";
import { type Attestation, sigstoreBundle } from "./provenance.ts";
import { type CertificateIdentity, identityMismatch, type Publisher } from "./publisher.ts";

/** A trust root that cannot be read. */
export class TrustedRootError extends DpipError<"trusted-root"> {
  /** `source` names the file; `detail` says what is wrong. */
  constructor(source: string, detail: string, options: { cause?: unknown } = {}) {
    super("trusted-root", `Cannot use the Sigstore trusted root ${source}: ${detail}`, {
      hint: "give a trusted_root.json in Sigstore's format (sigstore's TUF repository serves one)",
      ...options,
    });
    this.name = "TrustedRootError";
  }
}

/** An attestation that does not verify, and why. */
export class AttestationFailure extends Error {
  /** `reason` says what did not verify. */
  constructor(reason: string) {
    super(reason);
    this.name = "AttestationFailure";
  }
}

async function sigstore() {
  installEcdsaDefaultDigest();
  const [verify, bundle, specs] = await Promise.all([
    // deno-lint-ignore no-import-prefix
    import("npm:@sigstore/verify@4.1.3"),
    // deno-lint-ignore no-import-prefix
    import("npm:@sigstore/bundle@5.0.1"),
    // deno-lint-ignore no-import-prefix
    import("npm:@sigstore/protobuf-specs@0.5.2"),
  ]);
  return { verify: cjs(verify), bundle: cjs(bundle), specs: cjs(specs) };
}

/** The exports of a CommonJS module: named under `deno run`, `default` once bundled. */
function cjs<T>(module: T): T {
  return (module as { default?: T }).default ?? module;
}

/** Sigstore's public-good `trusted_root.json`, as `@sigstore/tuf` 5.0.1 ships it. */
async function publicGoodRoot(): Promise<unknown> {
  const seeds = await import(
    // deno-lint-ignore no-import-prefix
    "npm:@sigstore/tuf@5.0.1/seeds.json",
    { with: { type: "json" } }
  );
  const encoded = seeds.default["https://tuf-repo-cdn.sigstore.dev"]?.targets["trusted_root.json"];
  if (encoded === undefined) throw new TrustedRootError("(built in)", "it is not in @sigstore/tuf");
  return JSON.parse(atob(encoded));
}

/**
 * The trust material of a `trusted_root.json` (its text), or of Sigstore's
 * public-good instance when none is given.
 *
 * @throws {TrustedRootError} when the text is not a trusted root.
 */
export async function loadTrustMaterial(
  root?: { readonly text: string; readonly source: string },
): Promise<TrustMaterial> {
  const { verify, specs } = await sigstore();
  let json: unknown;
  try {
    json = root === undefined ? await publicGoodRoot() : JSON.parse(root.text);
  } catch (error) {
    if (error instanceof TrustedRootError) throw error;
    throw new TrustedRootError(root?.source ?? "(built in)", "not JSON", { cause: error });
  }
  try {
    return verify.toTrustMaterial(specs.TrustedRoot.fromJSON(json));
  } catch (error) {
    throw new TrustedRootError(
      root?.source ?? "(built in)",
      error instanceof Error ? error.message : String(error),
      { cause: error },
    );
  }
}

interface Statement {
  readonly subject?: readonly { name?: unknown; digest?: Record<string, unknown> }[];
  readonly _type?: unknown;
}

/**
 * Verifies `attestation` as made by `publisher` for the file `filename`
 * whose sha256 is `sha256`.
 *
 * @throws {AttestationFailure} naming what did not verify.
 */
export async function verifyAttestation(
  attestation: Attestation,
  options: {
    trust: TrustMaterial;
    filename: string;
    sha256: string;
    publisher: Publisher;
  },
): Promise<void> {
  const { verify, bundle } = await sigstore();
  let identity: CertificateIdentity;
  try {
    const parsed = bundle.bundleFromJSON(sigstoreBundle(attestation));
    const signer = new verify.Verifier(options.trust).verify(verify.toSignedEntity(parsed));
    identity = {
      ...(signer.identity?.subjectAlternativeName === undefined
        ? {}
        : { subjectAlternativeName: signer.identity.subjectAlternativeName }),
      ...(signer.identity?.extensions?.issuer === undefined
        ? {}
        : { issuer: signer.identity.extensions.issuer }),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const cause = error instanceof Error && error.cause instanceof Error
      ? `: ${error.cause.message}`
      : "";
    throw new AttestationFailure(`the Sigstore bundle does not verify (${message}${cause})`);
  }
  let statement: Statement;
  try {
    statement = JSON.parse(new TextDecoder().decode(
      Uint8Array.from(
        atob(attestation.statement.replace(/-/g, "+").replace(/_/g, "/")),
        (c) => c.charCodeAt(0),
      ),
    ));
  } catch {
    throw new AttestationFailure("the statement is not JSON");
  }
  const subjects = Array.isArray(statement.subject) ? statement.subject : [];
  if (statement._type !== "https://in-toto.io/Statement/v1" || subjects.length !== 1) {
    throw new AttestationFailure("the statement is not an in-toto v1 statement about one file");
  }
  const subject = subjects[0]!;
  if (subject.name !== options.filename) {
    throw new AttestationFailure(
      `the statement is about ${JSON.stringify(subject.name)}, not ${options.filename}`,
    );
  }
  const digest = subject.digest?.sha256;
  if (typeof digest !== "string" || digest.toLowerCase() !== options.sha256.toLowerCase()) {
    throw new AttestationFailure(
      `the statement gives sha256 ${String(digest)}, but the file's is ${options.sha256}`,
    );
  }
  const mismatch = identityMismatch(options.publisher, identity);
  if (mismatch !== undefined) throw new AttestationFailure(mismatch);
}
