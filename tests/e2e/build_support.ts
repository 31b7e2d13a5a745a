/**
 * Shared pieces of the build e2e tests: a tiny PEP 517/660 build backend
 * (`mini-backend`, served as a wheel by the test index so isolated builds
 * must fetch it), and project directories that use it.
 *
 * @module
 */

import { join } from "node:path";
import type { IndexFile } from "../helpers/index_server.ts";
import { wheelFile } from "../helpers/index_server.ts";
import { buildSdist } from "../helpers/wheel_builder.ts";

/**
 * The backend: reads `[project]` (name, version, dependencies) from
 * pyproject.toml with a line parser (no tomllib before 3.11), puts every
 * top-level `.py` file and package of the project into the wheel, and for
 * `build_editable` a `.pth` file pointing at the project instead.
 * `get_requires_for_build_wheel` returns the `[tool.mini] build-requires`
 * list, and `config_settings["fail"]` makes the build fail on purpose.
 */
export const MINI_BACKEND = String.raw`
import base64, hashlib, io, os, re, zipfile

def _project():
    text = open("pyproject.toml", encoding="utf-8").read()
    def field(name):
        m = re.search(r'^' + name + r'\s*=\s*"([^"]*)"', text, re.M)
        return m.group(1) if m else None
    def array(name):
        m = re.search(r'^' + name + r'\s*=\s*\[([^\]]*)\]', text, re.M)
        return re.findall(r'"([^"]*)"', m.group(1)) if m else []
    return field("name"), field("version"), array("dependencies"), array("build-requires")

def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, digest, len(data))

def _wheel(wheel_directory, files, config_settings):
    if config_settings and config_settings.get("fail"):
        raise RuntimeError("failing as asked: " + str(config_settings["fail"]))
    name, version, deps, _ = _project()
    dist = re.sub(r"[-_.]+", "_", name)
    info = "%s-%s.dist-info" % (dist, version)
    meta = "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version)
    meta += "".join("Requires-Dist: %s\n" % d for d in deps)
    if config_settings:
        meta += "Summary: settings %s\n" % ",".join("%s=%s" % kv for kv in sorted(config_settings.items()))
    files = dict(files)
    files[info + "/METADATA"] = meta.encode()
    files[info + "/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: mini\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    filename = "%s-%s-py3-none-any.whl" % (dist, version)
    record = [_record_line(n, d) for n, d in sorted(files.items())] + [info + "/RECORD,,"]
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w") as z:
        for n, d in sorted(files.items()):
            z.writestr(n, d)
        z.writestr(info + "/RECORD", "\n".join(record) + "\n")
    return filename

def _sources():
    files = {}
    for entry in sorted(os.listdir(".")):
        if entry.endswith(".py") and entry != "setup.py":
            files[entry] = open(entry, "rb").read()
        elif os.path.isfile(os.path.join(entry, "__init__.py")):
            for root, _, names in os.walk(entry):
                for n in names:
                    if n.endswith(".py"):
                        p = os.path.join(root, n)
                        files[p.replace(os.sep, "/")] = open(p, "rb").read()
    return files

def get_requires_for_build_wheel(config_settings=None):
    return _project()[3]

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, _sources(), config_settings)

def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    name = re.sub(r"[-_.]+", "_", _project()[0])
    return _wheel(wheel_directory, {"__editable__.%s.pth" % name: (os.getcwd() + "\n").encode()}, config_settings)
`;

/** The backend as a wheel for the test index. */
export function miniBackendWheel(): IndexFile {
  return wheelFile({
    name: "mini-backend",
    version: "1.0",
    files: { "mini_backend.py": MINI_BACKEND },
  });
}

/** What a mini-backend project declares. */
export interface MiniProjectOptions {
  readonly dependencies?: readonly string[];
  /** `[tool.mini] build-requires`: what `get_requires_for_build_wheel` returns. */
  readonly buildRequires?: readonly string[];
  /** `[build-system] requires` (default `["mini-backend"]`). */
  readonly systemRequires?: readonly string[];
}

/** The pyproject.toml of a project built by the mini backend. */
export function miniPyproject(
  name: string,
  version: string,
  options: MiniProjectOptions = {},
): string {
  const list = (items: readonly string[] = []) => `[${items.map((i) => `"${i}"`).join(", ")}]`;
  return [
    "[build-system]",
    `requires = ${list(options.systemRequires ?? ["mini-backend"])}`,
    'build-backend = "mini_backend"',
    "",
    "[project]",
    `name = "${name}"`,
    `version = "${version}"`,
    `dependencies = ${list(options.dependencies)}`,
    "",
    "[tool.mini]",
    `build-requires = ${list(options.buildRequires)}`,
    "",
  ].join("\n");
}

/** Writes a project directory with one module `<module>.py` holding `VERSION`. */
export async function writeProject(
  dir: string,
  name: string,
  version: string,
  options: MiniProjectOptions = {},
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "pyproject.toml"), miniPyproject(name, version, options));
  await Deno.writeTextFile(
    join(dir, `${name.replaceAll("-", "_")}.py`),
    `VERSION = "${version}"\n`,
  );
  return dir;
}

/** An sdist of a mini-backend project, for the index or a local file. */
export function miniSdist(
  name: string,
  version: string,
  options: MiniProjectOptions = {},
): IndexFile {
  const sdist = buildSdist({
    name,
    version,
    files: {
      "pyproject.toml": miniPyproject(name, version, options),
      [`${name.replaceAll("-", "_")}.py`]: `VERSION = "${version}"\n`,
    },
  });
  return { filename: sdist.filename, bytes: sdist.bytes };
}

/** What a dpip subprocess did. */
export interface ProcessResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  /** It did not end by itself and was killed. */
  readonly killed: boolean;
}

/**
 * Runs dpip from source as a subprocess, its `TMPDIR` set to `tmp`, isolated
 * from the machine's pip configuration. A run that has not ended after
 * `limitMs` is killed and says so (`killed`), so a build that never stops
 * fails its test instead of hanging it.
 */
export async function dpipProcess(
  args: readonly string[],
  options: {
    home: string;
    tmp: string;
    env?: Record<string, string>;
    limitMs?: number;
    /** Called with the running child (to interrupt it). */
    onSpawn?: (child: Deno.ChildProcess) => void;
  },
): Promise<ProcessResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../../main.ts", import.meta.url).pathname, ...args],
    env: {
      HOME: options.home,
      PATH: Deno.env.get("PATH") ?? "",
      TMPDIR: options.tmp,
      // Deno's own cache (npm packages) is under the real home, not the test's.
      DENO_DIR: denoDir(),
      PIP_CONFIG_FILE: "/dev/null",
      NO_COLOR: "1",
      ...options.env,
    },
    clearEnv: true,
    cwd: options.home,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const watchdog = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, options.limitMs ?? 120_000);
  options.onSpawn?.(child);
  try {
    const output = await child.output();
    return {
      status: output.code,
      stdout: new TextDecoder().decode(output.stdout),
      stderr: new TextDecoder().decode(output.stderr),
      killed,
    };
  } finally {
    clearTimeout(watchdog);
  }
}

/** Where this Deno keeps its cache. */
function denoDir(): string {
  const home = Deno.env.get("HOME") ?? "/";
  return Deno.env.get("DENO_DIR") ??
    join(Deno.env.get("XDG_CACHE_HOME") ?? join(home, ".cache"), "deno");
}

/** The names in a temporary directory (sorted). */
export function tempEntries(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((entry) => entry.name).sort();
}
