/**
 * PEP 508 hot paths: parsing 10,000 distinct requirements and evaluating
 * their markers. `deno task bench`.
 */

import { type Marker, parseRequirement } from "../../lib/pep508/mod.ts";
import { benchmarkRequirements } from "../pep508/generators.ts";

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
