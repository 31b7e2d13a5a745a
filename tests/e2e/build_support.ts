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

/** The pyproject.toml of a project built by the mini backend. */
export function miniPyproject(
  name: string,
  version: string,
  options: { dependencies?: readonly string[]; buildRequires?: readonly string[] } = {},
): string {
  const list = (items: readonly string[] = []) => `[${items.map((i) => `"${i}"`).join(", ")}]`;
  return [
    "[build-system]",
    'requires = ["mini-backend"]',
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
  options: { dependencies?: readonly string[]; buildRequires?: readonly string[] } = {},
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
  options: { dependencies?: readonly string[] } = {},
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
