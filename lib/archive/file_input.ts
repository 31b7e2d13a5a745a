/**
 * An archive file read a window at a time ({@link FileInput}), so that
 * unpacking never holds a whole archive: reads in order (the central
 * directory's order is the file's, in archives as tools write them) are
 * served from one window, refilled as they move on; a read larger than the
 * window gets a buffer of its own. The window is handed from one closed input
 * to the next opened on the same thread, so reading archive after archive
 * leaves no garbage behind (a fresh megabyte per archive would pile up until
 * the garbage collector noticed, tens of megabytes over a large install).
 *
 * @module
 */

import type { ZipInput } from "./zip.ts";

/** The window's size: large enough that refills are few, small beside a wheel. */
const WINDOW = 1 << 20;

/** The window of the last input closed, for the next one. */
let spare: Uint8Array | undefined;

/** A file changed length while it was being read. */
export class ShortReadError extends Error {
  constructor(path: string, offset: number) {
    super(`${path} ended at byte ${offset} while being read (was it changed?)`);
    this.name = "ShortReadError";
  }
}

/**
 * A file as a {@link ZipInput}; `close()` it (or `using`) when done.
 *
 * @example
 * ```ts ignore
 * using input = FileInput.open("demo-1.0-py3-none-any.whl");
 * const zip = readZipDirectory(input, { archive: "demo-1.0-py3-none-any.whl" });
 * ```
 */
export class FileInput implements ZipInput, Disposable {
  readonly size: number;
  readonly #path: string;
  readonly #file: Deno.FsFile;
  #window: Uint8Array = new Uint8Array(0);
  /** Where in the file the window's bytes start, and how many it holds. */
  #start = 0;
  #filled = 0;

  private constructor(path: string, file: Deno.FsFile, size: number) {
    this.#path = path;
    this.#file = file;
    this.size = size;
  }

  /** Opens `path` for reading. */
  static open(path: string): FileInput {
    const file = Deno.openSync(path, { read: true });
    try {
      return new FileInput(path, file, file.statSync().size);
    } catch (error) {
      file.close();
      throw error;
    }
  }

  read(offset: number, length: number): Uint8Array {
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new RangeError(`read of ${length} bytes at ${offset} past the end of ${this.#path}`);
    }
    if (offset >= this.#start && offset + length <= this.#start + this.#filled) {
      return this.#window.subarray(offset - this.#start, offset - this.#start + length);
    }
    if (length > WINDOW) {
      const own = new Uint8Array(length);
      this.#fill(own, offset);
      return own;
    }
    if (this.#window.length === 0) {
      this.#window = spare ?? new Uint8Array(WINDOW);
      spare = undefined;
    }
    const filled = Math.min(WINDOW, this.size - offset);
    this.#fill(this.#window.subarray(0, filled), offset);
    this.#start = offset;
    this.#filled = filled;
    return this.#window.subarray(0, length);
  }

  #fill(target: Uint8Array, offset: number): void {
    this.#file.seekSync(offset, Deno.SeekMode.Start);
    let done = 0;
    while (done < target.length) {
      const n = this.#file.readSync(target.subarray(done));
      if (n === null || n === 0) {
        this.#filled = 0; // the window no longer holds what it says
        throw new ShortReadError(this.#path, offset + done);
      }
      done += n;
    }
  }

  close(): void {
    this.#file.close();
    if (this.#window.length > 0) spare = this.#window;
    this.#window = new Uint8Array(0);
    this.#filled = 0;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
