/**
 * `dpip download --no-deps` against real indexes and real servers, compared
 * with `pip download --no-deps` (pip 23.2.1 on the oracle Python 3.11): for
 * each project, both must pick the same file, or both must find none.
 *
 * Indexes: the machine's local PyPI mirror (named by pip's configuration)
 * served by nginx and read as a `file://` URL, and the `../shared/corpus`
 * index served by `python3 -m http.server`. A deterministic sample of
 * projects runs by default; `DPIP_FULL=1` runs every project.
 * `--only-binary=:all:` keeps pip from building sdists to read their metadata.
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { captureIo } from "../../lib/cli/io.ts";
import { main } from "../../lib/cli/main.ts";
import { scanHtml } from "../../lib/index/simple_api.ts";
import { assertEquals } from "../helpers/assert.ts";
import { oraclePython, skipUnless } from "../helpers/python.ts";
import { corpusDir, mirrorIndexUrls } from "../index/corpus.ts";
import { hasCommand, startHttpServer, startNginx, type StaticServer } from "./real_servers.ts";

const python = await oraclePython();
const mirrors = await mirrorIndexUrls();
const nginx = await hasCommand("nginx", ["-v"]);
const FULL = Deno.env.get("DPIP_FULL") === "1";
const SAMPLE = 12;

/** The projects of a `file://` or on-disk simple index (its root page's links). */
async function projectsOf(simpleDir: string): Promise<string[]> {
  const { anchors } = scanHtml(await Deno.readTextFile(join(simpleDir, "index.html")));
  const names = anchors.map((a) => (a.attributes.get("href") ?? "").replace(/\/$/, ""))
    .filter((n) => n !== "" && !n.includes("/"));
  return [...new Set(names)].sort();
}

/** Every `step`-th project, so the sample spreads over the alphabet; all when FULL. */
function sample(projects: readonly string[]): string[] {
  if (FULL || projects.length <= SAMPLE) return [...projects];
  const step = projects.length / SAMPLE;
  return Array.from({ length: SAMPLE }, (_, i) => projects[Math.floor(i * step)] ?? "")
    .filter((p) => p !== "");
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) if (entry.isFile) out.push(entry.name);
  } catch {
    // No directory: nothing downloaded.
  }
  return out.sort();
}

type Downloader = (projects: string[], dest: string) => Promise<boolean>;

/**
 * Runs `download` for `projects` in one go; when that fails, halves the set
 * until each failing project is alone. Returns project → file (or null).
 */
async function downloadAll(
  projects: readonly string[],
  dest: string,
  run: Downloader,
): Promise<Map<string, string | null>> {
  const result = new Map<string, string | null>();
  let batch = 0;
  const attempt = async (group: readonly string[]): Promise<void> => {
    if (group.length === 0) return;
    const dir = join(dest, `b${batch++}`);
    if (await run([...group], dir)) {
      const files = await listFiles(dir);
      for (const project of group) {
        const prefix = project.replace(/[-_.]+/g, "_").toLowerCase();
        const file = files.find((f) =>
          f.replace(/[-_.]+/g, "_").toLowerCase().startsWith(prefix + "_")
        );
        result.set(project, file ?? null);
      }
      return;
    }
    if (group.length === 1) {
      result.set(group[0] ?? "", null);
      return;
    }
    const half = Math.ceil(group.length / 2);
    await attempt(group.slice(0, half));
    await attempt(group.slice(half));
  };
  for (let i = 0; i < projects.length; i += 60) await attempt(projects.slice(i, i + 60));
  return result;
}

function pipDownloader(indexUrl: string): Downloader {
  return async (projects, dest) => {
    const env: Record<string, string> = { ...Deno.env.toObject(), PIP_CONFIG_FILE: "/dev/null" };
    delete env["PIP_FIND_LINKS"];
    delete env["PIP_CERT"];
    const output = await new Deno.Command(python ?? "python3", {
      args: [
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--no-cache-dir",
        "--disable-pip-version-check",
        "--progress-bar",
        "off",
        "-q",
        "-i",
        indexUrl,
        "-d",
        dest,
        ...projects,
      ],
      env,
      clearEnv: true,
      stdout: "null",
      stderr: "null",
    }).output();
    return output.success;
  };
}

function dpipDownloader(indexUrl: string, cacheDir: string): Downloader {
  return async (projects, dest) => {
    const io = captureIo({
      env: {
        HOME: cacheDir,
        PATH: Deno.env.get("PATH") ?? "",
        PIP_CONFIG_FILE: "/dev/null",
      },
      cwd: cacheDir,
    });
    const status = await main([
      "download",
      "--no-deps",
      "--only-binary=:all:",
      "--no-cache-dir",
      "--python",
      python ?? "python3",
      "-i",
      indexUrl,
      "-d",
      dest,
      ...projects,
    ], io);
    return status === 0;
  };
}

async function compareWithPip(indexUrl: string, projects: string[]): Promise<void> {
  const tmp = await Deno.makeTempDir({ prefix: "dpip-real-" });
  try {
    const ours = await downloadAll(projects, join(tmp, "dpip"), dpipDownloader(indexUrl, tmp));
    const theirs = await downloadAll(projects, join(tmp, "pip"), pipDownloader(indexUrl));
    const differences = projects.filter((p) => ours.get(p) !== theirs.get(p)).map((p) => ({
      project: p,
      dpip: ours.get(p),
      pip: theirs.get(p),
    }));
    if (FULL) {
      const found = projects.filter((p) => theirs.get(p) !== null).length;
      // deno-lint-ignore no-console
      console.log(
        `${indexUrl}: ${projects.length} projects, pip found ${found}, ${differences.length} differ`,
      );
    }
    assertEquals(differences, []);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

const mirrorRoot = mirrors[0] === undefined ? undefined : fileURLToPath(mirrors[0]);
const corpus = await corpusDir();

Deno.test({
  name: "real index: the local mirror served by nginx — dpip picks pip's file for each project",
  ignore: skipUnless(
    python && mirrorRoot && nginx,
    "Python 3.11 with pip, the local mirror, nginx",
  ),
  fn: async () => {
    const root = join(mirrorRoot ?? "", "..");
    let server: StaticServer | undefined;
    try {
      server = await startNginx(root);
      const projects = sample(await projectsOf(mirrorRoot ?? ""));
      await compareWithPip(`${server.origin}simple/`, projects);
    } finally {
      await server?.close();
    }
  },
});

Deno.test({
  name: "real index: the local mirror as a file:// URL — dpip picks pip's file for each project",
  ignore: skipUnless(python && mirrors.length > 0, "Python 3.11 with pip and the local mirror"),
  fn: async () => {
    for (const url of mirrors) {
      await compareWithPip(url, sample(await projectsOf(fileURLToPath(url))));
    }
  },
});

Deno.test({
  name: "real index: the corpus served by python3 -m http.server — same files as pip",
  ignore: skipUnless(python && corpus, "Python 3.11 with pip and the ../shared/corpus index"),
  fn: async () => {
    let server: StaticServer | undefined;
    try {
      server = await startHttpServer(corpus ?? "", python);
      const projects = sample(await projectsOf(join(corpus ?? "", "simple")));
      await compareWithPip(`${server.origin}simple/`, projects);
    } finally {
      await server?.close();
    }
  },
});
