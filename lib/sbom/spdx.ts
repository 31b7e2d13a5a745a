/**
 * An SBOM as an SPDX 2.3 JSON document, written by hand (it is plain JSON):
 * one package per distribution with its purl (`PACKAGE-MANAGER`/`purl`
 * external reference), checksums, declared license expression and
 * download location, `DEPENDS_ON` relationships, and the PEP 770 documents
 * a wheel shipped as files that describe their package (`DESCRIBED_BY`).
 *
 * @module
 */

import type { DocumentInfo } from "./cyclonedx.ts";
import type { SbomComponent, SbomDocument, SbomHash } from "./model.ts";

const ALGORITHM_NAMES: Record<SbomHash["algorithm"], string> = {
  md5: "MD5",
  sha1: "SHA1",
  sha256: "SHA256",
  sha384: "SHA384",
  sha512: "SHA512",
};

/** An SPDX identifier: `SPDXRef-` and letters, digits, `.` and `-` only. */
function spdxId(kind: string, index: number, name: string): string {
  return `SPDXRef-${kind}-${index}-${name.replace(/[^A-Za-z0-9.-]/g, "-")}`;
}

/** A license expression only when it has nothing but the characters SPDX expressions use. */
function licenseOf(component: SbomComponent): string {
  const expression = component.licenseExpression;
  return expression !== undefined && /^[A-Za-z0-9.+\-:() ]+$/.test(expression)
    ? expression
    : "NOASSERTION";
}

/** The SPDX 2.3 JSON text of `document`. */
export function formatSpdx(document: SbomDocument, info: DocumentInfo): string {
  const ids = new Map<string, string>();
  document.components.forEach((c, i) => ids.set(c.ref, spdxId("Package", i + 1, c.name)));
  const packages: Record<string, unknown>[] = [];
  const files: Record<string, unknown>[] = [];
  const relationships: Record<string, unknown>[] = [];
  const required = new Set(document.components.flatMap((c) => c.dependsOn));
  for (const component of document.components) {
    const id = ids.get(component.ref)!;
    packages.push({
      SPDXID: id,
      name: component.displayName,
      ...(component.version === undefined ? {} : { versionInfo: component.version }),
      downloadLocation: component.downloadUrl ?? "NOASSERTION",
      filesAnalyzed: false,
      ...(component.hashes.length === 0 ? {} : {
        checksums: component.hashes.map((h) => ({
          algorithm: ALGORITHM_NAMES[h.algorithm],
          checksumValue: h.hex,
        })),
      }),
      ...(component.summary === undefined ? {} : { summary: component.summary }),
      licenseConcluded: "NOASSERTION",
      licenseDeclared: licenseOf(component),
      copyrightText: "NOASSERTION",
      primaryPackagePurpose: "LIBRARY",
      externalRefs: [{
        referenceCategory: "PACKAGE-MANAGER",
        referenceType: "purl",
        referenceLocator: component.purl,
      }],
    });
    if (!required.has(component.ref)) {
      relationships.push({
        spdxElementId: "SPDXRef-DOCUMENT",
        relationshipType: "DESCRIBES",
        relatedSpdxElement: id,
      });
    }
    for (const ref of component.dependsOn) {
      relationships.push({
        spdxElementId: id,
        relationshipType: "DEPENDS_ON",
        relatedSpdxElement: ids.get(ref)!,
      });
    }
    component.embeddedSboms.forEach((embedded) => {
      const fileId = spdxId("File", files.length + 1, embedded.name);
      files.push({
        SPDXID: fileId,
        fileName: embedded.path,
        checksums: [
          { algorithm: "SHA1", checksumValue: embedded.sha1 },
          { algorithm: "SHA256", checksumValue: embedded.sha256 },
        ],
        licenseConcluded: "NOASSERTION",
        copyrightText: "NOASSERTION",
        comment: "PEP 770 SBOM document shipped in the wheel's .dist-info/sboms/",
      });
      relationships.push({
        spdxElementId: id,
        relationshipType: "DESCRIBED_BY",
        relatedSpdxElement: fileId,
      });
    });
  }
  const created = info.timestamp.toISOString().replace(/\.\d{3}Z$/, "Z");
  return JSON.stringify(
    {
      spdxVersion: "SPDX-2.3",
      dataLicense: "CC0-1.0",
      SPDXID: "SPDXRef-DOCUMENT",
      name: document.subject,
      documentNamespace: `https://spdx.org/spdxdocs/${info.toolName}-${info.uuid}`,
      creationInfo: { created, creators: [`Tool: ${info.toolName}-${info.toolVersion}`] },
      packages,
      ...(files.length === 0 ? {} : { files }),
      relationships,
    },
    null,
    2,
  ) + "\n";
}
