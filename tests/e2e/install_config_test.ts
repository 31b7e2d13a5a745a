/**
 * Every requirements-file and configuration rule of `install`, one table
 * row each, against three in-process indexes and a find-links directory
 * that each offer a different version of `cfg-demo` (so the version chosen
 * shows which source won). Each row runs `install --dry-run --report -` in
 * dpip and, where pip defines the rule, in pip 23.2.1 with the same files,
 * variables and flags: the chosen versions must agree.
 */

import { join } from "node:path";
import { assertEquals, assertMatch } from "../helpers/assert.ts";
import { startIndexServer } from "../helpers/index_server.ts";
import { skipUnless } from "../helpers/python.ts";
import { buildWheel } from "../helpers/wheel_builder.ts";
import {
  demoWheel,
  dpip,
  makeVenv,
  oracle,
  python311,
  type RunResult,
  tempHome,
} from "./install_support.ts";

/** One rule. Paths in `files` are relative to a fresh home directory (the working directory). */
interface Case {
  readonly title: string;
  readonly files?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly args: string[];
  /** The chosen `name==version`s (also required of pip unless `pipDiffers`). */
  readonly expect?: string[];
  /** The error dpip must give (pip words its errors differently). */
  readonly error?: RegExp;
  /** Skip the comparison with pip (the rule is dpip's, or pip cannot run it). */
  readonly pipDiffers?: string;
}

