/**
 * The declarative table of every command-line option dpip understands.
 *
 * One row per option: its flags, the value kind, whether it repeats, the
 * `PIP_*` environment variables and config-file keys it maps to (derived from
 * the long flags the way pip derives them), and its help text. The parser,
 * the help screens, the environment/config layering and shell completion are
 * all generated from this table; adding an option means adding a row.
 *
 * @module
 */

/** How an option's value is read. */
export type OptionKind =
  /** Takes no value; sets `dest` to `value` (default `true`). */
  | "flag"
  /** Takes no value; each use adds one (`-vvv`). */
  | "count"
  /** Takes a string value. */
  | "string"
  /** Takes one of `choices`. */
  | "choice"
  /** Takes a number. */
  | "number";

/** One row of the option table; `D` is its `dest` (a literal type in the table). */
export interface OptionRow<D extends string = string> {
  /** Where the value lands in the parsed settings (camelCase). Several flags may share one. */
  readonly dest: D;
  /** Short (`-i`) and long (`--index-url`) spellings; the first long one is canonical. */
  readonly flags: readonly string[];
  readonly kind: OptionKind;
  /** Collects every use into a list (`--extra-index-url A --extra-index-url B`). */
  readonly repeatable?: boolean;
  /** The allowed values of a `choice` option. */
  readonly choices?: readonly string[];
  /** The value a `flag` stores (default `true`); `false` for `--no-*` spellings. */
  readonly value?: boolean | string;
  /** The placeholder shown in help: `--index-url <url>`. */
  readonly metavar?: string;
  readonly help: string;
  /** Set to false for options that no environment variable or config file may set. */
  readonly configurable?: boolean;
}

const opt = <D extends string>(
  dest: D,
  flags: string[],
  kind: OptionKind,
  help: string,
  extra: Partial<Omit<OptionRow<D>, "dest">> = {},
): OptionRow<D> => ({ dest, flags, kind, help, ...extra });

/** A `choice` row, keeping its choices as literal types (see {@link ChoiceOf}). */
const choiceOpt = <D extends string, const C extends readonly string[]>(
  dest: D,
  flags: string[],
  help: string,
  choices: C,
  extra: Partial<Omit<OptionRow<D>, "dest" | "kind" | "choices">> = {},
): OptionRow<D> & { readonly kind: "choice"; readonly choices: C } => ({
  dest,
  flags,
  kind: "choice",
  help,
  choices,
  ...extra,
});

/** The long names of an option (without dashes): `["timeout", "default-timeout"]`. */
export function longNames(spec: OptionSpec): string[] {
  return spec.flags.filter((f) => f.startsWith("--")).map((f) => f.slice(2));
}

/**
 * The environment variables that set an option, as pip derives them:
 * `PIP_` + the upper-cased long name with `-` turned into `_`.
 *
 * @example
 * ```ts
 * import { envVarsOf, OPTIONS } from "./options.ts";
 * envVarsOf(OPTIONS.timeout); // ["PIP_TIMEOUT", "PIP_DEFAULT_TIMEOUT"]
 * ```
 */
export function envVarsOf(spec: OptionSpec): string[] {
  if (spec.configurable === false) return [];
  return longNames(spec).map(envVarName);
}

/** The `PIP_*` variable of a config key: `index-url` → `PIP_INDEX_URL`. */
export function envVarName(key: string): string {
  return "PIP_" + key.toUpperCase().replaceAll("-", "_");
}

/** The config-file keys that set an option (its long names), e.g. `index-url`. */
export function configKeysOf(spec: OptionSpec): string[] {
  if (spec.configurable === false) return [];
  return longNames(spec);
}

const BINARY_HELP =
  "Comma-separated package names, or :all: / :none:, for which to avoid (or require) built distributions.";

