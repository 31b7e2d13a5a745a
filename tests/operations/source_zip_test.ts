import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { readZipDirectory } from "../../lib/archive/zip.ts";
import { saveSourceZip, SourceZipError } from "../../lib/operations/source_zip.ts";

async function withProject(fn: (root: string, project: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "dpip-source-zip-" });
  try {
    const project = join(root, "project");
    await Deno.mkdir(join(project, "pkg", "empty"), { recursive: true });
    await Deno.writeTextFile(join(project, "pyproject.toml"), "");
    await Deno.writeTextFile(join(project, "pkg", "mod.py"), "X = 1\n");
    await Deno.writeTextFile(join(root, "secret.txt"), "outside\n");
    await fn(root, project);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function members(path: string): Promise<string[]> {
  const archive = readZipDirectory(await Deno.readFile(path), { archive: path });
  return archive.entries.map((entry) => entry.name);
}

Deno.test("saveSourceZip: every directory and file under <name>/, top-down", async () => {
  await withProject(async (root, project) => {
    const saved = await saveSourceZip(
      { projectDir: project, name: "Proj", version: "1.0" },
      { dest: join(root, "dl") },
    );
    assertEquals(saved.filename, "Proj-1.0.zip");
    assertEquals(saved.kept, false);
    assertEquals(await members(saved.path), [
      "Proj/pkg/",
      "Proj/pyproject.toml",
      "Proj/pkg/empty/",
      "Proj/pkg/mod.py",
    ]);
    // Nothing else left in the destination (the archive was written beside it, then renamed).
    assertEquals([...Deno.readDirSync(join(root, "dl"))].map((e) => e.name), ["Proj-1.0.zip"]);
  });
});

Deno.test("saveSourceZip: links inside the project are kept, links leaving it are not", async () => {
  await withProject(async (root, project) => {
    await Deno.symlink("pkg/mod.py", join(project, "inside.py"));
    await Deno.symlink("pkg", join(project, "pkglink"));
    await Deno.symlink(join(root, "secret.txt"), join(project, "outside.txt"));
    await Deno.symlink(root, join(project, "up"));
    await Deno.symlink("missing", join(project, "dangling"));
    const saved = await saveSourceZip(
      { projectDir: project, name: "proj", version: "1.0" },
      { dest: join(root, "dl") },
    );
    const found = await members(saved.path);
    assert(found.includes("proj/inside.py"), found.join());
    assert(found.includes("proj/pkglink/"), found.join());
    assert(!found.some((name) => name.startsWith("proj/pkglink/mod")), found.join());
    for (const name of ["proj/outside.txt", "proj/up/", "proj/dangling"]) {
      assert(!found.includes(name), name);
    }
  });
});

Deno.test("saveSourceZip: a version that would leave the destination is refused", async () => {
  await withProject(async (root, project) => {
    for (const version of ["../../x", "1.0/../../y", "1 0", ""]) {
      await assertRejects(
        () => saveSourceZip({ projectDir: project, name: "proj", version }, { dest: root }),
        SourceZipError,
        "cannot name a file",
      );
    }
    assertEquals([...Deno.readDirSync(root)].map((e) => e.name).sort(), [
      "project",
      "secret.txt",
    ]);
  });
});

Deno.test("saveSourceZip: a zip in the way is kept, wiped or backed up as asked, else refused", async () => {
  await withProject(async (root, project) => {
    const dest = join(root, "dl");
    const request = { projectDir: project, name: "proj", version: "1.0" };
    await Deno.mkdir(dest);
    await Deno.writeTextFile(join(dest, "proj-1.0.zip"), "old");
    const warnings: string[] = [];
    const kept = await saveSourceZip(request, { dest, existsAction: ["s", "i"] });
    assertEquals([kept.kept, Deno.readTextFileSync(kept.path)], [true, "old"]);
    await assertRejects(() => saveSourceZip(request, { dest }), SourceZipError, "exists");
    await assertRejects(
      () => saveSourceZip(request, { dest, existsAction: ["a"] }),
      SourceZipError,
      "aborted",
    );
    const asked = await saveSourceZip(request, {
      dest,
      ask: () => Promise.resolve("b"),
      warning: (text) => warnings.push(text),
    });
    assertEquals(Deno.readTextFileSync(`${asked.path}.bak`), "old");
    await saveSourceZip(request, { dest, existsAction: ["w"], warning: (t) => warnings.push(t) });
    assertEquals(warnings, [
      `Backing up ${dest}/proj-1.0.zip to ${dest}/proj-1.0.zip.bak`,
      `Deleting ${dest}/proj-1.0.zip`,
    ]);
    assertEquals([...Deno.readDirSync(dest)].map((e) => e.name).sort(), [
      "proj-1.0.zip",
      "proj-1.0.zip.bak",
    ]);
  });
});