/** `{A}`, `{B}`, `{C}` are the three index URLs, `{LINKS}` the find-links directory. */
const CASES: Case[] = [
  {
    title: "index-url from the user config file",
    files: { ".config/pip/pip.conf": "[global]\nindex-url = {A}\n" },
    args: ["cfg-demo"],
    expect: ["cfg-demo==1.0"],
  },
  {
    title: "the legacy user file ~/.pip/pip.conf",
    files: { ".pip/pip.conf": "[global]\nindex-url = {B}\n" },
    args: ["cfg-demo"],
    expect: ["cfg-demo==2.0"],
  },
  {
    title: "an [install] section overrides [global]",
    files: { ".config/pip/pip.conf": "[global]\nindex-url = {A}\n[install]\nindex-url = {B}\n" },
    args: ["cfg-demo"],
    expect: ["cfg-demo==2.0"],
  },
  {
    title: "PIP_INDEX_URL overrides the config file",
    files: { ".config/pip/pip.conf": "[global]\nindex-url = {A}\n" },
    env: { PIP_INDEX_URL: "{B}" },
    args: ["cfg-demo"],
    expect: ["cfg-demo==2.0"],
  },
  {
    title: "-i overrides PIP_INDEX_URL, which overrides the file",
    files: { ".config/pip/pip.conf": "[install]\nindex-url = {A}\n" },
    env: { PIP_INDEX_URL: "{B}" },
    args: ["-i", "{C}", "cfg-demo"],
    expect: ["cfg-demo==3.0"],
  },
  {
    title: "PIP_CONFIG_FILE is read after the user file",
    files: {
      ".config/pip/pip.conf": "[global]\nindex-url = {A}\n",
      "custom.conf": "[global]\nindex-url = {B}\n",
    },
    env: { PIP_CONFIG_FILE: "{HOME}/custom.conf" },
    args: ["cfg-demo"],
    expect: ["cfg-demo==2.0"],
  },
  {
    title: "the site file ($VIRTUAL_ENV/pip.conf) overrides the user file",
    files: {
      ".config/pip/pip.conf": "[global]\nindex-url = {A}\n",
      "venv/pip.conf": "[global]\nindex-url = {C}\n",
    },
    env: { VIRTUAL_ENV: "{HOME}/venv" },
    args: ["cfg-demo"],
    expect: ["cfg-demo==3.0"],
    pipDiffers: "pip reads the site file of the interpreter it runs in, not $VIRTUAL_ENV",
  },
  {
    title: "--isolated ignores PIP_* variables and the user file",
    files: { ".config/pip/pip.conf": "[global]\nindex-url = {A}\n" },
    env: { PIP_NO_INDEX: "1", PIP_INDEX_URL: "{B}" },
    args: ["--isolated", "-i", "{C}", "cfg-demo"],
    expect: ["cfg-demo==3.0"],
  },
  {
    title: "PIP_EXTRA_INDEX_URL is a space-separated list, merged with the index",
    env: { PIP_EXTRA_INDEX_URL: "{B} {C}" },
    args: ["-i", "{A}", "cfg-demo"],
    expect: ["cfg-demo==3.0"],
  },
  {
    title: "PIP_NO_INDEX=yes with PIP_FIND_LINKS",
    env: { PIP_NO_INDEX: "yes", PIP_FIND_LINKS: "{LINKS}" },
    args: ["-i", "{A}", "cfg-demo"],
    expect: ["cfg-demo==4.0"],
  },
  {
    title: "PIP_PRE=true admits pre-releases; --pre in a config file too",
    env: { PIP_PRE: "true" },
    args: ["-i", "{A}", "cfg-pre"],
    expect: ["cfg-pre==2.0b1"],
  },
  {
    title: "pre = false in the file, and no pre-release without it",
    files: { ".config/pip/pip.conf": "[install]\npre = false\n" },
    args: ["-i", "{A}", "cfg-pre"],
    expect: ["cfg-pre==1.0"],
  },
  {
    title: "no-deps = yes in an [install] section",
    files: { ".config/pip/pip.conf": "[install]\nno-deps = yes\n" },
    args: ["-i", "{A}", "cfg-app"],
    expect: ["cfg-app==1.0"],
  },
  {
    title: "PIP_NO_DEPS=0 is false",
    env: { PIP_NO_DEPS: "0" },
    args: ["-i", "{A}", "cfg-app"],
    expect: ["cfg-app==1.0", "cfg-demo==1.0"],
  },
  {
    title: "-r nests relative to the including file",
    files: {
      "reqs/main.txt": "-r sub/more.txt\ncfg-app\n",
      "reqs/sub/more.txt": "-r ../../other.txt\n",
      "other.txt": "cfg-pre\n",
    },
    args: ["-i", "{A}", "-r", "reqs/main.txt"],
    expect: ["cfg-app==1.0", "cfg-demo==1.0", "cfg-pre==1.0"],
  },
  {
    title: "comments, inline comments and continued lines",
    files: { "r.txt": "# a comment\n\ncfg-demo \\\n    ==2.0  # why\n" },
    args: ["-i", "{A}", "--extra-index-url", "{B}", "--extra-index-url", "{C}", "-r", "r.txt"],
    expect: ["cfg-demo==2.0"],
  },
  {
    title: "${VAR} is expanded from the environment",
    files: { "r.txt": "cfg-demo==${DEMO_VERSION}\n" },
    env: { DEMO_VERSION: "2.0" },
    args: ["-i", "{A}", "--extra-index-url", "{B}", "-r", "r.txt"],
    expect: ["cfg-demo==2.0"],
  },
  {
    title: "-c constraints limit versions and never add projects",
    files: { "c.txt": "cfg-demo<3\ncfg-unused==1.0\n" },
    args: [
      "-i",
      "{A}",
      "--extra-index-url",
      "{B}",
      "--extra-index-url",
      "{C}",
      "-c",
      "c.txt",
      "cfg-demo",
    ],
    expect: ["cfg-demo==2.0"],
  },
  {
    title: "-i and --extra-index-url inside a requirements file",
    files: { "r.txt": "--index-url {B}\n--extra-index-url {C}\ncfg-demo\n" },
    args: ["-r", "r.txt"],
    expect: ["cfg-demo==3.0"],
  },
  {
    title: "a requirements file's --index-url replaces the one given on the command line",
    files: { "r.txt": "--index-url {B}\ncfg-demo\n" },
    args: ["-i", "{C}", "-r", "r.txt"],
    expect: ["cfg-demo==2.0"],
  },
  {
    title: "--no-index and -f inside a requirements file",
    files: { "r.txt": "--no-index\n-f {LINKS}\ncfg-demo\n" },
    args: ["-i", "{A}", "-r", "r.txt"],
    expect: ["cfg-demo==4.0"],
  },
  {
    title: "--pre inside a requirements file",
    files: { "r.txt": "--pre\ncfg-pre\n" },
    args: ["-i", "{A}", "-r", "r.txt"],
    expect: ["cfg-pre==2.0b1"],
  },
  {
    title: "--only-binary inside a file leaves a project with only an sdist unusable",
    files: { "r.txt": "--only-binary :all:\ncfg-source\n" },
    args: ["-i", "{A}", "-r", "r.txt"],
    error: /cfg-source/,
  },
  {
    title: "an error names the file and line",
    files: { "r.txt": "cfg-demo\n\ncfg-demo=1.0\n" },
    args: ["-i", "{A}", "-r", "r.txt"],
    error: /r\.txt(, line |:)3/,
  },
  {
    title: "a missing nested file names the including file",
    files: { "r.txt": "-r nope.txt\n" },
    args: ["-i", "{A}", "-r", "r.txt"],
    error: /nope\.txt: cannot read: .*\(included from .*r\.txt\)/,
  },
  {
    title: "a malformed pylock.toml is named, with what is missing",
    files: { "pylock.toml": "lock-version = '1.0'\n" },
    args: ["-i", "{A}", "-r", "pylock.toml"],
    error: /Invalid pylock file 'pylock\.toml': Missing required value in 'created-by'/,
  },
  {
    title: "-e of a project whose build backend no index has names the build dependencies",
    files: { "proj/pyproject.toml": "[project]\nname = 'p'\n" },
    args: ["-i", "{A}", "-e", "./proj"],
    error: /Cannot build \.\/proj: cannot install its build dependencies \(setuptools>=40\.8\.0/,
  },
  {
    title: "a constraint with extras is refused",
    files: { "c.txt": "cfg-demo[x]<3\n" },
    args: ["-i", "{A}", "-c", "c.txt", "cfg-demo"],
    error: /constraints cannot have extras/,
  },
];

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(A|B|C|LINKS|HOME)\}/g, (_, key: string) => values[key]!);
}

