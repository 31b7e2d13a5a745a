/**
 * Decompressing source archives as streams, in the formats pip accepts:
 * gzip (`.tar.gz`, `.tgz`), bzip2 (`.tar.bz2`, `.tbz`), xz and legacy lzma
 * (`.tar.xz`, `.txz`, `.tar.lzma`, `.tlz`), and none (`.tar`).
 *
 * - gzip: `node:zlib`'s streaming inflater (concatenated members and zero
 *   padding as Python's `gzip` reads them), 16 KiB at a time.
 * - xz: `xz-decompress` (xz-embedded compiled to WebAssembly, shipped inside
 *   the JavaScript, so it is part of the single binary), which refuses
 *   dictionaries over its memory limit.
 * - bzip2 and legacy lzma: the target interpreter's own `bz2` and `lzma`
 *   modules in a subprocess, as pip (through `tarfile`) uses them. The
 *   pure-JavaScript bzip2 decoders on npm decode a whole archive at once
 *   (seek-bzip) or hold a block as an array of numbers (unbzip2-stream), at
 *   half the speed; none on npm streams legacy lzma within bounds.
 *
 * Every decoder yields bounded chunks and stops when the reader stops
 * (cancelling the stream kills the subprocess), so a caller that counts
 * bytes can refuse a decompression bomb before it fills memory or disk.
 *
 * @module
 */

import { DpipError } from "../errors.ts";

/** How a tar stream is compressed. */
export type Compression = "gzip" | "bzip2" | "xz" | "lzma" | "none";

/** The archive's container: a zip, or a tar stream compressed as said. */
export type ArchiveFormat = { kind: "zip" } | { kind: "tar"; compression: Compression };

/** Data that does not decompress; `reason` says how. */
export class DecompressionError extends DpipError<"invalid-archive"> {
  /** What went wrong, one line. */
  readonly reason: string;

  /** `reason` is one line. */
  constructor(reason: string, options: { cause?: unknown } = {}) {
    super("invalid-archive", reason, options);
    this.name = "DecompressionError";
    this.reason = reason;
  }
}

const LZMA_EXTENSIONS = [".tar.lzma", ".tlz", ".tar.lz"];

/**
 * The format of an archive from its first bytes (and, for legacy lzma,
 * which has no magic number, its file name).
 *
 * @example
 * ```ts
 * import { detectArchiveFormat } from "./decompress.ts";
 * detectArchiveFormat(new Uint8Array([0x1f, 0x8b, 8]), "pkg-1.0.tar.gz");
 * // { kind: "tar", compression: "gzip" }
 * ```
 */
