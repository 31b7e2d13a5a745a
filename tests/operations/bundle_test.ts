/**
 * The pieces of `dpip bundle` that need no index: the lock it writes (one
 * package per project and version, wheels by their path in the bundle,
 * markers only where targets differ, installable by dpip's own lock reader),
 * where it finds dpip itself, the install script, and making the directory
 * (in place only when complete; refused over a non-empty directory).
 */

import { join } from "node:path";
import { formatPylock, parsePylock } from "../../lib/lock/pylock.ts";
import {
  bundleDocument,
  BundleError,
  bundleLock,
  type BundleTarget,
  makeBundle,
} from "../../lib/operations/bundle.ts";
import { installScript } from "../../lib/operations/bundle_script.ts";
import {
  DpipBuildMissingError,
  locateDpipBuild,
  type RunningProgram,
} from "../../lib/operations/dpip_build.ts";
import { checkLocalFileHashes } from "../../lib/operations/local_file_hashes.ts";
import { lockedRequirements } from "../../lib/operations/pylock_install.ts";
import { HashMismatchError } from "../../lib/net/hashes.ts";
import {
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../helpers/assert.ts";
import { schemaErrors } from "../helpers/json_schema.ts";

const wheel = (filename: string, sha = "ab".repeat(32)) => ({ filename, size: 10, sha256: sha });

const LINUX: BundleTarget = {
  marker: 'sys_platform == "linux"',
  wheels: [
    wheel("app-1.0-py3-none-any.whl"),
    wheel("native-1.0-cp312-abi3-manylinux2014_x86_64.whl"),
    wheel("posixonly-1.0-py3-none-any.whl"),
    wheel("shared-2.0-py3-none-any.whl"),
  ],
};
const WINDOWS: BundleTarget = {
  marker: 'sys_platform == "win32"',
  wheels: [
    wheel("app-1.0-py3-none-any.whl"),
    wheel("native-1.0-cp312-abi3-win_amd64.whl"),
    wheel("shared-1.0-py3-none-any.whl"),
  ],
};

Deno.test("bundleLock: one package per project and version, markers only where targets differ", () => {
  const lock = bundleLock([LINUX, WINDOWS], "dpip");
  assertEquals(
    lock.packages.map((p) => [p.name, p.version, p.marker, p.wheels?.map((w) => w.path)]),
    [
      ["app", "1.0", undefined, ["wheels/app-1.0-py3-none-any.whl"]],
      ["native", "1.0", undefined, [
        "wheels/native-1.0-cp312-abi3-manylinux2014_x86_64.whl",
        "wheels/native-1.0-cp312-abi3-win_amd64.whl",
      ]],
      ["posixonly", "1.0", 'sys_platform == "linux"', ["wheels/posixonly-1.0-py3-none-any.whl"]],
      ["shared", "1.0", 'sys_platform == "win32"', ["wheels/shared-1.0-py3-none-any.whl"]],
      ["shared", "2.0", 'sys_platform == "linux"', ["wheels/shared-2.0-py3-none-any.whl"]],
    ],
  );
  assertEquals(lock.packages[0]!.wheels![0]!.hashes, { sha256: "ab".repeat(32) });
  // One target: nothing is marked.
  assertEquals(bundleLock([{ wheels: LINUX.wheels }], "dpip").packages.map((p) => p.marker), [
    undefined,
    undefined,
    undefined,
    undefined,
  ]);
});

Deno.test("bundleLock: a package of several (not all) targets carries their markers or-ed", () => {
  const mac: BundleTarget = {
    marker: 'sys_platform == "darwin"',
    wheels: [wheel("x-1-py3-none-any.whl")],
  };
  const lock = bundleLock(
    [{ ...LINUX, wheels: [wheel("x-1-py3-none-any.whl")] }, mac, WINDOWS],
    "dpip",
  );
  assertEquals(
    lock.packages.find((p) => p.name === "x")?.marker,
    '(sys_platform == "linux") or (sys_platform == "darwin")',
  );
});

Deno.test("bundleLock: the lock validates, and each target selects its own tree from it", () => {
  const text = formatPylock(bundleLock([LINUX, WINDOWS], "dpip"));
  const { lock } = parsePylock(text, "/b/pylock.toml");
  const environment = {
    implementation_name: "cpython",
    implementation_version: "3.12.0",
    os_name: "posix",
    platform_machine: "x86_64",
    platform_release: "",
    platform_system: "Linux",
    platform_version: "",
    python_full_version: "3.12.0",
    platform_python_implementation: "CPython",
    python_version: "3.12",
    sys_platform: "linux",
    extra: "",
  };
  const linux = lockedRequirements(lock, {
    file: "/b/pylock.toml",
    target: {
      environment,
      tags: ["cp312-abi3-manylinux2014_x86_64", "py3-none-any"],
    },
  });
  assertEquals(linux.lines.map((line) => line.split(" ")[0]), [
    "app==1.0",
    "native==1.0",
    "posixonly==1.0",
    "shared==2.0",
  ]);
  assertEquals(
    linux.candidates.get("native" as never)?.source.file.url,
    "file:///b/wheels/native-1.0-cp312-abi3-manylinux2014_x86_64.whl",
  );
  const windows = lockedRequirements(lock, {
    file: "/b/pylock.toml",
    target: {
      environment: { ...environment, sys_platform: "win32", os_name: "nt" },
      tags: ["cp312-abi3-win_amd64", "py3-none-any"],
    },
  });
  assertEquals(windows.lines.map((line) => line.split(" ")[0]), [
    "app==1.0",
    "native==1.0",
    "shared==1.0",
  ]);
});

Deno.test("bundleLock: a source distribution is refused, naming it", () => {
  assertThrows(
    () => bundleLock([{ wheels: [wheel("srconly-1.0.tar.gz")] }], "dpip"),
    BundleError,
    "Cannot bundle srconly-1.0.tar.gz: it is not a wheel",
  );
});

function program(files: string[], extra: Partial<RunningProgram> = {}): RunningProgram {
  return {
    standalone: false,
    execPath: "/usr/bin/deno",
    moduleUrl: "file:///src/dpip/lib/operations/dpip_build.ts",
    isFile: (path) => files.includes(path),
    ...extra,
  };
}

Deno.test("locateDpipBuild: the binary, DPIP_BUNDLE, the running bundle, then the checkout's dist/", () => {
  assertEquals(
    locateDpipBuild(program([], { standalone: true, execPath: "/opt/dpip" })),
    { kind: "binary", path: "/opt/dpip" },
  );
  const bundled = ["/b/main.js", "/b/dpip"];
  assertEquals(locateDpipBuild(program(bundled, { bundleVariable: "/b" })), {
    kind: "bundle",
    dir: "/b",
  });
  assertEquals(
    locateDpipBuild(program(bundled, { moduleUrl: "file:///b/chunk-ABC.js" })),
    { kind: "bundle", dir: "/b" },
  );
  const dist = ["/src/dpip/dist/bundle/main.js", "/src/dpip/dist/bundle/dpip"];
  assertEquals(locateDpipBuild(program(dist)), { kind: "bundle", dir: "/src/dpip/dist/bundle" });
  assertEquals(locateDpipBuild(program([...dist, "/src/dpip/dist/dpip"])), {
    kind: "binary",
    path: "/src/dpip/dist/dpip",
  });
});

Deno.test("locateDpipBuild: neither found says which command makes one", () => {
  const error = assertThrows(() => locateDpipBuild(program([])), DpipBuildMissingError);
  assertStringIncludes(error.message, "/src/dpip/dist/dpip, /src/dpip/dist/bundle");
  assertStringIncludes(error.hint ?? "", "run 'deno task bundle'");
  assertStringIncludes(error.hint ?? "", "in /src/dpip");
  const wrong = assertThrows(
    () => locateDpipBuild(program([], { bundleVariable: "/nowhere" })),
    DpipBuildMissingError,
  );
  assertStringIncludes(wrong.hint ?? "", "DPIP_BUNDLE must name");
});

Deno.test("installScript: valid POSIX sh that installs the lock offline with hashes", async () => {
  const script = installScript();
  assertStringIncludes(script, "--no-index --require-hashes");
  assertStringIncludes(script, '-r "$here/pylock.toml"');
  const syntax = await new Deno.Command("sh", {
    args: ["-n", "-c", script],
    stdout: "null",
    stderr: "piped",
  }).output();
  assertEquals(syntax.code, 0, new TextDecoder().decode(syntax.stderr));
});

Deno.test("makeBundle: the whole directory at once, nothing over a non-empty one or after a failure", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "dpip-bundle-unit-" });
  try {
    const binary = join(tmp, "fake-dpip");
    await Deno.writeTextFile(binary, "#!/bin/sh\n");
    const build = { kind: "binary" as const, path: binary };
    const output = join(tmp, "out", "bundle");
    const outcome = await makeBundle({
      output,
      build,
      createdBy: "dpip",
      download: async (wheelDir) => {
        await Deno.writeTextFile(join(wheelDir, "a-1.0-py3-none-any.whl"), "x");
        return [{ wheels: [wheel("a-1.0-py3-none-any.whl")] }];
      },
    });
    const names = [...Deno.readDirSync(output)].map((e) => e.name).sort();
    assertEquals(names, ["dpip", "install", "pylock.toml", "wheels"]);
    assertEquals((await Deno.stat(join(output, "install"))).mode! & 0o111, 0o111);
    assertEquals((await Deno.stat(join(output, "dpip", "dpip"))).mode! & 0o111, 0o111);
    assertEquals([...Deno.readDirSync(join(tmp, "out"))].length, 1); // no staging left
    const document = bundleDocument(outcome);
    assertEquals(schemaErrors("bundle", document), []);
    assertEquals(document.packages[0]?.wheels[0]?.path, "wheels/a-1.0-py3-none-any.whl");

    await assertRejects(
      () => makeBundle({ output, build, createdBy: "dpip", download: () => Promise.resolve([]) }),
      BundleError,
      "it exists and is not an empty directory",
    );
    const failed = join(tmp, "out", "failed");
    await assertRejects(
      () =>
        makeBundle({
          output: failed,
          build,
          createdBy: "dpip",
          download: () => Promise.reject(new Error("no index")),
        }),
      Error,
      "no index",
    );
    assertEquals([...Deno.readDirSync(join(tmp, "out"))].map((e) => e.name), ["bundle"]);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("checkLocalFileHashes: a local file must match its recorded hash before it is read", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "dpip-local-hash-" });
  try {
    const path = join(tmp, "a-1.0-py3-none-any.whl");
    await Deno.writeTextFile(path, "abc");
    const sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const file = (hashes: Record<string, string>, url = `file://${path}`) => ({
      filename: "a-1.0-py3-none-any.whl",
      url,
      hashes,
      yanked: false,
      coreMetadata: false as const,
    });
    await checkLocalFileHashes(file({ sha256 }), "the lock");
    await checkLocalFileHashes(file({}), "the lock"); // nothing to check
    await checkLocalFileHashes(file({ sha256: "00" }, "https://h/a.whl"), "the lock"); // not local
    await assertRejects(
      () => checkLocalFileHashes(file({ sha256: "00".repeat(32) }), "the lock"),
      HashMismatchError,
      `Hash mismatch for a-1.0-py3-none-any.whl: the lock expected sha256:${
        "00".repeat(32)
      }, got sha256:${sha256}`,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
