/**
 * buildWheel() with an in-tree backend written by the test (stdlib only):
 * build_wheel, build_editable, get_requires hooks feeding the installer,
 * config_settings, failures and build isolation, run by pyenv's Python 3.11.
 */

import { join } from "node:path";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../helpers/assert.ts";
import { pyenvPython, skipUnless } from "../helpers/python.ts";
import {
  BuildBackendError,
  type BuildContext,
  type BuildOptions,
  buildWheel,
  InvalidBuildSystemError,
  prepareMetadata,
} from "../../lib/build/mod.ts";
import type { Requirement } from "../../lib/pep508/mod.ts";
import { readZipDirectory, readZipEntry } from "../../lib/archive/zip.ts";

const python = await pyenvPython("3.11");
const ignore = skipUnless(python, "pyenv's Python 3.11");

/**
 * A PEP 517 backend using only the stdlib. It writes `demo-1.0` wheels with a
 * correct RECORD, and a `probe.json` recording what the build saw:
 * config_settings, where requested modules were imported from, PATH lookups.
 * `config_settings["fail"]` makes build_wheel raise.
 */
const BACKEND = String.raw`
import base64, hashlib, importlib, json, os, shutil, sys, zipfile

def _probe(config_settings):
    config = config_settings or {}
    imports = {}
    for name in filter(None, config.get("import", "").split(",")):
        try:
            imports[name] = importlib.import_module(name).__file__
        except ImportError as error:
            imports[name] = "ImportError: " + str(error)
    return {"config_settings": config_settings, "imports": imports, "cwd": os.getcwd(),
            "which": shutil.which(config.get("which", "")) if config.get("which") else None}

def _wheel(directory, files):
    name = "demo-1.0-py3-none-any.whl"
    files = dict(files)
    files["demo-1.0.dist-info/METADATA"] = "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
    files["demo-1.0.dist-info/WHEEL"] = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = []
    with zipfile.ZipFile(os.path.join(directory, name), "w") as archive:
        for path, text in files.items():
            data = text.encode("utf-8")
            archive.writestr(path, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append("%s,sha256=%s,%d" % (path, digest, len(data)))
        record.append("demo-1.0.dist-info/RECORD,,")
        archive.writestr("demo-1.0.dist-info/RECORD", "\n".join(record) + "\n")
    return name

def get_requires_for_build_wheel(config_settings=None):
    return (config_settings or {}).get("requires", ["extra-wheel-req>=1"])

# Hooks are called positionally: backends may name their parameters as they like.
def build_wheel(out, settings=None, metadata=None):
    print("building demo on stdout")
    print("a warning on stderr", file=sys.stderr)
    if settings and "fail" in settings:
        print("about to fail")
        raise RuntimeError(settings["fail"])
    probe = _probe(settings)
    return _wheel(out, {"demo.py": "VALUE = 1\n", "demo-1.0.dist-info/probe.json": json.dumps(probe)})
`;

const EDITABLE_HOOKS = String.raw`
def get_requires_for_build_editable(config_settings=None):
    return ["extra-editable-req"]

def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, {"demo.pth": os.getcwd() + "\n"})
`;

interface ProjectOptions {
  backendPath?: string;
  requires?: string[];
  backend?: string;
  editable?: boolean;
  backendModule?: boolean;
}

async function writeProject(dir: string, options: ProjectOptions = {}): Promise<string> {
  const project = join(dir, "project");
  await Deno.mkdir(join(project, "_backend"), { recursive: true });
  const requires = JSON.stringify(options.requires ?? []);
  await Deno.writeTextFile(
    join(project, "pyproject.toml"),
    `[build-system]\nrequires = ${requires}\nbuild-backend = "${
      options.backend ?? "mybackend"
    }"\n` +
      `backend-path = ${options.backendPath ?? '["_backend"]'}\n`,
  );
  if (options.backendModule !== false) {
    await Deno.writeTextFile(
      join(project, "_backend", "mybackend.py"),
      BACKEND + (options.editable === false ? "" : EDITABLE_HOOKS),
    );
  }
  return project;
}

