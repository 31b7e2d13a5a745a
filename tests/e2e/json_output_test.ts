/**
 * `--format json` on every command that reports something, table-driven:
 * each row runs a command once as text and once as JSON on the same venv
 * (packages installed by dpip from the in-process demo index, plus a
 * hand-made distribution with a missing and a conflicting requirement), the
 * JSON must validate against its schema in `schemas/`, and the facts the
 * text shows must be the facts the JSON holds. pip's own JSON spellings
 * (`list --format json`, `index versions --json`) stay pip's: `--json` and
 * `--format json` print the same bytes, checked against pip 26 when it is
 * here.
 */

import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { schemaErrors } from "../helpers/json_schema.ts";
import { pip26 } from "../helpers/pip26.ts";
import { skipUnless } from "../helpers/python.ts";
import { writeDists } from "../helpers/installed.ts";
import {
  demoFiles,
  demoWheel,
  type IndexEnv,
  python311,
  type RunResult,
  withIndexEnv,
} from "./install_support.ts";

/** What a row gets to run commands with. */
interface RowContext {
  readonly env: IndexEnv<"venv">;
  /** `dpip <args> --python <venv>` with the row's environment. */
  run(args: readonly string[]): Promise<RunResult>;
  readonly home: string;
}

/** One command: its text run, its JSON run, and the facts that must agree. */
interface Row {
  readonly name: string;
  /** The schema in `schemas/` (without `.schema.json`). */
  readonly schema: string;
  readonly text: readonly string[];
  readonly json: readonly string[];
  /** Runs before both (installs what the command reports on). */
  readonly before?: (context: RowContext) => Promise<void>;
  /** Runs between the text and the JSON run (puts back what the text run changed). */
  readonly between?: (context: RowContext) => Promise<void>;
  /** Runs after both (puts back what the row changed). */
  readonly after?: (context: RowContext) => Promise<void>;
  /** The exit status both runs must give (default 0). */
  readonly status?: number;
  /** Where the text run says its facts (default stdout; `venv` writes to stderr). */
  readonly textOn?: "stdout" | "stderr";
  // deno-lint-ignore no-explicit-any
  readonly facts: (text: string, json: any, context: RowContext) => void | Promise<void>;
}

const lines = (text: string) => text.split("\n").filter((line) => line !== "");

/** `Key: value` lines of a text block. */
function fields(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of lines(text)) {
    const colon = line.indexOf(": ");
    if (colon > 0 && !line.startsWith(" ")) map.set(line.slice(0, colon), line.slice(colon + 2));
  }
  return map;
}

/** The tree's lines as `depth name version` facts, from text and from JSON. */
function treeFacts(text: string): string[] {
  return lines(text).filter((line) => !line.startsWith("(*)")).map((line) => {
    const depth = Math.floor(line.search(/[^│├└─ ]/) / 4);
    return `${depth} ${line.slice(line.search(/[^│├└─ ]/))}`;
  });
}
// deno-lint-ignore no-explicit-any
function jsonTreeFacts(document: any): string[] {
  const out: string[] = [];
  // deno-lint-ignore no-explicit-any
  const walk = (node: any, depth: number) => {
    let line = `${node.name}${node.extras.length > 0 ? `[${node.extras.join(",")}]` : ""}`;
    if (node.version !== null) line += ` v${node.version}`;
    if (node.status === "conflict") line += ` [required: ${node.required}] (conflict)`;
    if (node.status === "missing") {
      line += node.required ? ` [required: ${node.required}] (not installed)` : " (not installed)";
    }
    if (node.repeat === "shown") line += " (*)";
    if (node.repeat === "cycle") line += " (cycle)";
    out.push(`${depth} ${line}`);
    for (const child of node.children) walk(child, depth + 1);
  };
  for (const root of document.roots) walk(root, 0);
  return out;
}