/** Every option, by identifier. Commands list the identifiers they accept. */
export const OPTIONS = {
  // General options (every command).
  help: opt("help", ["-h", "--help"], "flag", "Show help.", { configurable: false }),
  debug: opt("debug", ["--debug"], "flag", "Let unexpected errors propagate with a stack trace."),
  isolated: opt(
    "isolated",
    ["--isolated"],
    "flag",
    "Ignore PIP_* environment variables and user configuration.",
  ),
  requireVirtualenv: opt(
    "requireVirtualenv",
    ["--require-virtualenv", "--require-venv"],
    "flag",
    "Refuse to run outside a virtual environment.",
  ),
  python: opt(
    "python",
    ["--python"],
    "string",
    "The Python interpreter to act on: a path, a venv directory, or a version such as 3.12.",
    { metavar: "python" },
  ),
  verbose: opt(
    "verbose",
    ["-v", "--verbose"],
    "count",
    "Give more output; repeat for even more (up to 3 times).",
  ),
  version: opt("version", ["-V", "--version"], "flag", "Show version and exit.", {
    configurable: false,
  }),
  quiet: opt("quiet", ["-q", "--quiet"], "count", "Give less output; repeat for even less."),
  log: opt("log", ["--log", "--log-file", "--local-log"], "string", "Append a verbose log here.", {
    metavar: "path",
  }),
  noInput: opt("noInput", ["--no-input"], "flag", "Never prompt for input."),
  keyringProvider: choiceOpt(
    "keyringProvider",
    ["--keyring-provider"],
    "How to look up credentials with keyring: auto, disabled, import or subprocess.",
    ["auto", "disabled", "import", "subprocess"],
    { metavar: "keyring_provider" },
  ),
  proxy: opt(
    "proxy",
    ["--proxy"],
    "string",
    "Use this proxy: scheme://[user:passwd@]proxy.server:port.",
    { metavar: "proxy" },
  ),
  retries: opt(
    "retries",
    ["--retries"],
    "number",
    "How many times to retry a failed connection (default 5).",
    { metavar: "retries" },
  ),
  timeout: opt(
    "timeout",
    ["--timeout", "--default-timeout"],
    "number",
    "Socket timeout in seconds (default 15).",
    { metavar: "sec" },
  ),
  existsAction: choiceOpt(
    "existsAction",
    ["--exists-action"],
    "What to do when a path already exists: (s)witch, (i)gnore, (w)ipe, (b)ackup, (a)bort.",
    ["s", "i", "w", "b", "a"],
    { repeatable: true, metavar: "action" },
  ),
  trustedHost: opt(
    "trustedHosts",
    ["--trusted-host"],
    "string",
    "Trust this host (or host:port) even without valid HTTPS.",
    { repeatable: true, metavar: "hostname" },
  ),
  cert: opt("cert", ["--cert"], "string", "A PEM CA bundle to verify TLS with.", {
    metavar: "path",
  }),
  clientCert: opt(
    "clientCert",
    ["--client-cert"],
    "string",
    "A PEM file holding the client key and certificate.",
    { metavar: "path" },
  ),
  cacheDir: opt("cacheDir", ["--cache-dir"], "string", "Keep the cache in this directory.", {
    metavar: "dir",
  }),
  noCacheDir: opt("cacheDir", ["--no-cache-dir"], "flag", "Disable the cache.", { value: false }),
  disablePipVersionCheck: opt(
    "disablePipVersionCheck",
    ["--disable-pip-version-check"],
    "flag",
    "Accepted for pip compatibility; dpip never checks for updates.",
  ),
  noColor: opt("noColor", ["--no-color"], "flag", "Suppress colored output."),
  noPythonVersionWarning: opt(
    "noPythonVersionWarning",
    ["--no-python-version-warning"],
    "flag",
    "Accepted for pip compatibility.",
  ),
  useFeature: opt("useFeature", ["--use-feature"], "string", "Enable an optional feature.", {
    repeatable: true,
    metavar: "feature",
  }),
  useDeprecated: opt(
    "useDeprecated",
    ["--use-deprecated"],
    "string",
    "Enable a deprecated behaviour.",
    { repeatable: true, metavar: "feature" },
  ),

  // Package index options.
  indexUrl: opt(
    "indexUrl",
    ["-i", "--index-url", "--pypi-url"],
    "string",
    "Base URL of the package index (PEP 503 simple API), or a local directory laid out like one.",
    { metavar: "url" },
  ),
  extraIndexUrl: opt(
    "extraIndexUrls",
    ["--extra-index-url"],
    "string",
    "Another index to use besides --index-url.",
    { repeatable: true, metavar: "url" },
  ),
  noIndex: opt("noIndex", ["--no-index"], "flag", "Ignore package indexes; use --find-links only."),
  findLinks: opt(
    "findLinks",
    ["-f", "--find-links"],
    "string",
    "A directory, HTML file or URL to look for archives in.",
    { repeatable: true, metavar: "url" },
  ),
  indexStrategy: choiceOpt(
    "indexStrategy",
    ["--index-strategy"],
    "How to combine indexes: unsafe-merge (pip's default: every index) or first-index (stop at the first index that has the project).",
    ["unsafe-merge", "first-index"],
    { metavar: "strategy" },
  ),

  // Requirement inputs.
  requirement: opt(
    "requirements",
    ["-r", "--requirement"],
    "string",
    "Install from this requirements file (repeatable).",
    { repeatable: true, metavar: "file" },
  ),
  constraint: opt(
    "constraints",
    ["-c", "--constraint"],
    "string",
    "Constrain versions with this constraints file (repeatable).",
    { repeatable: true, metavar: "file" },
  ),
  buildConstraint: opt(
    "buildConstraints",
    ["--build-constraint"],
    "string",
    "Constrain build dependencies with this constraints file (repeatable).",
    { repeatable: true, metavar: "file" },
  ),
  editable: opt(
    "editables",
    ["-e", "--editable"],
    "string",
    "Install a project in editable mode from a local path or VCS URL.",
    { repeatable: true, metavar: "path/url" },
  ),
  noDeps: opt(
    "noDeps",
    ["--no-deps", "--no-dependencies"],
    "flag",
    "Do not install package dependencies.",
  ),
  pre: opt("pre", ["--pre"], "flag", "Include pre-release and development versions."),
  dryRun: opt("dryRun", ["--dry-run"], "flag", "Resolve and report, but change nothing."),
  noBinary: opt("noBinary", ["--no-binary"], "string", BINARY_HELP, {
    repeatable: true,
    metavar: "format_control",
  }),
  onlyBinary: opt("onlyBinary", ["--only-binary"], "string", BINARY_HELP, {
    repeatable: true,
    metavar: "format_control",
  }),
  preferBinary: opt(
    "preferBinary",
    ["--prefer-binary"],
    "flag",
    "Prefer an older wheel over a newer sdist.",
  ),
  requireHashes: opt(
    "requireHashes",
    ["--require-hashes"],
    "flag",
    "Require a --hash for every requirement.",
  ),
  progressBar: choiceOpt(
    "progressBar",
    ["--progress-bar"],
    "Progress: auto (default: bars on a terminal, none with -q), on, off, or raw (pip's 'Progress N of M' lines on stdout).",
    ["auto", "on", "off", "raw"],
    { metavar: "progress_bar" },
  ),
  ignoreRequiresPython: opt(
    "ignoreRequiresPython",
    ["--ignore-requires-python"],
    "flag",
    "Ignore the Requires-Python of candidates.",
  ),
  noBuildIsolation: opt(
    "buildIsolation",
    ["--no-build-isolation"],
    "flag",
    "Build without an isolated environment for build dependencies.",
    { value: false },
  ),
  usePep517: opt("usePep517", ["--use-pep517"], "flag", "Always build with PEP 517."),
  noUsePep517: opt("usePep517", ["--no-use-pep517"], "flag", "Accepted for pip compatibility.", {
    value: false,
  }),
  checkBuildDependencies: opt(
    "checkBuildDependencies",
    ["--check-build-dependencies"],
    "flag",
    "Check the build dependencies when PEP 517 build isolation is off.",
  ),
  configSettings: opt(
    "configSettings",
    ["-C", "--config-settings"],
    "string",
    "KEY=VALUE settings passed to the PEP 517 build backend.",
    { repeatable: true, metavar: "settings" },
  ),
  globalOption: opt(
    "globalOptions",
    ["--global-option"],
    "string",
    "Extra global options for setup.py (legacy).",
    { repeatable: true, metavar: "options" },
  ),
  buildOption: opt(
    "buildOptions",
    ["--build-option"],
    "string",
    "Extra options for setup.py bdist_wheel (legacy).",
    { repeatable: true, metavar: "options" },
  ),
  src: opt(
    "src",
    ["--src", "--source", "--source-dir", "--source-directory"],
    "string",
    "Where editable VCS checkouts go.",
    { metavar: "dir" },
  ),
  noClean: opt("noClean", ["--no-clean"], "flag", "Keep temporary build directories."),
  platform: opt(
    "platforms",
    ["--platform"],
    "string",
    "Only use wheels for this platform (repeatable).",
    { repeatable: true, metavar: "platform" },
  ),
  pythonVersion: opt(
    "pythonVersion",
    ["--python-version"],
    "string",
    "The Python version to select distributions for, e.g. 3.12 or 312.",
    { metavar: "python_version" },
  ),
  implementation: opt(
    "implementation",
    ["--implementation"],
    "string",
    "The Python implementation to select distributions for: cp, pp, py, ...",
    { metavar: "implementation" },
  ),
  abi: opt("abis", ["--abi"], "string", "Only use wheels for this ABI (repeatable).", {
    repeatable: true,
    metavar: "abi",
  }),

  // Install.
  target: opt("target", ["-t", "--target"], "string", "Install into this directory.", {
    metavar: "dir",
  }),
  user: opt("user", ["--user"], "flag", "Install into the user site directory."),
  noUser: opt("user", ["--no-user"], "flag", "Do not install into the user site.", {
    value: false,
  }),
  root: opt("root", ["--root"], "string", "Install everything relative to this root directory.", {
    metavar: "dir",
  }),
  prefix: opt("prefix", ["--prefix"], "string", "Install under this prefix.", { metavar: "dir" }),
  upgrade: opt("upgrade", ["-U", "--upgrade"], "flag", "Upgrade the named packages to the newest."),
  upgradeStrategy: choiceOpt(
    "upgradeStrategy",
    ["--upgrade-strategy"],
    "only-if-needed (default): upgrade dependencies only when needed; eager: upgrade them all.",
    ["only-if-needed", "eager"],
    { metavar: "upgrade_strategy" },
  ),
  forceReinstall: opt(
    "forceReinstall",
    ["--force-reinstall"],
    "flag",
    "Reinstall every package even when up to date.",
  ),
  ignoreInstalled: opt(
    "ignoreInstalled",
    ["-I", "--ignore-installed"],
    "flag",
    "Ignore installed packages and overwrite them.",
  ),
  breakSystemPackages: opt(
    "breakSystemPackages",
    ["--break-system-packages"],
    "flag",
    "Modify an externally-managed environment anyway (PEP 668).",
  ),
  compile: opt("compile", ["--compile"], "flag", "Compile Python source to bytecode."),
  noCompile: opt("compile", ["--no-compile"], "flag", "Do not compile to bytecode (the default).", {
    value: false,
  }),
  noWarnScriptLocation: opt(
    "warnScriptLocation",
    ["--no-warn-script-location"],
    "flag",
    "Do not warn when scripts go outside PATH.",
    { value: false },
  ),
  noWarnConflicts: opt(
    "warnConflicts",
    ["--no-warn-conflicts"],
    "flag",
    "Do not warn about broken dependencies after installing.",
    { value: false },
  ),
  rootUserAction: choiceOpt(
    "rootUserAction",
    ["--root-user-action"],
    "What to do when run as root: warn or ignore.",
    ["warn", "ignore"],
    { metavar: "root_user_action" },
  ),
  report: opt(
    "report",
    ["--report"],
    "string",
    "Write a JSON install report here ('-' = stdout).",
    {
      metavar: "file",
    },
  ),
  resolutionTimeout: opt(
    "resolutionTimeout",
    ["--resolution-timeout"],
    "number",
    "Give up resolving after this many seconds, with a report of where it got to.",
    { metavar: "sec" },
  ),
  uploadedPriorTo: opt(
    "uploadedPriorTo",
    ["--uploaded-prior-to", "--exclude-newer"],
    "string",
    "Only consider files uploaded before this: an ISO 8601 date or datetime (local time when it has no offset) or P<n>D, n days ago. Needs an index that gives upload times (PEP 700).",
    { metavar: "datetime_or_duration" },
  ),
  group: opt(
    "groups",
    ["--group"],
    "string",
    "Install a dependency group (PEP 735) of pyproject.toml (in the working directory, or the one named by PATH) (repeatable).",
    { repeatable: true, metavar: "[path:]group" },
  ),
  requirementsFromScript: opt(
    "requirementsFromScripts",
    ["--requirements-from-script"],
    "string",
    "Install the dependencies a script declares in PEP 723 inline metadata.",
    { repeatable: true, metavar: "file" },
  ),
  onlyDeps: opt(
    "onlyDeps",
    ["--only-deps", "--only-dependencies"],
    "flag",
    "Install only the dependencies of the requirements given, not the requirements themselves.",
  ),
  allReleases: opt(
    "allReleases",
    ["--all-releases"],
    "string",
    "Allow pre-releases for these projects (comma-separated names, :all: or :none:; repeatable). Not with --pre.",
    { repeatable: true, metavar: "release_control" },
  ),
  onlyFinal: opt(
    "onlyFinal",
    ["--only-final"],
    "string",
    "Only final releases for these projects (comma-separated names, :all: or :none:; repeatable). Not with --pre.",
    { repeatable: true, metavar: "release_control" },
  ),
  generateHashes: opt(
    "generateHashes",
    ["--generate-hashes"],
    "flag",
    "Give every pinned version the sha256 of each of its files (for pip's hash-checking mode).",
  ),
  upgradePackage: opt(
    "upgradePackages",
    ["-P", "--upgrade-package"],
    "string",
    "Let this project move off its pin in the existing output (repeatable).",
    { repeatable: true, metavar: "package" },
  ),
  overrides: opt(
    "overrides",
    ["--overrides", "--override"],
    "string",
    "Replace every requirement on a project (yours and your dependencies') with the ones in this file (uv; repeatable).",
    { repeatable: true, metavar: "file" },
  ),
  universal: opt(
    "universal",
    ["--universal"],
    "flag",
    "Resolve for every platform and every Python from --python-version (default: this interpreter's) up, each package with a marker saying where it applies (uv).",
  ),
  pythonPlatform: opt(
    "pythonPlatform",
    ["--python-platform"],
    "string",
    "With --universal, cover only this platform: linux, windows, macos, or a target such as aarch64-apple-darwin (uv).",
    { metavar: "platform" },
  ),
  lockOutput: opt(
    "lockOutput",
    ["-o", "--output"],
    "string",
    "Lock file name (default pylock.toml); '-' for stdout.",
    { metavar: "path" },
  ),
  linkMode: choiceOpt(
    "linkMode",
    ["--link-mode"],
    "How files come out of the cache: hardlink, copy or symlink (default: hardlink when possible).",
    ["hardlink", "copy", "symlink"],
    { metavar: "mode" },
  ),

  // Download / wheel.
  dest: opt(
    "dest",
    ["-d", "--dest", "--destination-dir", "--destination-directory"],
    "string",
    "Download into this directory.",
    { metavar: "dir" },
  ),
  bundleOutput: opt(
    "bundleOutput",
    ["-o", "--output"],
    "string",
    "Write the bundle into this directory (new or empty).",
    { metavar: "dir", configurable: false },
  ),
  wheelDir: opt("wheelDir", ["-w", "--wheel-dir"], "string", "Build wheels into this directory.", {
    metavar: "dir",
  }),
  noVerify: opt("noVerify", ["--no-verify"], "flag", "Do not check built wheels."),

  // Venv.
  systemSitePackages: opt(
    "systemSitePackages",
    ["--system-site-packages"],
    "flag",
    "Give the virtual environment access to the interpreter's own site-packages.",
  ),
  venvPrompt: opt(
    "prompt",
    ["--prompt"],
    "string",
    "The prompt prefix while activated (default: the directory's name; '.' is the working directory's name).",
    { metavar: "prompt", configurable: false },
  ),
  clear: opt(
    "clear",
    ["--clear"],
    "flag",
    "Empty an existing virtual environment's directory before creating it.",
    { configurable: false },
  ),
  seed: opt(
    "seed",
    ["--seed"],
    "flag",
    "Install pip (and setuptools and wheel before Python 3.12) from the package indexes.",
  ),

  // Uninstall.
  yes: opt("yes", ["-y", "--yes"], "flag", "Do not ask for confirmation."),
  autoremove: opt(
    "autoremove",
    ["--autoremove"],
    "flag",
    "Also remove the dependencies that nothing else installed needs and that were not asked for (no REQUESTED).",
  ),

  // Listing.
  outdated: opt("outdated", ["-o", "--outdated"], "flag", "List outdated packages."),
  uptodate: opt("uptodate", ["-u", "--uptodate"], "flag", "List up-to-date packages."),
  editableOnly: opt("editable", ["-e", "--editable"], "flag", "List editable projects only."),
  local: opt(
    "local",
    ["-l", "--local"],
    "flag",
    "In a virtualenv with global access, leave out globally-installed packages.",
  ),
  localLong: opt(
    "local",
    ["--local"],
    "flag",
    "In a virtualenv with global access, leave out globally-installed packages.",
  ),
  userOnly: opt("user", ["--user"], "flag", "Only packages installed in the user site."),
  path: opt("paths", ["--path"], "string", "Only look in this directory (repeatable).", {
    repeatable: true,
    metavar: "path",
  }),
  listFormat: choiceOpt(
    "format",
    ["--format"],
    "Output format: columns (default), freeze or json.",
    ["columns", "freeze", "json"],
    { metavar: "list_format" },
  ),
  notRequired: opt(
    "notRequired",
    ["--not-required"],
    "flag",
    "Only packages no other installed package depends on.",
  ),
  listExcludeEditable: opt(
    "includeEditable",
    ["--exclude-editable"],
    "flag",
    "Leave out editable projects.",
    { value: false },
  ),
  includeEditable: opt(
    "includeEditable",
    ["--include-editable"],
    "flag",
    "Include editable projects (the default).",
  ),
  exclude: opt("exclude", ["--exclude"], "string", "Leave out this package (repeatable).", {
    repeatable: true,
    metavar: "package",
  }),
  freezeAll: opt("all", ["--all"], "flag", "Also list pip, setuptools, wheel and distribute."),
  upgradeAll: opt("all", ["--all"], "flag", "Upgrade every installed package that can be.", {
    configurable: false,
  }),
  freezeExcludeEditable: opt(
    "excludeEditable",
    ["--exclude-editable"],
    "flag",
    "Leave out editable projects.",
  ),
  files: opt("files", ["-f", "--files"], "flag", "List each package's installed files."),
  reverse: opt(
    "reverse",
    ["-r", "--reverse", "--invert"],
    "flag",
    "Show each package with the packages that require it, instead of what it requires.",
  ),
  depth: opt(
    "depth",
    ["-d", "--depth"],
    "number",
    "Show this many levels of dependencies below each top-level package (0: those only).",
    { metavar: "depth" },
  ),

  // Config.
  editor: opt("editor", ["--editor"], "string", "The editor for 'config edit'.", {
    metavar: "editor",
  }),
  globalFile: opt("configFile", ["--global"], "flag", "Use the system-wide config file.", {
    value: "global",
    configurable: false,
  }),
  userFile: opt("configFile", ["--user"], "flag", "Use the user config file.", {
    value: "user",
    configurable: false,
  }),
  siteFile: opt("configFile", ["--site"], "flag", "Use the environment's config file.", {
    value: "site",
    configurable: false,
  }),

  // Audit and SBOM.
  vulnerabilityDb: opt(
    "vulnerabilityDb",
    ["--vulnerability-db"],
    "string",
    "OSV records to audit against: a directory of OSV JSON files, or the base URL of a server with the OSV API (default https://api.osv.dev).",
    { metavar: "dir_or_url" },
  ),
  auditFormat: choiceOpt(
    "format",
    ["--format"],
    "Output format: columns (default), json or sarif (SARIF 2.1.0).",
    ["columns", "json", "sarif"],
    { metavar: "format" },
  ),
  sbomFormat: choiceOpt(
    "format",
    ["--format"],
    "SBOM format: cyclonedx (CycloneDX 1.6 JSON, the default) or spdx (SPDX 2.3 JSON).",
    ["cyclonedx", "spdx"],
    { metavar: "format" },
  ),
  outputFile: opt(
    "output",
    ["-o", "--output"],
    "string",
    "Write to this file instead of stdout.",
    { metavar: "path" },
  ),

  buildSandbox: opt(
    "buildSandbox",
    ["--build-sandbox"],
    "flag",
    "Run build backends in a bubblewrap sandbox: no network, no home directory or PIP_*/DPIP_* variables, writes only to the build's directories.",
  ),

  // Attestations (PEP 740).
  verifyAttestations: choiceOpt(
    "verifyAttestations",
    ["--verify-attestations"],
    "PEP 740 attestations of files from indexes: warn (default: verify where the index offers provenance, warn when they do not verify), require (every file must verify) or off.",
    ["warn", "require", "off"],
    { metavar: "mode" },
  ),
  sigstoreTrustedRoot: opt(
    "sigstoreTrustedRoot",
    ["--sigstore-trusted-root"],
    "string",
    "A Sigstore trusted_root.json to verify attestations with (default: Sigstore's public-good root as dpip ships it).",
    { metavar: "file" },
  ),

  // Cache, hash, index, completion.
  cacheFormat: choiceOpt(
    "format",
    ["--format"],
    "Output format: human or abspath ('cache list'), or json.",
    ["human", "abspath", "json"],
    { metavar: "format" },
  ),
  json: opt("json", ["--json"], "flag", "Print JSON."),
  outputFormat: choiceOpt(
    "outputFormat",
    ["--format"],
    "Output format: text (default) or json (its schema is in dpip's schemas/ directory).",
    ["text", "json"],
    { metavar: "format", configurable: false },
  ),
  algorithm: choiceOpt(
    "algorithm",
    ["-a", "--algorithm"],
    "Hash algorithm: sha256 (default), sha384 or sha512.",
    ["sha256", "sha384", "sha512"],
    { metavar: "algorithm" },
  ),
  bash: opt("shell", ["-b", "--bash"], "flag", "Emit completion code for bash.", {
    value: "bash",
    configurable: false,
  }),
  zsh: opt("shell", ["-z", "--zsh"], "flag", "Emit completion code for zsh.", {
    value: "zsh",
    configurable: false,
  }),
  fish: opt("shell", ["-f", "--fish"], "flag", "Emit completion code for fish.", {
    value: "fish",
    configurable: false,
  }),
  powershell: opt("shell", ["-p", "--powershell"], "flag", "Emit completion code for powershell.", {
    value: "powershell",
    configurable: false,
  }),
} as const satisfies Record<string, OptionRow>;

