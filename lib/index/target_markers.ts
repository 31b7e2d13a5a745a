/**
 * The PEP 508 marker environment of a foreign target (`--platform`,
 * `--python-version`, `--implementation`), so a dependency tree downloaded
 * for another machine follows that machine's markers: `exceptiongroup;
 * python_version < "3.11"` is downloaded for a 3.10 target, `colorama;
 * sys_platform == "win32"` for a Windows one. (pip evaluates markers against
 * the interpreter it runs on whatever the target, pip#11010.)
 *
 * What the options do not say comes from the interpreter dpip runs against:
 * the version from `--python-version` (missing parts are 0), the
 * implementation from `--implementation` (`cp`, `pp`, `gp`), the operating
 * system and machine from the platform tag (`manylinux…`/`musllinux…`/
 * `linux_…` → Linux, `win…` → Windows, `macosx_…` → macOS). Platforms of
 * different operating systems cannot share one environment, so
 * {@link splitBySystem} makes one target per system, each resolved on its own.
 * Pure.
 *
 * @module
 */

import type { MarkerEnvironment } from "../pep508/mod.ts";
import { parsePythonVersionOption, type TargetOptions } from "./target_tags.ts";

/** What a platform tag says about the machine. */
interface PlatformFacts {
  readonly sys_platform: string;
  readonly platform_system: string;
  readonly os_name: string;
  readonly platform_machine?: string;
}

const WINDOWS_MACHINES: Readonly<Record<string, string>> = {
  win32: "x86",
  win_amd64: "AMD64",
  win_arm64: "ARM64",
  win_arm32: "ARM",
};

/** The system a platform tag names, or undefined for `any` and tags of unknown systems. */
function platformFacts(platform: string): PlatformFacts | undefined {
  const linux = /^(?:manylinux\d*|manylinux_\d+_\d+|musllinux_\d+_\d+|linux)_(.+)$/.exec(platform);
  if (linux !== null) {
    return {
      sys_platform: "linux",
      platform_system: "Linux",
      os_name: "posix",
      platform_machine: linux[1]!,
    };
  }
  if (platform in WINDOWS_MACHINES) {
    return {
      sys_platform: "win32",
      platform_system: "Windows",
      os_name: "nt",
      platform_machine: WINDOWS_MACHINES[platform]!,
    };
  }
  const mac = /^macosx_\d+_\d+_(.+)$/.exec(platform);
  if (mac !== null) {
    const arch = mac[1]!;
    return {
      sys_platform: "darwin",
      platform_system: "Darwin",
      os_name: "posix",
      ...(arch === "arm64" || arch === "x86_64" ? { platform_machine: arch } : {}),
    };
  }
  return undefined;
}

const IMPLEMENTATIONS: Readonly<Record<string, readonly [string, string]>> = {
  cp: ["cpython", "CPython"],
  pp: ["pypy", "PyPy"],
  gp: ["graalpy", "GraalPy"],
  ip: ["ironpython", "IronPython"],
  jy: ["jython", "Jython"],
};

/**
 * The marker environment of `target` (its first platform's system), from
 * the running interpreter's `host` environment.
 *
 * @example
 * ```ts
 * import { targetMarkerEnvironment } from "./target_markers.ts";
 * import { DEFAULT_MARKER_ENVIRONMENT } from "../pep508/mod.ts";
 * const env = targetMarkerEnvironment(DEFAULT_MARKER_ENVIRONMENT, {
 *   platforms: ["win_amd64"], pythonVersion: "3.10",
 * });
 * [env.sys_platform, env.python_version, env.python_full_version]; // ["win32", "3.10", "3.10.0"]
 * ```
 */
export function targetMarkerEnvironment(
  host: MarkerEnvironment,
  target: TargetOptions,
): MarkerEnvironment {
  const env: MarkerEnvironment = { ...host };
  if (target.pythonVersion !== undefined) {
    const parts = parsePythonVersionOption(target.pythonVersion);
    while (parts.length < 3) parts.push(0);
    env.python_version = parts.slice(0, 2).join(".");
    env.python_full_version = parts.slice(0, 3).join(".");
  }
  const implementation = target.implementation === undefined
    ? undefined
    : IMPLEMENTATIONS[target.implementation];
  if (implementation !== undefined) {
    [env.implementation_name, env.platform_python_implementation] = implementation;
  }
  if (env.implementation_name === "cpython" && target.pythonVersion !== undefined) {
    env.implementation_version = env.python_full_version;
  }
  const facts = (target.platforms ?? []).map(platformFacts).find((f) => f !== undefined);
  if (facts !== undefined) {
    const sameSystem = facts.sys_platform === host.sys_platform;
    env.sys_platform = facts.sys_platform;
    env.platform_system = facts.platform_system;
    env.os_name = facts.os_name;
    env.platform_machine = facts.platform_machine ?? (sameSystem ? host.platform_machine : "");
    // Another system's kernel release and version are unknown.
    if (!sameSystem) {
      env.platform_release = "";
      env.platform_version = "";
    }
  }
  return env;
}

/**
 * `target` split into one target per operating system its platforms name
 * (in the order they first appear); platforms of no known system go with the
 * first. A target of one system (or none) comes back as it is.
 *
 * @example
 * ```ts
 * import { splitBySystem } from "./target_markers.ts";
 * splitBySystem({ platforms: ["manylinux2014_x86_64", "win_amd64", "manylinux_2_28_x86_64"] })
 *   .map((t) => t.platforms); // [["manylinux2014_x86_64", "manylinux_2_28_x86_64"], ["win_amd64"]]
 * ```
 */
export function splitBySystem(target: TargetOptions): TargetOptions[] {
  const platforms = target.platforms ?? [];
  const groups = new Map<string, string[]>();
  const unknown: string[] = [];
  for (const platform of platforms) {
    const system = platformFacts(platform)?.sys_platform;
    if (system === undefined) {
      unknown.push(platform);
      continue;
    }
    const group = groups.get(system);
    if (group === undefined) groups.set(system, [platform]);
    else group.push(platform);
  }
  if (groups.size <= 1) return [target];
  const split = [...groups.values()];
  split[0] = [...split[0]!, ...unknown];
  return split.map((group) => ({ ...target, platforms: group }));
}
