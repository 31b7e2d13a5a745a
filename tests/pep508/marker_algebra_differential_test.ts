/**
 * Differential test of the marker algebra against packaging 26.2: generated
 * markers, their simplified forms, and the simplified forms of their
 * conjunctions, disjunctions and negations are all evaluated by packaging in
 * generated environments; the simplified text must give packaging's answer
 * for the original (or, where a comparison has no PEP 508 negation, hold at
 * least wherever the original does).
 */

import { MarkerSet } from "../../lib/pep508/marker_algebra.ts";
import { assert } from "../helpers/assert.ts";
import { oraclePython, runPythonJson, skipUnless } from "../helpers/python.ts";
import { Random } from "../helpers/random.ts";
import { generateAlgebraMarker, generateEnvironment } from "./marker_algebra_generators.ts";

const ORACLE = `
import json, sys
from packaging.markers import Marker, default_environment

data = json.load(sys.stdin)
envs = []
for env in data["environments"]:
    full = default_environment()
    full.update(env)
    for key in ("extras", "dependency_groups"):
        full[key] = frozenset(full.get(key, ()))
    envs.append(full)

def results(text):
    if text == "":
        return [True] * len(envs)
    marker = Marker(text)
    out = []
    for env in envs:
        try:
            out.append(marker.evaluate(env))
        except Exception as e:
            out.append("error:" + type(e).__name__)
    return out

print(json.dumps([[results(text) for text in case] for case in data["cases"]]))
`;

type Result = boolean | string;

const python = await oraclePython();

Deno.test({
  name: "marker algebra: simplified markers evaluate in packaging 26.2 as the originals do",
  ignore: skipUnless(python, "Python 3.11 with packaging"),
  async fn() {
    const random = new Random(751);
    const environments = Array.from({ length: 48 }, () => generateEnvironment(random));
    const cases: string[][] = [];
    const exact: boolean[] = [];
    for (let i = 0; i < 600; i++) {
      const a = generateAlgebraMarker(random);
      const b = generateAlgebraMarker(random);
      const setA = MarkerSet.parse(a.text), setB = MarkerSet.parse(b.text);
      // original, simplified; a and b, simplified; a or b, simplified; not a (no original text).
      cases.push([
        a.text,
        String(setA),
        `(${a.text}) and (${b.text})`,
        String(setA.and(setB)),
        `(${a.text}) or (${b.text})`,
        String(setA.or(setB)),
        String(setA.not()),
      ]);
      exact.push(a.exact && b.exact);
    }
    const answers = await runPythonJson<Result[][][]>(python!, ORACLE, { environments, cases });
    let compared = 0;
    answers.forEach((answer, i) => {
      const [original, simplified, both, bothSimplified, either, eitherSimplified, negated] =
        answer;
      const texts = cases[i]!;
      environments.forEach((_, e) => {
        const pairs: [Result, Result, string][] = [
          [original![e]!, simplified![e]!, texts[1]!],
          [both![e]!, bothSimplified![e]!, texts[3]!],
          [either![e]!, eitherSimplified![e]!, texts[5]!],
        ];
        for (const [want, got, text] of pairs) {
          if (typeof want !== "boolean") continue; // packaging cannot evaluate the original here
          const where = `${texts[0]} → ${text} in ${JSON.stringify(environments[e])}`;
          if (exact[i]) assert(got === want, `packaging: ${want}, simplified: ${got}: ${where}`);
          else {assert(
              !want || got === true,
              `simplified must hold where the original does: ${where}`,
            );}
          compared++;
        }
        const want = original![e]!;
        if (typeof want === "boolean" && exact[i]) {
          assert(negated![e] === !want, `negation ${texts[6]} of ${texts[0]}`);
        }
      });
    });
    assert(compared > 40_000, `only ${compared} evaluations compared`);
  },
});
