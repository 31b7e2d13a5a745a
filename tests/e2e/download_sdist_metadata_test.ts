/**
 * `dpip download` of dependencies an index offers only as sdists, compared
 * with `pip download` (pip 23.2.1): their dependencies come from the
 * backend's PEP 517 `prepare_metadata_for_build_wheel` (a backend whose
 * `build_wheel` fails shows that nothing was built), and from a build when
 * the backend lacks the hook. The same files are saved, and no build or
 * run directory is left in the temporary directory.
 */

import { join } from "node:path";
import { dirNames } from "../helpers/dir_names.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { type IndexFile, startIndexServer, wheelFile } from "../helpers/index_server.ts";
import { buildSdist } from "../helpers/wheel_builder.ts";
import { skipUnless } from "../helpers/python.ts";
import { MINI_BACKEND, miniBackendWheel, miniSdist } from "./build_support.ts";
import { demoFiles, dpip, oracle, pip, python311, tempHome } from "./install_support.ts";

const needs = skipUnless(python311 && oracle, "pyenv Python 3.11 with pip");

/** A backend with the metadata hook whose `build_wheel` always fails. */
const META_BACKEND = String.raw`
import os, re
import mini_backend as _mini

get_requires_for_build_wheel = _mini.get_requires_for_build_wheel

def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    name, version, deps, _ = _mini._project()
    info = "%s-%s.dist-info" % (re.sub(r"[-_.]+", "_", name), version)
    os.mkdir(os.path.join(metadata_directory, info))
    meta = "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version)
    meta += "".join("Requires-Dist: %s\n" % d for d in deps)
    with open(os.path.join(metadata_directory, info, "METADATA"), "w") as f:
        f.write(meta)
    return info

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    raise RuntimeError("build_wheel was called")
`;

function metaBackendWheel(): IndexFile {
  return wheelFile({
    name: "meta-backend",
    version: "1.0",
    files: { "meta_backend.py": META_BACKEND, "mini_backend.py": MINI_BACKEND },
  });
}

/** The files of a project built by the meta backend. */
function metaProject(
  name: string,
  version: string,
  dependencies: readonly string[],
): Record<string, string> {
  const list = dependencies.map((d) => `"${d}"`).join(", ");
  return {
    "pyproject.toml": [
      "[build-system]",
      'requires = ["meta-backend"]',
      'build-backend = "meta_backend"',
      "",
      "[project]",
      `name = "${name}"`,
      `version = "${version}"`,
      `dependencies = [${list}]`,
      "",
    ].join("\n"),
    [`${name}.py`]: "",
  };
}

/** An sdist built by the meta backend. */
function metaSdist(name: string, version: string, dependencies: readonly string[]): IndexFile {
  const sdist = buildSdist({ name, version, files: metaProject(name, version, dependencies) });
  return { filename: sdist.filename, bytes: sdist.bytes };
}

/** What dpip saved in `ours`, after checking that pip saved the same in `pips`. */
async function savedAsPip(home: string): Promise<string[]> {
  const saved = await dirNames(join(home, "ours"));
  assertEquals(saved, await dirNames(join(home, "pips")));
  return saved;
}

Deno.test({
  name: "download: sdist-only dependencies resolved from prepare_metadata_for_build_wheel, as pip",
  ignore: needs,
  sanitizeResources: false,
  async fn() {
    const { home, done } = await tempHome("dpip-dl-sdist-");
    const server = await startIndexServer({
      files: [
        ...demoFiles(),
        miniBackendWheel(),
        metaBackendWheel(),
        metaSdist("hooked", "1.0", ["midway"]),
        metaSdist("midway", "2.0", ["lib>=2"]),
        miniSdist("nohook", "1.0", { dependencies: ["tool"] }),
      ],
    });
    try {
      const tmp = join(home, "tmp");
      await Deno.mkdir(tmp);
      const ours = await dpip(
        ["download", "--no-cache-dir", "-i", server.url, "-d", "ours", "-v", "hooked", "nohook"],
        { home, env: { TMPDIR: tmp } },
      );
      assertEquals(ours.status, 0, ours.stderr);
      const theirs = await pip(
        python311!,
        ["download", "--no-cache-dir", "-i", server.url, "-d", "pips", "hooked", "nohook"],
        { cwd: home },
      );
      assertEquals(theirs.status, 0, theirs.stderr);
      assertEquals(await savedAsPip(home), [
        "hooked-1.0.tar.gz",
        "lib-2.0-py3-none-any.whl",
        "midway-2.0.tar.gz",
        "nohook-1.0.tar.gz",
        "tool-1.0-py3-none-any.whl",
      ]);
      // The metadata hook answered (build_wheel would have failed); the backend without it built.
      assert(!ours.stdout.includes("build_wheel was called"), ours.stdout);
      assertStringIncludes(ours.stdout, "Preparing metadata of hooked");
      assertEquals(await dirNames(tmp), []);
    } finally {
      await server.close();
      await done();
    }
  },
});

Deno.test({
  name:
    "download: a project directory and a local sdist, their dependencies from the metadata hook, as pip",
  ignore: needs,
  sanitizeResources: false,
  async fn() {
    const { home, done } = await tempHome("dpip-dl-sources-");
    const server = await startIndexServer({
      files: [...demoFiles(), miniBackendWheel(), metaBackendWheel()],
    });
    try {
      const project = join(home, "proj");
      await Deno.mkdir(project);
      for (const [path, text] of Object.entries(metaProject("proj", "1.0", ["tool"]))) {
        await Deno.writeTextFile(join(project, path), text);
      }
      const sdist = metaSdist("srcroot", "1.0", ["lib>=2"]);
      await Deno.writeFile(join(home, sdist.filename), sdist.bytes);
      const args = ["download", "--no-cache-dir", "-i", server.url];
      const wanted = ["./proj", `./${sdist.filename}`];
      const ours = await dpip([...args, "-d", "ours", ...wanted], { home });
      assertEquals(ours.status, 0, ours.stderr);
      const theirs = await pip(python311!, [...args, "-d", "pips", ...wanted], { cwd: home });
      assertEquals(theirs.status, 0, theirs.stderr);
      // The directory itself is not saved; the sdist is, with both's dependencies.
      assertEquals(await savedAsPip(home), [
        "lib-2.0-py3-none-any.whl",
        "srcroot-1.0.tar.gz",
        "tool-1.0-py3-none-any.whl",
      ]);
    } finally {
      await server.close();
      await done();
    }
  },
});
