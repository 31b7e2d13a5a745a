/**
 * Every parser of package data and user files, as a fuzz target: its inputs,
 * how to run it, the errors it may throw (its own `DpipError` codes: anything
 * else is a bug), and a round trip where the format has a writer
 * (`format(parse(x))` parses to the same value).
 *
 * Used by the seeded short run in `deno task test` (`fuzz_test.ts`) and by
 * the long campaign (`scripts/fuzz.ts`, `deno task fuzz`).
 *
 * @module
 */

import fc from "fast-check";
import { readTar } from "../../lib/archive/tar.ts";
import { readZipDirectory, readZipEntry } from "../../lib/archive/zip.ts";
import { writeZip } from "../../lib/archive/zip_writer.ts";
import { formatIni, parseIni } from "../../lib/cli/ini.ts";
import { formatCoreMetadata, parseCoreMetadata } from "../../lib/dists/core_metadata.ts";
import { formatDirectUrl, parseDirectUrl } from "../../lib/dists/direct_url.ts";
import {
  parseEntryPointReference,
  parseEntryPoints,
  scriptNameProblem,
} from "../../lib/dists/entry_points.ts";
import { formatRecord, parseRecord } from "../../lib/dists/record.ts";
import { parseSdistFilename } from "../../lib/dists/sdist_filename.ts";
import { parseWheelFilename } from "../../lib/dists/wheel_filename.ts";
import { type ErrorCode, isDpipError } from "../../lib/errors.ts";
import { parseHtmlPage, parseJsonPage } from "../../lib/index/simple_api.ts";
import { parseVersion } from "../../lib/pep440/version.ts";
import { parseSpecifierSet } from "../../lib/pep440/specifiers.ts";
import { type Marker, type MarkerNode, parseMarker } from "../../lib/pep508/marker.ts";
import { parseRequirement, type Requirement } from "../../lib/pep508/requirement.ts";
import { parseRequirementsFile } from "../../lib/requirements/requirements_txt.ts";
import { assertEquals } from "../helpers/assert.ts";
import {
  directUrlInputs,
  entryPointsInputs,
  htmlPageInputs,
  iniInputs,
  jsonPageInputs,
  jsonPagePumps,
  markerInputs,
  metadataInputs,
  recordInputs,
  requirementInputs,
  requirementsFileInputs,
  sdistFilenameInputs,
  specifierInputs,
  tarArchive,
  tarInputs,
  tarMembers,
  versionInputs,
  wheelFilenameInputs,
  zipEntries,
  zipInputs,
} from "./inputs.ts";

/** One parser under fuzzing. */
export interface FuzzTarget<I = unknown> {
  /** Short name, used in reports. */
  readonly name: string;
  /** Inputs to run it on. */
  readonly inputs: fc.Arbitrary<I>;
  /** Runs the parser; returns what it parsed (for `roundTrip`). */
  run(input: I): unknown;
  /** The codes of the `DpipError`s it may throw on bad input. */
  readonly errors: readonly ErrorCode[];
  /** Checks that writing what `run` returned and parsing it again gives the same value. */
  roundTrip?(parsed: unknown, input: I): void;
  /**
   * Inputs that grow: a generated input with one part of it repeated `count`
   * times. The parser's work must grow linearly with `count`.
   */
  readonly pumps: fc.Arbitrary<(count: number) => I>;
  /** The smaller repeat count to compare (the larger is 4 times it); default 500. */
  readonly pumpCount?: number;
}

/** A target over text, with the default pump (a piece of a generated input repeated). */
function textTarget(target: Omit<FuzzTarget<string>, "pumps">): FuzzTarget<string> {
  return { ...target, pumps: textPumps(target.inputs) };
}

/**
 * From a generated `text`, a place in it and a short unit (a piece of the text
 * there, or one character), the text with the unit repeated `count` times at
 * that place.
 */
export function textPumps(inputs: fc.Arbitrary<string>): fc.Arbitrary<(count: number) => string> {
  return fc.tuple(
    inputs,
    fc.nat(),
    fc.integer({ min: 1, max: 6 }),
    fc.option(fc.constantFrom(" ", "\t", "a", "0", ".", "[", "<", "\\", "\n", "#", "=", ",", '"'), {
      nil: undefined,
    }),
  )
    .map(([text, at, length, char]) => {
      const i = text.length === 0 ? 0 : at % (text.length + 1);
      const unit = char ?? (text.slice(i, i + length) || "a");
      const pumped = (count: number) => text.slice(0, i) + unit.repeat(count) + text.slice(i);
      return Object.assign(pumped, {
        toString: () => `${JSON.stringify(text)} with ${JSON.stringify(unit)} repeated at ${i}`,
      });
    });
}

/** Runs `fn` on `input`; a `DpipError` with one of `codes` counts as a result, anything else is thrown. */
export async function runTarget<I>(
  target: FuzzTarget<I>,
  input: I,
): Promise<{ value?: unknown; error?: unknown }> {
  try {
    return { value: await target.run(input) };
  } catch (error) {
    if (isDpipError(error, ...target.errors)) return { error };
    throw error;
  }
}

