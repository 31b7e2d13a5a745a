/**
 * The marker environment of a foreign target, and targets split by
 * operating system.
 *
 * @module
 */

import { splitBySystem, targetMarkerEnvironment } from "../../lib/index/target_markers.ts";
import type { MarkerEnvironment } from "../../lib/pep508/mod.ts";
import { assertEquals } from "../helpers/assert.ts";

const HOST: MarkerEnvironment = {
  implementation_name: "cpython",
  implementation_version: "3.11.7",
  os_name: "posix",
  platform_machine: "x86_64",
  platform_release: "6.1.0",
  platform_system: "Linux",
  platform_version: "#1 SMP",
  python_full_version: "3.11.7",
  platform_python_implementation: "CPython",
  python_version: "3.11",
  sys_platform: "linux",
  extra: "",
};

function changed(env: MarkerEnvironment): Partial<MarkerEnvironment> {
  return Object.fromEntries(
    Object.entries(env).filter(([key, value]) => HOST[key as keyof MarkerEnvironment] !== value),
  );
}

Deno.test("targetMarkerEnvironment: what each option changes", () => {
  assertEquals(changed(targetMarkerEnvironment(HOST, {})), {});
  assertEquals(changed(targetMarkerEnvironment(HOST, { pythonVersion: "310" })), {
    python_version: "3.10",
    python_full_version: "3.10.0",
    implementation_version: "3.10.0",
  });
  assertEquals(changed(targetMarkerEnvironment(HOST, { pythonVersion: "3.12.4" })), {
    python_version: "3.12",
    python_full_version: "3.12.4",
    implementation_version: "3.12.4",
  });
  assertEquals(changed(targetMarkerEnvironment(HOST, { implementation: "pp" })), {
    implementation_name: "pypy",
    platform_python_implementation: "PyPy",
  });
  assertEquals(changed(targetMarkerEnvironment(HOST, { platforms: ["win_amd64"] })), {
    sys_platform: "win32",
    platform_system: "Windows",
    os_name: "nt",
    platform_machine: "AMD64",
    platform_release: "",
    platform_version: "",
  });
  assertEquals(changed(targetMarkerEnvironment(HOST, { platforms: ["macosx_11_0_arm64"] })), {
    sys_platform: "darwin",
    platform_system: "Darwin",
    platform_machine: "arm64",
    platform_release: "",
    platform_version: "",
  });
  // The same system: only the machine can change; the kernel's facts stay.
  assertEquals(
    changed(targetMarkerEnvironment(HOST, { platforms: ["musllinux_1_2_aarch64"] })),
    { platform_machine: "aarch64" },
  );
  assertEquals(
    changed(targetMarkerEnvironment(HOST, { platforms: ["any", "manylinux2014_x86_64"] })),
    {},
  );
});

Deno.test("splitBySystem: one target per operating system, in order of appearance", () => {
  const base = { pythonVersion: "3.12", abis: ["cp312"] };
  assertEquals(splitBySystem({ ...base, platforms: ["manylinux2014_x86_64", "linux_x86_64"] }), [
    { ...base, platforms: ["manylinux2014_x86_64", "linux_x86_64"] },
  ]);
  assertEquals(
    splitBySystem({
      ...base,
      platforms: ["win_amd64", "manylinux2014_x86_64", "any", "win32", "macosx_10_9_x86_64"],
    }),
    [
      { ...base, platforms: ["win_amd64", "win32", "any"] },
      { ...base, platforms: ["manylinux2014_x86_64"] },
      { ...base, platforms: ["macosx_10_9_x86_64"] },
    ],
  );
  assertEquals(splitBySystem(base), [base]);
});
