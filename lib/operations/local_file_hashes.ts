/**
 * A local file checked against the hashes recorded for it before anything
 * reads it: a lock's wheels on disk (an offline bundle's `wheels/`) are
 * verified before the resolver opens them for their metadata, so a changed
 * file is refused as a hash mismatch, not read as hostile input first.
 *
 * @module
 */

import { digestChecks, hashFile, HashMismatchError, matchesHashes } from "../net/hashes.ts";
import { fileURLToPath } from "../paths.ts";
import type { IndexFile } from "../resolver/default_provider.ts";

/**
 * Checks `file` when its URL is a `file:` URL and it has hashes dpip can
 * compute; `source` says where the hashes came from (`the lock`).
 *
 * @throws {HashMismatchError} when no recorded hash matches the bytes.
 */
export async function checkLocalFileHashes(file: IndexFile, source: string): Promise<void> {
  if (!/^file:/i.test(file.url)) return;
  const [check] = digestChecks(source, file.hashes);
  if (check === undefined) return;
  const got = await hashFile(fileURLToPath(file.url), Object.keys(check.allowed));
  if (!matchesHashes(got, check.allowed)) {
    throw new HashMismatchError(file.filename, { expected: check.allowed, got, source });
  }
}
