/**
 * PEP 508 hot paths: parsing 10,000 distinct requirements and evaluating
 * their markers. `deno task bench`.
 */

import { type Marker, parseRequirement } from "../../lib/pep508/mod.ts";
import { Random } from "../pep508/random.ts";

/** 10,000 distinct, realistic requirements (names, extras, specifiers, markers). */
export function benchmarkRequirements(count = 10_000): string[] {
  const random = new Random(508);
  const names = ["requests", "Django", "zope.interface", "typing_extensions", "numpy", "PyYAML"];
  const markers = [
    'python_version < "3.11"',
    'python_version >= "3.8" and platform_system == "Windows"',
    'extra == "socks"',
    'sys_platform == "win32" or (platform_machine == "arm64" and python_full_version >= "3.9.1")',
    'implementation_name == "cpython" and extra == "test"',
    '"linux" in sys_platform and os_name != "nt"',
  ];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = `${random.pick(names)}-${i}`;
    if (random.chance(0.2)) text += random.pick(["[socks]", "[security, socks]", "[test]"]);
    const major = random.int(0, 30);
    text += random.pick([
      `>=${major}.${random.int(0, 20)}`,
      `>=${major}.0,<${major + 1}`,
      `~=${major}.${random.int(0, 9)}.${random.int(0, 9)}`,
      `==${major}.*`,
      ` (!=${major}.1, >=${major}.0rc1)`,
      "",
    ]);
    if (random.chance(0.5)) text += `; ${random.pick(markers)}`;
    out.push(text);
  }
  return out;
}

const requirements = benchmarkRequirements();
const markers: Marker[] = requirements
  .map((text) => parseRequirement(text).marker)
  .filter((marker): marker is Marker => marker !== undefined);
const environment = {
  python_version: "3.12",
  python_full_version: "3.12.1",
  sys_platform: "win32",
};

Deno.bench("parse 10,000 requirements", { group: "requirements" }, () => {
  for (let i = 0; i < requirements.length; i++) parseRequirement(requirements[i]!);
});

Deno.bench("parse and format 10,000 requirements", { group: "requirements" }, () => {
  for (let i = 0; i < requirements.length; i++) String(parseRequirement(requirements[i]!));
});

Deno.bench(`evaluate ${markers.length} markers`, { group: "markers" }, () => {
  for (let i = 0; i < markers.length; i++) markers[i]!.evaluate(environment);
});

Deno.bench(`evaluate ${markers.length} markers with extras`, { group: "markers" }, () => {
  for (let i = 0; i < markers.length; i++) {
    markers[i]!.evaluateWithExtras(environment, ["socks", "test"]);
  }
});
