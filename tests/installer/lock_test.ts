import { join } from "node:path";
import { lockEnvironment, tryLockEnvironment } from "../../lib/installer/lock.ts";
import { assert, assertEquals } from "../helpers/assert.ts";

const lockModule = new URL("../../lib/installer/lock.ts", import.meta.url).href;

/** Another process that holds the lock of `dir` until its standard input closes. */
async function holder(dir: string): Promise<{ release: () => Promise<void> }> {
  const code = `
    import { lockEnvironment } from ${JSON.stringify(lockModule)};
    const lock = await lockEnvironment(${JSON.stringify(dir)});
    console.log("locked");
    for await (const _ of Deno.stdin.readable) { /* until closed */ }
    lock.release();
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("locked")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the lock holder exited");
    seen += value;
  }
  return {
    release: async () => {
      await child.stdin.close();
      await child.status;
      reader.releaseLock();
      await child.stdout.cancel().catch(() => {});
    },
  };
}

Deno.test("the lock adds no file to the directory, and removes an earlier dpip's lock file", async () => {
  const dir = await Deno.makeTempDir();
  Deno.writeTextFileSync(join(dir, ".dpip.lock"), "");
  Deno.writeTextFileSync(join(dir, "module.py"), "");
  const lock = await lockEnvironment(dir);
  assertEquals([...Deno.readDirSync(dir)].map((entry) => entry.name), ["module.py"]);
  assertEquals(lock.paths, [Deno.realPathSync(dir)]);
  lock.release();
  lock.release();
  const missing = join(dir, "new", "site-packages");
  (await lockEnvironment(missing)).release();
  assertEquals([...Deno.readDirSync(missing)], []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("another process's lock excludes this one, by whatever path the directory is named", async () => {
  const root = await Deno.makeTempDir();
  const dir = join(root, "site-packages");
  Deno.mkdirSync(dir);
  const alias = join(root, "alias");
  Deno.symlinkSync(dir, alias);
  const other = await holder(dir);
  try {
    assertEquals(tryLockEnvironment(alias), undefined);
    const waits: string[] = [];
    let acquired = false;
    const waiting = lockEnvironment([alias, root], { onWait: (path) => waits.push(path) })
      .then((lock) => {
        acquired = true;
        return lock;
      });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assertEquals(acquired, false);
    assertEquals(waits, [Deno.realPathSync(dir)]);
    await other.release();
    const lock = await waiting;
    assertEquals(lock.paths, [Deno.realPathSync(root), Deno.realPathSync(dir)]);
    assertEquals(tryLockEnvironment(dir), undefined, "held by this process's lock");
    lock.release();
    const again = tryLockEnvironment(dir);
    assert(again !== undefined);
    again.release();
  } finally {
    await other.release().catch(() => {});
    await Deno.remove(root, { recursive: true });
  }
});
