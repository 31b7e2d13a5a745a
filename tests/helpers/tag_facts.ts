/**
 * Interpreter facts for tests: CPython on x86_64 Linux with glibc 2.35.
 *
 * @module
 */

import type { TagFacts } from "../../lib/dists/tags.ts";

/** The facts a probe would report for CPython `major.minor` on x86_64 glibc 2.35 Linux. */
export function linuxCpythonFacts(major: number, minor: number): TagFacts {
  const abi = `cpython-${major}${minor}-x86_64-linux-gnu`;
  return {
    implementationName: "cpython",
    pythonVersion: [major, minor],
    system: "Linux",
    platform: "linux-x86_64",
    is32Bit: false,
    configVars: { EXT_SUFFIX: `.${abi}.so`, Py_DEBUG: 0, WITH_PYMALLOC: 1 },
    hasTotalRefcount: false,
    extensionSuffixes: [`.${abi}.so`, ".abi3.so", ".so"],
    maxUnicode: 0x10ffff,
    glibcVersion: [2, 35],
    muslVersion: null,
  };
}
