/**
 * The PEP 517 build frontend (with PEP 518 build isolation and PEP 660
 * editable wheels), following pip's flow: read the build system, install its
 * `requires` into a fresh environment, ask the backend for more
 * (`get_requires_for_build_wheel`), install those, then call `build_wheel`.
 *
 * Every hook runs in a subprocess of the target interpreter through one
 * embedded runner script ({@link HOOK_RUNNER_SCRIPT}); the backend's output is
 * merged, forwarded line by line, and its last lines kept for the error.
 *
 * @module
 */

import { basename, delimiter, join, resolve } from "../paths.ts";
import { CancelledError, throwIfCancelled } from "../cancellation.ts";
import { DpipError } from "../errors.ts";
import { InvalidRequirementError, parseRequirement, type Requirement } from "../pep508/mod.ts";
import type { BuildContext } from "./build_context.ts";
import { BuildStack } from "./build_stack.ts";
import { type BuildSystem, readBuildSystem } from "./build_system.ts";
import { HOOK_RUNNER_SCRIPT, ISOLATION_SITECUSTOMIZE } from "./hook_runner_script.ts";

/** Runs one backend hook process; the caller decides how many may run at once. */
export type HookSlot = <T>(run: () => Promise<T>) => Promise<T>;

/** How to build. */
export interface BuildOptions {
  /** The interpreter that builds (the target interpreter). */
  python: string;
  /** The wheel is written here (created if missing). */
  outDir: string;
  /** PEP 660 `build_editable` instead of `build_wheel`. */
  editable?: boolean;
  /** PEP 517 `config_settings` (`--config-settings`); `None` to the backend when absent. */
  configSettings?: Record<string, string | string[]>;
  /**
   * Build isolation: the run that installs build requirements into a fresh
   * environment. Undefined means `--no-build-isolation` (the interpreter's
   * own site-packages).
   */
  isolation?: BuildContext;
  /** The builds this one is part of, itself on top (default: this build alone). */
  stack?: BuildStack;
  /** Aborted on an interrupt: the running hook is killed and the build stops. */
  signal?: AbortSignal;
  /** Runs each hook process (default: at once). */
  hookSlot?: HookSlot;
  /** The base environment of the backend process (default `Deno.env.toObject()`). */
  env?: Record<string, string>;
  /** Receives the backend's output lines as they come (stdout and stderr merged). */
  onOutput?: (line: string) => void;
  /** Where the build directories go (default: the OS temporary directory); always removed. */
  tempDir?: string;
  /**
   * Run every hook in a bubblewrap sandbox (`sandbox.ts`): no network, homes
   * hidden, writes only to the project and the build's work directory;
   * `readable` are the interpreter's directories, kept readable.
   */
  sandbox?: { readonly readable: readonly string[] };
}

/** The wheel a build produced. */
export interface BuiltWheel {
  /** The wheel's path, in `outDir`. */
  path: string;
  /** Its file name. */
  filename: string;
}

/** A hook that failed, a backend that cannot be imported or lacks a hook, or a bad hook result. */
export class BuildBackendError extends DpipError {
  /** The project being built. */
  readonly projectDir: string;
  /** The backend (`module:object`). */
  readonly backend: string;
  /** The hook that failed (`build_wheel`). */
  readonly hook: string;
  /** What went wrong, one line (`RuntimeError: boom`). */
  readonly reason: string;
  /** The last lines of the backend's output, oldest first. */
  readonly outputTail: readonly string[];

  /** `reason` is the backend's error in one line; `context` says which build and hook. */
  constructor(
    reason: string,
    context: { projectDir: string; backend: string; hook: string; outputTail?: readonly string[] },
  ) {
    super(
      "build-backend-failed",
      `Building ${context.projectDir} failed: ${context.backend} ${context.hook}: ${reason}`,
    );
    this.name = "BuildBackendError";
    this.projectDir = context.projectDir;
    this.backend = context.backend;
    this.hook = context.hook;
    this.reason = reason;
    this.outputTail = context.outputTail ?? [];
  }
}

/** How many of the last output lines an error keeps. */
const OUTPUT_TAIL_LINES = 50;

type HookResult =
  | { kind: "ok"; value: unknown }
  | { kind: "missing-hook" }
  | { kind: "backend-unavailable" | "backend-invalid" | "hook-failed"; message: string };

/**
 * Builds a wheel (or, with `editable`, a PEP 660 editable wheel) of the
 * project in `projectDir` and moves it into `options.outDir`.
 *
 * @example
 * ```ts ignore
 * import { buildWheel } from "./frontend.ts";
 * const wheel = await buildWheel("./myproject", { python: "/usr/bin/python3", outDir: "dist" });
 * wheel.filename; // "myproject-1.0-py3-none-any.whl"
 * ```
 */
