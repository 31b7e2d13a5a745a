/**
 * `dpip compile` on `../shared/corpus` served over HTTP: the pins are the
 * versions pip 26 would install, pip 26 installs the `--generate-hashes`
 * output in hash-checking mode, and existing pins are kept unless
 * `--upgrade`/`--upgrade-package` say otherwise.
 *
 * @module
 */

import { join } from "node:path";
import { corpusDir } from "../index/corpus.ts";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { pip26, runPip26 } from "../helpers/pip26.ts";
import { reportChoices, skipUnless } from "../helpers/python.ts";
import { dpip, frozen, makeVenv, tempHome } from "./install_support.ts";
import { startHttpServer } from "./real_servers.ts";

const oracle = await pip26();
const corpus = oracle === undefined ? undefined : await corpusDir();

function pinned(text: string): string[] {
  return text.split("\n").filter((line) => /^[a-z0-9]/i.test(line))
    .map((line) => line.split(" ")[0]!).sort();
}

Deno.test({
  name: "dpip compile pins what pip 26 installs, and pip 26 installs its hashed output",
  ignore: skipUnless(corpus, "the pip 26 oracle, Python 3.11 and ../shared/corpus"),
  sanitizeResources: false,
  async fn(t) {
    const server = await startHttpServer(corpus!);
    const { home, done } = await tempHome("dpip-compile-");
    const index = ["--index-url", `${server.origin}simple/`, "--trusted-host", "127.0.0.1"];
    const compile = (args: string[]) =>
      dpip([
        "compile",
        "--python",
        oracle!.python,
        "--cache-dir",
        join(home, "cache"),
        ...index,
        ...args,
      ], { home });
    try {
      await Deno.writeTextFile(join(home, "req.in"), "flask\nwerkzeug<3\n");
      await t.step("the same versions as pip, hashes pip accepts, # via lines", async () => {
        const result = await compile(["--generate-hashes", "req.in", "-o", "req.txt"]);
        assertEquals(result.status, 0, result.stderr);
        const text = await Deno.readTextFile(join(home, "req.txt"));
        const theirs = await runPip26(oracle!, [
          "install",
          "--dry-run",
          "--ignore-installed",
          "--quiet",
          "--report",
          "-",
          ...index,
          "-r",
          "req.in",
        ], { cwd: home });
        assertEquals(pinned(text), reportChoices(theirs.stdout));
        assertStringIncludes(text, "werkzeug==2.2.2 \\\n    --hash=sha256:");
        assertStringIncludes(text, "    # via\n    #   -r req.in\n    #   flask\n");
        const venv = await makeVenv(join(home, "venv"));
        const install = await runPip26(oracle!, [
          "--python",
          venv.python,
          "install",
          "--no-cache-dir",
          "--require-hashes",
          ...index,
          "-r",
          "req.txt",
        ], { cwd: home });
        assertEquals(install.code, 0, install.stderr);
        assertEquals(
          (await frozen(venv.python)).map((line) =>
            line.replace(/^[^=]+/, (n) => n.replaceAll("_", "-"))
          ),
          pinned(text),
        );
      });
      await t.step(
        "existing pins are kept; --upgrade-package and --upgrade move them",
        async () => {
          await Deno.writeTextFile(join(home, "old.txt"), "click==8.1.3\n");
          assertEquals((await compile(["req.in", "-o", "old.txt"])).status, 0);
          assertStringIncludes(await Deno.readTextFile(join(home, "old.txt")), "\nclick==8.1.3\n");
          assertEquals((await compile(["req.in", "-o", "old.txt", "-P", "click"])).status, 0);
          assertStringIncludes(await Deno.readTextFile(join(home, "old.txt")), "\nclick==8.5.0\n");
          await Deno.writeTextFile(join(home, "old.txt"), "click==8.4.0\n");
          assertEquals((await compile(["req.in", "-o", "old.txt", "--upgrade"])).status, 0);
          assertStringIncludes(await Deno.readTextFile(join(home, "old.txt")), "\nclick==8.5.0\n");
        },
      );
    } finally {
      await server.close();
      await done();
    }
  },
});
