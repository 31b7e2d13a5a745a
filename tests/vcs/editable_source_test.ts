/**
 * `editableSource()` with a stand-in `git` on `PATH`: a client that never
 * answers is killed at the time limit and reported as a failed command; a
 * client that is missing is reported as such; the commands carry the
 * settings that keep a repository's fsmonitor and hooks from running.
 */

import { join } from "node:path";
import { assertEquals } from "../helpers/assert.ts";
import { editableSource } from "../../lib/vcs/editable_source.ts";

/** A project directory in a "checkout" (`.git` present) and a `bin` with `git` running `script`. */
async function withFakeGit(
  script: string,
  fn: (project: string, env: Record<string, string>) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dpip-editable-source-" });
  try {
    const project = join(dir, "repo");
    await Deno.mkdir(join(project, ".git"), { recursive: true });
    await Deno.writeTextFile(join(project, "pyproject.toml"), "");
    const bin = join(dir, "bin");
    await Deno.mkdir(bin);
    await Deno.writeTextFile(join(bin, "git"), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    await fn(project, { PATH: `${bin}:/usr/bin:/bin`, HOME: dir });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("editableSource: a git that never answers is killed at the time limit", async () => {
  await withFakeGit("exec sleep 60", async (project, env) => {
    const found = await editableSource(project, "proj", { env, timeoutMs: 100 });
    assertEquals(found, { kind: "failed", reason: "git config failed: no answer within 0.1 s" });
  });
});

Deno.test("editableSource: git runs with the repository's fsmonitor and hooks switched off", async () => {
  const script = [
    'case "$*" in',
    '  "-c core.fsmonitor=false -c core.hooksPath=/dev/null config --get-regexp"*)',
    '    printf "remote.origin.url https://example.com/r.git\\n" ;;',
    '  "-c core.fsmonitor=false -c core.hooksPath=/dev/null rev-parse HEAD")',
    "    echo 0123456789abcdef0123456789abcdef01234567 ;;",
    "  *) exit 3 ;;",
    "esac",
  ].join("\n");
  await withFakeGit(script, async (project, env) => {
    assertEquals(await editableSource(project, "my-proj", { env }), {
      kind: "vcs",
      requirement:
        "git+https://example.com/r.git@0123456789abcdef0123456789abcdef01234567#egg=my_proj",
    });
  });
});

Deno.test("editableSource: a project in no checkout; a checkout whose client is missing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dpip-editable-source-" });
  try {
    assertEquals(await editableSource(dir, "proj", { env: { PATH: dir } }), { kind: "none" });
    await Deno.mkdir(join(dir, ".hg"));
    assertEquals(await editableSource(dir, "proj", { env: { PATH: dir } }), {
      kind: "no-client",
      vcs: "hg",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
