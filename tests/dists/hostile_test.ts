import {
  CoreMetadataError,
  InvalidDirectUrlError,
  InvalidEntryPointError,
  InvalidRecordError,
  InvalidSdistFilenameError,
  InvalidTagError,
  InvalidWheelFilenameError,
  parseCoreMetadata,
  parseDirectUrl,
  parseEntryPointReference,
  parseEntryPoints,
  parseRecord,
  parseSdistFilename,
  parseTag,
  parseWheelFilename,
  tryParseSdistFilenameForProject,
} from "../../lib/dists/mod.ts";
import type { DpipError } from "../../lib/errors.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";

const big = 100_000;

/** Runs `fn`, which must throw `errorClass` with a short one-line message, within a time budget. */
// deno-lint-ignore no-explicit-any
function rejectsQuickly(fn: () => unknown, errorClass: new (...args: any[]) => DpipError) {
  const started = performance.now();
  const error = assertThrows(fn, errorClass);
  const elapsed = performance.now() - started;
  assert(elapsed < 500, `took ${elapsed} ms`);
  assert(!error.message.includes("\n"), "one line");
  assert(error.message.length < 600, `message of ${error.message.length} characters`);
}

Deno.test("filename parsers reject 100 KB hostile filenames quickly with short messages", () => {
  rejectsQuickly(() => parseWheelFilename("a".repeat(big) + ".whl"), InvalidWheelFilenameError);
  rejectsQuickly(
    () => parseWheelFilename("é".repeat(big) + "+-1-py3-none-any.whl"),
    InvalidWheelFilenameError,
  );
  rejectsQuickly(
    () => parseWheelFilename("a-" + "1.".repeat(big) + "-py3-none-any.whl"),
    InvalidWheelFilenameError,
  );
  rejectsQuickly(
    () => parseWheelFilename("a-1-" + "x".repeat(big) + "-py3-none-any.whl"),
    InvalidWheelFilenameError,
  );
  rejectsQuickly(() => parseSdistFilename("-".repeat(big) + ".tar.gz"), InvalidSdistFilenameError);
  rejectsQuickly(() => parseSdistFilename("a".repeat(big) + ".zip"), InvalidSdistFilenameError);
  const started = performance.now();
  assertEquals(tryParseSdistFilenameForProject("a-".repeat(big / 2) + ".tar.gz", "b"), undefined);
  assert(performance.now() - started < 2000);
});

Deno.test("parseTag() refuses compressed tag sets that would expand without bound", () => {
  const many = Array.from({ length: 1000 }, (_, index) => `p${index}`).join(".");
  rejectsQuickly(() => parseTag(`${many}-${many}-any`), InvalidTagError);
  rejectsQuickly(
    () => parseWheelFilename(`a-1-${many}-${many}-any.whl`),
    InvalidWheelFilenameError,
  );
  // Repeats collapse before expanding, so a long but repetitive set is fine.
  const repeated = "py3.".repeat(big / 4) + "py3";
  assertEquals(parseTag(`${repeated}-none-any`).map(String), ["py3-none-any"]);
});

Deno.test("metadata parsers reject 100 KB hostile files quickly with short messages", () => {
  rejectsQuickly(() => parseRecord("a," + "x".repeat(big) + ",1\n"), InvalidRecordError);
  rejectsQuickly(() => parseRecord('"' + ",".repeat(big) + '",x=,z\n'), InvalidRecordError);
  rejectsQuickly(() => parseEntryPoints("[g]\n" + "x".repeat(big)), InvalidEntryPointError);
  rejectsQuickly(
    () => parseEntryPointReference("a".repeat(big) + ":" + "b".repeat(big) + " ["),
    InvalidEntryPointError,
  );
  rejectsQuickly(() => parseDirectUrl("[".repeat(big)), InvalidDirectUrlError);
  rejectsQuickly(() => parseDirectUrl(`{"url": "${"u".repeat(big)}"}`), InvalidDirectUrlError);
  rejectsQuickly(() => parseCoreMetadata("Name:" + "\t".repeat(big)), CoreMetadataError);
  rejectsQuickly(() => parseCoreMetadata("x".repeat(big) + ":\n"), CoreMetadataError);
});
