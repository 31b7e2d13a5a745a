import { allowsPrereleases, parseReleaseControl } from "../../lib/resolver/release_control.ts";
import { assertEquals } from "../helpers/assert.ts";

Deno.test("parseReleaseControl() applies values in order, as pip's ReleaseControl", () => {
  const cases: [[("all-releases" | "only-final"), string][], [string, boolean | undefined][]][] = [
    [[], [["a", undefined]]],
    [[["all-releases", "A_b"]], [["a-b", true], ["c", undefined]]],
    [[["all-releases", ":all:"], ["only-final", "c"]], [["a", true], ["c", false]]],
    [[["only-final", "c"], ["all-releases", "c"]], [["c", true]]],
    [[["all-releases", "a,b"], ["all-releases", ":none:"]], [["a", undefined]]],
    [[["all-releases", ":all:,:none:,b"]], [["a", undefined], ["b", true]]],
    [[["only-final", ":all:"], ["all-releases", ":all:"]], [["x", true]]],
  ];
  for (const [values, expected] of cases) {
    const control = parseReleaseControl(values);
    for (const [name, allowed] of expected) {
      assertEquals(allowsPrereleases(control, name), allowed, `${JSON.stringify(values)} ${name}`);
    }
  }
});