const PAGE_URL = "https://index.example/simple/demo/";

/**
 * Whether a marker compares with a value that cannot be written back:
 * packaging decodes Python escapes in marker strings (`'\\r'` is a carriage
 * return) and writes every value raw in double quotes, so a value containing
 * `"`, a backslash, a line break or NUL gives text that does not parse again
 * (`str(Marker("'\\\\' == os_name"))` is `"\\" == os_name`). dpip writes what
 * packaging writes, so there is no round trip to check for those.
 */
function hasUnwritableValue(node: MarkerNode): boolean {
  if (node.kind === "expression") return node.terms.some(hasUnwritableValue);
  return [node.left, node.right].some((o) => o.kind === "value" && /["\\\n\r\0]/.test(o.value));
}

/**
 * Formatting reaches a fixed point after one more round: packaging normalizes
 * an `extra` value only where it stands first in its expression, and
 * formatting drops redundant outer parentheses, which can put it first; so
 * `format(parse(x))` may change once more, then stays.
 */
function assertStableFormat(text: string, reformat: (text: string) => string): void {
  const second = reformat(text);
  assertEquals(reformat(second), second);
}

/** A marker environment for evaluating fuzzed markers. */
const ENVIRONMENT = {
  python_version: "3.11",
  python_full_version: "3.11.4",
  os_name: "posix",
  sys_platform: "linux",
  platform_release: "6.1",
  platform_system: "Linux",
  platform_version: "#1",
  platform_machine: "x86_64",
  platform_python_implementation: "CPython",
  implementation_name: "cpython",
  implementation_version: "3.11.4",
  extra: "test",
};

const readers: Record<string, string> = {
  "/r/other.txt": "requests>=2\n-r nested.txt\n",
  "/r/nested.txt": "--pre\nidna\n",
};

/** Every target. */
export const TARGETS: readonly FuzzTarget<never>[] = [
  textTarget({
    name: "version",
    inputs: versionInputs,
    run: (text) => parseVersion(text),
    errors: ["invalid-version"],
    roundTrip(parsed) {
      const version = parsed as ReturnType<typeof parseVersion>;
      const again = parseVersion(version.toString());
      assertEquals(again.toString(), version.toString());
      assertEquals(again.compare(version), 0);
    },
  }),
  textTarget({
    name: "specifier set",
    inputs: specifierInputs,
    run(text) {
      const set = parseSpecifierSet(text);
      set.contains("1.0");
      set.contains("2.0rc1", { prereleases: true });
      return set;
    },
    errors: ["invalid-specifier"],
    roundTrip(parsed) {
      const text = String(parsed);
      assertEquals(String(parseSpecifierSet(text)), text);
    },
  }),
  textTarget({
    name: "marker",
    inputs: markerInputs,
    run(text) {
      const marker = parseMarker(text);
      marker.evaluate(ENVIRONMENT);
      return marker;
    },
    errors: ["invalid-marker", "undefined-marker-comparison", "undefined-marker-variable"],
    roundTrip(parsed) {
      if (hasUnwritableValue((parsed as Marker).expression)) return;
      assertStableFormat(String(parsed), (text) => String(parseMarker(text)));
    },
  }),
  textTarget({
    name: "requirement",
    inputs: requirementInputs,
    run: (text) => parseRequirement(text),
    errors: ["invalid-requirement"],
    roundTrip(parsed) {
      const marker = (parsed as Requirement).marker;
      if (marker !== undefined && hasUnwritableValue(marker.expression)) return;
      assertStableFormat(String(parsed), (text) => String(parseRequirement(text)));
    },
  }),
  textTarget({
    name: "requirements file",
    inputs: requirementsFileInputs,
    run: (text) =>
      parseRequirementsFile("/r/requirements.txt", {
        read: (path) =>
          path === "/r/requirements.txt"
            ? Promise.resolve(text)
            : readers[path] === undefined
            ? Promise.reject(new Error("No such file"))
            : Promise.resolve(readers[path]),
        env: { HOME: "/home/u", X: "x" },
      }),
    errors: ["requirements-file", "invalid-requirement"],
  }),
  textTarget({
    name: "HTML index page",
    inputs: htmlPageInputs,
    run: (text) => parseHtmlPage(text, PAGE_URL),
    errors: ["invalid-index-page"],
  }),
  {
    name: "JSON index page",
    inputs: jsonPageInputs,
    run: (text: string) => parseJsonPage(text, PAGE_URL),
    errors: ["invalid-index-page"],
    pumps: fc.oneof(textPumps(jsonPageInputs), jsonPagePumps),
    pumpCount: 200,
  } as FuzzTarget<string>,
  textTarget({
    name: "METADATA",
    inputs: metadataInputs,
    run: (text) => parseCoreMetadata(text),
    errors: ["invalid-core-metadata"],
    roundTrip(parsed) {
      const meta = parsed as ReturnType<typeof parseCoreMetadata>;
      const again = parseCoreMetadata(formatCoreMetadata(meta));
      // Blanks at the start of a value are the one thing no header can carry.
      const typed = (m: typeof meta) => {
        const { headers: _headers, body: _body, ...fields } = m;
        return Object.fromEntries(
          Object.entries(fields).map(([key, value]) => [
            key,
            key === "description" ? value : JSON.parse(
              JSON.stringify(value),
              (_k, v) => typeof v === "string" ? v.replace(/^[ \t]+/, "") : v,
            ),
          ]),
        );
      };
      assertEquals(typed(again), typed(meta));
    },
  }),
  textTarget({
    name: "RECORD",
    inputs: recordInputs,
    run: (text) => parseRecord(text),
    errors: ["invalid-record"],
    roundTrip(parsed) {
      const entries = parsed as ReturnType<typeof parseRecord>;
      assertEquals(parseRecord(formatRecord(entries)), entries);
    },
  }),
  textTarget({
    name: "entry points",
    inputs: entryPointsInputs,
    run(text) {
      const entryPoints = parseEntryPoints(text);
      for (const entry of entryPoints) {
        scriptNameProblem(entry.name);
        try {
          parseEntryPointReference(entry.value);
        } catch (error) {
          if (!isDpipError(error, "invalid-entry-point")) throw error;
        }
      }
      return entryPoints;
    },
    errors: ["invalid-entry-point"],
  }),
  textTarget({
    name: "wheel filename",
    inputs: wheelFilenameInputs,
    run: (text) => parseWheelFilename(text),
    errors: ["invalid-wheel-filename"],
  }),
  textTarget({
    name: "sdist filename",
    inputs: sdistFilenameInputs,
    run: (text) => parseSdistFilename(text),
    errors: ["invalid-sdist-filename"],
  }),
  textTarget({
    name: "direct_url.json",
    inputs: directUrlInputs,
    run: (text) => parseDirectUrl(text),
    errors: ["invalid-direct-url"],
    roundTrip(parsed) {
      const directUrl = parsed as ReturnType<typeof parseDirectUrl>;
      const written = formatDirectUrl(directUrl);
      assertEquals(formatDirectUrl(parseDirectUrl(written)), written);
    },
  }),
  textTarget({
    name: "pip.conf",
    inputs: iniInputs,
    run: (text) => parseIni(text, "pip.conf"),
    errors: ["invalid-config-file"],
    roundTrip(parsed) {
      const doc = parsed as ReturnType<typeof parseIni>;
      assertEquals(parseIni(formatIni(doc), "pip.conf"), doc);
    },
  }),
  {
    name: "zip archive",
    inputs: zipInputs,
    run(bytes: Uint8Array) {
      const zip = readZipDirectory(bytes, { archive: "fuzz.whl" });
      return zip.entries.map((entry) => ({ name: entry.name, data: readZipEntry(zip, entry) }));
    },
    errors: ["invalid-archive", "unsafe-archive", "zip-bomb"],
    pumpCount: 100,
    roundTrip(parsed, bytes) {
      // A damaged archive that still reads must read the same when written again.
      const entries = parsed as { name: string; data: Uint8Array }[];
      if (entries.some((e) => e.name.endsWith("/") && e.data.length > 0)) return;
      const again = readZipDirectory(writeZip(entries), { archive: "again.whl" });
      assertEquals(
        again.entries.map((e) => e.name),
        entries.map((e) => e.name),
        String(bytes.length),
      );
    },
    pumps: fc.tuple(zipEntries, fc.nat()).map(([entries, which]) => {
      // More entries, or a longer name.
      const pumped = (count: number) => {
        if (entries.length === 0 || which % 2 === 0) {
          return writeZip(
            Array.from({ length: count }, (_, i) => ({ name: `f${i}.py`, data: "x" })),
          );
        }
        const entry = entries[which % entries.length]!;
        return writeZip([...entries, { ...entry, name: entry.name + "a".repeat(count) }]);
      };
      return pumped;
    }),
  } as FuzzTarget<Uint8Array>,
  {
    name: "tar archive",
    inputs: tarInputs,
    async run(bytes: Uint8Array) {
      // Every member and its body, in chunks of odd sizes.
      const chunks = [bytes.subarray(0, 700), bytes.subarray(700, 5000), bytes.subarray(5000)];
      const members = [];
      for await (const member of readTar(ReadableStream.from(chunks))) {
        let size = 0;
        for await (const chunk of member.body) size += chunk.length;
        members.push({ name: member.name, kind: member.kind, size });
      }
      return members;
    },
    errors: ["invalid-archive"],
    pumpCount: 100,
    pumps: fc.tuple(tarMembers, fc.constantFrom("none" as const, "pax" as const, "gnu" as const))
      .map(
        ([members, long]) => (count: number) =>
          tarArchive([
            ...members,
            ...Array.from({ length: count }, (_, i) => ({
              name: `m${i}` + "/x".repeat(i % 3),
              data: new Uint8Array(1),
              type: "0",
              linkName: "",
              long,
            })),
          ]),
      ),
  } as FuzzTarget<Uint8Array>,
] as FuzzTarget<never>[];
