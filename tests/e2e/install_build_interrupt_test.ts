/**
 * Ctrl-C (SIGINT) during a build: dpip stops the backend's process, removes
 * every directory the run made in its temporary directory, installs nothing
 * and says "Operation cancelled by user" as pip does, with status 1.
 *
 * dpip runs as a subprocess (its own `TMPDIR`); the backend writes its pid
 * and then sleeps, and the interrupt is sent to dpip alone, as `kill -INT`
 * does (a terminal would also interrupt the backend itself).
 */

import { join } from "node:path";
import { captureIo } from "../../lib/cli/io.ts";
import { main } from "../../lib/cli/main.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { dpipProcess, tempEntries } from "./build_support.ts";
import { makeVenv, python311, snapshotDiff, tempHome, treeSnapshot } from "./install_support.ts";

const SLOW_BACKEND = String.raw`
import os, time

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    with open(os.environ["SLOW_MARKER"] + ".tmp", "w") as marker:
        marker.write(str(os.getpid()))
    os.rename(os.environ["SLOW_MARKER"] + ".tmp", os.environ["SLOW_MARKER"])
    time.sleep(300)
    raise RuntimeError("not interrupted")
`;

async function waitForFile(path: string, limitMs: number): Promise<string> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    try {
      return await Deno.readTextFile(path);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`${path} did not appear`);
}

function isRunning(pid: number): boolean {
  try {
    return !Deno.readTextFileSync(`/proc/${pid}/stat`).split(" ")[2]!.startsWith("Z");
  } catch {
    return false;
  }
}

Deno.test({
  name: "Ctrl-C during a build stops the backend and leaves no temporary directory",
  ignore: skipUnless(python311 && Deno.build.os === "linux", "pyenv Python 3.11 on Linux"),
  async fn() {
    const { home, done } = await tempHome("dpip-interrupt-");
    try {
      const project = join(home, "slow");
      await Deno.mkdir(project);
      await Deno.writeTextFile(
        join(project, "pyproject.toml"),
        '[build-system]\nrequires = []\nbuild-backend = "slow_backend"\nbackend-path = ["."]\n',
      );
      await Deno.writeTextFile(join(project, "slow_backend.py"), SLOW_BACKEND);
      const venv = await makeVenv(join(home, "venv"));
      const before = await treeSnapshot(venv.root);
      const tmp = join(home, "tmp");
      await Deno.mkdir(tmp);
      const marker = join(home, "backend.pid");
      let backendPid = 0;
      let interrupted: Promise<void> = Promise.resolve();
      const result = await dpipProcess(
        ["install", "--python", venv.python, "--no-index", "--no-cache-dir", "./slow"],
        {
          home,
          tmp,
          env: { SLOW_MARKER: marker },
          onSpawn: (child) => {
            interrupted = waitForFile(marker, 60_000).then((pid) => {
              backendPid = Number(pid);
              // While the backend runs, the run's scratch directory exists.
              assert(tempEntries(tmp).some((name) => name.startsWith("dpip-")), "no scratch");
              child.kill("SIGINT");
            });
          },
        },
      );
      await interrupted;
      assertEquals(result.killed, false, "dpip did not stop after the interrupt");
      assertEquals(result.status, 1, result.stderr);
      assertStringIncludes(result.stderr, "ERROR: Operation cancelled by user\n");
      assertEquals(result.stderr.includes("not interrupted"), false);
      assert(backendPid > 0);
      assertEquals(isRunning(backendPid), false, "the backend's process is still running");
      assertEquals(tempEntries(tmp), [], "dpip left temporary directories");
      assertEquals(snapshotDiff(before, await treeSnapshot(venv.root)), []);
    } finally {
      await done();
    }
  },
});

Deno.test({
  name: "an interrupt before the run starts: nothing is built, made or installed",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  async fn() {
    const { home, done } = await tempHome("dpip-interrupt-early-");
    try {
      await Deno.mkdir(join(home, "proj"));
      await Deno.writeTextFile(
        join(home, "proj", "pyproject.toml"),
        '[build-system]\nrequires = []\nbuild-backend = "never"\nbackend-path = ["."]\n',
      );
      const venv = await makeVenv(join(home, "venv"));
      const before = await treeSnapshot(venv.root);
      const tmp = join(home, "tmp");
      await Deno.mkdir(tmp);
      const controller = new AbortController();
      controller.abort();
      const io = captureIo({
        env: {
          HOME: home,
          PATH: Deno.env.get("PATH") ?? "",
          TMPDIR: tmp,
          PIP_CONFIG_FILE: "/dev/null",
        },
        cwd: home,
        interrupt: controller.signal,
      });
      const status = await main(["install", "--python", venv.python, "--no-index", "./proj"], io);
      assertEquals([status, io.err()], [1, "ERROR: Operation cancelled by user\n"]);
      assertEquals(tempEntries(tmp), []);
      assertEquals(snapshotDiff(before, await treeSnapshot(venv.root)), []);
    } finally {
      await done();
    }
  },
});
