// deno-lint-ignore-file no-console
/**
 * Measures how exposed an upgrade's commit is to SIGKILL: the kill loop of
 * `tests/e2e/install_wheel_crash_test.ts`, with more rounds, every kill
 * timed inside the commit (uniformly over the time from the journal
 * appearing to the work directory going), and the state each kill leaves
 * examined *before* any recovery:
 *
 * - unowned: importable files (anything in the venv but the interpreter's
 *   own files and dpip's work directory) that no present `RECORD` lists, so
 *   that `pip list`/`pip uninstall` cannot see them;
 * - mismatched: files a present `RECORD` lists with another hash (new content
 *   under the old metadata, or the other way round).
 *
 * Then one uninterrupted upgrade runs under `strace` and the rename log gives
 * how long unowned files exist during a commit.
 *
 * Usage: deno run -A scripts/measure_commit_window.ts [modules=2700] [rounds=30]
 *
 * @module
 */

import { createHash } from "node:crypto";
import { join, normalize, relative } from "node:path";
import { parseRecord } from "../lib/dists/record.ts";
import { type WheelSpec, writeWheel } from "../tests/helpers/wheel_builder.ts";
import {
  dpipCommand,
  makeVenv,
  python311,
  seededRandom,
  type Venv,
} from "../tests/e2e/install_wheel_support.ts";

const modules = Number(Deno.args[0] ?? 2700);
const rounds = Number(Deno.args[1] ?? 30);
if (python311 === undefined) throw new Error("needs pyenv's Python 3.11");

function bigWheel(name: string, version: string): WheelSpec {
  const files: Record<string, string> = { [`${name}/__init__.py`]: `VERSION = "${version}"\n` };
  for (let index = 0; index < modules; index++) {
    const sub = version === "1.0" || index % 3 !== 0
      ? "common"
      : `only_${version.replace(".", "_")}`;
    files[`${name}/${sub}/d${index % 30}/m${index}.py`] = `# ${name} ${version} module ${index}\n`;
  }
  return {
    name,
    version,
    files,
    dataFiles: { [`data/share/${name}/v.txt`]: version },
    entryPoints: { console_scripts: { [`${name}-${version.replace(".", "")}`]: `${name}:main` } },
  };
}

interface Exposure {
  unowned: number;
  mismatched: number;
  distInfos: number;
}

const INTERPRETER_FILES = /^(pyvenv\.cfg|bin\/(python[0-9.]*|activate.*|Activate\.ps1)|lib64)$/;

/** The unowned and mismatched files of `venv` as it is now. */
function exposure(venv: Venv): Exposure {
  const owners = new Map<string, string[]>();
  let distInfos = 0;
  for (const entry of Deno.readDirSync(venv.sitePackages)) {
    if (!entry.name.endsWith(".dist-info")) continue;
    distInfos++;
    const dir = join(venv.sitePackages, entry.name);
    let text: string;
    try {
      text = Deno.readTextFileSync(join(dir, "RECORD"));
    } catch {
      continue;
    }
    for (const row of parseRecord(text)) {
      const path = relative(venv.root, normalize(join(venv.sitePackages, row.path)));
      const hashes = owners.get(path) ?? [];
      if (row.hash !== undefined) hashes.push(`${row.hash.algorithm}=${row.hash.digest}`);
      owners.set(path, hashes);
    }
  }
  let unowned = 0;
  let mismatched = 0;
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const path = join(dir, entry.name);
      const rel = relative(venv.root, path);
      if (INTERPRETER_FILES.test(rel) || entry.name.startsWith(".dpip")) continue;
      if (entry.name.endsWith(".dist-info") || entry.name === "__pycache__") continue;
      if (entry.isDirectory) {
        walk(path);
        continue;
      }
      const hashes = owners.get(rel);
      if (hashes === undefined) {
        unowned++;
        continue;
      }
      if (hashes.length === 0) continue;
      const digest = createHash("sha256").update(Deno.readFileSync(path)).digest("base64url");
      if (!hashes.includes(`sha256=${digest}`)) mismatched++;
    }
  };
  walk(venv.root);
  return { unowned, mismatched, distInfos };
}

function copyTree(from: string, to: string): void {
  Deno.mkdirSync(to, { recursive: true });
  for (const entry of Deno.readDirSync(from)) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isSymlink) Deno.symlinkSync(Deno.readLinkSync(source), target);
    else if (entry.isDirectory) copyTree(source, target);
    else Deno.copyFileSync(source, target);
  }
}

function workDir(venv: Venv): string | undefined {
  for (const entry of Deno.readDirSync(venv.sitePackages)) {
    if (entry.name.startsWith(".dpip-txn-")) return join(venv.sitePackages, entry.name);
  }
  return undefined;
}

function journalWritten(venv: Venv): boolean {
  const dir = workDir(venv);
  if (dir === undefined) return false;
  try {
    Deno.lstatSync(join(dir, "journal.json"));
    return true;
  } catch {
    return false;
  }
}