export async function buildWheel(projectDir: string, options: BuildOptions): Promise<BuiltWheel> {
  return await withBackend(
    projectDir,
    options,
    (hooks, work) => writeWheel(hooks, work, options),
  );
}

/** A project's core metadata, as {@link prepareMetadata} found it. */
export interface PreparedMetadata {
  /** The `METADATA` file's text. */
  readonly metadata: string;
  /** The wheel, when the backend has no `prepare_metadata_for_build_wheel` and was built instead. */
  readonly wheel?: BuiltWheel;
}

/** The largest `METADATA` a backend may write (16 MiB). */
const MAX_METADATA_BYTES = 16 * 1024 * 1024;

/**
 * The core metadata of the project in `projectDir` from the backend's PEP 517
 * `prepare_metadata_for_build_wheel` hook (cheaper than a build: no wheel is
 * written), in the same build environment a build gets. A backend without
 * the hook builds the wheel instead (into `options.outDir`), as pip does,
 * and its metadata is read from the wheel.
 *
 * @example
 * ```ts ignore
 * const { metadata } = await prepareMetadata("./myproject", { python, outDir: "dist" });
 * ```
 */
export async function prepareMetadata(
  projectDir: string,
  options: BuildOptions,
): Promise<PreparedMetadata> {
  return await withBackend(projectDir, options, async (hooks, work) => {
    const hook = "prepare_metadata_for_build_wheel";
    const metadataDir = join(work, "metadata");
    await Deno.mkdir(metadataDir);
    const result = await hooks.callIfPresent(hook, [metadataDir, options.configSettings ?? null]);
    if (result === undefined) {
      const wheel = await writeWheel(hooks, work, { ...options, editable: false });
      return { metadata: await wheelMetadata(hooks, wheel.path), wheel };
    }
    const name = result.value;
    const distInfo = typeof name === "string" ? name : "";
    if (!distInfo.endsWith(".dist-info") || basename(distInfo) !== distInfo) {
      throw hooks.error(hook, `it returned ${JSON.stringify(name)}, not a .dist-info it wrote`);
    }
    const path = join(metadataDir, distInfo, "METADATA");
    const info = await Deno.lstat(path).catch(() => undefined);
    if (info === undefined || !info.isFile || info.size > MAX_METADATA_BYTES) {
      throw hooks.error(hook, `${distInfo}/METADATA is missing, not a file, or over 16 MiB`);
    }
    return { metadata: await Deno.readTextFile(path) };
  });
}

/** The `.dist-info/METADATA` of a wheel a backend wrote. */
async function wheelMetadata(hooks: HookCaller, path: string): Promise<string> {
  const { readZipDirectory, readZipEntry } = await import("../archive/zip.ts");
  const zip = readZipDirectory(await Deno.readFile(path), { archive: basename(path) });
  const entry = zip.entries.find((each) => /^[^/]+\.dist-info\/METADATA$/.test(each.name));
  if (entry === undefined) throw hooks.error("build_wheel", "the wheel it built has no METADATA");
  return new TextDecoder().decode(readZipEntry(zip, entry));
}

/**
 * Runs `use` with the project's backend ready: a work directory, the build
 * environment (build requirements, then what `get_requires_for_build_*`
 * adds), removed however `use` ends.
 */