function chosen(result: RunResult): string[] | undefined {
  if (result.status !== 0) return undefined;
  const report = JSON.parse(result.stdout);
  return report.install.map((item: { metadata: { name: string; version: string } }) =>
    `${item.metadata.name.toLowerCase()}==${item.metadata.version}`
  ).sort();
}

async function pipRun(
  python: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<RunResult> {
  const result = await new Deno.Command(oracle!, {
    args: ["-m", "pip", "--python", python, ...args],
    env: {
      PIP_DISABLE_PIP_VERSION_CHECK: "1",
      PIP_NO_INPUT: "1",
      PATH: Deno.env.get("PATH") ?? "",
      ...env,
    },
    clearEnv: true,
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    status: result.code,
    stdout: decoder.decode(result.stdout),
    stderr: decoder.decode(result.stderr),
  };
}

Deno.test({
  name: "requirements files and configuration: each rule, the same choice as pip",
  ignore: skipUnless(python311 && oracle, "pyenv Python 3.11 with pip"),
  async fn(t) {
    const { home: root, done } = await tempHome("dpip-config-");
    const sdist = { filename: "cfg_source-1.0.tar.gz", bytes: new TextEncoder().encode("x") };
    const servers = await Promise.all([
      startIndexServer({
        files: [
          demoWheel("cfg-demo", "1.0"),
          demoWheel("cfg-pre", "1.0"),
          demoWheel("cfg-pre", "2.0b1"),
          demoWheel("cfg-app", "1.0", { metadata: { requiresDist: ["cfg-demo"] } }),
          sdist,
        ],
      }),
      startIndexServer({ files: [demoWheel("cfg-demo", "2.0")] }),
      startIndexServer({ files: [demoWheel("cfg-demo", "3.0")] }),
    ]);
    try {
      const venv = await makeVenv(join(root, "venv"));
      const links = join(root, "links");
      await Deno.mkdir(links);
      const wheel = buildWheel({ name: "cfg-demo", version: "4.0", files: { "cfg_demo.py": "" } });
      await Deno.writeFile(join(links, wheel.filename), wheel.bytes);
      let index = 0;
      for (const c of CASES) {
        await t.step(c.title, async () => {
          const home = join(root, `case${index++}`);
          await Deno.mkdir(home);
          const values = {
            A: servers[0]!.url,
            B: servers[1]!.url,
            C: servers[2]!.url,
            LINKS: links,
            HOME: home,
          };
          for (const [path, text] of Object.entries(c.files ?? {})) {
            await Deno.mkdir(join(home, path, ".."), { recursive: true });
            await Deno.writeTextFile(join(home, path), fill(text, values));
          }
          const env: Record<string, string> = {
            HOME: home,
            XDG_CONFIG_DIRS: join(home, "no-global"),
            ...Object.fromEntries(
              Object.entries(c.env ?? {}).map(([k, v]) => [k, fill(v, values)]),
            ),
          };
          const args = [
            "install",
            "--python",
            venv.python,
            "--dry-run",
            "-q",
            "--report",
            "-",
            ...c.args.map((arg) => fill(arg, values)),
          ];
          const ours = await dpip(args, {
            home,
            rawEnv: { PATH: Deno.env.get("PATH") ?? "", ...env },
          });
          if (c.error !== undefined) {
            assertEquals(ours.status === 0 ? 0 : 1, 1, ours.stdout);
            assertMatch(ours.stderr, c.error);
            return;
          }
          assertEquals(chosen(ours), c.expect, ours.stderr);
          if (c.pipDiffers === undefined) {
            const theirs = await pipRun(venv.python, ["install", ...args.slice(3)], env, home);
            assertEquals(chosen(theirs), c.expect, `pip: ${theirs.stderr}`);
          }
        });
      }
    } finally {
      await Promise.all(servers.map((server) => server.close()));
      await done();
    }
  },
});
