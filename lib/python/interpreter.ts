/**
 * One Python interpreter as dpip sees it: the facts its probe reported
 * (marker environment, tag facts, install schemes, `sys.path`, venv and PEP
 * 668 status), read from a disk cache when fresh, else from one spawn of the
 * interpreter.
 *
 * The cache entry is keyed on the executable's path, size and mtime (plus the
 * `PYTHON*` variables that change `sys.path`), lives in the `interpreters-v1`
 * bucket, is written atomically, and is re-validated against the mtimes of
 * `pyvenv.cfg` and `EXTERNALLY-MANAGED`, which can change without the
 * executable changing.
 *
 * @module
 */

import { dirname, join } from "../paths.ts";
import { bucketDir, CacheBucket } from "../cache/cache_dir.ts";
import type { TagFacts } from "../dists/tags.ts";
import { DpipError } from "../errors.ts";
import type { MarkerEnvironment } from "../pep508/mod.ts";
import {
  externallyManagedMessage,
  resolveScheme,
  type Scheme,
  type SchemeKind,
  type SchemeTemplates,
} from "./environment.ts";
import { PROBE_SCRIPT, PROBE_VERSION, type ProbeOutput } from "./probe_script.ts";
import { deriveVenvProbe, type VenvTemplate, venvTemplate } from "./venv_template.ts";

/** The interpreter could not be run or its probe failed. */
export class InterpreterProbeError extends DpipError {
  /** The executable that failed. */
  readonly executable: string;

  constructor(executable: string, why: string, options: { cause?: unknown } = {}) {
    super("interpreter-probe-failed", `Could not query Python interpreter ${executable}: ${why}`, {
      ...options,
      hint: "Check that it is a working Python (2.7 or 3.6+), or pick another with --python.",
    });
    this.name = "InterpreterProbeError";
    this.executable = executable;
  }
}

/** Whether the target is externally managed (PEP 668), and the distributor's message. */
export interface ExternallyManaged {
  /** The `EXTERNALLY-MANAGED` file. */
  readonly path: string;
  /** The message for the user's language; undefined when the file has none (use a default). */
  readonly message?: string;
}

/**
 * A Python interpreter's facts. Build it with {@link queryInterpreter} (or
 * `findInterpreter` in `mod.ts`).
 */
export class Interpreter {
  /** The path dpip was given or found (not resolved through symlinks: a venv's `bin/python`). */
  readonly executable: string;
  /** `sys.executable` as the interpreter reports it. */
  readonly sysExecutable: string;
  /** `sys.version_info[:3]`. */
  readonly version: readonly [number, number, number];
  /** The PEP 508 marker variables, as `packaging.markers.default_environment()` reports them. */
  readonly markerEnvironment: MarkerEnvironment;
  /** The facts compatible tags are computed from (`compatibleTags(tagFacts)`). */
  readonly tagFacts: TagFacts;
  /**
   * The directories installed distributions are read from, in `sys.path`
   * order (the script directory left out): what pip's default environment scans.
   */
  readonly sitePackages: readonly string[];
  /** `sys.prefix`. */
  readonly prefix: string;
  /** `sys.base_prefix`. */
  readonly basePrefix: string;
  /** `site.getusersitepackages()`, whether or not it is enabled. */
  readonly userSite?: string;
  /** `site.ENABLE_USER_SITE`. */
  readonly userSiteEnabled: boolean;
  /** `sys.prefix != sys.base_prefix`. */
  readonly isVenv: boolean;
  /** The venv's `include-system-site-packages` (true outside a venv). */
  readonly includeSystemSitePackages: boolean;
  /** Set when an `EXTERNALLY-MANAGED` file is present outside a venv (PEP 668). */
  readonly externallyManaged?: ExternallyManaged;
  /** The raw probe output, for `dpip debug`. */
  readonly probe: ProbeOutput;
  readonly #templates: SchemeTemplates;

  constructor(executable: string, probe: ProbeOutput, env: Readonly<Record<string, string>>) {
    this.executable = executable;
    this.sysExecutable = probe.executable;
    const [major, minor, micro] = probe.version_info;
    this.version = [major, minor, micro];
    this.markerEnvironment = {
      ...(probe.marker_environment as Omit<MarkerEnvironment, "extra">),
      extra: "",
    };
    this.tagFacts = probe.tag_facts;
    this.sitePackages = probe.sys_path;
    this.prefix = probe.prefix;
    this.basePrefix = probe.base_prefix;
    if (probe.user_site !== null) this.userSite = probe.user_site;
    this.userSiteEnabled = probe.enable_user_site;
    this.isVenv = probe.is_venv;
    this.includeSystemSitePackages = probe.include_system_site_packages;
    if (probe.externally_managed !== null && !probe.is_venv) {
      const message = externallyManagedMessage(probe.externally_managed.errors, env);
      this.externallyManaged = message === undefined
        ? { path: probe.externally_managed.path }
        : { path: probe.externally_managed.path, message };
    }
    this.probe = probe;
    this.#templates = probe.schemes;
  }

