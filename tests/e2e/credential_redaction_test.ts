/**
 * No password ever leaves dpip: real `install`, `download`, dry runs with a
 * report, failing runs, `-v` and `--log FILE`, in-process, against an index
 * that wants HTTP basic auth, with credentials in every place a URL can be
 * given (index, extra index, find-links, `name @ URL`, a bare URL, a
 * requirements file, `-e` VCS URLs). Everything a run leaves is searched for
 * the secret: stdout, stderr, the log file, the report, and every file
 * written under the home (the environment, the cache, downloaded files).
 */

import { join, relative } from "node:path";
import { assertEquals } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { demoFiles, dpip, python311 } from "./install_support.ts";
import { makeVenv } from "./install_wheel_support.ts";
import { startIndexServer } from "../helpers/index_server.ts";

const SECRET = "Zq7secretPASSWORD";
const WRONG = "Wr0ngSECRETguess";
const TOKEN = "T0kenSECRETonly";
/** A password with a raw `@`: URL parsers split at the last one. */
const AT_SECRET = ["AtPart1", "AtPart2"] as const;
/** Every form a leaked secret could take: the passwords, and the basic-auth header's base64. */
const FORBIDDEN = [
  SECRET,
  WRONG,
  TOKEN,
  ...AT_SECRET,
  btoa(`alice:${SECRET}`),
  btoa(`alice:${WRONG}`),
];

interface Scenario {
  /** What is run, for the failure message. */
  readonly name: string;
  /** The arguments (after `--python` is filled in for `install`). */
  readonly args: readonly string[];
  /** The exit status expected: 0, or non-zero for the failing runs. */
  readonly fails: boolean;
  /** Environment variables for the run. */
  readonly env?: Record<string, string>;
}

/** Every file under `dir` (symbolic links not followed), with its path. */
async function* walk(dir: string): AsyncGenerator<string> {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}

function leaks(text: string): string[] {
  return FORBIDDEN.filter((secret) => text.includes(secret));
}

