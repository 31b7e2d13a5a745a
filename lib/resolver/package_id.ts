/**
 * The packages the resolver hands to the PubGrub solver: the root (your
 * requirements), a project, or a project with one extra. An extra is a
 * virtual package (as uv's `PubGrubPackage` has them): `a[x]` at version v
 * depends on `a==v` plus the dependencies the extra adds, so the solver keeps
 * the two at one version without knowing what an extra is.
 *
 * Ids are interned ({@link PackageIds}): each identity is one frozen object,
 * so the solver compares them with `===` and keys its maps by them as cheaply
 * as it did strings, and nothing parses `"name[extra]"` back apart.
 *
 * @module
 */

import type { ExtraName, PackageName } from "../names/mod.ts";

/** The root: your requirements, constraints and direct references. */
export interface RootId {
  readonly kind: "root";
}

/** A project. */
export interface ProjectId {
  readonly kind: "package";
  /** Its normalized name. */
  readonly name: PackageName;
}

/** A project with one extra (a virtual package that pins the project). */
export interface ExtraId {
  readonly kind: "extra";
  /** The project's normalized name. */
  readonly name: PackageName;
  /** The extra's normalized name. */
  readonly extra: ExtraName;
}

/** One package as the solver sees it. */
export type PackageId = RootId | ProjectId | ExtraId;

/** The root's id (one per process: it carries no data). */
export const ROOT_ID: RootId = Object.freeze({ kind: "root" });

/**
 * Interned package ids: asking twice for the same project (or project and
 * extra) gives the same object.
 *
 * @example
 * ```ts
 * import { canonicalizeExtra, canonicalizeName } from "../names/mod.ts";
 * const ids = new PackageIds();
 * const a = canonicalizeName("A");
 * ids.package(a) === ids.package(a); // true
 * ids.extra(a, canonicalizeExtra("X")).kind; // "extra"
 * ```
 */
export class PackageIds {
  readonly #packages = new Map<PackageName, ProjectId>();
  readonly #extras = new Map<PackageName, Map<ExtraName, ExtraId>>();

  /** The id of project `name`. */
  package(name: PackageName): ProjectId {
    let id = this.#packages.get(name);
    if (id === undefined) this.#packages.set(name, id = Object.freeze({ kind: "package", name }));
    return id;
  }

  /** The id of project `name` with extra `extra`. */
  extra(name: PackageName, extra: ExtraName): ExtraId {
    let byExtra = this.#extras.get(name);
    if (byExtra === undefined) this.#extras.set(name, byExtra = new Map());
    let id = byExtra.get(extra);
    if (id === undefined) byExtra.set(extra, id = Object.freeze({ kind: "extra", name, extra }));
    return id;
  }
}

/**
 * How an id reads in messages: `name`, `name[extra]`, or `your requirements`
 * for the root.
 *
 * @example
 * ```ts
 * import { canonicalizeExtra, canonicalizeName } from "../names/mod.ts";
 * const ids = new PackageIds();
 * packageLabel(ids.extra(canonicalizeName("a"), canonicalizeExtra("x"))); // "a[x]"
 * ```
 */
export function packageLabel(id: PackageId): string {
  switch (id.kind) {
    case "root":
      return "your requirements";
    case "package":
      return id.name;
    case "extra":
      return `${id.name}[${id.extra}]`;
  }
}
