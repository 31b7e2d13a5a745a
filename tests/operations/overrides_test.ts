import { applyOverrides, overridesOf } from "../../lib/operations/overrides.ts";
import { parseRequirement } from "../../lib/pep508/mod.ts";
import { assertEquals } from "../helpers/assert.ts";

Deno.test("applyOverrides() replaces requirements on overridden projects, markers and-ed", () => {
  const overrides = overridesOf([
    parseRequirement("B>=2"),
    parseRequirement("c==1 ; python_version < '3.9'"),
    parseRequirement("c==2 ; python_version >= '3.9'"),
  ]);
  assertEquals(
    applyOverrides(["b<2 ; extra == 'x'", "c", "d>1", "not a requirement !"], overrides),
    [
      'B>=2; (extra == "x")',
      'c==1; (python_version < "3.9")',
      'c==2; (python_version >= "3.9")',
      "d>1",
      "not a requirement !",
    ],
  );
});
