/**
 * The classic PubGrub cases (from the algorithm's documentation), in PEP 440
 * terms, with their failure reports as snapshots.
 */

import { assertEquals } from "../helpers/assert.ts";
import { pins, report, run } from "./helpers.ts";

Deno.test("PubGrub: no conflicts", async () => {
  const outcome = await run(["foo>=1.0,<2"], {
    foo: { "1.0.0": ["bar>=1.0,<2"] },
    bar: { "1.0.0": [], "2.0.0": [] },
  });
  assertEquals(pins(outcome), ["bar==1.0.0", "foo==1.0.0"]);
  assertEquals(outcome.ok && outcome.resolution.stats.conflicts, 0);
});

Deno.test("PubGrub: avoiding a conflict during decision making", async () => {
  const outcome = await run(["foo>=1.0,<2", "bar>=1.0,<2"], {
    foo: { "1.1.0": ["bar>=2.0,<3"], "1.0.0": [] },
    bar: { "1.0.0": [], "1.1.0": [], "2.0.0": [] },
  });
  assertEquals(pins(outcome), ["bar==1.1.0", "foo==1.0.0"]);
  assertEquals(outcome.ok && outcome.resolution.stats.conflicts, 0);
});

Deno.test("PubGrub: performing conflict resolution", async () => {
  const outcome = await run(["foo>=1.0.0"], {
    foo: { "2.0.0": ["bar>=1.0,<2"], "1.0.0": [] },
    bar: { "1.0.0": ["foo>=1.0,<2"] },
  });
  assertEquals(pins(outcome), ["foo==1.0.0"]);
  assertEquals(outcome.ok && outcome.resolution.stats.conflicts, 1);
});

Deno.test("PubGrub: conflict resolution with a partial satisfier", async () => {
  const outcome = await run(["foo>=1.0,<2", "target>=2.0,<3"], {
    foo: { "1.1.0": ["left>=1.0,<2", "right>=1.0,<2"], "1.0.0": [] },
    left: { "1.0.0": ["shared>=1.0.0"] },
    right: { "1.0.0": ["shared<2.0.0"] },
    shared: { "2.0.0": [], "1.0.0": ["target>=1.0,<2"] },
    target: { "2.0.0": [], "1.0.0": [] },
  });
  assertEquals(pins(outcome), ["foo==1.0.0", "target==2.0.0"]);
});

Deno.test("PubGrub: linear error reporting", async () => {
  const outcome = await run(["foo>=1.0,<2", "baz>=1.0,<2"], {
    foo: { "1.0.0": ["bar>=2.0,<3"] },
    bar: { "2.0.0": ["baz>=3.0,<4"] },
    baz: { "1.0.0": [], "3.0.0": [] },
  });
  assertEquals(
    report(outcome),
    [
      "Because foo==1.0.0 depends on bar>=2.0,<3, which depends on baz>=3.0,<4, foo==1.0.0 requires baz>=3.0,<4.",
      "So, because you require foo>=1.0,<2 and baz>=1.0,<2, we can conclude that your requirements are unsatisfiable.",
    ].join("\n"),
  );
});

Deno.test("PubGrub: branching error reporting numbers the line used twice", async () => {
  const outcome = await run(["foo>=1.0,<2"], {
    foo: {
      "1.0.0": ["a>=1.0,<2", "b>=1.0,<2"],
      "1.1.0": ["x>=1.0,<2", "y>=1.0,<2"],
    },
    a: { "1.0.0": ["b>=2.0,<3"] },
    b: { "1.0.0": [], "2.0.0": [] },
    x: { "1.0.0": ["y>=2.0,<3"] },
    y: { "1.0.0": [], "2.0.0": [] },
  });
  assertEquals(
    report(outcome),
    [
      "    Because foo==1.0.0 depends on a>=1.0,<2, which depends on b>=2.0,<3, foo==1.0.0 requires b>=2.0,<3.",
      "(1) So, because foo==1.0.0 depends on b>=1.0,<2, foo==1.0.0 cannot be used.",
      "",
      "    Because foo==1.1.0 depends on x>=1.0,<2, which depends on y>=2.0,<3, foo==1.1.0 requires y>=2.0,<3.",
      "    And because foo==1.1.0 depends on y>=1.0,<2, foo==1.1.0 cannot be used.",
      "    And because foo==1.0.0 cannot be used (1), foo cannot be used.",
      "    So, because you require foo>=1.0,<2, we can conclude that your requirements are unsatisfiable.",
    ].join("\n"),
  );
});

