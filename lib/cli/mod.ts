/**
 * The command-line layer: `main(args, io)` and the `Io` boundary.
 *
 * @module
 */

export { main, programName } from "./main.ts";
export { captureIo } from "./io.ts";
export type { CapturedIo, CaptureIoOptions, Io, TextSink } from "./io.ts";
