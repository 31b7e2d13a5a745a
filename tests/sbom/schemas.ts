/**
 * Checking SBOMs in tests: CycloneDX 1.6 against the official JSON schema
 * that `@cyclonedx/cyclonedx-library` ships (`res/schema/`, with the SPDX
 * license and JSF schemas it references), with ajv; SPDX 2.3 against the
 * structure the SPDX 2.3 specification requires (no npm or Debian package
 * ships the SPDX 2.3 JSON schema, so these checks are written here from the
 * specification's required fields and value sets).
 *
 * @module
 */

import * as CycloneDx from "@cyclonedx/cyclonedx-library";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import addFormats2019 from "ajv-formats-draft2019";

type Validator = (document: unknown) => string[];

let cyclonedx: Validator | undefined;

/** Errors of `document` against the CycloneDX 1.6 JSON schema (none when valid). */
export function cycloneDxErrors(document: unknown): string[] {
  if (cyclonedx === undefined) {
    // Where the library keeps its schema files: its own validator reads them from there.
    const files = (CycloneDx as unknown as {
      _Resources: {
        FILES: {
          CDX: { JSON_SCHEMA: Record<string, string> };
          SPDX: { JSON_SCHEMA: string };
          JSF: { JSON_SCHEMA: string };
        };
      };
    })._Resources.FILES;
    const read = (path: string) => JSON.parse(Deno.readTextFileSync(path));
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    (addFormats2019 as unknown as (a: Ajv) => void)(ajv);
    ajv.addSchema(
      read(files.SPDX.JSON_SCHEMA),
      "http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json",
    );
    ajv.addSchema(
      read(files.JSF.JSON_SCHEMA),
      "http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json",
    );
    const validate = ajv.compile(read(files.CDX.JSON_SCHEMA["1.6"]!));
    cyclonedx = (document) =>
      validate(document)
        ? []
        : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? e.keyword}`);
  }
  return cyclonedx(document);
}

const SPDX_ID = /^SPDXRef-[A-Za-z0-9.-]+$/;
const CHECKSUM_ALGORITHMS = new Set([
  "SHA1",
  "SHA224",
  "SHA256",
  "SHA384",
  "SHA512",
  "SHA3-256",
  "SHA3-384",
  "SHA3-512",
  "BLAKE2b-256",
  "BLAKE2b-384",
  "BLAKE2b-512",
  "BLAKE3",
  "MD2",
  "MD4",
  "MD5",
  "MD6",
  "ADLER32",
]);
const RELATIONSHIPS = new Set([
  "DESCRIBES",
  "DESCRIBED_BY",
  "CONTAINS",
  "DEPENDS_ON",
  "DEPENDENCY_OF",
  "GENERATED_FROM",
  "OTHER",
]);

/** Problems of `document` as an SPDX 2.3 JSON document (none when it follows the specification). */
export function spdx23Errors(document: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const need = (ok: boolean, what: string) => ok || errors.push(what);
  need(document.spdxVersion === "SPDX-2.3", "spdxVersion is not SPDX-2.3");
  need(document.dataLicense === "CC0-1.0", "dataLicense is not CC0-1.0");
  need(document.SPDXID === "SPDXRef-DOCUMENT", "SPDXID is not SPDXRef-DOCUMENT");
  need(typeof document.name === "string" && document.name !== "", "no name");
  need(
    typeof document.documentNamespace === "string" && URL.canParse(document.documentNamespace) &&
      !(document.documentNamespace as string).includes("#"),
    "documentNamespace is not a URI without #",
  );
  const info = document.creationInfo as { created?: string; creators?: string[] } | undefined;
  need(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(info?.created ?? ""), "creationInfo.created");
  need(
    (info?.creators ?? []).length > 0 &&
      info!.creators!.every((c) => /^(Tool|Person|Organization): \S/.test(c)),
    "creationInfo.creators",
  );
  const ids = new Set<string>(["SPDXRef-DOCUMENT"]);
  const addId = (id: unknown, where: string) => {
    need(typeof id === "string" && SPDX_ID.test(id), `${where}: bad SPDXID ${id}`);
    need(!ids.has(id as string), `${where}: SPDXID ${id} used twice`);
    ids.add(id as string);
  };
  const checksums = (list: unknown, where: string) => {
    for (const c of (list ?? []) as { algorithm: string; checksumValue: string }[]) {
      need(CHECKSUM_ALGORITHMS.has(c.algorithm), `${where}: checksum algorithm ${c.algorithm}`);
      need(/^[0-9a-f]+$/.test(c.checksumValue), `${where}: checksumValue`);
    }
  };
  for (const [i, pkg] of ((document.packages ?? []) as Record<string, unknown>[]).entries()) {
    const where = `packages[${i}]`;
    addId(pkg.SPDXID, where);
    need(typeof pkg.name === "string" && pkg.name !== "", `${where}: no name`);
    need(typeof pkg.downloadLocation === "string", `${where}: no downloadLocation`);
    if (pkg.filesAnalyzed !== false) need(pkg.packageVerificationCode !== undefined, `${where}`);
    checksums(pkg.checksums, where);
    for (const ref of (pkg.externalRefs ?? []) as Record<string, string>[]) {
      need(
        ["SECURITY", "PACKAGE-MANAGER", "PERSISTENT-ID", "OTHER"].includes(ref.referenceCategory!),
        `${where}: referenceCategory`,
      );
      if (ref.referenceType === "purl") {
        need(/^pkg:pypi\/[a-z0-9-]+(@\S+)?$/.test(ref.referenceLocator!), `${where}: purl`);
      }
    }
  }
  for (const [i, file] of ((document.files ?? []) as Record<string, unknown>[]).entries()) {
    const where = `files[${i}]`;
    addId(file.SPDXID, where);
    need(typeof file.fileName === "string", `${where}: no fileName`);
    const list = (file.checksums ?? []) as { algorithm: string }[];
    need(list.some((c) => c.algorithm === "SHA1"), `${where}: a file needs a SHA1 checksum`);
    checksums(list, where);
  }
  for (const [i, rel] of ((document.relationships ?? []) as Record<string, string>[]).entries()) {
    const where = `relationships[${i}]`;
    need(RELATIONSHIPS.has(rel.relationshipType!), `${where}: type ${rel.relationshipType}`);
    need(ids.has(rel.spdxElementId!), `${where}: unknown ${rel.spdxElementId}`);
    need(ids.has(rel.relatedSpdxElement!), `${where}: unknown ${rel.relatedSpdxElement}`);
  }
  return errors;
}
