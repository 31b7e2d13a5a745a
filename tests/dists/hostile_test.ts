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

/**
 * Runs `fn`, which must throw `errorClass` with a short one-line message.
 * (That these inputs cost work linear in their length is checked in
 * tests/fuzz/hostile_growth_test.ts, without timing.)
 */
// deno-lint-ignore no-explicit-any
function rejectsBriefly(fn: () => unknown, errorClass: new (...args: any[]) => DpipError) {
  const error = assertThrows(fn, errorClass);
  assert(!error.message.includes("\n"), "one line");
  assert(error.message.length < 600, `message of ${error.message.length} characters`);
}

Deno.test("filename parsers reject 100 KB hostile filenames with short messages", () => {
  rejectsBriefly(() => parseWheelFilename("a".repeat(big) + ".whl"), InvalidWheelFilenameError);
  rejectsBriefly(
    () => parseWheelFilename("é".repeat(big) + "+-1-py3-none-any.whl"),
    InvalidWheelFilenameError,
  );
  rejectsBriefly(
    () => parseWheelFilename("a-" + "1.".repeat(big) + "-py3-none-any.whl"),
    InvalidWheelFilenameError,
  );
  rejectsBriefly(
    () => parseWheelFilename("a-1-" + "x".repeat(big) + "-py3-none-any.whl"),
    InvalidWheelFilenameError,
  );
  rejectsBriefly(() => parseSdistFilename("-".repeat(big) + ".tar.gz"), InvalidSdistFilenameError);
  rejectsBriefly(() => parseSdistFilename("a".repeat(big) + ".zip"), InvalidSdistFilenameError);
  assertEquals(tryParseSdistFilenameForProject("a-".repeat(big / 2) + ".tar.gz", "b"), undefined);
});

Deno.test("parseTag() refuses compressed tag sets that would expand without bound", () => {
  const many = Array.from({ length: 1000 }, (_, index) => `p${index}`).join(".");
  rejectsBriefly(() => parseTag(`${many}-${many}-any`), InvalidTagError);
  rejectsBriefly(
    () => parseWheelFilename(`a-1-${many}-${many}-any.whl`),
    InvalidWheelFilenameError,
  );
  // Repeats collapse before expanding, so a long but repetitive set is fine.
  const repeated = "py3.".repeat(big / 4) + "py3";
  assertEquals(parseTag(`${repeated}-none-any`).map(String), ["py3-none-any"]);
});

Deno.test("metadata parsers reject 100 KB hostile files with short messages", () => {
  rejectsBriefly(() => parseRecord("a," + "x".repeat(big) + ",1\n"), InvalidRecordError);
  rejectsBriefly(() => parseRecord('"' + ",".repeat(big) + '",x=,z\n'), InvalidRecordError);
  rejectsBriefly(() => parseEntryPoints("[g]\n" + "x".repeat(big)), InvalidEntryPointError);
  rejectsBriefly(
    () => parseEntryPointReference("a".repeat(big) + ":" + "b".repeat(big) + " ["),
    InvalidEntryPointError,
  );
  rejectsBriefly(() => parseDirectUrl("[".repeat(big)), InvalidDirectUrlError);
  rejectsBriefly(() => parseDirectUrl(`{"url": "${"u".repeat(big)}"}`), InvalidDirectUrlError);
  rejectsBriefly(() => parseCoreMetadata("Name:" + "\t".repeat(big)), CoreMetadataError);
  rejectsBriefly(() => parseCoreMetadata("x".repeat(big) + ":\n"), CoreMetadataError);
});
