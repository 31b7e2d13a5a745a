/**
 * PEP 740 attestations in an install: for each file about to be installed
 * from an index, its provenance (the index's `provenance` URL) is fetched
 * and its attestations verified (`verify.ts`) against the file's sha256
 * (the one the index gives, which the download is then checked against).
 *
 * Modes (`--verify-attestations`):
 * - `warn` (default): files with provenance are verified; a failure is a
 *   warning, a file without provenance says nothing.
 * - `require`: every file must have provenance that verifies, else the
 *   install stops before anything is downloaded.
 * - `off`: nothing is fetched or verified.
 *
 * Whatever the mode (but `off`), a project the lock pins publishers for
 * (`attestation-identities`) must verify as made by one of them, and a
 * project whose verified publisher differs from the one dpip last verified
 * for it (kept in the cache) gets a warning naming both.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import type { PackageName } from "../names/mod.ts";
import { join } from "../paths.ts";
import { parseProvenance } from "./provenance.ts";
import { describePublisher, matchesPin, type Publisher, publisherKey } from "./publisher.ts";
// deno-lint-ignore no-import-prefix
import type { TrustMaterial } from "npm:@sigstore/verify@4.1.3";

/** How attestations are treated (`--verify-attestations`). */
export type AttestationMode = "warn" | "require" | "off";

/** A file about to be installed. */
export interface AttestedFile {
  readonly name: PackageName;
  readonly version: string;
  readonly filename: string;
  /** The sha256 the index gives (the download is checked against it). */
  readonly sha256?: string;
  /** The PEP 740 provenance URL the index gives. */
  readonly provenance?: string;
}

/** Publishers a lock pins for a project, and the index it names. */
export interface PinnedIdentities {
  readonly identities: readonly Readonly<Record<string, unknown>>[];
  /** The lock's `index` for the package (where to find the provenance of a locked file). */
  readonly index?: string;
}

/** A file whose attestations were required and do not verify (or are missing). */
export class AttestationError extends DpipError<"attestation-failed"> {
  /** The file concerned. */
  readonly filename: string;
  /** `filename` is the file; `reason` says what is wrong. */
  constructor(filename: string, reason: string) {
    super("attestation-failed", `Attestations of ${filename} do not verify: ${reason}`, {
      hint:
        "the file may not be what its publisher uploaded; use --verify-attestations=warn or off only if you trust the index",
    });
    this.name = "AttestationError";
    this.filename = filename;
  }
}

/** What the check needs from outside. */
export interface AttestationCheckOptions {
  readonly mode: AttestationMode;
  /** GETs a small JSON document (a provenance object); the status and text. */
  readonly fetchText: (url: string) => Promise<{ status: number; text: string }>;
  /** The provenance URL of a locked file, from the lock's index page (undefined when none). */
  readonly provenanceOnIndex?: (
    index: string,
    name: PackageName,
    filename: string,
  ) => Promise<string | undefined>;
  readonly trust: () => Promise<TrustMaterial>;
  readonly pins?: ReadonlyMap<PackageName, PinnedIdentities>;
  /** Where the publisher last verified for each project is kept (a cache bucket); none to forget. */
  readonly memoryDir?: string;
}

/** The outcome for one file. */
export type FileOutcome =
  | { readonly kind: "verified"; readonly publisher: Publisher }
  | { readonly kind: "absent" }
  | { readonly kind: "failed"; readonly reason: string };

