import { assertEquals, assertStringIncludes, assertThrows } from "../helpers/assert.ts";
import {
  applyConfiguration,
  type Configuration,
  isIsolated,
  loadConfiguration,
  mergedItems,
} from "../../lib/cli/configuration.ts";
import { IniSyntaxError, parseIni } from "../../lib/cli/ini.ts";
import { CommandUsageError, parseArgs } from "../../lib/cli/parse_args.ts";
import type { OptionDest } from "../../lib/cli/options.ts";

Deno.test("parseIni() reads configparser syntax", () => {
  const doc = parseIni(
    "\uFEFF# comment\n[global]\nIndex-URL = http://a/simple\ntimeout: 60\n; other comment\n" +
      "find-links =\n    /one\n    /two\nflag = yes # not a comment\n\n[install]\nno-deps=1\n",
    "pip.conf",
  );
  assertEquals([...doc.keys()], ["global", "install"]);
  const global = doc.get("global");
  assertEquals(global?.get("index-url"), "http://a/simple");
  assertEquals(global?.get("timeout"), "60");
  assertEquals(global?.get("find-links"), "\n/one\n/two");
  assertEquals(global?.get("flag"), "yes # not a comment");
  assertEquals(doc.get("install")?.get("no-deps"), "1");
});

Deno.test("parseIni() errors name the file and line", () => {
  const cases: [string, string][] = [
    ["key = 1\n", 'pip.conf, line 1: "key = 1" comes before any [section] header'],
    ["[a]\n[a]\n", "pip.conf, line 2: section [a] appears twice"],
    ["[a]\nx=1\nX=2\n", 'pip.conf, line 3: key "x" appears twice in its section'],
    ["[a]\njunk\n", 'pip.conf, line 2: "junk" is not "key = value"'],
  ];
  for (const [text, message] of cases) {
    const error = assertThrows(() => parseIni(text, "pip.conf"), IniSyntaxError);
    assertEquals(error.message, message);
  }
});

function fakeFiles(files: Record<string, string>) {
  return (path: string) => files[path];
}

const HOME = { HOME: "/h" };

Deno.test("loadConfiguration() reads global, user, site, then PIP_CONFIG_FILE", () => {
  const files = {
    "/etc/xdg/pip/pip.conf": "[global]\na = xdg\nb = xdg\n",
    "/etc/pip.conf": "[global]\nb = etc\nc = etc\n",
    "/h/.pip/pip.conf": "[global]\nc = legacy\nd = legacy\n",
    "/h/.config/pip/pip.conf": "[global]\nd = user\ne = user\n",
    "/venv/pip.conf": "[global]\ne = site\nf = site\n",
    "/custom.conf": "[global]\nf = env\n",
  };
  const config = loadConfiguration({
    env: { ...HOME, PIP_CONFIG_FILE: "/custom.conf" },
    isolated: false,
    sitePrefix: "/venv",
    readFile: fakeFiles(files),
  });
  // An existing PIP_CONFIG_FILE replaces the user files.
  assertEquals(config.files.map((f) => f.path), [
    "/etc/xdg/pip/pip.conf",
    "/etc/pip.conf",
    "/venv/pip.conf",
    "/custom.conf",
  ]);
  const noEnvFile = loadConfiguration({
    env: HOME,
    isolated: false,
    sitePrefix: "/venv",
    readFile: fakeFiles(files),
  });
  assertEquals(Object.fromEntries(mergedItems(noEnvFile)), {
    "global.a": "xdg",
    "global.b": "etc",
    "global.c": "legacy",
    "global.d": "user",
    "global.e": "site",
    "global.f": "site",
  });
});

Deno.test("XDG variables move the global and user files", () => {
  const config = loadConfiguration({
    env: { HOME: "/h", XDG_CONFIG_DIRS: "/x1:/x2", XDG_CONFIG_HOME: "/xh" },
    isolated: false,
    readFile: () => undefined,
  });
  assertEquals(config.files.map((f) => f.path), [
    "/x1/pip/pip.conf",
    "/x2/pip/pip.conf",
    "/etc/pip.conf",
    "/h/.pip/pip.conf",
    "/xh/pip/pip.conf",
  ]);
});

Deno.test("PIP_CONFIG_FILE=/dev/null skips every file but not PIP_* variables", () => {
  const config = loadConfiguration({
    env: { ...HOME, PIP_CONFIG_FILE: "/dev/null", PIP_TIMEOUT: "5" },
    isolated: false,
    readFile: () => "[global]\ntimeout = 9\n",
  });
  assertEquals(config.files, []);
  assertEquals(config.skipped, true);
  assertEquals(config.envVars.get("timeout"), "5");
});

