/**
 * uv's `--python-platform` names (`linux`, `windows`, `macos`, target
 * triples such as `aarch64-apple-darwin`, and `x86_64-manylinux_2_28`) as
 * the marker values they fix: `sys_platform`, `os_name`, `platform_system`
 * and `platform_machine`. Pure: no I/O.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { MarkerSet } from "./marker_algebra.ts";

/** A `--python-platform` value that names no known platform. */
export class UnknownPythonPlatformError extends DpipError<"usage"> {
  /** The value given. */
  readonly platform: string;
  constructor(platform: string) {
    super(
      "usage",
      `Unknown --python-platform '${platform}': use linux, windows, macos, or a target such as x86_64-unknown-linux-gnu, aarch64-apple-darwin, x86_64-pc-windows-msvc or x86_64-manylinux_2_28`,
    );
    this.name = "UnknownPythonPlatformError";
    this.platform = platform;
  }
}

interface Os {
  sysPlatform: string;
  osName: string;
  system: string;
  /** `platform_machine` by architecture, as each OS spells it. */
  machines: Readonly<Record<string, string>>;
}

const LINUX: Os = {
  sysPlatform: "linux",
  osName: "posix",
  system: "Linux",
  machines: { x86_64: "x86_64", aarch64: "aarch64", i686: "i686", armv7: "armv7l" },
};
const MACOS: Os = {
  sysPlatform: "darwin",
  osName: "posix",
  system: "Darwin",
  machines: { x86_64: "x86_64", aarch64: "arm64" },
};
const WINDOWS: Os = {
  sysPlatform: "win32",
  osName: "nt",
  system: "Windows",
  machines: { x86_64: "AMD64", aarch64: "ARM64", i686: "x86" },
};

/** Short names: an OS and its default architecture (uv's). */
const SHORT: Readonly<Record<string, [Os, string]>> = {
  linux: [LINUX, "x86_64"],
  windows: [WINDOWS, "x86_64"],
  macos: [MACOS, "aarch64"],
};

function osOfTriple(rest: string): Os | undefined {
  if (/^unknown-linux-(gnu|musl)/.test(rest) || /^manylinux_?\d/.test(rest)) return LINUX;
  if (/^musllinux_?\d/.test(rest)) return LINUX;
  if (rest === "apple-darwin") return MACOS;
  if (rest === "pc-windows-msvc") return WINDOWS;
  return undefined;
}

/**
 * The marker values a `--python-platform` value fixes (`sys_platform`,
 * `os_name`, `platform_system`, `platform_machine`).
 *
 * @throws {UnknownPythonPlatformError} for a value that names no known platform.
 */
export function pythonPlatformValues(platform: string): Record<string, string> {
  const text = platform.trim().toLowerCase();
  let os: Os | undefined;
  let arch: string | undefined;
  const short = SHORT[text];
  if (short !== undefined) [os, arch] = short;
  else {
    const dash = text.indexOf("-");
    arch = dash < 0 ? undefined : text.slice(0, dash);
    os = dash < 0 ? undefined : osOfTriple(text.slice(dash + 1));
  }
  const machine = arch === undefined ? undefined : os?.machines[arch];
  if (os === undefined || machine === undefined) throw new UnknownPythonPlatformError(platform);
  return {
    sys_platform: os.sysPlatform,
    os_name: os.osName,
    platform_system: os.system,
    platform_machine: machine,
  };
}

/** The environments where string marker variables have the given values. */
export function environmentsWith(values: Readonly<Record<string, string>>): MarkerSet {
  let set = MarkerSet.TRUE;
  for (const [key, value] of Object.entries(values)) {
    set = set.and(MarkerSet.parse(`${key} == ${JSON.stringify(value)}`));
  }
  return set;
}
