/**
 * Hand-made installed distributions for tests of what reads an environment:
 * a site-packages directory with `*.dist-info` directories whose METADATA
 * says what each distribution requires.
 *
 * @module
 */

import { join } from "node:path";
import { type InstalledDist, readInstalledDists } from "../../lib/installer/site_packages.ts";
import { DEFAULT_MARKER_ENVIRONMENT, type MarkerEnvironment } from "../../lib/pep508/mod.ts";
import type { Scheme } from "../../lib/python/mod.ts";

/** A flat scheme in `root`: libraries in `root/site`, scripts in `root/bin`. */
export function schemeAt(root: string): Scheme {
  return {
    purelib: join(root, "site"),
    platlib: join(root, "site"),
    scripts: join(root, "bin"),
    data: root,
    headers: join(root, "include"),
  };
}

/** One distribution to write. */
export interface FakeDist {
  readonly name: string;
  readonly version: string;
  readonly requires?: readonly string[];
  readonly extras?: readonly string[];
  /** Leave a `REQUESTED` file (the user asked for it). */
  readonly requested?: boolean;
  /** Files it installed (under site-packages), listed in RECORD. */
  readonly files?: Readonly<Record<string, string>>;
}

/** Writes `dists` into `site` as dist-info directories (with RECORD and INSTALLER). */
export function writeDists(site: string, dists: readonly FakeDist[]): void {
  for (const dist of dists) {
    const info = join(site, `${dist.name.replaceAll("-", "_")}-${dist.version}.dist-info`);
    Deno.mkdirSync(info, { recursive: true });
    const lines = [
      "Metadata-Version: 2.1",
      `Name: ${dist.name}`,
      `Version: ${dist.version}`,
      ...(dist.requires ?? []).map((r) => `Requires-Dist: ${r}`),
      ...(dist.extras ?? []).map((e) => `Provides-Extra: ${e}`),
    ];
    Deno.writeTextFileSync(join(info, "METADATA"), lines.join("\n") + "\n\n");
    Deno.writeTextFileSync(join(info, "INSTALLER"), "dpip\n");
    if (dist.requested) Deno.writeTextFileSync(join(info, "REQUESTED"), "");
    const infoName = info.slice(site.length + 1);
    const record = [`${infoName}/METADATA,,`, `${infoName}/INSTALLER,,`, `${infoName}/RECORD,,`];
    if (dist.requested) record.push(`${infoName}/REQUESTED,,`);
    for (const [path, text] of Object.entries(dist.files ?? {})) {
      Deno.mkdirSync(join(site, path, ".."), { recursive: true });
      Deno.writeTextFileSync(join(site, path), text);
      record.push(`${path},,`);
    }
    Deno.writeTextFileSync(join(info, "RECORD"), record.join("\n") + "\n");
  }
}

/** Writes `dists` into a fresh directory and reads them back, as `list` would. */
export function installedDists(
  dists: readonly FakeDist[],
): { dists: readonly InstalledDist[]; site: string; done: () => void } {
  const site = Deno.makeTempDirSync({ prefix: "dpip-installed-" });
  writeDists(site, dists);
  return {
    dists: readInstalledDists([site]).dists,
    site,
    done: () => Deno.removeSync(site, { recursive: true }),
  };
}

/** The marker environment the tests evaluate in (CPython 3.11 on Linux). */
export const TEST_ENVIRONMENT: MarkerEnvironment = DEFAULT_MARKER_ENVIRONMENT;