/** Records install calls and runs a setup function on the environment directory. */
function recordingInstaller(
  setup: (dir: string) => Promise<void> = async () => {},
): BuildContext & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async installRequirements(requirements: readonly Requirement[], environment) {
      calls.push(requirements.map(String));
      await setup(environment.dir);
    },
  };
}

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "dpip-build-test-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function wheelFiles(bytes: Uint8Array): Map<string, string> {
  const zip = readZipDirectory(bytes, { archive: "built.whl" });
  return new Map(
    zip.entries.map((entry) => [entry.name, new TextDecoder().decode(readZipEntry(zip, entry))]),
  );
}

interface Probe {
  config_settings: Record<string, unknown> | null;
  imports: Record<string, string>;
  cwd: string;
  which: string | null;
}

async function build(
  project: string,
  dir: string,
  options: Partial<BuildOptions> = {},
): Promise<{ files: Map<string, string>; probe?: Probe; lines: string[]; filename: string }> {
  const lines: string[] = [];
  const tempDir = join(dir, "tmp");
  await Deno.mkdir(tempDir, { recursive: true });
  try {
    const wheel = await buildWheel(project, {
      python: python!,
      outDir: join(dir, "out"),
      onOutput: (line) => lines.push(line),
      tempDir,
      ...options,
    });
    assertEquals(wheel.path, join(dir, "out", wheel.filename));
    const files = wheelFiles(await Deno.readFile(wheel.path));
    const probeText = files.get("demo-1.0.dist-info/probe.json");
    return {
      files,
      lines,
      filename: wheel.filename,
      ...(probeText === undefined ? {} : { probe: JSON.parse(probeText) as Probe }),
    };
  } finally {
    // The build's own directories are removed whether it worked or not.
    assertEquals([...Deno.readDirSync(tempDir)], []);
  }
}

Deno.test({
  name:
    "buildWheel(): an in-tree backend builds a wheel; output is forwarded; config_settings round-trip",
  ignore,
  fn: () =>
    withTemp(async (dir) => {
      const project = await writeProject(dir);
      const settings = { "--build-option": ["--a", "--b"], mode: "fast" };
      const result = await build(project, dir, { configSettings: settings, isolation: undefined });
      assertEquals(result.filename, "demo-1.0-py3-none-any.whl");
      assertEquals(result.files.get("demo.py"), "VALUE = 1\n");
      assertEquals(result.probe?.config_settings, settings);
      assertEquals(await Deno.realPath(result.probe!.cwd), await Deno.realPath(project));
      assertEquals(result.lines, ["building demo on stdout", "a warning on stderr"]);
      const record = result.files.get("demo-1.0.dist-info/RECORD")!;
      assertStringIncludes(record, "demo.py,sha256=");

      const none = await build(project, join(dir, "again"));
      assertEquals(none.probe?.config_settings, null);
    }),
});

Deno.test({
  name:
    "buildWheel(): build_editable makes a .pth wheel and installs get_requires_for_build_editable",
  ignore,
  fn: () =>
    withTemp(async (dir) => {
      const project = await writeProject(dir, { requires: ["flit_core>=3"] });
      const installer = recordingInstaller();
      const result = await build(project, dir, { editable: true, isolation: installer });
      assertEquals(result.files.get("demo.pth")?.trim(), await Deno.realPath(project));
      assertEquals(installer.calls, [["flit_core>=3"], ["extra-editable-req"]]);

      const wheelInstaller = recordingInstaller();
      await build(project, join(dir, "wheel"), { isolation: wheelInstaller });
      assertEquals(wheelInstaller.calls, [["flit_core>=3"], ["extra-wheel-req>=1"]]);
    }),
});

