import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { captureIo, main } from "../../lib/cli/mod.ts";
import { oraclePython, skipUnless } from "../helpers/python.ts";
import { join } from "node:path";

async function dpip(args: string[], env: Record<string, string>) {
  const io = captureIo({ env });
  const status = await main(args, io);
  return { status, out: io.out(), err: io.err() };
}

async function tempHome(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "dpip-config-" });
}

Deno.test("config set/get/list/unset round-trip through the user file", async () => {
  const home = await tempHome();
  const env = { HOME: home };
  const set = await dpip(["config", "set", "global.index-url", "http://example/simple"], env);
  assertEquals(set.status, 0);
  const userFile = join(home, ".config", "pip", "pip.conf");
  assertEquals(set.err, `Writing to ${userFile}\n`);
  assertEquals(
    await Deno.readTextFile(userFile),
    "[global]\nindex-url = http://example/simple\n\n",
  );
  assertEquals(
    (await dpip(["config", "get", "global.index-url"], env)).out,
    "http://example/simple\n",
  );
  await dpip(["config", "set", "install.no_deps", "yes"], env);
  const list = await dpip(["config", "list"], env);
  assertStringIncludes(
    list.out,
    "global.index-url='http://example/simple'\ninstall.no-deps='yes'\n",
  );
  assertEquals((await dpip(["config", "unset", "install.no-deps"], env)).status, 0);
  const missing = await dpip(["config", "get", "install.no-deps"], env);
  assertEquals(missing.status, 1);
  assertEquals(missing.err, "ERROR: No such key - install.no-deps\n");
  await Deno.remove(home, { recursive: true });
});

Deno.test("config values reach commands: a file setting changes the option", async () => {
  const home = await tempHome();
  await Deno.mkdir(join(home, ".config", "pip"), { recursive: true });
  await Deno.writeTextFile(join(home, ".config", "pip", "pip.conf"), "[list]\nformat = yaml\n");
  // The bad value is reported with where it came from, proving the [list] section was applied.
  const r = await dpip(["list"], { HOME: home });
  assertEquals(r.status, 2);
  assertStringIncludes(r.err, "option list.format: invalid choice: 'yaml'");
  await Deno.remove(home, { recursive: true });
});

Deno.test("config errors: no action, key without a dot, unset of a missing key", async () => {
  const home = await tempHome();
  const env = { HOME: home };
  const none = await dpip(["config"], env);
  assertEquals(none.status, 1);
  assertEquals(
    none.err,
    "ERROR: Need an action (debug, edit, get, list, set, unset) to perform.\n",
  );
  const dotless = await dpip(["config", "get", "timeout"], env);
  assertEquals(
    dotless.err,
    "ERROR: Key does not contain dot separated section and key. Perhaps you wanted to use 'global.timeout' instead?\n",
  );
  const unset = await dpip(["config", "unset", "global.timeout"], env);
  assertEquals(unset.status, 1);
  assertEquals(unset.err, "ERROR: No such key - global.timeout\n");
  const arity = await dpip(["config", "set", "global.timeout"], env);
  assertEquals(arity.status, 1);
  await Deno.remove(home, { recursive: true });
});

Deno.test("config --site picks the environment's file; debug lists every file", async () => {
  const home = await tempHome();
  const venv = join(home, "venv");
  const env = { HOME: home, VIRTUAL_ENV: venv, XDG_CONFIG_DIRS: join(home, "etc") };
  assertEquals((await dpip(["config", "--site", "set", "global.timeout", "5"], env)).status, 0);
  assertEquals(await Deno.readTextFile(join(venv, "pip.conf")), "[global]\ntimeout = 5\n\n");
  const debug = await dpip(["config", "debug"], { ...env, PIP_RETRIES: "1" });
  assertStringIncludes(debug.out, "env_var:\n  PIP_RETRIES='1'\nenv:\nglobal:\n");
  assertStringIncludes(
    debug.out,
    `site:\n  ${join(venv, "pip.conf")}, exists: True\n    global.timeout: 5\n`,
  );
  assertStringIncludes(debug.out, `user:\n  ${join(home, ".pip", "pip.conf")}, exists: False\n`);
  await Deno.remove(home, { recursive: true });
});

const python = await oraclePython();

Deno.test({
  name: "config list and get match pip 23.2.1 on the same files",
  ignore: skipUnless(python, "Python 3.11 with pip"),
  fn: async () => {
    const home = await tempHome();
    await Deno.mkdir(join(home, ".pip"), { recursive: true });
    await Deno.mkdir(join(home, ".config", "pip"), { recursive: true });
    await Deno.writeTextFile(
      join(home, ".pip", "pip.conf"),
      "[global]\ntimeout = 10\nindex_url = http://legacy/simple\n",
    );
    await Deno.writeTextFile(
      join(home, ".config", "pip", "pip.conf"),
      '[global]\ntimeout: 20\nextra-index-url =\n    http://a\n    http://b\n[install]\nno-deps = yes\nretries = it\'s "q"\n',
    );
    const env = { HOME: home, PATH: Deno.env.get("PATH") ?? "", PIP_TIMEOUT: "3" };
    const pip = async (args: string[]) => {
      const r = await new Deno.Command(python as string, {
        args: ["-m", "pip", ...args],
        env,
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { status: r.code, out: new TextDecoder().decode(r.stdout) };
    };
    for (
      const args of [
        ["config", "list"],
        ["config", "--user", "list"],
        ["config", "get", "global.timeout"],
        ["config", "get", "install.retries"],
        ["config", "get", "global.extra-index-url"],
        ["config", "get", "global.missing"],
      ]
    ) {
      const theirs = await pip(args);
      const ours = await dpip(args, env);
      assertEquals(ours.out, theirs.out, args.join(" "));
      assertEquals(ours.status, theirs.status, args.join(" "));
    }
    await Deno.remove(home, { recursive: true });
  },
});