const ROWS: readonly Row[] = [
  {
    name: "list",
    schema: "list",
    text: ["list"],
    json: ["list", "--format", "json"],
    facts: (text, json) => {
      const rows = lines(text).slice(2).map((line) => line.split(/\s+/).slice(0, 2).join(" "));
      // deno-lint-ignore no-explicit-any
      assertEquals(json.map((p: any) => `${p.name} ${p.version}`), rows);
      assert(rows.includes("app 2.0"), text);
    },
  },
  {
    name: "list --outdated",
    schema: "list",
    text: ["list", "--outdated"],
    json: ["list", "--outdated", "--format", "json"],
    before: async ({ env }) => {
      const result = await env.install(["lib==1.0", "--no-deps"]);
      assertEquals(result.status, 0, result.stderr);
    },
    after: async ({ env }) => {
      const result = await env.install(["lib==2.0", "--no-deps"]);
      assertEquals(result.status, 0, result.stderr);
    },
    facts: (text, json) => {
      const rows = lines(text).slice(2).map((line) => line.split(/\s+/).slice(0, 4).join(" "));
      assertEquals(
        // deno-lint-ignore no-explicit-any
        json.map((p: any) => `${p.name} ${p.version} ${p.latest_version} ${p.latest_filetype}`),
        rows,
      );
      assertEquals(rows, ["lib 1.0 2.0 wheel"]);
    },
  },
  {
    name: "show",
    schema: "show",
    text: ["show", "-v", "-f", "lib", "app", "nothing-here"],
    json: ["show", "-f", "--format", "json", "lib", "app", "nothing-here"],
    facts: (text, json) => {
      const blocks = text.split("\n---\n");
      assertEquals(json.packages.length, blocks.length);
      // deno-lint-ignore no-explicit-any
      json.packages.forEach((p: any, i: number) => {
        const f = fields(blocks[i]!);
        assertEquals(p.name, f.get("Name"));
        assertEquals(p.version, f.get("Version"));
        assertEquals(p.summary, f.get("Summary"));
        assertEquals(p.location, f.get("Location"));
        assertEquals(p.requires.join(", "), f.get("Requires"));
        assertEquals(p.required_by.join(", "), f.get("Required-by"));
        assertEquals(p.installer, f.get("Installer"));
        assertEquals(p.metadata_version, f.get("Metadata-Version"));
        const files = blocks[i]!.split("Files:\n")[1]!.split("\n").filter((l) => l !== "")
          .map((l) => l.trim());
        assertEquals(p.files, files);
      });
      assertEquals(json.not_found, ["nothing-here"]);
    },
  },
  {
    name: "freeze",
    schema: "freeze",
    text: ["freeze"],
    json: ["freeze", "--format", "json"],
    // deno-lint-ignore no-explicit-any
    facts: (text, json) => assertEquals(json.packages.map((p: any) => p.requirement), lines(text)),
  },
  {
    name: "check",
    schema: "check",
    text: ["check"],
    json: ["check", "--format", "json"],
    status: 1,
    facts: (text, json) => {
      assertEquals(json.ok, false);
      assertEquals(lines(text), [
        // deno-lint-ignore no-explicit-any
        ...json.missing.map((m: any) =>
          `${m.project} ${m.version} requires ${m.dependency}, which is not installed.`
        ),
        // deno-lint-ignore no-explicit-any
        ...json.conflicting.map((c: any) =>
          `${c.project} ${c.version} has requirement ${c.requirement}, but you have ${c.dependency} ${c.installed_version}.`
        ),
      ]);
      assertEquals(json.missing.length, 1);
      assertEquals(json.conflicting.length, 1);
    },
  },
  {
    name: "inspect",
    schema: "inspect",
    text: ["inspect"],
    json: ["inspect", "--format", "json"],
    facts: (text, json) => assertEquals(json, JSON.parse(text)),
  },
  {
    name: "hash",
    schema: "hash",
    text: ["hash", "-a", "sha384", "data.bin"],
    json: ["hash", "-a", "sha384", "--format", "json", "data.bin"],
    before: async ({ home }) => {
      await Deno.writeTextFile(join(home, "data.bin"), "some bytes\n");
    },
    facts: (text, json) => {
      assertEquals(json.algorithm, "sha384");
      // deno-lint-ignore no-explicit-any
      assertEquals(lines(text), json.files.flatMap((f: any) => [`${f.path}:`, f.option]));
    },
  },
  {
    name: "cache dir",
    schema: "cache-dir",
    text: ["cache", "dir"],
    json: ["cache", "dir", "--format", "json"],
    facts: (text, json) => assertEquals(json.cache_dir, text.trim()),
  },
  {
    name: "cache info",
    schema: "cache-info",
    text: ["cache", "info"],
    json: ["cache", "info", "--format", "json"],
    facts: (text, json) => {
      const f = fields(text);
      assertEquals(f.get("Package index page cache location"), json.http.location);
      assertEquals(Number(f.get("Number of HTTP files")), json.http.files);
      assertEquals(Number(f.get("Number of locally built wheels")), json.built_wheel_count);
      assertEquals(Number(f.get("Number of unpacked wheel files")), json.unpacked.files);
      assert(json.unpacked.files > 0);
    },
  },
  {
    name: "cache list",
    schema: "cache-list",
    text: ["cache", "list", "--format", "abspath"],
    json: ["cache", "list", "--format", "json"],
    before: async ({ home }) => {
      const dir = join(home, "cache", "wheels-v1", "built", "ab");
      await Deno.mkdir(dir, { recursive: true });
      await Deno.writeTextFile(join(dir, "demo-1.0-py3-none-any.whl"), "not really a wheel");
    },
    facts: (text, json) => {
      // deno-lint-ignore no-explicit-any
      assertEquals(json.wheels.map((w: any) => w.path), lines(text));
      assertEquals(json.wheels[0].size, "not really a wheel".length);
    },
  },
  {
    name: "config list",
    schema: "config-list",
    text: ["config", "list"],
    json: ["config", "list", "--format", "json"],
    facts: (text, json) => {
      // deno-lint-ignore no-explicit-any
      assertEquals(json.items.map((i: any) => `${i.key}='${i.value}'`), lines(text));
      assert(json.items.length >= 2);
    },
  },
  {
    name: "config get",
    schema: "config-get",
    text: ["config", "get", "install.no-compile"],
    json: ["config", "get", "--format", "json", "install.no-compile"],
    facts: (text, json) => {
      assertEquals(json.value, text.trim());
      assertEquals(json.key, "install.no-compile");
    },
  },
  {
    name: "config debug",
    schema: "config-debug",
    text: ["config", "debug"],
    json: ["config", "debug", "--format", "json"],
    facts: (text, json) => {
      const expected = ["env_var:"];
      for (const v of json.env_vars) expected.push(`  ${v.name}='${v.value}'`);
      for (const variant of ["env", "global", "site", "user"]) {
        expected.push(`${variant}:`);
        // deno-lint-ignore no-explicit-any
        for (const file of json.files.filter((f: any) => f.variant === variant)) {
          expected.push(`  ${file.path}, exists: ${file.exists ? "True" : "False"}`);
          for (const item of file.items) expected.push(`    ${item.key}: ${item.value}`);
        }
      }
      assertEquals(lines(text), expected);
    },
  },
  {
    name: "debug",
    schema: "debug",
    text: ["debug", "-v"],
    json: ["debug", "--format", "json"],
    facts: (text, json) => {
      const f = fields(text);
      assertEquals(f.get("sys.executable"), json.sys_executable);
      assertEquals(f.get("sys.version"), json.python_version);
      assertEquals(f.get("sys.prefix"), json.sys_prefix);
      assertEquals(f.get("venv")?.startsWith("yes"), json.venv);
      assertEquals(Number(f.get("Compatible tags")), json.compatible_tags.length);
      const tags = text.split("Compatible tags: ")[1]!.split("\n").slice(1).filter((l) => l !== "")
        .map((l) => l.trim());
      assertEquals(tags, json.compatible_tags);
    },
  },
  {
    name: "index versions",
    schema: "index-versions",
    text: ["index", "versions", "lib"],
    json: ["index", "versions", "--format", "json", "lib"],
    facts: async (text, json, { run }) => {
      assertEquals(lines(text).slice(0, 2), [
        `lib (${json.latest})`,
        `Available versions: ${json.versions.join(", ")}`,
      ]);
      assertEquals(json.versions, ["2.0", "1.0"]);
      assertEquals(json.installed_version, "2.0");
      // pip's spelling prints the same bytes.
      const pipStyle = await run(["index", "versions", "--json", "lib"]);
      assertEquals(
        pipStyle.stdout,
        JSON.stringify(json).replaceAll('","', '", "')
          .replaceAll('":', '": ').replaceAll('],"', '], "') + "\n",
      );
    },
  },
  {
    name: "download",
    schema: "download",
    text: ["download", "--no-deps", "-d", "text-dl", "lib==1.0", "tool"],
    json: ["download", "--no-deps", "-d", "json-dl", "--format", "json", "lib==1.0", "tool"],
    facts: (text, json, { home }) => {
      const saved = lines(text).filter((l) => l.startsWith("Saved ")).map((l) => l.slice(6));
      assertEquals(
        // deno-lint-ignore no-explicit-any
        json.files.map((f: any) => f.path.replace(join(home, "json-dl"), "./text-dl")),
        saved,
      );
      // deno-lint-ignore no-explicit-any
      assertEquals(json.files.map((f: any) => `${f.name}-${f.version}`), ["lib-1.0", "tool-1.0"]);
      assertEquals(json.dest, join(home, "json-dl"));
    },
  },
  {
    name: "uninstall",
    schema: "uninstall",
    text: ["uninstall", "-y", "tool", "never-installed"],
    json: ["uninstall", "-y", "--format", "json", "tool", "never-installed"],
    between: async ({ env }) => {
      const result = await env.install(["tool"]);
      assertEquals(result.status, 0, result.stderr);
    },
    facts: (text, json) => {
      assertEquals(lines(text), [
        "Found existing installation: tool 1.0",
        "Uninstalling tool-1.0:",
        "  Successfully uninstalled tool-1.0",
      ]);
      assertEquals(json.removed.length, 1);
      assertEquals(json.removed[0].name, "tool");
      assertEquals(json.removed[0].version, "1.0");
      assertEquals(json.removed[0].reason, "requested");
      assertEquals(json.not_installed, ["never-installed"]);
    },
  },
  {
    name: "install",
    schema: "install",
    text: ["install", "tool"],
    json: ["install", "--format", "json", "tool"],
    between: async ({ run }) => {
      const result = await run(["uninstall", "-y", "tool"]);
      assertEquals(result.status, 0, result.stderr);
    },
    facts: (text, json) => {
      assertEquals(lines(text).at(-1), "Successfully installed tool-1.0");
      assertEquals(json.dry_run, false);
      assertEquals(json.installed, [{ name: "tool", version: "1.0", requested: true }]);
      assertEquals(json.conflicts, { missing: [], conflicting: [] });
    },
  },
  {
    name: "install --dry-run (a downgrade)",
    schema: "install",
    text: ["install", "--dry-run", "lib==1.0"],
    json: ["install", "--dry-run", "--format", "json", "lib==1.0"],
    facts: (text, json) => {
      assertEquals(lines(text).at(-1), "Would install lib-1.0");
      assertEquals(json.dry_run, true);
      assertEquals(json.installed, [{
        name: "lib",
        version: "1.0",
        requested: true,
        replaced_version: "2.0",
      }]);
      assertEquals(json.conflicts, null);
    },
  },
  {
    name: "tree",
    schema: "tree",
    text: ["tree"],
    json: ["tree", "--format", "json"],
    facts: (text, json) => {
      assertEquals(jsonTreeFacts(json), treeFacts(text));
      assert(text.includes("lib v2.0 [required: <2] (conflict)"), text);
    },
  },
  {
    name: "tree --reverse --depth 1",
    schema: "tree",
    text: ["tree", "--reverse", "--depth", "1", "lib"],
    json: ["tree", "--reverse", "--depth", "1", "--format", "json", "lib"],
    facts: (text, json) => {
      assertEquals(json.reverse, true);
      assertEquals(json.depth, 1);
      // deno-lint-ignore no-explicit-any
      assertEquals(json.roots[0].children.map((c: any) => c.name), ["app", "broken"]);
      assertEquals(lines(text).length, 3);
    },
  },
  {
    name: "lock",
    schema: "lock",
    text: ["lock", "-o", "text.toml", "app"],
    json: ["lock", "-o", "json.toml", "--format", "json", "app"],
    facts: async (text, json, { home }) => {
      assertEquals(text, "");
      const written = await Deno.readTextFile(join(home, "json.toml"));
      assertEquals(await Deno.readTextFile(join(home, "text.toml")), written);
      assertEquals(json.output, join(home, "json.toml"));
      // deno-lint-ignore no-explicit-any
      const lock = parseToml(written) as any;
      assertEquals(json.lock_version, lock["lock-version"]);
      assertEquals(json.created_by, lock["created-by"]);
      // deno-lint-ignore no-explicit-any
      type Any = any;
      assertEquals(
        json.packages.map((
          p: Any,
        ) => [p.name, p.version, p.source, p.files.map((f: Any) => f.url)]),
        lock.packages.map((
          p: Any,
        ) => [p.name, p.version, "index", p.wheels.map((w: Any) => w.url)]),
      );
      // deno-lint-ignore no-explicit-any
      assertEquals(json.packages.map((p: any) => `${p.name}==${p.version}`), [
        "app==2.0",
        "lib==2.0",
      ]);
      assertEquals(
        json.packages[0].files[0].hashes.sha256,
        lock.packages[0].wheels[0].hashes.sha256,
      );
    },
  },
  {
    name: "compile",
    schema: "compile",
    text: ["compile", "--generate-hashes", "reqs.in"],
    json: ["compile", "--generate-hashes", "--format", "json", "reqs.in"],
    before: async ({ home }) => {
      await Deno.writeTextFile(join(home, "reqs.in"), "app\n");
    },
    facts: (text, json) => {
      const pins = lines(text).filter((line) => !line.startsWith("#") && !line.startsWith(" "));
      // deno-lint-ignore no-explicit-any
      assertEquals(json.packages.map((p: any) => `${p.requirement}==${p.version} \\`), pins);
      // deno-lint-ignore no-explicit-any
      const hashes = json.packages.flatMap((p: any) => p.hashes.map((h: string) => `--hash=${h}`));
      assertEquals(
        hashes,
        lines(text).map((l) => l.trim()).filter((l) => l.startsWith("--hash=")).map((l) =>
          l.replace(/ \\$/, "")
        ),
      );
      assertEquals(json.packages[1].via, ["app"]);
      assertEquals(json.output, null);
    },
  },
  {
    name: "venv",
    schema: "venv",
    text: ["venv", "text-venv"],
    json: ["venv", "--format", "json", "json-venv"],
    textOn: "stderr",
    facts: (text, json, { home }) => {
      const [using, created, activate] = lines(text);
      assertEquals(using, `Using Python ${json.python_version} at ${json.base_python}`);
      assertEquals(created, "Created a virtual environment at text-venv");
      assertEquals(activate, "Activate it with: source text-venv/bin/activate");
      assertEquals(json.path, join(home, "json-venv"));
      assertEquals(json.activate, join(home, "json-venv", "bin", "activate"));
      assertEquals(json.prompt, "json-venv");
      assertEquals(json.seeded, []);
      assert(Deno.statSync(json.python).isFile);
    },
  },
  {
    name: "upgrade",
    schema: "install",
    text: ["upgrade", "solo"],
    json: ["upgrade", "--format", "json", "solo"],
    before: async ({ env }) => {
      const result = await env.install(["solo==1.0"]);
      assertEquals(result.status, 0, result.stderr);
    },
    between: async ({ env }) => {
      const result = await env.install(["solo==1.0"]);
      assertEquals(result.status, 0, result.stderr);
    },
    facts: (text, json) => {
      assertEquals(lines(text).filter((l) => l.startsWith("Upgrading ")), [
        "Upgrading solo 1.0 -> 2.0",
      ]);
      assertEquals(json.installed, [{
        name: "solo",
        version: "2.0",
        requested: true,
        replaced_version: "1.0",
      }]);
    },
  },
  {
    name: "upgrade (nothing to upgrade)",
    schema: "install",
    text: ["upgrade", "--dry-run", "solo"],
    json: ["upgrade", "--dry-run", "--format", "json", "solo"],
    after: async ({ run }) => {
      const result = await run(["uninstall", "-y", "solo"]);
      assertEquals(result.status, 0, result.stderr);
    },
    facts: (text, json) => {
      assertStringIncludes(text, "Nothing to upgrade: solo already at the newest version");
      assertEquals(json.dry_run, true);
      assertEquals(json.installed, []);
    },
  },
  {
    name: "sync --dry-run",
    schema: "sync",
    text: ["sync", "--dry-run", "sync.txt"],
    json: ["sync", "--dry-run", "--format", "json", "sync.txt"],
    before: async ({ home }) => {
      await Deno.writeTextFile(join(home, "sync.txt"), "lib==1.0\ntool==1.0\n");
    },
    facts: (text, json) => {
      const said = lines(text);
      // deno-lint-ignore no-explicit-any
      const names = (list: any[]) => list.map((d: any) => `${d.name.toLowerCase()}-${d.version}`);
      assertEquals(said.at(-2), `Would install ${names(json.installed).join(" ")}`);
      assertEquals(
        said.at(-1),
        // deno-lint-ignore no-explicit-any
        `Would uninstall ${json.removed.map((d: any) => d.name.toLowerCase()).join(" ")}`,
      );
      assertEquals(names(json.installed), ["lib-1.0"]);
      assertEquals(names(json.satisfied), ["tool-1.0"]);
      assertEquals(json.dry_run, true);
    },
  },
  {
    name: "sync",
    schema: "sync",
    text: ["sync", "sync.txt"],
    json: ["sync", "--format", "json", "sync.txt"],
    between: async ({ env }) => {
      const result = await env.install(["app[extra]", "lib==2.0"]);
      assertEquals(result.status, 0, result.stderr);
      writeDists(env.venv.sitePackages, [
        { name: "broken", version: "1.0", requires: ["lib<2", "absent>=1"] },
      ]);
    },
    facts: (text, json) => {
      const uninstalled = lines(text).filter((l) => l.startsWith("  Successfully uninstalled "))
        .map((l) => l.slice("  Successfully uninstalled ".length));
      // deno-lint-ignore no-explicit-any
      assertEquals(json.removed.map((d: any) => `${d.name}-${d.version}`), uninstalled);
      assertEquals(uninstalled.length, 3);
      assertEquals(
        lines(text).find((l) => l.startsWith("Successfully installed ")),
        "Successfully installed lib-1.0",
      );
      assertEquals(json.installed, [{
        name: "lib",
        version: "1.0",
        requested: true,
        replaced_version: "2.0",
      }]);
      assertEquals(json.dry_run, false);
    },
  },
];

