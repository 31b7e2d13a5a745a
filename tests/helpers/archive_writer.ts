/**
 * Source archives written by Python's own `tarfile`, `lzma` and `zipfile`, in
 * every format pip accepts, for tests: given members, or members of zeros
 * (streamed, so a decompression bomb of gigabytes costs no memory to write).
 *
 * @module
 */

import { runPythonJson } from "./python.ts";

/** How an archive is written: a compressed tar (`none`: plain), or a zip. */
export type ArchiveCompression = "gz" | "bz2" | "xz" | "lzma" | "none" | "zip";

/** A member: [name, type, text content or link target, mode]; `zeros` is a file of N zero bytes. */
export type ArchiveMember =
  | [string, "file" | "dir" | "symlink" | "hardlink" | "chr" | "fifo", string, number]
  | [string, "zeros", number, number];

/** One archive to write. */
export interface ArchiveSpec {
  readonly path: string;
  readonly compression: ArchiveCompression;
  readonly members: readonly ArchiveMember[];
  /** The tar format (default pax). */
  readonly format?: "ustar" | "gnu" | "pax";
}

const WRITER = String.raw`
import io, json, lzma, sys, tarfile, zipfile

class Zeros(io.RawIOBase):
    def __init__(self, size):
        self.left = size
    def readable(self):
        return True
    def readinto(self, buffer):
        n = min(len(buffer), self.left)
        buffer[:n] = bytes(n)
        self.left -= n
        return n

def write_zip(spec):
    with zipfile.ZipFile(spec["path"], "w", zipfile.ZIP_DEFLATED) as archive:
        for name, kind, payload, mode in spec["members"]:
            info = zipfile.ZipInfo(name + ("/" if kind == "dir" else ""), (2023, 11, 14, 22, 13, 20))
            info.external_attr = (mode | (0o40000 if kind == "dir" else 0o100000)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            if kind == "zeros":
                with archive.open(info, "w", force_zip64=payload > 2**31) as out:
                    left = payload
                    while left:
                        n = min(left, 1 << 20)
                        out.write(bytes(n))
                        left -= n
            else:
                archive.writestr(info, "" if kind == "dir" else payload)

def write_tar(spec):
    fmt = {"ustar": tarfile.USTAR_FORMAT, "gnu": tarfile.GNU_FORMAT, "pax": tarfile.PAX_FORMAT}[spec.get("format", "pax")]
    compression = spec["compression"]
    raw = open(spec["path"], "wb")
    if compression == "lzma":
        sink = lzma.open(raw, "wb", format=lzma.FORMAT_ALONE, preset=1)
        mode = "w"
    else:
        sink = raw
        mode = {"gz": "w:gz", "bz2": "w:bz2", "xz": "w:xz", "none": "w"}[compression]
    options = {"preset": 1} if compression == "xz" else {"compresslevel": 9} if compression in ("gz", "bz2") else {}
    with tarfile.open(fileobj=sink, mode=mode, format=fmt, **options) as archive:
        for name, kind, payload, mode_bits in spec["members"]:
            info = tarfile.TarInfo(name)
            info.mode = mode_bits
            info.mtime = 1700000000
            data = None
            if kind == "file":
                data = io.BytesIO(payload.encode("utf-8"))
                info.size = len(data.getvalue())
            elif kind == "zeros":
                data = io.BufferedReader(Zeros(payload))
                info.size = payload
            else:
                info.type = {"dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
                             "chr": tarfile.CHRTYPE, "fifo": tarfile.FIFOTYPE}[kind]
                info.linkname = payload if kind in ("symlink", "hardlink") else ""
            archive.addfile(info, data)
    if sink is not raw:
        sink.close()
    raw.close()

for spec in json.load(sys.stdin):
    (write_zip if spec["compression"] == "zip" else write_tar)(spec)
print("[]")
`;

/** Writes every archive with `python` (3.8 or newer). */
export async function writeArchives(python: string, specs: readonly ArchiveSpec[]): Promise<void> {
  await runPythonJson(python, WRITER, specs);
}
