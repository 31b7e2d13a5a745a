/**
 * Ctrl-C during a download reaches the HTTP client: `download`, `wheel`
 * and `install` stop the request in flight (a server that never answers
 * and a `--timeout` far longer than the test), say "Operation cancelled by
 * user" with status 1, and leave no file in the destination and nothing in
 * the temporary directory.
 */

import { join } from "node:path";
import { captureIo } from "../../lib/cli/io.ts";
import { main } from "../../lib/cli/main.ts";
import { assertEquals } from "../helpers/assert.ts";
import { startIndexServer } from "../helpers/index_server.ts";
import { skipUnless } from "../helpers/python.ts";
import { demoWheel, python311, tempHome } from "./install_support.ts";

/** How long a run may take before the test calls it stuck (the download would wait 600 s). */
const STUCK_MS = 120_000;

for (const command of ["download", "wheel", "install"]) {
  Deno.test({
    name: `Ctrl-C stops ${command}'s download in flight and leaves nothing behind`,
    ignore: skipUnless(python311, "pyenv Python 3.11"),
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const { home, done } = await tempHome("dpip-dl-interrupt-");
      const server = await startIndexServer({
        files: [demoWheel("big", "1.0")],
        // The wheel itself never comes (its PEP 658 metadata does: the resolution ends).
        faults: [{ path: /\/files\/big-1\.0-py3-none-any\.whl$/, kind: "delay", delayMs: 600_000 }],
      });
      try {
        const tmp = join(home, "tmp");
        const out = join(home, "out");
        await Deno.mkdir(tmp);
        const controller = new AbortController();
        const io = captureIo({
          env: { HOME: home, PATH: Deno.env.get("PATH") ?? "", TMPDIR: tmp },
          cwd: home,
          interrupt: controller.signal,
        });
        const where = command === "download"
          ? ["-d", out]
          : command === "wheel"
          ? ["-w", out]
          : ["--target", out];
        const running = main([
          command,
          "--isolated",
          "--python",
          python311!,
          "--no-cache-dir",
          "--timeout",
          "600",
          "-i",
          server.url,
          ...where,
          "big",
        ], io);
        // Interrupt once the wheel's request has reached the server (and hangs there).
        const watch = setInterval(() => {
          if (server.requests.some((r) => r.path.endsWith(".whl"))) controller.abort();
        }, 20);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const stuck = new Promise<"stuck">((resolve) => {
          timer = setTimeout(() => resolve("stuck"), STUCK_MS);
        });
        const status = await Promise.race([running, stuck]);
        clearInterval(watch);
        clearTimeout(timer);
        assertEquals(controller.signal.aborted, true);
        assertEquals([status, io.err()], [1, "ERROR: Operation cancelled by user\n"]);
        const left = [...Deno.readDirSync(tmp)].map((e) => e.name);
        assertEquals(left, []);
        const saved = await Array.fromAsync(Deno.readDir(out)).catch(() => []);
        assertEquals(saved.filter((e) => e.isFile).map((e) => e.name), []);
      } finally {
        await server.close().catch(() => {});
        await done();
      }
    },
  });
}