  /** `X.Y`, e.g. `3.12`. */
  get majorMinor(): string {
    return `${this.version[0]}.${this.version[1]}`;
  }

  /**
   * The install paths for a target.
   *
   * @example
   * ```ts
   * // interpreter.scheme({ kind: "target", dir: "/tmp/t" }).scripts === "/tmp/t/bin"
   * ```
   */
  scheme(kind: SchemeKind): Scheme {
    return resolveScheme(this.#templates, kind);
  }
}

/** Options for {@link queryInterpreter}. */
export interface QueryInterpreterOptions {
  /** The environment the interpreter runs with (its `PYTHON*` variables matter). */
  readonly env: Readonly<Record<string, string>>;
  /** The working directory. */
  readonly cwd: string;
  /** The cache root (`resolveCacheRoot`); undefined disables the cache. */
  readonly cacheRoot?: string;
  /** Called just before the interpreter is spawned to probe it (not when cached or derived). */
  readonly onProbe?: (executable: string) => void;
}

/** The variables that change what the probe reports, so they are part of the cache key. */
const KEY_VARIABLES = [
  "PYTHONPATH",
  "PYTHONHOME",
  "PYTHONUSERBASE",
  "PYTHONNOUSERSITE",
  "PYTHONSAFEPATH",
  "PYTHONPLATLIBDIR",
  "PYTHONEXECUTABLE",
  "_PYTHON_HOST_PLATFORM",
  "_PYTHON_SYSCONFIGDATA_NAME",
  "HOME",
];

interface CacheEntry {
  readonly key: string;
  /** Files whose mtime (or absence, as null) must be unchanged for the entry to hold. */
  readonly validators: readonly (readonly [string, number | null])[];
  readonly probe: ProbeOutput;
}

async function mtimeOrNull(path: string): Promise<number | null> {
  try {
    return (await Deno.stat(path)).mtime?.getTime() ?? null;
  } catch {
    return null;
  }
}

function validatorPaths(probe: ProbeOutput): string[] {
  const paths = [join(probe.stdlib, "EXTERNALLY-MANAGED")];
  if (probe.pyvenv_cfg !== null) paths.push(probe.pyvenv_cfg);
  return paths;
}

async function stillValid(entry: CacheEntry): Promise<boolean> {
  for (const [path, mtime] of entry.validators) {
    if ((await mtimeOrNull(path)) !== mtime) return false;
  }
  return true;
}

async function runProbe(
  executable: string,
  options: QueryInterpreterOptions,
): Promise<ProbeOutput> {
  let result: Deno.CommandOutput;
  try {
    result = await new Deno.Command(executable, {
      args: ["-c", PROBE_SCRIPT],
      cwd: options.cwd,
      env: { ...options.env },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound
      ? "no such file"
      : error instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : error instanceof Error
      ? error.message
      : String(error);
    throw new InterpreterProbeError(executable, why, { cause: error });
  }
  const decoder = new TextDecoder();
  if (!result.success) {
    const stderr = decoder.decode(result.stderr);
    const lines = stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "");
    // A Python traceback ends with the error; anything else says it first.
    const line = stderr.includes("Traceback") ? lines.at(-1) : lines[0];
    throw new InterpreterProbeError(executable, line ?? `exit status ${result.code}`);
  }
  let probe: ProbeOutput;
  try {
    probe = JSON.parse(decoder.decode(result.stdout)) as ProbeOutput;
  } catch (error) {
    throw new InterpreterProbeError(executable, "its output is not the probe's JSON", {
      cause: error,
    });
  }
  if (probe.probe_version !== PROBE_VERSION) {
    throw new InterpreterProbeError(executable, "its output is not the probe's JSON");
  }
  return probe;
}

async function readTextOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return null;
  }
}

/**
 * What picks the real interpreter behind a script launcher (a pyenv shim is a
 * shell script whose target follows `PYENV_VERSION`, the nearest
 * `.python-version` and pyenv's global `version` file); null for a binary.
 */
async function launcherState(
  executable: string,
  options: QueryInterpreterOptions,
): Promise<unknown> {
  let head: Uint8Array;
  try {
    using file = await Deno.open(executable);
    head = new Uint8Array(2);
    await file.read(head);
  } catch {
    return null;
  }
  if (head[0] !== 0x23 || head[1] !== 0x21) return null;
  let local: string | null = null;
  for (let dir = options.cwd;; dir = dirname(dir)) {
    local = await readTextOrNull(join(dir, ".python-version"));
    if (local !== null || dirname(dir) === dir) break;
  }
  const root = options.env["PYENV_ROOT"] ?? dirname(dirname(executable));
  return [options.env["PYENV_VERSION"] ?? null, local, await readTextOrNull(join(root, "version"))];
}

