/**
 * `freeze`'s lines for editable installs, as pip 23.2.1 prints them: for a
 * project in a VCS checkout, `-e git+<url>@<commit>#egg=<name>` from the
 * checkout (`lib/vcs/editable_source.ts`); otherwise `-e <directory>` after
 * a comment saying why (no version control, no remote, a remote that is not
 * a URL), or after pip's warnings when the VCS could not be asked.
 *
 * @module
 */

import type { InstalledDist } from "../installer/site_packages.ts";
import { normalize } from "../paths.ts";
import type { EditableSource } from "../vcs/editable_source.ts";
import type { FreezeWarning } from "./freeze.ts";

/** How an editable install is frozen. */
export interface EditableFreeze {
  /** The requirement (without `-e `). */
  readonly requirement: string;
  readonly comments: readonly string[];
  /** What pip logs about it. */
  readonly warnings: readonly FreezeWarning[];
}

/** Where editable projects came from, by their location (`editableProjectLocation`). */
export type EditableSources = ReadonlyMap<string, EditableSource>;

/** At most this many projects' VCS are asked at once. */
const CONCURRENCY = 8;

/**
 * Asks the VCS about each editable project of `dists` (the others are left
 * out), a few at a time.
 */
export async function editableSources(
  dists: readonly InstalledDist[],
  options: { readonly env?: Readonly<Record<string, string>>; readonly signal?: AbortSignal },
): Promise<EditableSources> {
  const found = new Map<string, EditableSource>();
  const pending = dists.filter((dist) => dist.editableProjectLocation !== undefined);
  if (pending.length === 0) return found;
  // The VCS code loads only when there is an editable to ask about (freeze must start fast).
  const { editableSource } = await import("../vcs/editable_source.ts");
  const worker = async () => {
    for (let dist = pending.shift(); dist !== undefined; dist = pending.shift()) {
      const location = dist.editableProjectLocation!;
      found.set(location, await editableSource(normalize(location), dist.rawName, options));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, pending.length) }, worker));
  return found;
}

/**
 * The requirement, comments and warnings of an editable install at
 * `location` (`nameVersion` is its `name==version`), given what its VCS says
 * (`source`; none: not asked, as a directory without version control).
 */
export function editableFreeze(
  location: string,
  nameVersion: string,
  source: EditableSource | undefined,
): EditableFreeze {
  const directory = normalize(location);
  const plain = (comments: string[], warnings: FreezeWarning[] = []) => ({
    requirement: directory,
    comments,
    warnings,
  });
  if (source === undefined || source.kind === "none") {
    return plain([`# Editable install with no version control (${nameVersion})`]);
  }
  switch (source.kind) {
    case "vcs":
      return { requirement: source.requirement, comments: [], warnings: [] };
    case "no-remote":
      return plain([`# Editable ${source.vcsLabel} install with no remote (${nameVersion})`]);
    case "invalid-remote":
      return plain([
        `# Editable ${source.vcsLabel} install (${nameVersion}) with either a deleted local remote or invalid URI:`,
        // Quoted as pip quotes it (not repr): the URL is one word of one line.
        `# '${source.url}'`,
      ]);
    case "no-client":
      return plain([], [{
        level: "warning",
        message:
          `cannot determine version of editable source in ${directory} (${source.vcs} command not found in path)`,
      }]);
    case "failed":
      return plain(["## !! Could not determine repository location"], [
        {
          level: "warning",
          message: `Error when trying to get requirement for VCS system ${source.reason}`,
        },
        { level: "warning", message: `Could not determine repository location of ${directory}` },
      ]);
  }
}