Deno.test("report: two requirements that disagree on a shared dependency", async () => {
  const outcome = await run(["a==1.0", "c==1.0"], {
    a: { "1.0": ["b>=2"] },
    c: { "1.0": ["b<2"] },
    b: { "1.0": [], "2.0": [] },
  });
  assertEquals(
    report(outcome),
    [
      "Because a==1.0 depends on b>=2 and c==1.0 depends on b<2, a==1.0 and c==1.0 are incompatible.",
      "So, because you require a==1.0 and c==1.0, we can conclude that your requirements are unsatisfiable.",
    ].join("\n"),
  );
});

Deno.test("report: backtracking through every version merges their identical dependencies", async () => {
  const versions = Object.fromEntries(
    Array.from({ length: 30 }, (_, i) => [`${i + 1}.0`, ["b==1.0"]]),
  );
  const outcome = await run(["a", "b==2.0"], { a: versions, b: { "1.0": [], "2.0": [] } });
  assertEquals(!outcome.ok && outcome.error.report.lines.length, 2);
  assertEquals(
    report(outcome),
    [
      "Because you require a, which depends on b==1.0, b==1.0 is required.",
      "So, because you require b==2.0, we can conclude that your requirements are unsatisfiable.",
    ].join("\n"),
  );
});

Deno.test("report: a missing project gets a did-you-mean hint", async () => {
  const outcome = await run(["requsts"], { requests: { "2.0": [] } });
  assertEquals(
    report(outcome),
    [
      "Because you require requsts, which was not found in the package index, we can conclude that your requirements are unsatisfiable.",
      "hint: no index has a project named 'requsts'; did you mean 'requests'?",
    ].join("\n"),
  );
});

Deno.test("report: a version that does not exist, with the versions there are", async () => {
  const outcome = await run(["a"], { a: { "1.0": ["b>=3"] }, b: { "1.0": [], "2.0": [] } });
  assertEquals(
    report(outcome),
    [
      "Because you require a, which depends on b>=3, which matches no version of b, we can conclude that your requirements are unsatisfiable.",
      "hint: b has 2.0, 1.0",
    ].join("\n"),
  );
});

Deno.test("report: nothing matches your requirement; each reason versions were left out on a line", async () => {
  const outcome = await run(["flask==9"], {
    flask: {
      "1.0": { requiresPython: ">=3.13" },
      "1.1": { requiresPython: ">=3.13" },
      "2.0": { yanked: "broken" },
      "2.2": [],
      "3.0": {
        unavailable: { kind: "no-compatible-wheel", tags: ["cp312-cp312-win_amd64"] },
      },
      "3.1": [],
      "4.0rc1": [],
    },
  });
  assertEquals(
    report(outcome),
    [
      "Because you require flask==9, which matches no version of flask, we can conclude that your requirements are unsatisfiable.",
      "hint: flask has 3.1, 2.2",
      "hint: flask left out as pre-releases (--pre allows them): 4.0rc1",
      "hint: flask left out for having wheels only for other platforms or Pythons (cp312-cp312-win_amd64): 3.0",
      "hint: flask left out as yanked (reason: broken) (== pins one anyway): 2.0",
      "hint: flask left out for requiring Python>=3.13 (the target is 3.12.4): 1.1, 1.0",
    ].join("\n"),
  );
});

Deno.test("report: a long list of versions is cut at twenty", async () => {
  const versions: Record<string, string[]> = {};
  for (let i = 1; i <= 25; i++) versions[`1.${i}`] = [];
  const outcome = await run(["many>=2"], { many: versions });
  const hint = report(outcome).split("\n")[1]!;
  assertEquals(hint.startsWith("hint: many has 1.25, 1.24, "), true, hint);
  assertEquals(hint.endsWith(", 1.6, … (5 more)"), true, hint);
});
