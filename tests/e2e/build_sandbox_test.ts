/**
 * `--build-sandbox` end to end: an in-tree build backend that, while
 * building, opens a socket to a server listening on loopback, reads
 * `~/.netrc`, writes outside its project, or looks for `PIP_*`/`DPIP_*`
 * variables. Without the sandbox each attempt succeeds (so the test can
 * fail); with it each one fails inside the sandbox, the build fails with the
 * backend's error, and nothing is installed. A well-behaved project builds
 * and installs in the sandbox.
 */

import { join } from "../../lib/paths.ts";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { MINI_BACKEND } from "./build_support.ts";
import { distInfos, dpip } from "./install_support.ts";
import { python311, withVenvs } from "./install_wheel_support.ts";

const bwrap = await new Deno.Command("bwrap", {
  args: ["--ro-bind", "/", "/", "--unshare-all", "true"],
  stdout: "null",
  stderr: "null",
}).output().then((o) => o.success, () => false);

/** The mini backend, with build_wheel doing first what attack.txt says. */
const ATTACK_BACKEND = MINI_BACKEND + String.raw`
import socket

_build_wheel = build_wheel

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    kind, _, arg = open("attack.txt").read().strip().partition(" ")
    if kind == "socket":
        socket.create_connection(("127.0.0.1", int(arg)), timeout=5).close()
        print("ATTACK socket connected")
    elif kind == "netrc":
        print("ATTACK read " + open(arg).read().strip())
    elif kind == "write":
        open(arg, "w").write("escaped")
        print("ATTACK wrote " + arg)
    elif kind == "env":
        leaked = sorted(k for k in os.environ if k.startswith(("PIP_", "DPIP_")))
        if leaked:
            raise RuntimeError("ATTACK env " + ",".join(leaked))
    return _build_wheel(wheel_directory, config_settings, metadata_directory)
`;

function writeProject(dir: string, attack: string): void {
  Deno.mkdirSync(dir, { recursive: true });
  Deno.writeTextFileSync(
    join(dir, "pyproject.toml"),
    [
      "[build-system]",
      "requires = []",
      'build-backend = "attack_backend"',
      'backend-path = ["."]',
      "",
      "[project]",
      'name = "victim"',
      'version = "1.0"',
      "",
    ].join("\n"),
  );
  Deno.writeTextFileSync(join(dir, "attack_backend.py"), ATTACK_BACKEND);
  Deno.writeTextFileSync(join(dir, "victim.py"), 'VERSION = "1.0"\n');
  Deno.writeTextFileSync(join(dir, "attack.txt"), attack + "\n");
}

Deno.test({
  name: "--build-sandbox: no network, no ~/.netrc, no writes outside, no PIP_*/DPIP_* variables",
  ignore: skipUnless(python311, "Python 3.11 from pyenv") ||
    skipUnless(bwrap, "bubblewrap (bwrap)"),
  async fn() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const accepting = (async () => {
      for await (const conn of listener) conn.close();
    })();
    try {
      await withVenvs({ prefix: "dpip-sandbox-" }, async ({ home, venv }) => {
        const install = (args: string[], options: { env: Record<string, string> }) =>
          dpip(["install", "--python", venv.python, ...args], { home, env: options.env });
        Deno.writeTextFileSync(
          join(home, ".netrc"),
          "machine index.invalid login me password s3cret\n",
        );
        const outside = join(home, "outside.txt");
        const attacks: [string, string, string][] = [
          ["socket", `socket ${listener.addr.port}`, "ConnectionRefusedError"],
          ["netrc", `netrc ${join(home, ".netrc")}`, "FileNotFoundError"],
          ["write", `write ${outside}`, "Read-only file system"],
        ];
        const env = {
          PIP_INDEX_URL: "https://user:s3cret@index.invalid/simple",
          DPIP_SECRET: "s3cret",
        };
        const removeVictim = async () => {
          const uninstall = await dpip(["uninstall", "-y", "--python", venv.python, "victim"], {
            home,
          });
          assertEquals(uninstall.status, 0, uninstall.stderr);
        };
        for (const [name, attack, failure] of attacks) {
          const project = join(home, `project-${name}`);
          writeProject(project, attack);
          const args = ["--no-index", "--no-cache-dir", "--force-reinstall", project];
          // Outside the sandbox the attempt succeeds: the test would notice a sandbox that does nothing.
          const open = await install(args, { env });
          assertEquals(open.status, 0, `${name}: ${open.stderr}`);
          await Deno.remove(outside).catch(() => {});
          await removeVictim();

          const sandboxed = await install(["--build-sandbox", ...args], { env });
          assertEquals(sandboxed.status, 1, `${name}: ${sandboxed.stderr}`);
          assertStringIncludes(sandboxed.stderr, `Building ${project} failed`);
          assertStringIncludes(sandboxed.stderr, failure);
          assertEquals(sandboxed.stderr.includes("ATTACK socket connected"), false);
          assertEquals(sandboxed.stderr.includes("s3cret"), false);
          assertEquals(distInfos(venv.sitePackages).some((d) => d.startsWith("victim")), false);
          assertEquals(await Deno.stat(outside).then(() => true, () => false), false);
        }
        // The backend fails when it sees PIP_* or DPIP_* variables: outside the sandbox it does.
        const project = join(home, "project-env");
        writeProject(project, "env");
        const args = ["--no-index", "--no-cache-dir", project];
        const open = await install(args, { env });
        assertEquals(open.status, 1, open.stderr);
        assertStringIncludes(open.stderr, "DPIP_SECRET");
        assertStringIncludes(open.stderr, "PIP_INDEX_URL");
        const built = await install(["--build-sandbox", ...args], { env });
        assertEquals(built.status, 0, built.stderr);
        assertEquals(distInfos(venv.sitePackages).includes("victim-1.0"), true);
        await removeVictim();

        // Where bubblewrap is missing, a sandboxed build refuses to start, saying why.
        const missing = await install(["--build-sandbox", ...args], {
          env: { ...env, PATH: join(home, "no-such-bin") },
        });
        assertEquals(missing.status, 1, missing.stderr);
        assertStringIncludes(
          missing.stderr,
          "ERROR: --build-sandbox cannot sandbox builds here: bubblewrap (bwrap) is not installed",
        );
        assertEquals(distInfos(venv.sitePackages).includes("victim-1.0"), false);
      });
    } finally {
      listener.close();
      await accepting.catch(() => {});
    }
  },
});