/** The identifier of a row of {@link OPTIONS}. */
export type OptionId = keyof typeof OPTIONS;

/**
 * Where an option's value lands: the `dest` of a row of the table, as a
 * literal type, so that `options.flag("upgrad")` fails `deno check`.
 */
export type OptionDest = OptionSpec["dest"];

/** An option of the table (its `dest` one of {@link OptionDest}). */
export type OptionSpec = (typeof OPTIONS)[OptionId];

/** The `dest` of every `choice` option. */
export type ChoiceDest = Extract<OptionSpec, { readonly kind: "choice" }>["dest"];

/** The values a `choice` option takes, as a union of literal types. */
export type ChoiceOf<D extends ChoiceDest> = Extract<
  OptionSpec,
  { readonly kind: "choice"; readonly dest: D }
>["choices"][number];

/** The options every command accepts, in help order. */
export const GENERAL_OPTIONS: readonly OptionId[] = [
  "help",
  "debug",
  "isolated",
  "requireVirtualenv",
  "python",
  "verbose",
  "version",
  "quiet",
  "log",
  "noInput",
  "keyringProvider",
  "proxy",
  "retries",
  "timeout",
  "existsAction",
  "trustedHost",
  "cert",
  "clientCert",
  "cacheDir",
  "noCacheDir",
  "disablePipVersionCheck",
  "noColor",
  "noPythonVersionWarning",
  "useFeature",
  "useDeprecated",
];

/** The package-index options shared by install, download, wheel, list and index. */
export const INDEX_OPTIONS: readonly OptionId[] = [
  "indexUrl",
  "extraIndexUrl",
  "noIndex",
  "findLinks",
  "indexStrategy",
];

/** The options that pick a foreign target for tags (download, index, debug, install). */
export const TARGET_OPTIONS: readonly OptionId[] = [
  "platform",
  "pythonVersion",
  "implementation",
  "abi",
];
