import { schemeAt } from "../helpers/installed.ts";
import { executePlan } from "../../lib/operations/install_execute.ts";
import { planInstallation } from "../../lib/operations/install_plan.ts";
import { Scratch } from "../../lib/operations/scratch.ts";
import { readInstalledDists } from "../../lib/installer/site_packages.ts";
import type { Interpreter } from "../../lib/python/mod.ts";
import type { WheelDownloader } from "../../lib/installer/prepare.ts";
import { join, pathToFileURL } from "../../lib/paths.ts";
import { assertEquals } from "../helpers/assert.ts";
import { writeWheel } from "../helpers/wheel_builder.ts";
import { INTERPRETER, resolved, rootsOf } from "./install_fixtures.ts";

Deno.test("executePlan: fetches the plan's wheels, installs them but what --target keeps, and says both", async () => {
  const root = await Deno.makeTempDir();
  const scheme = schemeAt(root);
  const target = scheme.purelib;
  const wheelOf = async (name: string, version: string) => {
    const wheel = await writeWheel(join(root, "wheels"), {
      name,
      version,
      files: { [`${name}.py`]: "" },
    });
    const filename = `${name}-${version}-py3-none-any.whl`;
    return { wheel, file: { filename, url: pathToFileURL(wheel.path).href, hashes: {} } };
  };
  const a = await wheelOf("a", "1.0");
  const b = await wheelOf("b", "1.0");
  const old = await wheelOf("b", "0.9");
  const dist = (pin: string, file: typeof a.file, requiresDist: string[] = []) =>
    resolved(pin, requiresDist, {
      requested: pin.startsWith("a"),
      source: {
        kind: "index",
        format: "wheel",
        file: { ...file, yanked: false, coreMetadata: false },
      },
    });
  const { installWheels } = await import("../../lib/operations/install_wheels.ts");
  const interpreter = {
    executable: "/usr/bin/python3",
    version: [3, 12, 4],
    isVenv: false,
    prefix: root,
  } as unknown as Interpreter;
  const wheelOptions = { scheme, python: "/usr/bin/python3", pythonVersion: [3, 12] as const };
  await installWheels([{ path: old.wheel.path, requested: false }], wheelOptions);

  const planned = planInstallation({
    roots: await rootsOf(["a"]),
    ignored: [],
    dists: [dist("a==1.0", a.file, ["b"]), dist("b==1.0", b.file)],
    installed: [],
    targetHas: readInstalledDists([target]).dists,
  }, {
    interpreter: INTERPRETER,
    reinstallAll: false,
    upgrade: false,
    ignoreRequiresPython: false,
  });
  const scratch = new Scratch();
  try {
    const executed = await executePlan(planned, {
      prepared: { roots: [], localWheels: new Map(), hashes: new Map() },
      interpreter,
      schemeKind: { kind: "target", dir: target },
      scheme,
      tags: new Set(["py3-none-any"]),
      bucket: join(root, "unpacked"),
      fetchOnly: false,
      compile: false,
      downloader: {} as WheelDownloader,
      scratch,
    });
    assertEquals(executed.wheels.map((w) => w.request.name), ["b", "a"]);
    assertEquals(executed.changelog?.installed.map((d) => `${d.name}-${d.version}`), ["a-1.0"]);
    assertEquals(executed.changelog?.skipped.map((s) => [s.dist.name, s.path]), [
      ["b", join(target, "b-0.9.dist-info")],
    ]);
    assertEquals(
      readInstalledDists([target]).dists.map((d) => `${d.name}-${d.version}`).sort(),
      ["a-1.0", "b-0.9"],
    );
  } finally {
    await scratch.remove();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("executePlan: a wheel found unpacked in the cache is installed without its (absent) file being looked at", async () => {
  const root = await Deno.makeTempDir();
  const scheme = schemeAt(root);
  const wheel = await writeWheel(join(root, "wheels"), {
    name: "a",
    version: "1.0",
    files: { "a.py": "" },
  });
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", wheel.bytes as Uint8Array<ArrayBuffer>),
  );
  const sha256 = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
  const bucket = join(root, "unpacked");
  const { installWheels } = await import("../../lib/operations/install_wheels.ts");
  // Unpacked into the cache by an earlier install elsewhere.
  await installWheels([{ path: wheel.path, requested: true }], {
    scheme: schemeAt(join(root, "other")),
    python: "/usr/bin/python3",
    pythonVersion: [3, 12],
    cacheBucket: bucket,
  });
  const filename = "a-1.0-py3-none-any.whl";
  // No size in the index's listing, and a URL nothing fetches.
  const file = { filename, url: `https://files.invalid/${filename}`, hashes: { sha256 } };
  const planned = planInstallation({
    roots: await rootsOf(["a"]),
    ignored: [],
    dists: [resolved("a==1.0", [], {
      requested: true,
      source: {
        kind: "index",
        format: "wheel",
        file: { ...file, yanked: false, coreMetadata: false },
      },
    })],
    installed: [],
    targetHas: [],
  }, {
    interpreter: INTERPRETER,
    reinstallAll: false,
    upgrade: false,
    ignoreRequiresPython: false,
  });
  const interpreter = {
    executable: "/usr/bin/python3",
    version: [3, 12, 4],
    isVenv: false,
    prefix: root,
  } as unknown as Interpreter;
  const scratch = new Scratch();
  const stat = Deno.stat;
  const looked: string[] = [];
  Deno.stat = (path: string | URL) => {
    looked.push(String(path));
    return stat(path);
  };
  try {
    const executed = await executePlan(planned, {
      prepared: { roots: [], localWheels: new Map(), hashes: new Map() },
      interpreter,
      schemeKind: { kind: "default" },
      scheme,
      tags: new Set(["py3-none-any"]),
      bucket,
      fetchOnly: false,
      compile: false,
      downloader: {} as WheelDownloader,
      scratch,
    });
    assertEquals(executed.wheels.map((w) => w.origin), ["unpacked"]);
    assertEquals(executed.changelog?.installed.map((d) => `${d.name}-${d.version}`), ["a-1.0"]);
  } finally {
    Deno.stat = stat;
    await scratch.remove();
  }
  assertEquals(looked.filter((path) => path.endsWith(".whl")), []);
  assertEquals(Deno.readTextFileSync(join(scheme.purelib, "a.py")), "");
  await Deno.remove(root, { recursive: true });
});
