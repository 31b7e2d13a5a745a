/**
 * Resolve-only time on the packse scenarios (`../shared/packse`), dpip
 * against pip: every install-mode scenario is served by the test index
 * server, and `install --dry-run` of its root requirements is timed once for
 * pip and for dpip (cold caches) into a venv of the scenario's Python. The
 * scenario pip is slowest on is then timed side by side with hyperfine, cold
 * (no cache) and warm (caches primed), and the ratios printed.
 *
 * Usage: [CATEGORY=backtracking] [RUNS=5] deno run -A scripts/bench_packse.ts
 * Needs pyenv's Python of the scenarios (3.12), the oracle pip (pyenv 3.11)
 * and hyperfine.
 */

import { join } from "../lib/paths.ts";
import { startIndexServer } from "../tests/helpers/index_server.ts";
import { oraclePython, pyenvPython } from "../tests/helpers/python.ts";
import { loadScenarios, type Scenario, scenarioFiles } from "../tests/resolver/packse.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const say = (line: string) => Deno.stdout.writeSync(encoder.encode(line + "\n"));
function fail(message: string): never {
  Deno.stderr.writeSync(encoder.encode(message + "\n"));
  Deno.exit(1);
}
const repo = new URL("..", import.meta.url).pathname;
const oracle = await oraclePython();
const category = Deno.env.get("CATEGORY");
const all = await loadScenarios();
if (all === undefined || oracle === undefined) {
  fail("needs ../shared/packse/scenarios.json and the oracle pip (pyenv 3.11)");
}
const scenarios = all.filter((s) =>
  s.mode === "install" && s.resolver_options.no_binary.length === 0 &&
  s.resolver_options.no_build.length === 0 && (category === undefined || s.category === category)
);
if (scenarios.length === 0) {
  fail(`no install scenario in category ${category}`);
}
const work = await Deno.makeTempDir({ prefix: "dpip-bench-packse-" });
const server = await startIndexServer({ files: scenarios.flatMap((s) => scenarioFiles(s, true)) });
const env = {
  PIP_CONFIG_FILE: "/dev/null",
  PIP_DISABLE_PIP_VERSION_CHECK: "1",
  HOME: work,
  PATH: Deno.env.get("PATH") ?? "",
};

const venvs = new Map<string, string>();
async function venvFor(scenario: Scenario): Promise<string> {
  const version = scenario.environment.python;
  let python = venvs.get(version);
  if (python === undefined) {
    const base = await pyenvPython(version.split(".").slice(0, 2).join("."));
    if (base === undefined) throw new Error(`no pyenv Python ${version}`);
    const dir = join(work, `venv-${version}`);
    await new Deno.Command(base, { args: ["-m", "venv", "--without-pip", dir] }).output();
    python = join(dir, "bin", "python");
    venvs.set(version, python);
  }
  return python;
}

function commands(scenario: Scenario, python: string, cache: string | undefined) {
  const reqs = scenario.root.requires_prefixed;
  const pre = scenario.resolver_options.prereleases ? ["--pre"] : [];
  const pip = [
    oracle!,
    "-m",
    "pip",
    "--python",
    python,
    "install",
    "-q",
    "--dry-run",
    ...(cache === undefined ? ["--no-cache-dir"] : ["--cache-dir", `${cache}/pip`]),
    "-i",
    server.url,
    ...pre,
    ...reqs,
  ];
  const dpip = [
    "deno",
    "run",
    "-A",
    join(repo, "main.ts"),
    "install",
    "-q",
    "--dry-run",
    "--python",
    python,
    ...(cache === undefined ? ["--no-cache-dir"] : ["--cache-dir", `${cache}/dpip`]),
    "-i",
    server.url,
    ...pre,
    ...reqs,
  ];
  return { pip, dpip };
}

async function timed(argv: string[]): Promise<number> {
  const start = performance.now();
  await new Deno.Command(argv[0]!, { args: argv.slice(1), env, stdout: "null", stderr: "null" })
    .output();
  return (performance.now() - start) / 1000;
}

const rows: { scenario: Scenario; pip: number; dpip: number }[] = [];
for (const scenario of scenarios) {
  const python = await venvFor(scenario);
  const { pip, dpip } = commands(scenario, python, undefined);
  rows.push({ scenario, pip: await timed(pip), dpip: await timed(dpip) });
}
rows.sort((a, b) => b.pip - a.pip);
say("slowest for pip (one cold run each):");
for (const row of rows.slice(0, 5)) {
  say(
    `  ${row.scenario.name}: pip ${row.pip.toFixed(2)} s, dpip ${row.dpip.toFixed(2)} s`,
  );
}

const slowest = rows[0]!.scenario;
const python = await venvFor(slowest);
const warm = join(work, "warm");
const primed = commands(slowest, python, warm);
await timed(primed.pip);
await timed(primed.dpip);
const cold = commands(slowest, python, undefined);
const quote = (argv: string[]) => argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
const out = join(work, "hyperfine.json");
await new Deno.Command("hyperfine", {
  args: [
    "--ignore-failure",
    "--runs",
    Deno.env.get("RUNS") ?? "5",
    "--export-json",
    out,
    "-n",
    "pip cold",
    quote(cold.pip),
    "-n",
    "pip warm",
    quote(primed.pip),
    "-n",
    "dpip cold",
    quote(cold.dpip),
    "-n",
    "dpip warm",
    quote(primed.dpip),
  ],
  env,
  stdout: "null",
  stderr: "inherit",
}).output();
const results = JSON.parse(decoder.decode(await Deno.readFile(out))).results as {
  command: string;
  mean: number;
}[];
const mean = (name: string) => results.find((r) => r.command === name)!.mean;
say(`${slowest.name} (${slowest.category}):`);
for (const kind of ["cold", "warm"]) {
  const p = mean(`pip ${kind}`), d = mean(`dpip ${kind}`);
  say(
    `  ${kind}: pip ${p.toFixed(2)} s / dpip ${d.toFixed(3)} s = ${(p / d).toFixed(1)}x`,
  );
}
await server.close();
