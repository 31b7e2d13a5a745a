import { prepareRoots } from "../../lib/operations/install_roots.ts";
import type { BuiltRequirement } from "../../lib/operations/build_sources.ts";
import { HashRequirementError } from "../../lib/operations/hash_mode.ts";
import { canonicalizeName } from "../../lib/names/mod.ts";
import { assertEquals, assertRejects } from "../helpers/assert.ts";
import { writeWheel } from "../helpers/wheel_builder.ts";
import { INTERPRETER, specOf } from "./install_fixtures.ts";

const cwd = Deno.makeTempDirSync();
Deno.mkdirSync(`${cwd}/proj`);
Deno.writeTextFileSync(`${cwd}/proj/pyproject.toml`, "");

const options = {
  interpreter: INTERPRETER,
  build: (): Promise<BuiltRequirement> => Promise.reject(new Error("no build expected")),
  requireHashes: false,
  bucket: `${cwd}/unpacked`,
  tags: new Set<string>(),
};

Deno.test("prepareRoots: markers that exclude the target set a requirement aside", async () => {
  const prepared = await prepareRoots(
    await specOf(["a>=1", "b[x]==2 ; sys_platform == 'win32'"]),
    options,
  );
  assertEquals(prepared.roots.map((root) => String(root.requirement)), ["a>=1"]);
  assertEquals(prepared.ignored, [{ text: "b[x]==2", marker: 'sys_platform == "win32"' }]);
  assertEquals(prepared.hashMode, false);
});

Deno.test("prepareRoots: what needs a build is built, in order, and named by its wheel", async () => {
  const wheel = await writeWheel(`${cwd}/dist`, { name: "proj", version: "1.0", files: {} });
  const built: string[] = [];
  const prepared = await prepareRoots(await specOf(["./proj[cli]", "a"], { cwd }), {
    ...options,
    build: (source) => {
      built.push(source.text);
      return Promise.resolve({
        source,
        name: canonicalizeName("proj"),
        url: `file://${cwd}/proj`,
        wheelPath: wheel.path,
        directUrl: { url: `file://${cwd}/proj`, info: { kind: "dir" } },
      } as BuiltRequirement);
    },
    tags: new Set(["py3-none-any"]),
  });
  assertEquals(built, ["./proj[cli]"]);
  assertEquals(prepared.roots.map((root) => String(root.requirement)), [
    `proj[cli] @ file://${cwd}/proj`,
    "a",
  ]);
  // The built wheel is unpacked, and its file (not the project) is what the resolver reads.
  const local = prepared.localWheels.get(`file://${cwd}/proj`);
  assertEquals(local?.manifest.name, "proj");
  assertEquals(local?.fileUrl, `file://${wheel.path}`);
});

Deno.test("prepareRoots: in hash-checking mode every root is pinned with ==", async () => {
  await assertRejects(
    async () => await prepareRoots(await specOf(["a>=1"]), { ...options, requireHashes: true }),
    HashRequirementError,
    "a>=1",
  );
  const pinned = await prepareRoots(await specOf(["a==1.0"]), { ...options, requireHashes: true });
  assertEquals(pinned.hashMode, true);
});
