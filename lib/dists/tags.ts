/**
 * PEP 425 compatibility tags: parsing tag strings, and the ordered list of
 * tags an interpreter accepts, computed from plain facts about it (the
 * platform compatibility tags specification, PEP 600 manylinux, PEP 656
 * musllinux, and the macOS, iOS and Android tag rules).
 *
 * The order is the one `packaging.tags.sys_tags()` (packaging 26.2) yields:
 * the interpreter matters most, then the platform, then the ABI.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { quoted } from "./message.ts";
import { appendAll } from "../lists.ts";

/** A tag string that is not `interpreter-abi-platform`. */
export class InvalidTagError extends DpipError {
  /** The text that failed to parse. */
  readonly input: string;

  /** `input` is the tag text, `why` what is wrong with it. */
  constructor(input: string, why: string) {
    super("invalid-tag", `Invalid wheel tag ${quoted(input)}: ${why}`);
    this.name = "InvalidTagError";
    this.input = input;
  }
}

/** Interpreter facts that cannot produce tags (e.g. an `EXT_SUFFIX` without a leading dot). */
export class InvalidTagFactsError extends DpipError {
  /** What was wrong, e.g. `EXT_SUFFIX=".so"`. */
  readonly input: string;

  constructor(input: string, why: string) {
    super("invalid-tag-facts", `Invalid interpreter facts ${input}: ${why}`);
    this.name = "InvalidTagFactsError";
    this.input = input;
  }
}

/**
 * One `interpreter-abi-platform` triple. Parts are lowercased, so equal tags
 * have equal strings.
 *
 * @example
 * ```ts
 * import { Tag } from "./tags.ts";
 * String(new Tag("CP311", "cp311", "manylinux_2_17_x86_64")); // "cp311-cp311-manylinux_2_17_x86_64"
 * ```
 */
export class Tag {
  /** The interpreter part, e.g. `py3`, `cp311`. */
  readonly interpreter: string;
  /** The ABI part, e.g. `none`, `abi3`, `cp311`. */
  readonly abi: string;
  /** The platform part, e.g. `any`, `win_amd64`. */
  readonly platform: string;
  readonly #text: string;

  /** A tag from its three parts (lowercased). */
  constructor(interpreter: string, abi: string, platform: string) {
    this.interpreter = interpreter.toLowerCase();
    this.abi = abi.toLowerCase();
    this.platform = platform.toLowerCase();
    this.#text = `${this.interpreter}-${this.abi}-${this.platform}`;
  }

  /** `interpreter-abi-platform`. */
  toString(): string {
    return this.#text;
  }
}

/** A bound on a compressed tag set's expansion, so hostile filenames cannot exhaust memory. */
const maxExpandedTags = 4096;

/**
 * Parses a tag, expanding a compressed tag set (`py2.py3-none-any`) into
 * every combination, without duplicates, in the order the parts are written.
 *
 * @throws {InvalidTagError} when the text does not have exactly three `-`-separated parts,
 *   or expands to more than 4096 tags (real wheels have a few dozen at most).
 * @example
 * ```ts
 * import { parseTag } from "./tags.ts";
 * parseTag("py2.py3-none-any").map(String); // ["py2-none-any", "py3-none-any"]
 * ```
 */
export function parseTag(text: string): Tag[] {
  const parts = text.split("-");
  if (parts.length !== 3) {
    throw new InvalidTagError(
      text,
      `expected three parts "interpreter-abi-platform", found ${parts.length}`,
    );
  }
  const [interpreters, abis, platforms] = parts.map((part) => [
    ...new Set(part.toLowerCase().split(".")),
  ]) as [string[], string[], string[]];
  const count = interpreters.length * abis.length * platforms.length;
  if (count > maxExpandedTags) {
    throw new InvalidTagError(
      text,
      `the compressed tag set expands to ${count} tags (at most ${maxExpandedTags} are allowed)`,
    );
  }
  const tags: Tag[] = [];
  for (const interpreter of interpreters) {
    for (const abi of abis) {
      for (const platform of platforms) tags.push(new Tag(interpreter, abi, platform));
    }
  }
  return tags;
}