Deno.test({
  name: "no run shows or stores a password from any URL it was given",
  ignore: skipUnless(python311, "pyenv's Python 3.11"),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const home = await Deno.makeTempDir({ prefix: "dpip-redact-" });
    const servedRequirements = new TextEncoder().encode("pinned\n");
    const inputs = await Deno.makeTempDir({ prefix: "dpip-redact-in-" });
    const server = await startIndexServer({
      files: [...demoFiles(), { filename: "served-requirements.txt", bytes: servedRequirements }],
      auth: { username: "alice", password: SECRET },
    });
    try {
      const venv = await makeVenv(join(home, "venv"));
      const authed = (path: string, password = SECRET) =>
        `${server.origin.replace("://", `://alice:${password}@`)}${path}`;
      const index = authed("simple/");
      const file = (name: string) => authed(`files/${name}`);
      const log = join(home, "dpip.log");
      const report = join(home, "report.json");
      const dest = join(home, "downloads");
      const cache = ["--cache-dir", join(home, "cache")];
      const requirements = join(inputs, "requirements.txt");
      await Deno.writeTextFile(
        requirements,
        [
          `--index-url ${index}`,
          `--extra-index-url ${authed("simple")}`,
          `--find-links ${authed("simple/extra-dep/")}`,
          `extra-dep @ ${file("extra_dep-1.0-py3-none-any.whl")}`,
          "pinned",
          "",
        ].join("\n"),
      );
      const badHash = join(inputs, "bad-hash.txt");
      await Deno.writeTextFile(
        badHash,
        `lib==1.0 --hash=sha256:${"0".repeat(64)}\n`,
      );
      const install = (
        ...args: string[]
      ) => ["install", "--python", venv.python, ...cache, ...args];
      const download = (...args: string[]) => ["download", "-d", dest, ...cache, ...args];
      const logged = ["-v", "--log", log];
      const scenarios: Scenario[] = [
        {
          name: "install from an index",
          args: install("-i", index, "app", ...logged),
          fails: false,
        },
        {
          name: "dry run with a report",
          args: install("--dry-run", "--report", report, "-i", index, "app[extra]", ...logged),
          fails: false,
        },
        {
          name: "dry run with a report of a direct URL",
          args: install(
            "--dry-run",
            "--report",
            report,
            "--ignore-installed",
            "-i",
            index,
            `app @ ${file("app-2.0-py3-none-any.whl")}`,
            ...logged,
          ),
          fails: false,
        },
        {
          name: "install name @ URL",
          args: install("-i", index, `lib @ ${file("lib-1.0-py3-none-any.whl")}`, ...logged),
          fails: false,
        },
        {
          name: "install a bare wheel URL",
          args: install("-i", index, file("tool-1.0-py3-none-any.whl"), ...logged),
          fails: false,
        },
        {
          name: "install a requirements file",
          args: install("-r", requirements, ...logged),
          fails: false,
        },
        {
          name: "install from find-links only",
          args: install(
            "--no-index",
            "--force-reinstall",
            "--find-links",
            authed("simple/tool/"),
            "tool",
            ...logged,
          ),
          fails: false,
        },
        {
          name: "install from a requirements file and constraints served by URL",
          args: install(
            "-i",
            index,
            "-r",
            file("served-requirements.txt"),
            "-c",
            file("served-requirements.txt"),
            ...logged,
          ),
          fails: false,
        },
        {
          name: "install with the index in PIP_INDEX_URL and PIP_EXTRA_INDEX_URL",
          args: install("--force-reinstall", "lib<2", ...logged),
          env: { PIP_INDEX_URL: index, PIP_EXTRA_INDEX_URL: authed("simple") },
          fails: false,
        },
        {
          name: "freeze after installing from URLs",
          args: ["freeze", "--python", venv.python],
          fails: false,
        },
        {
          name: "inspect after installing from URLs",
          args: ["inspect", "--python", venv.python],
          fails: false,
        },
        {
          name: "list --outdated against the index",
          args: ["list", "--outdated", "--python", venv.python, "-i", index],
          fails: false,
        },
        {
          name: "report of a reinstall through extra index",
          args: install(
            "--dry-run",
            "--report",
            "-",
            "--force-reinstall",
            "-i",
            index,
            "--extra-index-url",
            authed("simple/"),
            "tool",
            "-v",
          ),
          fails: false,
        },
        {
          name: "install a project no index has",
          args: install("-i", index, "no-such-project", ...logged),
          fails: true,
        },
        {
          name: "install an impossible version",
          args: install("-i", index, "app==9", ...logged),
          fails: true,
        },
        {
          name: "install a URL that is not there",
          args: install(
            "-i",
            index,
            `missing @ ${file("missing-1.0-py3-none-any.whl")}`,
            ...logged,
          ),
          fails: true,
        },
        {
          name: "install a file whose hash does not match",
          args: install("-i", index, "--force-reinstall", "-r", badHash, ...logged),
          fails: true,
        },
        {
          name: "dry run of a file whose hash does not match",
          args: install(
            "-i",
            index,
            "--dry-run",
            "--ignore-installed",
            "--report",
            report,
            "-r",
            badHash,
            ...logged,
          ),
          fails: true,
        },
        {
          name: "install with a wrong password",
          args: install("-i", authed("simple/", WRONG), "--retries", "0", "app", ...logged),
          fails: true,
        },
        {
          name: "install with a token that is refused",
          args: install(
            "-i",
            `${server.origin.replace("://", `://${TOKEN}@`)}simple/`,
            "--retries",
            "0",
            "app",
            ...logged,
          ),
          fails: true,
        },
        {
          name: "install with a password holding a raw @",
          args: install(
            "-i",
            authed("simple/", AT_SECRET.join("@")),
            "--retries",
            "0",
            "app",
            ...logged,
          ),
          fails: true,
        },
        {
          name: "install a VCS URL",
          args: install(`repo @ git+${authed("repo.git")}`, ...logged),
          fails: true,
        },
        {
          name: "install an editable VCS URL",
          args: install(
            "-e",
            `git+${authed("repo.git")}#egg=repo`,
            ...logged,
          ),
          fails: true,
        },
        {
          name: "install with an unreachable extra index",
          args: install(
            "-i",
            index,
            "--extra-index-url",
            `http://alice:${WRONG}@127.0.0.1:1/simple/`,
            "--retries",
            "0",
            "--timeout",
            "2",
            "app",
            ...logged,
          ),
          // Skipped with a warning (that names it, redacted), as pip does.
          fails: false,
        },
        {
          name: "download with dependencies",
          args: download("-i", index, "app", "-v"),
          fails: false,
        },
        {
          name: "download a bare URL",
          args: download("--no-deps", file("tool-1.0-py3-none-any.whl"), "-v", "--log", log),
          fails: false,
        },
        {
          name: "download a project no index has",
          args: download("-i", index, "no-such-project", "--log", log),
          fails: true,
        },
        {
          name: "download an impossible version",
          args: download("-i", index, "app==9", "--log", log),
          fails: true,
        },
        {
          name: "download a VCS URL",
          args: download(`repo @ git+${authed("repo.git")}`, "--log", log),
          fails: true,
        },
        {
          name: "download a URL that is not there",
          args: download("--no-deps", file("missing-1.0-py3-none-any.whl"), "--log", log),
          fails: true,
        },
      ];
      const found: string[] = [];
      for (const scenario of scenarios) {
        await Deno.remove(log).catch(() => {});
        await Deno.remove(report).catch(() => {});
        const result = await dpip(scenario.args, {
          home,
          env: { NO_COLOR: "1", ...scenario.env },
        });
        const failed = result.status !== 0;
        if (failed !== scenario.fails) {
          found.push(
            `${scenario.name}: exit ${result.status} (${
              scenario.fails ? "should fail" : "should pass"
            })\n${result.stderr}`,
          );
        }
        const sinks: [string, string][] = [
          ["stdout", result.stdout],
          ["stderr", result.stderr],
          ["--log file", await Deno.readTextFile(log).catch(() => "")],
          ["--report file", await Deno.readTextFile(report).catch(() => "")],
        ];
        for (const [sink, text] of sinks) {
          const leaked = leaks(text);
          if (leaked.length > 0) {
            const line = text.split("\n").find((l) => leaks(l).length > 0) ?? "";
            found.push(`${scenario.name}: ${sink} shows ${leaked.join(", ")}: ${line.trim()}`);
          }
        }
        for await (const path of walk(home)) {
          const text = new TextDecoder().decode(await Deno.readFile(path));
          const leaked = leaks(text);
          if (leaked.length > 0) {
            found.push(`${scenario.name}: ${relative(home, path)} stores ${leaked.join(", ")}`);
            await Deno.remove(path); // report each stored leak once, where it first appears
          }
        }
      }
      assertEquals(found, []);
    } finally {
      await server.close();
      await Deno.remove(home, { recursive: true });
      await Deno.remove(inputs, { recursive: true });
    }
  },
});