async function cacheKey(
  executable: string,
  stat: Deno.FileInfo,
  options: QueryInterpreterOptions,
): Promise<string> {
  const variables = KEY_VARIABLES.map((name) => options.env[name] ?? null);
  const material = JSON.stringify([
    PROBE_VERSION,
    executable,
    stat.size,
    stat.mtime?.getTime() ?? null,
    variables,
    options.env["PYTHONPATH"] === undefined ? null : options.cwd,
    await launcherState(executable, options),
  ]);
  return material;
}

/**
 * A short file name for a cache key. Not cryptographic: the entry stores the
 * whole key and is used only when it matches, so a collision is just a miss.
 * (Loading `node:crypto` would cost more start-up time than the lookup saves.)
 */
function fileNameOf(key: string): string {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

async function readCache(path: string, key: string): Promise<CacheEntry | undefined> {
  try {
    const entry = JSON.parse(await Deno.readTextFile(path)) as CacheEntry;
    if (entry.key !== key || entry.probe?.probe_version !== PROBE_VERSION) return undefined;
    return (await stillValid(entry)) ? entry : undefined;
  } catch {
    return undefined;
  }
}

async function writeJson(path: string, value: unknown): Promise<void> {
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${Deno.pid}.${crypto.randomUUID()}.tmp`;
    // Synchronous: Deno's async writeTextFile loads its web streams first (~4 ms, the last
    // thing an install into a new venv would load).
    Deno.writeTextFileSync(temporary, JSON.stringify(value));
    await Deno.rename(temporary, path);
  } catch {
    // A cache that cannot be written only costs a spawn next time.
  }
}

/**
 * The facts of the interpreter at `executable`: from the cache when the
 * executable's size and mtime are unchanged, else by running the probe once
 * and caching the result.
 *
 * @throws {InterpreterProbeError} when the file does not exist, cannot run, or is not Python.
 */
export async function queryInterpreter(
  executable: string,
  options: QueryInterpreterOptions,
): Promise<Interpreter> {
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(executable);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound ? "no such file" : String(error);
    throw new InterpreterProbeError(executable, why, { cause: error });
  }
  if (!stat.isFile) throw new InterpreterProbeError(executable, "not a file");
  const key = await cacheKey(executable, stat, options);
  const path = options.cacheRoot === undefined
    ? undefined
    : join(bucketDir(options.cacheRoot, CacheBucket.interpreters), `${fileNameOf(key)}.json`);
  if (path !== undefined) {
    const cached = await readCache(path, key);
    if (cached !== undefined) return new Interpreter(executable, cached.probe, options.env);
  }
  // A venv met for the first time: derived from another venv of the same interpreter,
  // when one was probed (a spawn costs ~35 ms), else probed and kept as the template.
  const venvDir = dirname(dirname(executable));
  const config = await readTextOrNull(join(venvDir, "pyvenv.cfg"));
  const templatePath = config === null || options.cacheRoot === undefined ? undefined : join(
    bucketDir(options.cacheRoot, CacheBucket.interpreters),
    `venv-${fileNameOf(await templateKey(executable, stat, options))}.json`,
  );
  const template = templatePath === undefined ? undefined : await readTemplate(templatePath);
  let probe = template === undefined ? undefined : deriveVenvProbe(template, venvDir, config!);
  if (probe === undefined) {
    options.onProbe?.(executable);
    probe = await runProbe(executable, options);
    const made = templatePath === undefined ? undefined : venvTemplate(probe, venvDir, config!);
    if (made !== undefined) await writeJson(templatePath!, made);
  }
  if (path !== undefined) {
    const validators: [string, number | null][] = [];
    for (const each of validatorPaths(probe)) validators.push([each, await mtimeOrNull(each)]);
    await writeJson(path, { key, validators, probe } satisfies CacheEntry);
  }
  return new Interpreter(executable, probe, options.env);
}

/** What a venv template is kept under: the real interpreter, as {@link cacheKey} sees it. */
async function templateKey(
  executable: string,
  stat: Deno.FileInfo,
  options: QueryInterpreterOptions,
): Promise<string> {
  let real: string;
  try {
    real = await Deno.realPath(executable);
  } catch {
    real = executable;
  }
  return JSON.stringify([
    PROBE_VERSION,
    "venv",
    real,
    executable.split("/").at(-1),
    stat.size,
    stat.mtime?.getTime() ?? null,
    KEY_VARIABLES.map((name) => options.env[name] ?? null),
    options.env["PYTHONPATH"] === undefined ? null : options.cwd,
  ]);
}

async function readTemplate(path: string): Promise<VenvTemplate | undefined> {
  try {
    const template = JSON.parse(await Deno.readTextFile(path)) as VenvTemplate;
    return template.probe?.probe_version === PROBE_VERSION ? template : undefined;
  } catch {
    return undefined;
  }
}