/** A `sysconfig.get_config_var()` value: an int, a string, or `None`. */
export type ConfigValue = number | string | null;

/**
 * The ELF header fields of `sys.executable` that decide 32-bit ARM hard-float
 * and i686 manylinux support. Read with
 * `struct.unpack(e + "H", h[18:20])` etc. from `open(sys.executable, "rb").read(64)`.
 */
export interface ElfHeaderFacts {
  /** `h[4]`: 1 for 32-bit, 2 for 64-bit. */
  readonly elfClass: number;
  /** `h[5]`: 1 for little-endian, 2 for big-endian. */
  readonly elfData: number;
  /** `e_machine` (`h[18:20]` in the file's byte order): 3 is i386, 40 is ARM. */
  readonly machine: number;
  /** `e_flags` (`h[36:40]` for 32-bit, `h[48:52]` for 64-bit, in the file's byte order). */
  readonly flags: number;
}

/**
 * The raw facts about an interpreter that decide its compatible tags. Each
 * field says the Python expression that yields it; a probe can read them on
 * Python 2.7 and 3.6 onwards. Optional fields are only needed on the system
 * they belong to.
 */
export interface TagFacts {
  /**
   * `sys.implementation.name` (Python 2: `platform.python_implementation().lower()`),
   * e.g. `cpython`, `pypy`, `graalpy`.
   */
  readonly implementationName: string;
  /** `list(sys.version_info[:2])`, e.g. `[3, 11]`. */
  readonly pythonVersion: readonly [number, number];
  /** `platform.system()`: `Linux`, `Darwin`, `Windows`, `iOS`, `Android`, `Emscripten`, … */
  readonly system: string;
  /** `sysconfig.get_platform()`, e.g. `linux-x86_64`, `macosx-11.0-arm64`, `win-amd64`. */
  readonly platform: string;
  /** `struct.calcsize("P") == 4`: a 32-bit interpreter (possibly on a 64-bit kernel). */
  readonly is32Bit: boolean;
  /**
   * `sysconfig.get_config_var(name)` for each name. Missing keys count as `None`.
   * `SOABI` and `abiflags` are not used by the tag rules; they are carried for display.
   */
  readonly configVars: {
    /** `sysconfig.get_config_var("EXT_SUFFIX")`, e.g. `.cpython-311-x86_64-linux-gnu.so`. */
    readonly EXT_SUFFIX?: ConfigValue;
    /** `sysconfig.get_config_var("SOABI")`, e.g. `cpython-311-x86_64-linux-gnu`. */
    readonly SOABI?: ConfigValue;
    /** `sysconfig.get_config_var("Py_DEBUG")`. */
    readonly Py_DEBUG?: ConfigValue;
    /** `sysconfig.get_config_var("WITH_PYMALLOC")`. */
    readonly WITH_PYMALLOC?: ConfigValue;
    /** `sysconfig.get_config_var("Py_UNICODE_SIZE")`. */
    readonly Py_UNICODE_SIZE?: ConfigValue;
    /** `sysconfig.get_config_var("Py_GIL_DISABLED")`. */
    readonly Py_GIL_DISABLED?: ConfigValue;
    /** `sysconfig.get_config_var("py_version_nodot")`, e.g. `311`. */
    readonly py_version_nodot?: ConfigValue;
    /** `sysconfig.get_config_var("PYEMSCRIPTEN_PLATFORM_VERSION")` (Emscripten only). */
    readonly PYEMSCRIPTEN_PLATFORM_VERSION?: ConfigValue;
  };
  /** `getattr(sys, "abiflags", "")`, e.g. `t`, `d`, `m`. Carried for display. */
  readonly abiflags?: string;
  /** `hasattr(sys, "gettotalrefcount")`: a debug build. */
  readonly hasTotalRefcount: boolean;
  /**
   * `importlib.machinery.EXTENSION_SUFFIXES` (Python 2:
   * `[s for s, _, t in imp.get_suffixes() if t == imp.C_EXTENSION]`).
   */
  readonly extensionSuffixes: readonly string[];
  /** `sys.maxunicode`. */
  readonly maxUnicode: number;
  /**
   * Linux: the glibc version, from `os.confstr("CS_GNU_LIBC_VERSION")` (`"glibc 2.35"`)
   * or `ctypes.CDLL(None).gnu_get_libc_version()`, as `[major, minor]` (the leading
   * `\d+\.\d+`); `null` when the interpreter is not linked against glibc.
   */
  readonly glibcVersion?: readonly [number, number] | null;
  /**
   * Linux: the musl version, from running the ELF interpreter (`PT_INTERP`) of
   * `sys.executable` when its path contains `musl` and reading `Version X.Y` from
   * its stderr; `null` when not musl.
   */
  readonly muslVersion?: readonly [number, number] | null;
  /** Linux: the ELF header of `sys.executable`; `null` when unreadable. */
  readonly executableElf?: ElfHeaderFacts | null;
  /**
   * macOS: `platform.mac_ver()[0]` as `[major, minor]`. When that says `10.16`
   * (an interpreter built against an old SDK), the value from re-running it with
   * `SYSTEM_VERSION_COMPAT=0` in the environment.
   */
  readonly macVersion?: readonly [number, number];
  /** macOS: `platform.mac_ver()[2]`, e.g. `arm64`, `x86_64`. */
  readonly macArch?: string;
  /** iOS: `platform.ios_ver().release` as `[major, minor]`. */
  readonly iosVersion?: readonly [number, number];
  /** iOS: `sys.implementation._multiarch`, e.g. `arm64_iphoneos`. */
  readonly multiarch?: string;
  /** Android: `platform.android_ver().api_level`. */
  readonly androidApiLevel?: number;
}

