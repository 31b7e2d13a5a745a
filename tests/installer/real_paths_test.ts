import { join } from "node:path";
import { isWithin, RealPaths } from "../../lib/installer/real_paths.ts";
import { assert, assertEquals } from "../helpers/assert.ts";

Deno.test("RealPaths resolves links on the way, missing components and dangling links as the kernel would", () => {
  const root = Deno.realPathSync(Deno.makeTempDirSync());
  try {
    Deno.mkdirSync(join(root, "env", "lib"), { recursive: true });
    Deno.mkdirSync(join(root, "outside", "deep"), { recursive: true });
    Deno.symlinkSync("lib", join(root, "env", "lib64"));
    Deno.symlinkSync(join(root, "outside", "deep"), join(root, "env", "lib", "pkg"));
    Deno.symlinkSync("../outside/missing", join(root, "env", "dangling"));
    // `..` after a link is taken from where the link led.
    Deno.symlinkSync("pkg/..", join(root, "env", "lib", "up"));
    Deno.symlinkSync("loop2", join(root, "env", "loop1"));
    Deno.symlinkSync("loop1", join(root, "env", "loop2"));
    const real = new RealPaths();
    const env = join(root, "env");
    assertEquals(real.of(join(env, "lib64", "x.py")), join(env, "lib", "x.py"));
    assertEquals(
      real.of(join(env, "lib", "pkg", "a", "b")),
      join(root, "outside", "deep", "a", "b"),
    );
    assertEquals(real.of(join(env, "dangling", "f")), join(root, "outside", "missing", "f"));
    assertEquals(real.of(join(env, "lib", "up")), join(root, "outside"));
    assertEquals(real.of(join(env, "new", "dir", "f")), join(env, "new", "dir", "f"));
    assert(real.of(join(env, "loop1")).startsWith(env));
    assert(real.within(join(env, "lib64", "x.py"), env));
    assert(!real.within(join(env, "lib", "pkg", "x.py"), env));
    assert(!real.within(join(env, "dangling"), env));
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("isWithin() compares whole components", () => {
  assert(isWithin("/a/b/c", "/a/b"));
  assert(isWithin("/a/b", "/a/b/"));
  assert(!isWithin("/a/bc", "/a/b"));
  assert(!isWithin("/a/b/../c", "/a/b"));
});