Deno.test("isolated mode skips user files and PIP_* variables, keeps global and site", () => {
  const config = loadConfiguration({
    env: { ...HOME, PIP_TIMEOUT: "5" },
    isolated: true,
    sitePrefix: "/venv",
    readFile: () => "[global]\ntimeout = 9\n",
  });
  assertEquals(config.files.map((f) => f.variant), ["global", "global", "site"]);
  assertEquals(config.envVars.size, 0);
  assertEquals(isIsolated(parseArgs(["--isolated", "list"]), {}), true);
  assertEquals(isIsolated(parseArgs(["list"]), { PIP_ISOLATED: "yes" }), true);
  assertEquals(isIsolated(parseArgs(["list"]), { PIP_ISOLATED: "0" }), false);
});

function configWith(fileText: string, env: Record<string, string> = {}): Configuration {
  return loadConfiguration({
    env: { ...HOME, ...env },
    isolated: false,
    readFile: fakeFiles({ "/h/.config/pip/pip.conf": fileText }),
  });
}

const precedence: {
  name: string;
  file: string;
  env?: Record<string, string>;
  args: string[];
  dest: OptionDest;
  expect: unknown;
}[] = [
  {
    name: "[global] applies to every command",
    file: "[global]\ntimeout = 60\n",
    args: ["list"],
    dest: "timeout",
    expect: 60,
  },
  {
    name: "a command section beats [global]",
    file: "[install]\nindex-url = http://install\n[global]\nindex-url = http://global\n",
    args: ["install", "x"],
    dest: "indexUrl",
    expect: "http://install",
  },
  {
    name: "another command's section does not apply",
    file: "[download]\nindex-url = http://download\n[global]\nindex-url = http://global\n",
    args: ["install", "x"],
    dest: "indexUrl",
    expect: "http://global",
  },
  {
    name: "a PIP_* variable beats the files",
    file: "[install]\nindex-url = http://file\n",
    env: { PIP_INDEX_URL: "http://env" },
    args: ["install", "x"],
    dest: "indexUrl",
    expect: "http://env",
  },
  {
    name: "the command line beats PIP_* and files",
    file: "[global]\nindex-url = http://file\n",
    env: { PIP_INDEX_URL: "http://env" },
    args: ["install", "-i", "http://cli", "x"],
    dest: "indexUrl",
    expect: "http://cli",
  },
  {
    name: "list values split on whitespace and newlines",
    file: "[global]\nextra-index-url =\n  http://a\n  http://b http://c\n",
    args: ["install", "x"],
    dest: "extraIndexUrls",
    expect: ["http://a", "http://b", "http://c"],
  },
  {
    name: "keys may use underscores and aliases",
    file: "[global]\ndefault_timeout = 7\n",
    args: ["list"],
    dest: "timeout",
    expect: 7,
  },
  {
    name: "booleans take pip's spellings",
    file: "[install]\nno-deps = on\npre = false\n",
    args: ["install", "x"],
    dest: "noDeps",
    expect: true,
  },
  {
    name: "a false boolean switches a flag off",
    file: "[install]\npre = false\n",
    args: ["install", "x"],
    dest: "pre",
    expect: false,
  },
  {
    name: "no-cache-dir in a file disables the cache",
    file: "[global]\nno-cache-dir = true\n",
    args: ["install", "x"],
    dest: "cacheDir",
    expect: false,
  },
  {
    name: "counts take numbers",
    file: "",
    env: { PIP_VERBOSE: "3" },
    args: ["list"],
    dest: "verbose",
    expect: 3,
  },
  {
    name: "unknown keys are ignored",
    file: "[global]\nno-such-option = 1\ntimeout = 3\n",
    args: ["list"],
    dest: "timeout",
    expect: 3,
  },
];

for (const c of precedence) {
  Deno.test(`configuration precedence: ${c.name}`, () => {
    const parsed = parseArgs(c.args);
    applyConfiguration(parsed, configWith(c.file, c.env));
    assertEquals(parsed.options.get(c.dest), c.expect);
  });
}

Deno.test("a bad boolean in a file names the key", () => {
  const parsed = parseArgs(["install", "x"]);
  const error = assertThrows(
    () => applyConfiguration(parsed, configWith("[install]\nno-deps = maybe\n")),
    CommandUsageError,
  );
  assertStringIncludes(error.message, "install.no-deps=maybe is not a valid value");
  const env = parseArgs(["install", "x"]);
  const envError = assertThrows(
    () => applyConfiguration(env, configWith("", { PIP_NO_DEPS: "maybe" })),
    CommandUsageError,
  );
  assertStringIncludes(envError.message, "PIP_NO_DEPS=maybe is not a valid value");
});