const interpreterShortNames: Readonly<Record<string, string>> = {
  python: "py",
  cpython: "cp",
  pypy: "pp",
  ironpython: "ip",
  jython: "jy",
};

/** The manylinux architectures that need no ELF check (PEP 599, PEP 600). */
const manylinuxArchitectures = new Set([
  "x86_64",
  "aarch64",
  "ppc64",
  "ppc64le",
  "s390x",
  "loongarch64",
  "riscv64",
]);

const legacyManylinuxNames = new Map<string, string>([
  ["2_17", "manylinux2014"],
  ["2_12", "manylinux2010"],
  ["2_5", "manylinux1"],
]);

/** glibc's last minor version for a major that has been superseded (a guess, as packaging makes). */
const lastGlibcMinor = 50;

function normalizePlatform(text: string): string {
  return text.replace(/[.\- ]/g, "_");
}

function isTruthy(value: ConfigValue | undefined): boolean {
  return value !== undefined && value !== null && value !== 0 && value !== "";
}

function isUnset(value: ConfigValue | undefined): boolean {
  return value === undefined || value === null;
}

function compareVersionPair(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

/** The ABIs of a CPython build, most specific first (`cp311`, `cp37m`, `cp313td`, `cp313t`). */
function cpythonAbis(facts: TagFacts): string[] {
  const [major, minor] = facts.pythonVersion;
  const version = `${major}${minor}`;
  const at = (m: number, n: number) => compareVersionPair(facts.pythonVersion, [m, n]) >= 0;
  const vars = facts.configVars;
  const withDebug = vars.Py_DEBUG;
  const debug = isTruthy(withDebug) ||
      (isUnset(withDebug) &&
        (facts.hasTotalRefcount || facts.extensionSuffixes.includes("_d.pyd")))
    ? "d"
    : "";
  const threading = at(3, 13) && isTruthy(vars.Py_GIL_DISABLED) ? "t" : "";
  let pymalloc = "";
  let ucs4 = "";
  const abis: string[] = [];
  if (!at(3, 8)) {
    if (isTruthy(vars.WITH_PYMALLOC) || isUnset(vars.WITH_PYMALLOC)) pymalloc = "m";
    if (!at(3, 3)) {
      const unicodeSize = vars.Py_UNICODE_SIZE;
      if (unicodeSize === 4 || (isUnset(unicodeSize) && facts.maxUnicode === 0x10ffff)) {
        ucs4 = "u";
      }
    }
  } else if (debug !== "") {
    abis.push(`cp${version}${threading}`);
  }
  abis.unshift(`cp${version}${threading}${debug}${pymalloc}${ucs4}`);
  return abis;
}

/** The ABI of a non-CPython interpreter, from the ABI part of `EXT_SUFFIX`. */
function genericAbis(facts: TagFacts): string[] {
  const extSuffix = facts.configVars.EXT_SUFFIX;
  if (typeof extSuffix !== "string" || !extSuffix.startsWith(".")) {
    throw new InvalidTagFactsError(
      `EXT_SUFFIX=${JSON.stringify(extSuffix ?? null)}`,
      "expected a string starting with '.'",
    );
  }
  const parts = extSuffix.split(".");
  if (parts.length < 3) return cpythonAbis(facts);
  const soabi = parts[1] ?? "";
  let abi: string;
  if (soabi.startsWith("cpython")) abi = "cp" + (soabi.split("-")[1] ?? "");
  else if (soabi.startsWith("cp")) abi = soabi.split("-")[0] ?? "";
  else if (soabi.startsWith("pypy")) abi = soabi.split("-").slice(0, 2).join("-");
  else if (soabi.startsWith("graalpy")) abi = soabi.split("-").slice(0, 3).join("-");
  else if (soabi !== "") abi = soabi;
  else return [];
  return [normalizePlatform(abi)];
}

function interpreterName(facts: TagFacts): string {
  const name = facts.implementationName;
  return Object.hasOwn(interpreterShortNames, name) ? interpreterShortNames[name] ?? name : name;
}

function interpreterVersion(facts: TagFacts): string {
  const nodot = facts.configVars.py_version_nodot;
  return isTruthy(nodot) ? String(nodot) : `${facts.pythonVersion[0]}${facts.pythonVersion[1]}`;
}

/** macOS binary formats an architecture accepts at a given macOS version. */
function macBinaryFormats(version: readonly [number, number], arch: string): string[] {
  const formats = [arch];
  const before104 = compareVersionPair(version, [10, 4]) < 0;
  if (arch === "x86_64") {
    if (before104) return [];
    formats.push("intel", "fat64", "fat32");
  } else if (arch === "i386") {
    if (before104) return [];
    formats.push("intel", "fat32", "fat");
  } else if (arch === "ppc64") {
    if (compareVersionPair(version, [10, 5]) > 0 || before104) return [];
    formats.push("fat64");
  } else if (arch === "ppc") {
    if (compareVersionPair(version, [10, 6]) > 0) return [];
    formats.push("fat32", "fat");
  }
  if (arch === "arm64" || arch === "x86_64") formats.push("universal2");
  if (["x86_64", "i386", "ppc64", "ppc", "intel"].includes(arch)) formats.push("universal");
  return formats;
}

/**
 * The macOS platform tags for a macOS version and CPU architecture, best first,
 * as `packaging.tags.mac_platforms(version, arch)` yields them.
 *
 * @example
 * ```ts
 * import { macPlatforms } from "./tags.ts";
 * macPlatforms([14, 2], "arm64").slice(0, 3); // ["macosx_14_0_arm64", "macosx_14_0_universal2", "macosx_13_0_arm64"]
 * ```
 */
export function macPlatforms(version: readonly [number, number], arch: string): string[] {
  const platforms: string[] = [];
  const emit = (major: number, minor: number, formats: readonly string[]) => {
    for (const format of formats) platforms.push(`macosx_${major}_${minor}_${format}`);
  };
  if (compareVersionPair(version, [10, 0]) >= 0 && compareVersionPair(version, [11, 0]) < 0) {
    for (let minor = version[1]; minor >= 0; minor--) {
      emit(10, minor, macBinaryFormats([10, minor], arch));
    }
  }
  if (compareVersionPair(version, [11, 0]) >= 0) {
    for (let major = version[0]; major > 10; major--) {
      emit(major, 0, macBinaryFormats([major, 0], arch));
    }
    for (let minor = 16; minor > 3; minor--) {
      emit(10, minor, arch === "x86_64" ? macBinaryFormats([10, minor], arch) : ["universal2"]);
    }
  }
  return platforms;
}

function macArchitecture(arch: string, is32Bit: boolean): string {
  if (!is32Bit) return arch;
  return arch.startsWith("ppc") ? "ppc" : "i386";
}

/**
 * The iOS platform tags, best first, as `packaging.tags.ios_platforms(version, multiarch)`.
 */
export function iosPlatforms(version: readonly [number, number], multiarch: string): string[] {
  const arch = multiarch.replaceAll("-", "_");
  const platforms: string[] = [];
  if (version[0] < 12) return platforms;
  for (let minor = version[1]; minor >= 0; minor--) {
    platforms.push(`ios_${version[0]}_${minor}_${arch}`);
  }
  for (let major = version[0] - 1; major > 11; major--) {
    for (let minor = 9; minor >= 0; minor--) platforms.push(`ios_${major}_${minor}_${arch}`);
  }
  return platforms;
}

/**
 * The Android platform tags, best first, as `packaging.tags.android_platforms(apiLevel, abi)`.
 */
export function androidPlatforms(apiLevel: number, abi: string): string[] {
  const normalized = normalizePlatform(abi);
  const platforms: string[] = [];
  for (let level = apiLevel; level >= 16; level--) platforms.push(`android_${level}_${normalized}`);
  return platforms;
}

function elfIsArmHardFloat(elf: ElfHeaderFacts): boolean {
  return elf.elfClass === 1 && elf.elfData === 1 && elf.machine === 40 &&
    (elf.flags & 0xff000000) >>> 0 === 0x05000000 && (elf.flags & 0x400) === 0x400;
}

function elfIsI686(elf: ElfHeaderFacts): boolean {
  return elf.elfClass === 1 && elf.elfData === 1 && elf.machine === 3;
}

/** Options for {@link manylinuxPlatforms}. */
export interface ManylinuxOptions {
  /** The ELF header of the interpreter binary, needed for `armv7l` and `i686`. */
  readonly executableElf?: ElfHeaderFacts | null;
}

/**
 * The manylinux platform tags (PEP 600 `manylinux_X_Y_arch` down to glibc 2.17,
 * or 2.5 on x86, with the PEP 513/571/599 aliases after their equivalents) for a
 * glibc version and the compatible architectures, best first.
 *
 * @example
 * ```ts
 * import { manylinuxPlatforms } from "./tags.ts";
 * manylinuxPlatforms([2, 18], ["aarch64"]); // ["manylinux_2_18_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"]
 * ```
 */
export function manylinuxPlatforms(
  glibc: readonly [number, number],
  architectures: readonly string[],
  options: ManylinuxOptions = {},
): string[] {
  const elf = options.executableElf;
  let abiCompatible: boolean;
  if (architectures.includes("armv7l")) abiCompatible = elf ? elfIsArmHardFloat(elf) : false;
  else if (architectures.includes("i686")) abiCompatible = elf ? elfIsI686(elf) : false;
  else abiCompatible = architectures.some((arch) => manylinuxArchitectures.has(arch));
  if (!abiCompatible) return [];
  const oldestMinorExclusive = architectures.includes("x86_64") || architectures.includes("i686")
    ? 4
    : 16;
  const maxima: [number, number][] = [[glibc[0], glibc[1]]];
  for (let major = glibc[0] - 1; major > 1; major--) maxima.push([major, lastGlibcMinor]);
  const platforms: string[] = [];
  for (const arch of architectures) {
    for (const [major, maxMinor] of maxima) {
      const stopMinor = major === 2 ? oldestMinorExclusive : -1;
      for (let minor = maxMinor; minor > stopMinor; minor--) {
        platforms.push(`manylinux_${major}_${minor}_${arch}`);
        const legacy = legacyManylinuxNames.get(`${major}_${minor}`);
        if (legacy !== undefined) platforms.push(`${legacy}_${arch}`);
      }
    }
  }
  return platforms;
}

/**
 * The musllinux platform tags (PEP 656) for a musl version and the compatible
 * architectures, best first.
 */
export function musllinuxPlatforms(
  musl: readonly [number, number],
  architectures: readonly string[],
): string[] {
  const platforms: string[] = [];
  for (const arch of architectures) {
    for (let minor = musl[1]; minor >= 0; minor--) {
      platforms.push(`musllinux_${musl[0]}_${minor}_${arch}`);
    }
  }
  return platforms;
}

function linuxPlatforms(facts: TagFacts): string[] {
  let linux = normalizePlatform(facts.platform);
  if (!linux.startsWith("linux_")) return [linux];
  if (facts.is32Bit) {
    if (linux === "linux_x86_64") linux = "linux_i686";
    else if (linux === "linux_aarch64") linux = "linux_armv8l";
  }
  const arch = linux.slice("linux_".length);
  const architectures = arch === "armv8l" ? ["armv8l", "armv7l"] : [arch];
  const platforms: string[] = [];
  const glibc = facts.glibcVersion;
  if (glibc) {
    const executableElf = facts.executableElf ?? null;
    appendAll(platforms, manylinuxPlatforms(glibc, architectures, { executableElf }));
  }
  if (facts.muslVersion) appendAll(platforms, musllinuxPlatforms(facts.muslVersion, architectures));
  for (const each of architectures) platforms.push(`linux_${each}`);
  return platforms;
}

function requireFact<T>(value: T | undefined, name: string, system: string): T {
  if (value === undefined) {
    throw new InvalidTagFactsError(`${name}=undefined`, `required when the system is ${system}`);
  }
  return value;
}

/**
 * The platform tags the interpreter accepts, best first, as
 * `packaging.tags.platform_tags()` yields them on that interpreter.
 */
export function platformTags(facts: TagFacts): string[] {
  switch (facts.system) {
    case "Darwin":
      return macPlatforms(
        requireFact(facts.macVersion, "macVersion", facts.system),
        macArchitecture(requireFact(facts.macArch, "macArch", facts.system), facts.is32Bit),
      );
    case "iOS":
      return iosPlatforms(
        requireFact(facts.iosVersion, "iosVersion", facts.system),
        requireFact(facts.multiarch, "multiarch", facts.system),
      );
    case "Android":
      return androidPlatforms(
        requireFact(facts.androidApiLevel, "androidApiLevel", facts.system),
        facts.platform.split("-").at(-1) ?? "",
      );
    case "Linux":
      return linuxPlatforms(facts);
    case "Emscripten": {
      const version = facts.configVars.PYEMSCRIPTEN_PLATFORM_VERSION;
      const generic = normalizePlatform(facts.platform);
      return isTruthy(version) ? [`pyemscripten_${version}_wasm32`, generic] : [generic];
    }
    default:
      return [normalizePlatform(facts.platform)];
  }
}

function pythonInterpreterRange(major: number, minor: number): string[] {
  const range = [`py${major}${minor}`, `py${major}`];
  for (let older = minor - 1; older >= 0; older--) range.push(`py${major}${older}`);
  return range;
}

/**
 * Every tag the interpreter described by `facts` accepts, best first: exactly
 * the list `packaging.tags.sys_tags()` (packaging 26.2) yields when run in it.
 *
 * CPython gets its own ABIs, then `abi3` (or `abi3t` on free-threaded builds)
 * and `none` on each platform, then `abi3` of older minor versions; other
 * implementations get their `EXT_SUFFIX` ABI and `none`; then all get the
 * `py3X-none-<platform>`, `<interpreter>-none-any` and `py3X-none-any` fallbacks.
 *
 * Not modelled: a distributor's `_manylinux` module overriding manylinux support.
 *
 * @throws {InvalidTagFactsError} when a fact the system needs is missing or malformed.
 * @example
 * ```ts
 * import { compatibleTags } from "./tags.ts";
 * const tags = compatibleTags({
 *   implementationName: "cpython", pythonVersion: [3, 12], system: "Windows",
 *   platform: "win-amd64", is32Bit: false, configVars: { EXT_SUFFIX: ".cp312-win_amd64.pyd" },
 *   hasTotalRefcount: false, extensionSuffixes: [".cp312-win_amd64.pyd", ".pyd"], maxUnicode: 0x10ffff,
 * });
 * String(tags[0]); // "cp312-cp312-win_amd64"
 * String(tags.at(-1)); // "py30-none-any"
 * ```
 */
export function compatibleTags(facts: TagFacts): Tag[] {
  let tags = computed.get(facts);
  if (tags === undefined) {
    tags = computeCompatibleTags(facts);
    computed.set(facts, tags);
  }
  return [...tags];
}

/** {@link compatibleTags} by facts object: a run asks for the same interpreter's tags several times. */
const computed = new WeakMap<TagFacts, readonly Tag[]>();

function computeCompatibleTags(facts: TagFacts): Tag[] {
  const platforms = platformTags(facts);
  const [major, minor] = facts.pythonVersion;
  const name = interpreterName(facts);
  const tags: Tag[] = [];
  if (name === "cp") {
    const interpreter = `cp${major}${minor}`;
    const abis = cpythonAbis(facts);
    for (const abi of abis) {
      for (const platform of platforms) tags.push(new Tag(interpreter, abi, platform));
    }
    const threaded = /^cp\d.*t/.test(abis[0] ?? "");
    const stable = compareVersionPair(facts.pythonVersion, [3, 2]) >= 0
      ? (threaded ? "abi3t" : "abi3")
      : undefined;
    if (stable !== undefined) {
      for (const platform of platforms) tags.push(new Tag(interpreter, stable, platform));
    }
    for (const platform of platforms) tags.push(new Tag(interpreter, "none", platform));
    if (stable !== undefined) {
      for (let older = minor - 1; older > 1; older--) {
        for (const platform of platforms) {
          tags.push(new Tag(`cp${major}${older}`, stable, platform));
        }
      }
    }
  } else {
    const interpreter = `${name}${interpreterVersion(facts)}`;
    const abis = genericAbis(facts);
    if (!abis.includes("none")) abis.push("none");
    for (const abi of abis) {
      for (const platform of platforms) tags.push(new Tag(interpreter, abi, platform));
    }
  }
  const range = pythonInterpreterRange(major, minor);
  for (const version of range) {
    for (const platform of platforms) tags.push(new Tag(version, "none", platform));
  }
  if (name === "pp") tags.push(new Tag("pp3", "none", "any"));
  else if (name === "cp") tags.push(new Tag(`cp${interpreterVersion(facts)}`, "none", "any"));
  for (const version of range) tags.push(new Tag(version, "none", "any"));
  return tags;
}

/**
 * Ranks compatible tags: tag string → position in `compatible` (lower is better;
 * a repeated tag keeps its first position).
 *
 * @example
 * ```ts
 * import { parseTag, tagPriorities } from "./tags.ts";
 * const priorities = tagPriorities(parseTag("py3.py2-none-any"));
 * priorities.get("py2-none-any"); // 1
 * ```
 */
export function tagPriorities(compatible: readonly Tag[]): Map<string, number> {
  const priorities = new Map<string, number>();
  compatible.forEach((tag, index) => {
    const key = tag.toString();
    if (!priorities.has(key)) priorities.set(key, index);
  });
  return priorities;
}

/**
 * The best (lowest) priority among a wheel's tags, or `undefined` when none is compatible.
 */
export function bestTagPriority(
  tags: readonly Tag[],
  priorities: ReadonlyMap<string, number>,
): number | undefined {
  let best: number | undefined;
  for (const tag of tags) {
    const priority = priorities.get(tag.toString());
    if (priority !== undefined && (best === undefined || priority < best)) best = priority;
  }
  return best;
}

/** Whether any of a wheel's tags is among the compatible ones. */
export function isCompatible(
  tags: readonly Tag[],
  priorities: ReadonlyMap<string, number>,
): boolean {
  return tags.some((tag) => priorities.has(tag.toString()));
}