Deno.test({
  name:
    "buildWheel(): a backend exception becomes a one-line BuildBackendError with the output's tail",
  ignore,
  fn: () =>
    withTemp(async (dir) => {
      const project = await writeProject(dir);
      const error = await assertRejects(
        () => build(project, dir, { configSettings: { fail: "the compiler exploded" } }),
        BuildBackendError,
      );
      assertEquals(
        error.message,
        `Building ${project} failed: mybackend build_wheel: RuntimeError: the compiler exploded`,
      );
      assertEquals([error.backend, error.hook, error.reason], [
        "mybackend",
        "build_wheel",
        "RuntimeError: the compiler exploded",
      ]);
      assertStringIncludes(error.outputTail.join("\n"), "about to fail");
      const output = error.outputTail.join("\n");
      assertStringIncludes(output, "Traceback (most recent call last)");
      assertStringIncludes(output, 'mybackend.py", line');
      assertEquals(output.includes("hook_runner.py"), false);
      assertEquals(error.outputTail.at(-1), "RuntimeError: the compiler exploded");
    }),
});

Deno.test({
  name:
    "buildWheel(): missing build_editable, missing backend, backend not from backend-path, escaping backend-path",
  ignore,
  fn: () =>
    withTemp(async (dir) => {
      const noEditable = await writeProject(join(dir, "a"), { editable: false });
      await assertRejects(
        () => build(noEditable, join(dir, "a"), { editable: true }),
        BuildBackendError,
        "mybackend build_editable: the backend does not support editable installs (it has no build_editable hook, PEP 660)",
      );
      // Without build_editable the editable get_requires hook defaults to [] first.
      const installer = recordingInstaller();
      await assertRejects(
        () => build(noEditable, join(dir, "a"), { editable: true, isolation: installer }),
        BuildBackendError,
      );
      assertEquals(installer.calls, []);

      const missing = await writeProject(join(dir, "b"), { backendModule: false });
      await assertRejects(
        () => build(missing, join(dir, "b")),
        BuildBackendError,
        "mybackend build_wheel: cannot import the backend: ModuleNotFoundError: No module named 'mybackend'",
      );

      const stdlib = await writeProject(join(dir, "c"), { backend: "json:dumps" });
      const invalid = await assertRejects(() => build(stdlib, join(dir, "c")), BuildBackendError);
      assertStringIncludes(invalid.message, "'json' was imported from");
      assertStringIncludes(invalid.message, "not from backend-path ['_backend']");

      const escaping = await writeProject(join(dir, "d"), { backendPath: '["../.."]' });
      await assertRejects(
        () => build(escaping, join(dir, "d")),
        InvalidBuildSystemError,
        `'backend-path' entry "../.." is outside the project`,
      );
    }),
});

Deno.test({
  name:
    "buildWheel(): isolation hides the interpreter's site-packages and exposes the build environment",
  ignore,
  fn: () =>
    withTemp(async (dir) => {
      // The backend itself is installed by the installer, not in the tree.
      const project = await writeProject(dir, {
        requires: ["fakebackend"],
        backend: "fakebackend",
        backendPath: "[]",
        backendModule: false,
      });
      const installer = recordingInstaller(async (envDir) => {
        await Deno.writeTextFile(join(envDir, "fakebackend.py"), BACKEND);
        // A .pth file in the environment must be honoured (site.addsitedir).
        await Deno.mkdir(join(envDir, "extra"), { recursive: true });
        await Deno.writeTextFile(join(envDir, "extra", "viapth.py"), "");
        await Deno.writeTextFile(join(envDir, "extra.pth"), "extra\n");
        await Deno.writeTextFile(join(envDir, "bin", "fake-tool"), "#!/bin/sh\n", { mode: 0o755 });
      });
      // A PYTHONPATH of the caller's is not seen by an isolated build.
      const outsidePath = join(dir, "pythonpath");
      await Deno.mkdir(outsidePath);
      await Deno.writeTextFile(join(outsidePath, "fromenvvar.py"), "");
      const env = { ...Deno.env.toObject(), PYTHONPATH: outsidePath };
      const configSettings = { import: "packaging,viapth,fromenvvar", which: "fake-tool" };

      const isolated = await build(project, dir, { isolation: installer, env, configSettings });
      assertEquals(installer.calls, [["fakebackend"], ["extra-wheel-req>=1"]]);
      const imports = isolated.probe!.imports;
      assertStringIncludes(imports.packaging!, "No module named 'packaging'");
      assertStringIncludes(imports.fromenvvar!, "No module named 'fromenvvar'");
      assert(imports.viapth!.endsWith(join("extra", "viapth.py")), imports.viapth);
      assert(isolated.probe!.which?.endsWith(join("bin", "fake-tool")), isolated.probe!.which!);

      // Without isolation the backend is not importable: it only ever existed in the environment.
      await assertRejects(
        () => build(project, join(dir, "plain"), { env, configSettings }),
        BuildBackendError,
        "No module named 'fakebackend'",
      );
      // An in-tree backend without isolation sees the interpreter's own packaging.
      const inTree = await writeProject(join(dir, "intree"));
      const plain = await build(inTree, join(dir, "intree"), { env, configSettings });
      assertStringIncludes(plain.probe!.imports.packaging!, "site-packages");
      assert(plain.probe!.imports.fromenvvar!.startsWith(outsidePath));
    }),
});