async function verifyFile(
  file: AttestedFile,
  provenanceUrl: string,
  options: AttestationCheckOptions,
): Promise<FileOutcome> {
  if (file.sha256 === undefined) {
    return { kind: "failed", reason: "the index gives no sha256 for the file to check it against" };
  }
  const fetched = await options.fetchText(provenanceUrl);
  if (fetched.status === 404) return { kind: "absent" };
  if (fetched.status !== 200) {
    return { kind: "failed", reason: `the provenance answered HTTP ${fetched.status}` };
  }
  let bundles;
  try {
    bundles = parseProvenance(fetched.text);
  } catch (error) {
    return { kind: "failed", reason: error instanceof Error ? error.message : String(error) };
  }
  if (bundles.length === 0) return { kind: "failed", reason: "the provenance has no attestations" };
  const { verifyAttestation } = await import("./verify.ts");
  const trust = await options.trust();
  const reasons: string[] = [];
  for (const bundle of bundles) {
    if (bundle.attestations.length === 0) continue;
    let failure: string | undefined;
    for (const attestation of bundle.attestations) {
      try {
        await verifyAttestation(attestation, {
          trust,
          filename: file.filename,
          sha256: file.sha256,
          publisher: bundle.publisher,
        });
      } catch (error) {
        if (!(error instanceof Error) || error.name !== "AttestationFailure") throw error;
        failure = error.message;
        break;
      }
    }
    if (failure === undefined) return { kind: "verified", publisher: bundle.publisher };
    reasons.push(failure);
  }
  return { kind: "failed", reason: reasons.join("; ") || "the provenance has no attestations" };
}

function memoryFile(dir: string, name: PackageName): string {
  return join(dir, `${name}.json`);
}

async function remembered(dir: string, name: PackageName): Promise<Publisher | undefined> {
  try {
    const data = JSON.parse(await Deno.readTextFile(memoryFile(dir, name)));
    return typeof data?.kind === "string" ? data as Publisher : undefined;
  } catch {
    return undefined;
  }
}

async function remember(dir: string, name: PackageName, publisher: Publisher): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true });
    const temp = `${memoryFile(dir, name)}.${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(temp, JSON.stringify(publisher));
    await Deno.rename(temp, memoryFile(dir, name));
  } catch {
    // Remembering is best effort: a read-only cache only loses the change warning.
  }
}

/**
 * Checks the attestations of `files`; returns the warnings to print.
 *
 * @throws {AttestationError} in `require` mode for a file without verified
 *   provenance, and in any mode for a file whose lock pins publishers it does not verify as.
 */
export async function checkAttestations(
  files: readonly AttestedFile[],
  options: AttestationCheckOptions,
): Promise<string[]> {
  if (options.mode === "off") return [];
  const warnings: string[] = [];
  for (const file of files) {
    const pinned = options.pins?.get(file.name);
    let url = file.provenance;
    if (url === undefined && pinned?.index !== undefined) {
      url = await options.provenanceOnIndex?.(pinned.index, file.name, file.filename);
    }
    const outcome: FileOutcome = url === undefined
      ? { kind: "absent" }
      : await verifyFile(file, url, options);
    const strict = options.mode === "require" || pinned !== undefined;
    switch (outcome.kind) {
      case "absent":
        if (strict) {
          throw new AttestationError(
            file.filename,
            pinned === undefined
              ? "the index gives no provenance for it (--verify-attestations=require)"
              : "the lock pins its publisher, but the index gives no provenance for it",
          );
        }
        break;
      case "failed":
        if (strict) throw new AttestationError(file.filename, outcome.reason);
        warnings.push(`Attestations of ${file.filename} do not verify: ${outcome.reason}`);
        break;
      case "verified": {
        const publisher = outcome.publisher;
        if (pinned !== undefined && !pinned.identities.some((pin) => matchesPin(publisher, pin))) {
          throw new AttestationError(
            file.filename,
            `it was published by ${
              describePublisher(publisher)
            }, not by the publisher the lock pins (${
              pinned.identities.map((pin) => describePublisher(pin as Publisher)).join(", ")
            })`,
          );
        }
        if (options.memoryDir !== undefined) {
          const before = await remembered(options.memoryDir, file.name);
          if (before !== undefined && publisherKey(before) !== publisherKey(publisher)) {
            warnings.push(
              `The publisher of ${file.name} changed: ${file.filename} was published by ${
                describePublisher(publisher)
              }, earlier versions dpip verified by ${describePublisher(before)}`,
            );
          }
          await remember(options.memoryDir, file.name, publisher);
        }
        break;
      }
    }
  }
  return warnings;
}