export function detectArchiveFormat(head: Uint8Array, filename: string): ArchiveFormat {
  const starts = (prefix: readonly number[]) => prefix.every((byte, at) => head[at] === byte);
  if (starts([0x50, 0x4b, 0x03, 0x04]) || starts([0x50, 0x4b, 0x05, 0x06])) return { kind: "zip" };
  if (starts([0x1f, 0x8b])) return { kind: "tar", compression: "gzip" };
  if (starts([0x42, 0x5a, 0x68])) return { kind: "tar", compression: "bzip2" };
  if (starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return { kind: "tar", compression: "xz" };
  const lower = filename.toLowerCase();
  if (LZMA_EXTENSIONS.some((extension) => lower.endsWith(extension))) {
    return { kind: "tar", compression: "lzma" };
  }
  return { kind: "tar", compression: "none" };
}

/** What decompressing needs besides the data. */
export interface DecompressOptions {
  /** The interpreter whose `bz2`/`lzma` modules decode bzip2 and legacy lzma. */
  readonly python?: string;
}

/**
 * `input` decompressed. Cancelling the result cancels `input` (and ends a
 * decoding subprocess); corrupt data errors the stream with a
 * {@link DecompressionError}.
 */
export async function decompress(
  input: ReadableStream<Uint8Array>,
  compression: Compression,
  options: DecompressOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  switch (compression) {
    case "none":
      return input;
    case "gzip":
      return await gunzip(input);
    case "xz":
      return await unxz(input);
    case "bzip2":
    case "lzma":
      return interpreterDecoder(input, compression, options.python);
  }
}

async function gunzip(input: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const { createGunzip } = await import("node:zlib");
  const { pipeline, Readable } = await import("node:stream");
  // pipeline: an error or an early end on either side ends both.
  const inflater = pipeline(Readable.fromWeb(input as never), createGunzip(), () => {});
  return pulling(
    inflater as AsyncIterable<Uint8Array>,
    (message) => `corrupt gzip data (${message})`,
  );
}

async function unxz(input: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  // A full specifier (the version deno.json pins), so lib/ imports without dpip's deno.json.
  // deno-lint-ignore no-import-prefix
  const module = await import("npm:xz-decompress@0.2.3");
  const XzReadableStream = module.XzReadableStream ??
    (module as unknown as { default: typeof module }).default.XzReadableStream;
  return pulling(new XzReadableStream(input), (message) => {
    // xz-embedded's return codes (xz.h).
    const code = /error code (\d+)/.exec(message)?.[1];
    switch (code) {
      case "4":
        return "xz data needing more memory than allowed (its dictionary is too large)";
      case "5":
      case "6":
        return "xz data in a format or with options that are not supported";
      case "8":
        return "truncated xz data";
      default:
        return `corrupt xz data (${message})`;
    }
  });
}

/** Decodes bzip2 or lzma (xz or legacy) with the interpreter's module, 64 KiB at a time. */
const DECODER_SCRIPT = String.raw`
import sys
if sys.version_info < (3, 5):
    sys.exit("Python 3.5 or newer is needed to decompress %s data" % sys.argv[1])
def new():
    if sys.argv[1] == "bzip2":
        import bz2
        return bz2.BZ2Decompressor()
    import lzma
    return lzma.LZMADecompressor(lzma.FORMAT_AUTO, memlimit=256 * 1024 * 1024)
try:
    decoder = new()
except ImportError as error:
    sys.exit("this Python cannot decompress %s data (%s)" % (sys.argv[1], error))
source, sink = sys.stdin.buffer, sys.stdout.buffer
data = b""
try:
    while True:
        if decoder.eof:
            data = decoder.unused_data
            if not data:
                data = source.read(65536)
                if not data:
                    break
            decoder = new()
        elif decoder.needs_input:
            data = source.read(65536)
            if not data:
                sys.exit("truncated %s data" % sys.argv[1])
        chunk = decoder.decompress(data, 65536)
        data = b""
        if chunk:
            sink.write(chunk)
            sink.flush()
except (OSError, EOFError, ValueError, MemoryError) as error:
    sys.exit("corrupt %s data (%s)" % (sys.argv[1], error))
`;

function interpreterDecoder(
  input: ReadableStream<Uint8Array>,
  compression: "bzip2" | "lzma",
  python: string | undefined,
): ReadableStream<Uint8Array> {
  if (python === undefined) {
    throw new DecompressionError(`${compression} data needs a Python interpreter to decompress`);
  }
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(python, {
      args: ["-c", DECODER_SCRIPT, compression],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    throw new DecompressionError(`cannot run ${python} to decompress ${compression} data`, {
      cause: error,
    });
  }
  const feeding = input.pipeTo(child.stdin).catch(() => {}); // An early exit closes stdin.
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.getReader();
  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // Exited already.
    }
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (!done) {
        controller.enqueue(value);
        return;
      }
      const [status, message] = await Promise.all([child.status, stderr, feeding]);
      if (status.success) {
        controller.close();
        return;
      }
      const reason = message.trim().split("\n").at(-1) || `corrupt ${compression} data`;
      controller.error(new DecompressionError(reason.slice(0, 300)));
    },
    async cancel(reason) {
      kill();
      // Killing it fails the feed of its stdin, and that cancels `input`.
      await Promise.allSettled([reader.cancel(reason), child.status, stderr, feeding]);
    },
  }, { highWaterMark: 0 });
}

/**
 * A stream that pulls `source` one chunk at a time (so a decoder works only
 * as fast as its reader reads), its errors turned into
 * {@link DecompressionError}s worded by `explain`; cancelling it ends `source`.
 */
function pulling(
  source: AsyncIterable<Uint8Array>,
  explain: (message: string) => string,
): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await iterator.next();
        if (done === true) controller.close();
        else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        controller.error(new DecompressionError(explain(message), { cause: error }));
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  }, { highWaterMark: 0 });
}
