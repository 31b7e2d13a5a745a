/**
 * Shared pieces of the crash tests: big wheels whose commit takes a while,
 * killing a dpip install inside its commit, copying trees, and finding files
 * no installed distribution owns.
 *
 * @module
 */

import { join, normalize, relative } from "node:path";
import { parseRecord } from "../../lib/dists/record.ts";
import type { WheelSpec } from "../helpers/wheel_builder.ts";
import type { Venv } from "./install_wheel_support.ts";

/** A wheel with `modules` modules; a third of them move to another package in each version. */
export function bigWheel(name: string, version: string, modules: number): WheelSpec {
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
    dataFiles: {
      [`data/share/${name}/v.txt`]: version,
      [`scripts/${name}-tool`]: "#!python\nprint(1)\n",
    },
    entryPoints: { console_scripts: { [`${name}-${version.replace(".", "")}`]: `${name}:main` } },
  };
}

/** Copies a tree (files, directories and symbolic links). */
export function copyTree(from: string, to: string): void {
  Deno.mkdirSync(to, { recursive: true });
  for (const entry of Deno.readDirSync(from)) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isSymlink) Deno.symlinkSync(Deno.readLinkSync(source), target);
    else if (entry.isDirectory) copyTree(source, target);
    else Deno.copyFileSync(source, target);
  }
}

/** The transaction work directory in the venv's site-packages, if any. */
export function workDirOf(venv: Venv): string | undefined {
  for (const entry of Deno.readDirSync(venv.sitePackages)) {
    if (entry.name.startsWith(".dpip-txn-")) return join(venv.sitePackages, entry.name);
  }
  return undefined;
}

/** Whether a transaction's journal is in the venv: a commit started and did not finish. */
export function journalWritten(venv: Venv): boolean {
  const dir = workDirOf(venv);
  if (dir === undefined) return false;
  try {
    Deno.lstatSync(join(dir, "journal.json"));
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `command` (a dpip install into `venv`) and kills it with SIGKILL as
 * soon as its journal appears. True when the kill left an interrupted
 * commit (false when the install had finished, or never committed).
 */
export async function killInsideCommit(command: Deno.Command, venv: Venv): Promise<boolean> {
  const child = command.spawn();
  let done = false;
  const status = child.status.then(() => void (done = true));
  while (!done && !journalWritten(venv)) {
    // Poll hard so that the kill lands early in the commit.
    for (let spin = 0; spin < 50 && !journalWritten(venv); spin++);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  try {
    child.kill("SIGKILL");
  } catch {
    // It had already finished.
  }
  await status;
  await child.output().catch(() => {});
  return journalWritten(venv);
}

const INTERPRETER_FILES = /^(pyvenv\.cfg|bin\/(python[0-9.]*|activate.*|Activate\.ps1)|lib64)$/;

/**
 * Files in the venv that no present dist-info's RECORD lists (the
 * interpreter's own files, dpip's work directory and bytecode aside): what
 * `pip list` cannot see and `pip uninstall` cannot remove.
 */
export function unownedFiles(venv: Venv): string[] {
  const owned = new Set<string>();
  for (const entry of Deno.readDirSync(venv.sitePackages)) {
    if (!entry.name.endsWith(".dist-info")) continue;
    let text: string;
    try {
      text = Deno.readTextFileSync(join(venv.sitePackages, entry.name, "RECORD"));
    } catch {
      continue;
    }
    for (const row of parseRecord(text)) {
      owned.add(relative(venv.root, normalize(join(venv.sitePackages, row.path))));
    }
  }
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const path = join(dir, entry.name);
      const rel = relative(venv.root, path);
      if (INTERPRETER_FILES.test(rel) || entry.name.startsWith(".dpip-txn-")) continue;
      if (entry.name.endsWith(".dist-info") || entry.name === "__pycache__") continue;
      if (entry.isDirectory) walk(path);
      else if (!owned.has(rel)) out.push(rel);
    }
  };
  walk(venv.root);
  return out.sort();
}