async function withBackend<T>(
  projectDir: string,
  options: BuildOptions,
  use: (hooks: HookCaller, work: string) => Promise<T>,
): Promise<T> {
  throwIfCancelled(options.signal);
  const system = await readBuildSystem(projectDir);
  const work = resolve(
    await Deno.makeTempDir({
      prefix: "dpip-build-",
      ...(options.tempDir === undefined ? {} : { dir: options.tempDir }),
    }),
  );
  try {
    const runnerPath = join(work, "hook_runner.py");
    await Deno.writeTextFile(runnerPath, HOOK_RUNNER_SCRIPT);
    const env = await buildEnvironment(system, { projectDir, work, options });
    const hooks = new HookCaller({ projectDir, system, runnerPath, work, env, options });
    const kind = options.editable === true ? "editable" : "wheel";
    if (options.isolation !== undefined) {
      const extra = await hooks.call(`get_requires_for_build_${kind}`, [
        options.configSettings ?? null,
      ]);
      const requirements = hooks.requirementList(`get_requires_for_build_${kind}`, extra);
      if (requirements.length > 0) {
        await options.isolation.installRequirements(requirements, {
          dir: join(work, "env"),
          stack: buildStack(projectDir, options),
        });
      }
    }
    return await use(hooks, work);
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/** Calls `build_wheel` (or `build_editable`) and moves the wheel into `options.outDir`. */
async function writeWheel(
  hooks: HookCaller,
  work: string,
  options: BuildOptions,
): Promise<BuiltWheel> {
  const wheelDir = join(work, "wheel");
  await Deno.mkdir(wheelDir);
  const hook = `build_${options.editable === true ? "editable" : "wheel"}`;
  const name = await hooks.call(hook, [wheelDir, options.configSettings ?? null, null]);
  const filename = typeof name === "string" ? basename(name) : "";
  if (!filename.endsWith(".whl") || !(await isFile(join(wheelDir, filename)))) {
    throw hooks.error(hook, `it returned ${JSON.stringify(name)}, which is not a wheel it wrote`);
  }
  await Deno.mkdir(options.outDir, { recursive: true });
  const path = join(options.outDir, filename);
  await moveFile(join(wheelDir, filename), path);
  return { path, filename };
}

/** The stack the build's requirements are installed for: the caller's, or this build alone. */
function buildStack(projectDir: string, options: BuildOptions): BuildStack {
  return options.stack ?? BuildStack.root().push({ key: projectDir, label: projectDir });
}

/**
 * The hook subprocess's environment. Isolated: a fresh `env/` holding the
 * build requirements, and a `sitecustomize.py` (through `PYTHONPATH`) that
 * swaps the interpreter's site-packages for it.
 */
async function buildEnvironment(
  system: BuildSystem,
  context: { projectDir: string; work: string; options: BuildOptions },
): Promise<Record<string, string>> {
  const { projectDir, work, options } = context;
  const base: Record<string, string> = {
    ...(options.env ?? Deno.env.toObject()),
    PYTHONUNBUFFERED: "1",
  };
  if (options.isolation === undefined) return base;
  const envDir = join(work, "env");
  const siteDir = join(work, "site");
  await Deno.mkdir(join(envDir, "bin"), { recursive: true });
  await Deno.mkdir(siteDir);
  await Deno.writeTextFile(
    join(siteDir, "sitecustomize.py"),
    ISOLATION_SITECUSTOMIZE.replace("%ENV_DIR%", () => JSON.stringify(envDir)),
  );
  if (system.requires.length > 0) {
    await options.isolation.installRequirements(system.requires, {
      dir: envDir,
      stack: buildStack(projectDir, options),
    });
  }
  const path = base.PATH === undefined || base.PATH === ""
    ? join(envDir, "bin")
    : `${join(envDir, "bin")}${delimiter}${base.PATH}`;
  return { ...base, PYTHONNOUSERSITE: "1", PYTHONPATH: siteDir, PATH: path };
}

/** Runs hooks of one backend and turns their results into values or {@link BuildBackendError}s. */
class HookCaller {
  #tail: string[] = [];
  #calls = 0;

  constructor(
    private readonly context: {
      projectDir: string;
      system: BuildSystem;
      runnerPath: string;
      work: string;
      env: Record<string, string>;
      options: BuildOptions;
    },
  ) {}

  /** Calls an optional `hook`; undefined when the backend does not have it. */
  async callIfPresent(
    hook: string,
    args: readonly unknown[],
  ): Promise<{ value: unknown } | undefined> {
    const result = await this.#result(hook, args);
    return result.kind === "missing-hook" ? undefined : { value: this.#value(hook, result) };
  }

  /** Calls `hook` with positional arguments; returns its value or throws. */
  async call(hook: string, args: readonly unknown[]): Promise<unknown> {
    return this.#value(hook, await this.#result(hook, args));
  }

  /** Runs `hook` in a subprocess; its result as the runner wrote it. */
  async #result(hook: string, args: readonly unknown[]): Promise<HookResult> {
    const { system, work, options } = this.context;
    const call = ++this.#calls;
    const input = join(work, `hook-${call}-input.json`);
    const output = join(work, `hook-${call}-output.json`);
    await Deno.writeTextFile(
      input,
      JSON.stringify({ backend: system.backend, backend_path: system.backendPath, args }),
    );
    const status = await (options.hookSlot ?? runNow)(() => this.#run(hook, [input, output]));
    try {
      return JSON.parse(await Deno.readTextFile(output)) as HookResult;
    } catch {
      throw this.error(
        hook,
        `the hook process exited with status ${status.code} without a result`,
      );
    }
  }

  /** A hook's value, or the error its result says. */
  #value(hook: string, result: HookResult): unknown {
    switch (result.kind) {
      case "ok":
        return result.value;
      case "missing-hook":
        throw this.error(
          hook,
          hook === "build_editable"
            ? "the backend does not support editable installs (it has no build_editable hook, PEP 660)"
            : `the backend has no ${hook} hook`,
        );
      case "backend-unavailable":
        throw this.error(hook, `cannot import the backend: ${result.message}`);
      case "backend-invalid":
      case "hook-failed":
        throw this.error(hook, result.message);
    }
  }

  /** The program, arguments and environment of a hook process (sandboxed when asked). */
  async #command(
    hook: string,
    files: readonly [string, string],
  ): Promise<{ program: string; args: string[]; env: Record<string, string> }> {
    const { projectDir, runnerPath, env, work, options } = this.context;
    const args = [runnerPath, hook, ...files];
    if (options.sandbox === undefined) return { program: options.python, args, env };
    const { bubblewrapArgs, findOnPath, sandboxEnv, sandboxProblem, SandboxUnavailableError } =
      await import("./sandbox.ts");
    const problem = await sandboxProblem(env);
    if (problem !== undefined) throw new SandboxUnavailableError(problem);
    const bwrap = (await findOnPath("bwrap", env["PATH"] ?? "/usr/bin:/bin"))!;
    const homes: string[] = [];
    for (const dir of [env["HOME"], "/root", "/home"]) {
      if (dir === undefined || dir === "" || dir === "/" || homes.includes(dir)) continue;
      if (await isDirectory(dir)) homes.push(dir);
    }
    const real = (path: string) => Deno.realPath(path).catch(() => path);
    const dirs = { home: join(work, "home"), tmp: join(work, "tmp") };
    await Deno.mkdir(dirs.home, { recursive: true });
    await Deno.mkdir(dirs.tmp, { recursive: true });
    return {
      program: bwrap,
      args: bubblewrapArgs({ program: options.python, args, cwd: await real(projectDir) }, {
        homes,
        readable: await Promise.all(options.sandbox.readable.map(real)),
        writable: await Promise.all([projectDir, work].map(real)),
      }),
      env: sandboxEnv(env, dirs),
    };
  }

  /** Runs the hook process to its end (or kills it on an interrupt), forwarding its output. */
  async #run(hook: string, files: readonly [string, string]): Promise<Deno.CommandStatus> {
    const { projectDir, options } = this.context;
    throwIfCancelled(options.signal);
    const command = await this.#command(hook, files);
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(command.program, {
        args: command.args,
        cwd: projectDir,
        env: command.env,
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw this.error(hook, `cannot run ${command.program} (${message})`);
    }
    const kill = () => {
      try {
        child.kill("SIGTERM");
      } catch {
        // It has exited already.
      }
    };
    options.signal?.addEventListener("abort", kill, { once: true });
    try {
      const onLine = (line: string) => {
        this.#tail.push(line);
        if (this.#tail.length > OUTPUT_TAIL_LINES) this.#tail.shift();
        options.onOutput?.(line);
      };
      await Promise.all([readLines(child.stdout, onLine), readLines(child.stderr, onLine)]);
      const status = await child.status;
      if (options.signal?.aborted === true) {
        throw new CancelledError({ cause: options.signal.reason });
      }
      return status;
    } finally {
      options.signal?.removeEventListener("abort", kill);
    }
  }

  /** A `get_requires_*` result as requirements, or an error naming the bad item. */
  requirementList(hook: string, value: unknown): Requirement[] {
    if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
      throw this.error(hook, `it returned ${JSON.stringify(value)}, not a list of strings`);
    }
    return (value as string[]).map((text) => {
      try {
        return parseRequirement(text);
      } catch (error) {
        if (!(error instanceof InvalidRequirementError)) throw error;
        throw this.error(hook, `it returned an invalid requirement: ${error.message}`);
      }
    });
  }

  /** A {@link BuildBackendError} for `hook` with the output so far. */
  error(hook: string, reason: string): BuildBackendError {
    return new BuildBackendError(reason, {
      projectDir: this.context.projectDir,
      backend: this.context.system.backend,
      hook,
      outputTail: [...this.#tail],
    });
  }
}

function runNow<T>(run: () => Promise<T>): Promise<T> {
  return run();
}

async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  let buffered = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    const lines = buffered.split(/\r?\n/);
    buffered = lines.pop()!;
    for (const line of lines) onLine(line);
  }
  if (buffered !== "") onLine(buffered);
}

async function moveFile(from: string, to: string): Promise<void> {
  try {
    await Deno.rename(from, to);
  } catch {
    await Deno.copyFile(from, to);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
