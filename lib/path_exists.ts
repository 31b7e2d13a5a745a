/**
 * Whether something is at a path, without following a final symbolic link.
 *
 * @module
 */

/** Whether anything (a file, a directory, a link, even a dangling one) is at `path`. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}
