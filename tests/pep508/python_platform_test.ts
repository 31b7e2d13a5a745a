/** `--python-platform` names as marker values, and MarkerSet.withValues. */

import { MarkerSet } from "../../lib/pep508/marker_algebra.ts";
import {
  environmentsWith,
  pythonPlatformValues,
  UnknownPythonPlatformError,
} from "../../lib/pep508/python_platform.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";

Deno.test("pythonPlatformValues: short names and target triples as uv names them", () => {
  assertEquals(pythonPlatformValues("linux"), {
    sys_platform: "linux",
    os_name: "posix",
    platform_system: "Linux",
    platform_machine: "x86_64",
  });
  assertEquals(pythonPlatformValues("windows").platform_machine, "AMD64");
  assertEquals(pythonPlatformValues("macos").platform_machine, "arm64");
  assertEquals(pythonPlatformValues("x86_64-apple-darwin").sys_platform, "darwin");
  assertEquals(pythonPlatformValues("aarch64-unknown-linux-gnu").platform_machine, "aarch64");
  assertEquals(pythonPlatformValues("x86_64-manylinux_2_28").sys_platform, "linux");
  assertEquals(pythonPlatformValues("aarch64-pc-windows-msvc").platform_machine, "ARM64");
  for (const bad of ["beos", "sparc-apple-darwin", "x86_64", ""]) {
    assertThrows(() => pythonPlatformValues(bad), UnknownPythonPlatformError);
  }
});

Deno.test("environmentsWith and withValues: fixing values leaves the rest of a marker", () => {
  const linux = pythonPlatformValues("linux");
  const where = environmentsWith(linux);
  assert(where.evaluate({ sys_platform: "linux", os_name: "posix", platform_system: "Linux" }));
  assert(!where.evaluate({ sys_platform: "win32" }));
  const marker = MarkerSet.parse(
    'python_version < "3.10" and sys_platform == "linux" or sys_platform == "win32"',
  );
  assertEquals(String(marker.withValues(linux)), 'python_version < "3.10"');
  assert(MarkerSet.parse('sys_platform == "win32"').withValues(linux).isEmpty());
  assertEquals(String(marker.withValues({ not_a_variable: "x" })), String(marker));
});
