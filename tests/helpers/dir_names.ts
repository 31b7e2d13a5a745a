/**
 * The names in a directory, for asserting what a command saved there.
 *
 * @module
 */

/** The names of the entries of `dir`, sorted; none when it does not exist. */
export async function dirNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch {
    // Missing: empty.
  }
  return names.sort();
}