Deno.test({
  name:
    "--format json: every command's JSON validates against its schema and says what its text says",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  sanitizeResources: false,
  fn: (t) =>
    withIndexEnv({
      cacheDir: true,
      files: [...demoFiles(), demoWheel("solo", "1.0"), demoWheel("solo", "2.0")],
    }, async (env) => {
      const { home, venv } = env;
      const config = join(home, "pip.conf");
      await Deno.writeTextFile(config, "[global]\ntimeout = 30\n[install]\nno-compile = yes\n");
      const context: RowContext = {
        env,
        home,
        run: (args) =>
          env.dpip([
            ...args,
            "--python",
            venv.python,
            "--cache-dir",
            join(home, "cache"),
            ...(["index", "download", "install", "list", "lock", "compile", "sync", "upgrade"]
                .includes(args[0]!)
              ? ["-i", env.server.url]
              : []),
          ], { env: { PIP_CONFIG_FILE: config, PIP_RETRIES: "0" } }),
      };
      const seeded = await env.install(["app[extra]", "tool"]);
      assertEquals(seeded.status, 0, seeded.stderr);
      writeDists(venv.sitePackages, [
        { name: "broken", version: "1.0", requires: ["lib<2", "absent>=1"] },
      ]);
      for (const row of ROWS) {
        await t.step(row.name, async () => {
          await row.before?.(context);
          const text = await context.run(row.text);
          await row.between?.(context);
          const json = await context.run(row.json);
          const status = row.status ?? 0;
          assertEquals(text.status, status, text.stderr);
          assertEquals(json.status, status, json.stderr);
          const document = JSON.parse(json.stdout);
          assertEquals(schemaErrors(row.schema, document), [], json.stdout);
          await row.facts(row.textOn === "stderr" ? text.stderr : text.stdout, document, context);
          await row.after?.(context);
        });
      }
      const oracle = await pip26();
      await t.step({
        name: "index versions --json is pip 26's bytes",
        ignore: oracle === undefined,
        fn: async () => {
          const ours = await context.run(["index", "versions", "--json", "lib"]);
          const result = await new Deno.Command(oracle!.script, {
            args: [
              "--isolated",
              "--python",
              venv.python,
              "index",
              "versions",
              "--json",
              "lib",
              "-i",
              env.server.url,
            ],
            stdout: "piped",
            stderr: "piped",
          }).output();
          assertEquals(ours.stdout, new TextDecoder().decode(result.stdout));
        },
      });
    }),
});

Deno.test("lock: -o - and --format json both want stdout, which is refused in one line", async () => {
  const { dpip } = await import("./install_support.ts");
  const home = await Deno.makeTempDir({ prefix: "dpip-lock-json-" });
  const result = await dpip(["lock", "-o", "-", "--format", "json", "--no-index", "demo"], {
    home,
  }).finally(() => Deno.remove(home, { recursive: true }));
  assertEquals(result.status, 2, result.stderr);
  assertEquals(
    result.stderr,
    "ERROR: -o - and --format json both write to stdout: give -o a file name for the lock\n",
  );
  assertEquals(result.stdout, "");
});
