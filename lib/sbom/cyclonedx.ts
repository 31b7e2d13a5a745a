/**
 * An SBOM as a CycloneDX 1.6 JSON document, built and serialized with
 * `@cyclonedx/cyclonedx-library` (its models and its JSON normalizer for
 * spec 1.6). The library is imported here, on first use, so only `dpip
 * sbom` pays for loading it (about 100–170 ms on the development machine).
 *
 * @module
 */

// Full specifiers (the version deno.json pins), so lib/ imports without dpip's deno.json.
// deno-lint-ignore no-import-prefix
import type * as Enums from "npm:@cyclonedx/cyclonedx-library@10.3.0/Enums";
import { pathToFileURL } from "../paths.ts";
import type { SbomDocument, SbomHash, SbomLink } from "./model.ts";

/** What identifies the document's run: the tool, and when (a fixed time makes output reproducible). */
export interface DocumentInfo {
  readonly toolName: string;
  readonly toolVersion: string;
  readonly timestamp: Date;
  /** A UUID for the serial number (`urn:uuid:…`). */
  readonly uuid: string;
}

async function loadLibrary() {
  const [models, serialize, enums, spec] = await Promise.all([
    // deno-lint-ignore no-import-prefix
    import("npm:@cyclonedx/cyclonedx-library@10.3.0/Models"),
    // deno-lint-ignore no-import-prefix
    import("npm:@cyclonedx/cyclonedx-library@10.3.0/Serialize"),
    // deno-lint-ignore no-import-prefix
    import("npm:@cyclonedx/cyclonedx-library@10.3.0/Enums"),
    // deno-lint-ignore no-import-prefix
    import("npm:@cyclonedx/cyclonedx-library@10.3.0/Spec"),
  ]);
  return { models: cjs(models), serialize: cjs(serialize), enums: cjs(enums), spec: cjs(spec) };
}

/**
 * The module's exports: the library is CommonJS, whose `import()` gives its
 * exports as named ones under `deno run` but only as `default` once bundled.
 */
function cjs<T>(module: T): T {
  return (module as { default?: T }).default ?? module;
}

/**
 * The CycloneDX 1.6 JSON text of `document`: one `library` component per
 * distribution (purl, hashes, license expression, links, the lock's files
 * as `distribution` references with their hashes, PEP 770 documents as `bom`
 * references with their sha256), and the dependency graph.
 */
export async function formatCycloneDx(document: SbomDocument, info: DocumentInfo): Promise<string> {
  const { models: M, serialize: S, enums: E, spec } = await loadLibrary();
  const algorithms: Record<SbomHash["algorithm"], Enums.HashAlgorithm> = {
    md5: E.HashAlgorithm.MD5,
    sha1: E.HashAlgorithm["SHA-1"],
    sha256: E.HashAlgorithm["SHA-256"],
    sha384: E.HashAlgorithm["SHA-384"],
    sha512: E.HashAlgorithm["SHA-512"],
  };
  const linkTypes: Record<SbomLink["kind"], Enums.ExternalReferenceType> = {
    website: E.ExternalReferenceType.Website,
    vcs: E.ExternalReferenceType.VCS,
    documentation: E.ExternalReferenceType.Documentation,
    "issue-tracker": E.ExternalReferenceType.IssueTracker,
  };
  const hashes = (list: readonly SbomHash[]) =>
    new M.HashDictionary(list.map((h) => [algorithms[h.algorithm], h.hex]));
  const bom = new M.Bom({ serialNumber: `urn:uuid:${info.uuid}` });
  bom.metadata.timestamp = info.timestamp;
  bom.metadata.tools.components.add(
    new M.Component(E.ComponentType.Application, info.toolName, { version: info.toolVersion }),
  );
  bom.metadata.component = new M.Component(E.ComponentType.Application, document.subject, {
    bomRef: "subject",
  });
  const byRef = new Map<string, InstanceType<typeof M.Component>>();
  for (const item of document.components) {
    const references = new M.ExternalReferenceRepository();
    for (const link of item.links) {
      references.add(new M.ExternalReference(link.url, linkTypes[link.kind]));
    }
    for (const file of item.files) {
      if (file.url === undefined) continue;
      references.add(
        new M.ExternalReference(file.url, E.ExternalReferenceType.Distribution, {
          hashes: hashes(file.hashes),
          comment: file.filename,
        }),
      );
    }
    if (item.files.length === 0 && item.downloadUrl !== undefined) {
      references.add(
        new M.ExternalReference(item.downloadUrl, E.ExternalReferenceType.Distribution, {
          hashes: hashes(item.hashes),
        }),
      );
    }
    for (const embedded of item.embeddedSboms) {
      references.add(
        new M.ExternalReference(pathToFileURL(embedded.path).href, E.ExternalReferenceType.BOM, {
          hashes: hashes([{ algorithm: "sha256", hex: embedded.sha256 }]),
          comment: `PEP 770 SBOM shipped in the wheel: sboms/${embedded.name}`,
        }),
      );
    }
    const component = new M.Component(E.ComponentType.Library, item.displayName, {
      bomRef: item.ref,
      purl: item.purl,
      ...(item.version === undefined ? {} : { version: item.version }),
      ...(item.summary === undefined ? {} : { description: item.summary }),
      hashes: hashes(item.hashes),
      externalReferences: references,
      ...(item.licenseExpression === undefined
        ? {}
        : { licenses: new M.LicenseRepository([new M.LicenseExpression(item.licenseExpression)]) }),
    });
    byRef.set(item.ref, component);
    bom.components.add(component);
  }
  const required = new Set(document.components.flatMap((item) => item.dependsOn));
  for (const item of document.components) {
    const component = byRef.get(item.ref)!;
    for (const ref of item.dependsOn) component.dependencies.add(byRef.get(ref)!.bomRef);
    // The subject depends on what nothing else requires.
    if (!required.has(item.ref)) bom.metadata.component.dependencies.add(component.bomRef);
  }
  const serializer = new S.JsonSerializer(new S.JSON.Normalize.Factory(spec.Spec1dot6));
  return serializer.serialize(bom, { sortLists: true, space: 2 }) + "\n";
}