const home = await Deno.makeTempDir({ prefix: "dpip-window-" });
try {
  const cache = join(home, "cache");
  const v1 = await writeWheel(join(home, "wheels"), bigWheel("crashy", "1.0"));
  const v2 = await writeWheel(join(home, "wheels"), bigWheel("crashy", "2.0"));
  const venv = await makeVenv(join(home, "venv"));
  const args = (wheel: string) => [
    "install",
    "--no-deps",
    "--no-index",
    "--python",
    venv.python,
    "--cache-dir",
    cache,
    wheel,
  ];
  const install = (wheel: string) => dpipCommand(args(wheel), { home });
  if ((await install(v1.path).output()).code !== 0) throw new Error("installing 1.0 failed");
  const pristine = join(home, "pristine");
  copyTree(venv.root, pristine);
  const restore = async () => {
    await Deno.remove(venv.root, { recursive: true });
    copyTree(pristine, venv.root);
  };
  if ((await install(v2.path).output()).code !== 0) throw new Error("installing 2.0 failed");

  // The commit's duration: from the journal appearing to the work directory going.
  const commitTimes: number[] = [];
  for (let probe = 0; probe < 3; probe++) {
    await restore();
    const child = install(v2.path).spawn();
    let done = false;
    const status = child.status.then(() => void (done = true));
    while (!done && !journalWritten(venv)) await new Promise((r) => setTimeout(r, 0));
    const start = performance.now();
    while (!done && workDir(venv) !== undefined) {
      // Busy: the child has the other core.
    }
    commitTimes.push(performance.now() - start);
    await status;
    await child.output().catch(() => {});
  }
  const commit = commitTimes.sort((a, b) => a - b)[1]!;

  const next = seededRandom(4242);
  const results: (Exposure & { delay: number })[] = [];
  for (let round = 0; round < rounds; round++) {
    await restore();
    const child = install(v2.path).spawn();
    let done = false;
    const status = child.status.then(() => void (done = true));
    while (!done && !journalWritten(venv)) {
      // Busy-poll so the kill lands close to the chosen moment.
      for (let spin = 0; spin < 50 && !journalWritten(venv); spin++);
      await new Promise((r) => setTimeout(r, 0));
    }
    const delay = next() * commit;
    const at = performance.now() + delay;
    while (performance.now() < at);
    try {
      child.kill("SIGKILL");
    } catch {
      // Already finished.
    }
    await status;
    await child.output().catch(() => {});
    results.push({ ...exposure(venv), delay });
  }
  const exposed = results.filter((r) => r.unowned > 0);
  const mixed = results.filter((r) => r.mismatched > 0);
  const twice = results.filter((r) => r.distInfos > 1);
  console.log(
    `${modules} modules, commit ~${commit.toFixed(1)} ms; ${rounds} kills inside the commit:`,
  );
  console.log(
    `  unowned files: ${exposed.length}/${rounds} rounds, at most ${
      Math.max(0, ...results.map((r) => r.unowned))
    } files`,
  );
  console.log(
    `  mismatched files: ${mixed.length}/${rounds} rounds, at most ${
      Math.max(0, ...results.map((r) => r.mismatched))
    } files`,
  );
  console.log(`  two dist-infos: ${twice.length}/${rounds} rounds`);

  // One commit under strace: when do unowned files exist?
  await restore();
  const [cmd, ...rest] = [Deno.execPath(), "run", "-A", "main.ts", ...args(v2.path)];
  const log = join(home, "strace.log");
  const traced = await new Deno.Command("strace", {
    args: ["-f", "-ttt", "-qq", "-e", "trace=rename,renameat,renameat2", "-o", log, cmd!, ...rest],
    env: {
      HOME: home,
      PATH: Deno.env.get("PATH") ?? "",
      NO_COLOR: "1",
      DENO_DIR: Deno.env.get("DENO_DIR") ??
        join(Deno.env.get("XDG_CACHE_HOME") ?? join(Deno.env.get("HOME") ?? "/", ".cache"), "deno"),
    },
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).output();
  if (!traced.success) throw new Error("the traced install failed");
  const renames = Deno.readTextFileSync(log).split("\n").flatMap((line) => {
    const match = /^\d+\s+([\d.]+) rename(?:at2?)?\((?:[^,]+, )?"([^"]+)", (?:[^,]+, )?"([^"]+)"/
      .exec(line);
    return match === null ? [] : [{ t: Number(match[1]) * 1000, from: match[2]!, to: match[3]! }];
  });
  const inWork = (path: string) => path.includes("/.dpip-txn-");
  const oldMeta = "crashy-1.0.dist-info";
  const newMeta = "crashy-2.0.dist-info";
  // New files in before the new metadata; old metadata out before the last old file.
  const newFileIn = renames.filter((r) =>
    inWork(r.from) && !inWork(r.to) && !r.to.includes(newMeta)
  );
  const newMetaIn = renames.find((r) => inWork(r.from) && r.to.endsWith(newMeta));
  const oldMetaOut = renames.find((r) => r.from.endsWith(oldMeta) && inWork(r.to));
  const oldFileOut = renames.filter((r) =>
    !inWork(r.from) && inWork(r.to) && !r.from.endsWith(oldMeta)
  );
  let window = 0;
  if (newMetaIn !== undefined && newFileIn.length > 0 && newFileIn[0]!.t < newMetaIn.t) {
    window += newMetaIn.t - newFileIn[0]!.t;
  }
  const lastOldOut = oldFileOut.at(-1);
  if (oldMetaOut !== undefined && lastOldOut !== undefined && oldMetaOut.t < lastOldOut.t) {
    window += lastOldOut.t - oldMetaOut.t;
  }
  const first = renames.find((r) => inWork(r.from) || inWork(r.to));
  const last = renames.findLast((r) => inWork(r.from) || inWork(r.to));
  console.log(
    `  traced commit: ${renames.length} renames over ${
      ((last?.t ?? 0) - (first?.t ?? 0)).toFixed(2)
    } ms; unowned files exist for ${window.toFixed(2)} ms of it`,
  );
} finally {
  await Deno.remove(home, { recursive: true });
}