Deno.test({
  name: "buildWheel(): bad get_requires results, an interpreter that cannot run, Python 2",
  ignore,
  fn: () =>
    withTemp(async (dir) => {
      const project = await writeProject(dir);
      const isolation = recordingInstaller();
      await assertRejects(
        () => build(project, dir, { isolation, configSettings: { requires: ["ok", "bad >="] } }),
        BuildBackendError,
        `mybackend get_requires_for_build_wheel: it returned an invalid requirement: Invalid requirement "bad >="`,
      );
      await assertRejects(
        () => build(project, dir, { isolation, configSettings: { requires: "setuptools" } }),
        BuildBackendError,
        `mybackend get_requires_for_build_wheel: it returned "setuptools", not a list of strings`,
      );
      await assertRejects(
        () => build(project, dir, { python: join(dir, "no-such-python") }),
        BuildBackendError,
        `mybackend build_wheel: cannot run ${join(dir, "no-such-python")}`,
      );
      const python2 = await pyenvPython("2.7");
      if (python2 !== undefined) {
        await assertRejects(
          () => build(project, dir, { python: python2 }),
          BuildBackendError,
          "mybackend build_wheel: building needs Python 3.7 or newer, not 2.7.",
        );
      }
    }),
});

/** `prepare_metadata_for_build_wheel` writing `config_settings["dist-info"]` (default a good one). */
const METADATA_HOOK = String.raw`
def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    name = (config_settings or {}).get("dist-info", "demo-1.0.dist-info")
    target = os.path.join(metadata_directory, "demo-1.0.dist-info")
    os.makedirs(target)
    with open(os.path.join(target, "METADATA"), "w") as f:
        f.write("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nSummary: from the hook\n")
    return name
`;

Deno.test({
  name:
    "prepareMetadata(): the metadata hook answers without a build; without it the wheel is built; a bad answer is refused",
  ignore,
  fn: () =>
    withTemp(async (dir) => {
      const project = await writeProject(dir);
      const tempDir = join(dir, "tmp");
      await Deno.mkdir(tempDir);
      const options = { python: python!, outDir: join(dir, "out"), tempDir };
      // No hook: the wheel is built, and its METADATA read.
      const built = await prepareMetadata(project, options);
      assertEquals(built.wheel?.filename, "demo-1.0-py3-none-any.whl");
      assertStringIncludes(built.metadata, "Name: demo\n");
      // With the hook (and build_wheel failing): no wheel.
      await Deno.writeTextFile(
        join(project, "_backend", "mybackend.py"),
        BACKEND + METADATA_HOOK,
        { append: false },
      );
      const hooked = await prepareMetadata(project, {
        ...options,
        configSettings: { fail: "build_wheel must not run" },
      });
      assertEquals(hooked.wheel, undefined);
      assertStringIncludes(hooked.metadata, "Summary: from the hook");
      // A name outside the metadata directory is refused, naming the hook.
      const error = await assertRejects(
        () =>
          prepareMetadata(project, { ...options, configSettings: { "dist-info": "../../etc" } }),
        BuildBackendError,
      );
      assertStringIncludes(error.message, "prepare_metadata_for_build_wheel");
      assertEquals([...Deno.readDirSync(tempDir)], []);
    }),
});
