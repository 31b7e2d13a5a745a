/**
 * Reading the installed distributions of the oracle Python (~100), as `list`
 * and `freeze` do. `deno task bench`; skipped without that interpreter.
 */

import { readInstalledDists } from "../../lib/installer/site_packages.ts";
import { oraclePython, runPythonJson } from "../helpers/python.ts";

const oracle = await oraclePython();
const path = oracle === undefined ? [] : await runPythonJson<string[]>(
  oracle,
  "import json, sys; print(json.dumps(sys.path[1:]))",
  null,
);

Deno.bench({
  name: "read the oracle Python's installed distributions",
  ignore: oracle === undefined,
  fn() {
    readInstalledDists(path);
  },
});
