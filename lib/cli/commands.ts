/**
 * The table of dpip's commands: name, summary, usage, description and the
 * option groups each accepts. Help screens and the parser are generated from
 * it; the code that runs each command is registered in `commands/mod.ts`.
 *
 * @module
 */

import { INDEX_OPTIONS, type OptionId, TARGET_OPTIONS } from "./options.ts";

/** A titled group of options in a command's help. */
export interface OptionGroup {
  readonly title: string;
  readonly options: readonly OptionId[];
}

/** One command of the table. */
export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** Usage lines after `dpip `, e.g. `install [options] <requirement specifier> ...`. */
  readonly usage: readonly string[];
  readonly description?: string;
  /** Option groups, shown before the general options. */
  readonly groups: readonly OptionGroup[];
}

const index: OptionGroup = {
  title: "Package Index Options",
  options: [...INDEX_OPTIONS, "uploadedPriorTo"],
};

const BUILD_OPTIONS: readonly OptionId[] = [
  "noBuildIsolation",
  "buildSandbox",
  "usePep517",
  "noUsePep517",
  "checkBuildDependencies",
  "configSettings",
  "globalOption",
];

/** Every command, in the order `dpip --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "install",
    summary: "Install packages.",
    usage: [
      "install [options] <requirement specifier> [package-index-options] ...",
      "install [options] -r <requirements file> [package-index-options] ...",
      "install [options] [-e] <vcs project url> ...",
      "install [options] [-e] <local project path> ...",
      "install [options] <archive url/path> ...",
    ],
    description: "Install packages from indexes, requirements files, local paths and URLs.",
    groups: [
      {
        title: "Install Options",
        options: [
          "requirement",
          "requirementsFromScript",
          "constraint",
          "buildConstraint",
          "overrides",
          "noDeps",
          "onlyDeps",
          "pre",
          "allReleases",
          "onlyFinal",
          "editable",
          "dryRun",
          "target",
          ...TARGET_OPTIONS,
          "user",
          "noUser",
          "root",
          "prefix",
          "src",
          "upgrade",
          "upgradeStrategy",
          "forceReinstall",
          "ignoreInstalled",
          "ignoreRequiresPython",
          ...BUILD_OPTIONS,
          "breakSystemPackages",
          "compile",
          "noCompile",
          "noWarnScriptLocation",
          "noWarnConflicts",
          "noBinary",
          "onlyBinary",
          "preferBinary",
          "requireHashes",
          "progressBar",
          "rootUserAction",
          "report",
          "group",
          "verifyAttestations",
          "sigstoreTrustedRoot",
          "linkMode",
          "resolutionTimeout",
          "noClean",
          "outputFormat",
        ],
      },
      index,
    ],
  },
  {
    name: "lock",
    summary: "Generate a lock file.",
    usage: [
      "lock [options] <requirement specifier> [package-index-options] ...",
      "lock [options] -r <requirements file> [package-index-options] ...",
      "lock [options] [-e] <local project path> ...",
      "lock [options] <archive url/path> ...",
    ],
    description:
      "Resolve requirements for this interpreter and write a PEP 751 lock file (pylock.toml) that pins every distribution with its URL and hashes.",
    groups: [
      {
        title: "Lock Options",
        options: [
          "lockOutput",
          "universal",
          "pythonVersion",
          "pythonPlatform",
          "requirement",
          "requirementsFromScript",
          "constraint",
          "overrides",
          "noDeps",
          "onlyDeps",
          "editable",
          "ignoreRequiresPython",
          ...BUILD_OPTIONS,
          "requireHashes",
          "progressBar",
          "group",
          "resolutionTimeout",
          "noClean",
          "outputFormat",
        ],
      },
      {
        title: "Package Selection Options",
        options: ["pre", "allReleases", "onlyFinal", "noBinary", "onlyBinary", "preferBinary"],
      },
      index,
    ],
  },
  {
    name: "sync",
    summary: "Make the environment exactly a requirements or lock file.",
    usage: [
      "sync [options] <requirements file or pylock.toml> ...",
    ],
    description:
      "Install what the files list (pinned, without dependencies) and uninstall every other distribution except pip, setuptools and wheel (uv pip sync).",
    groups: [
      {
        title: "Sync Options",
        options: [
          "requirement",
          "dryRun",
          "breakSystemPackages",
          "requireHashes",
          "noBinary",
          "onlyBinary",
          "linkMode",
          "compile",
          "noCompile",
          "progressBar",
          "outputFormat",
        ],
      },
      index,
    ],
  },
  {
    name: "compile",
    summary: "Pin requirements into a requirements file (pip-compile).",
    usage: ["compile [options] <requirements.in> ... [-o requirements.txt]"],
    description:
      "Resolve loose requirements for this interpreter and write them pinned, with '# via' annotations and, with --generate-hashes, the hash of every file of each version.",
    groups: [
      {
        title: "Compile Options",
        options: [
          "lockOutput",
          "universal",
          "pythonVersion",
          "pythonPlatform",
          "constraint",
          "overrides",
          "generateHashes",
          "upgrade",
          "upgradePackage",
          "pre",
          "allReleases",
          "onlyFinal",
          "ignoreRequiresPython",
          "resolutionTimeout",
          "outputFormat",
        ],
      },
      {
        title: "Package Selection Options",
        options: ["noBinary", "onlyBinary", "preferBinary"],
      },
      index,
    ],
  },
  {
    name: "download",
    summary: "Download packages.",
    usage: [
      "download [options] <requirement specifier> [package-index-options] ...",
      "download [options] -r <requirements file> [package-index-options] ...",
      "download [options] <vcs project url> ...",
      "download [options] <local project path> ...",
      "download [options] <archive url/path> ...",
    ],
    description: "Download packages and their dependencies into a directory.",
    groups: [
      {
        title: "Download Options",
        options: [
          "constraint",
          "requirement",
          "noDeps",
          "noBinary",
          "onlyBinary",
          "preferBinary",
          "src",
          "pre",
          "requireHashes",
          "progressBar",
          ...BUILD_OPTIONS,
          "buildConstraint",
          "ignoreRequiresPython",
          "dest",
          ...TARGET_OPTIONS,
          "resolutionTimeout",
          "noClean",
          "outputFormat",
        ],
      },
      index,
    ],
  },
  {
    name: "bundle",
    summary: "Bundle packages and dpip for an offline install.",
    usage: [
      "bundle [options] -o <dir> <requirement specifier> [package-index-options] ...",
      "bundle [options] -o <dir> -r <requirements file> [package-index-options] ...",
    ],
    description:
      "Write one directory that installs the requirements and their dependencies into a Python without network or pip: the wheels (for another machine with --platform and --python-version), a pylock.toml with every file's sha256, dpip itself and an install script that installs the lock with --no-index, checking every hash.",
    groups: [
      {
        title: "Bundle Options",
        options: [
          "bundleOutput",
          "constraint",
          "requirement",
          "pre",
          "requireHashes",
          "progressBar",
          "ignoreRequiresPython",
          ...TARGET_OPTIONS,
          "resolutionTimeout",
          "outputFormat",
        ],
      },
      index,
    ],
  },
  {
    name: "upgrade",
    summary: "Upgrade installed packages.",
    usage: ["upgrade [options] <package> ...", "upgrade [options] --all"],
    description:
      "Upgrade the named installed packages, or --all of them, to the newest versions that keep the environment consistent: what is not upgraded keeps its requirements satisfied, and -c constraints hold.",
    groups: [
      {
        title: "Upgrade Options",
        options: [
          "upgradeAll",
          "constraint",
          "pre",
          "dryRun",
          "upgradeStrategy",
          "ignoreRequiresPython",
          "breakSystemPackages",
          "compile",
          "noCompile",
          "linkMode",
          "progressBar",
          "rootUserAction",
          "resolutionTimeout",
          "outputFormat",
        ],
      },
      index,
    ],
  },
  {
    name: "uninstall",
    summary: "Uninstall packages.",
    usage: ["uninstall [options] <package> ...", "uninstall [options] -r <requirements file> ..."],
    description: "Uninstall packages, removing exactly the files their RECORD lists.",
    groups: [{
      title: "Uninstall Options",
      options: [
        "requirement",
        "yes",
        "autoremove",
        "rootUserAction",
        "breakSystemPackages",
        "outputFormat",
      ],
    }],
  },
  {
    name: "freeze",
    summary: "Output installed packages in requirements format.",
    usage: ["freeze [options]"],
    description: "Output installed packages in requirements format, sorted case-insensitively.",
    groups: [{
      title: "Freeze Options",
      options: [
        "requirement",
        "local",
        "userOnly",
        "path",
        "freezeAll",
        "freezeExcludeEditable",
        "exclude",
        "outputFormat",
      ],
    }],
  },
  {
    name: "inspect",
    summary: "Inspect the python environment.",
    usage: ["inspect [options]"],
    description: "Print a JSON report of the target environment and what is installed in it.",
    groups: [{
      title: "Inspect Options",
      options: ["localLong", "userOnly", "path", "outputFormat"],
    }],
  },
  {
    name: "list",
    summary: "List installed packages.",
    usage: ["list [options]"],
    description: "List installed packages, including editables, in case-insensitive sorted order.",
    groups: [
      {
        title: "List Options",
        options: [
          "outdated",
          "uptodate",
          "editableOnly",
          "local",
          "userOnly",
          "path",
          "pre",
          "listFormat",
          "notRequired",
          "listExcludeEditable",
          "includeEditable",
          "exclude",
        ],
      },
      index,
    ],
  },
  {
    name: "show",
    summary: "Show information about installed packages.",
    usage: ["show [options] <package> ..."],
    description: "Show information about one or more installed packages.",
    groups: [{ title: "Show Options", options: ["files", "outputFormat"] }],
  },
  {
    name: "tree",
    summary: "Show installed packages as a dependency tree.",
    usage: ["tree [options] [<package> ...]"],
    description:
      "Show the installed packages as a tree of their dependencies (or, with --reverse, of what requires them), from installed metadata, marking requirements that are not installed or not satisfied, and cycles.",
    groups: [{ title: "Tree Options", options: ["reverse", "depth", "outputFormat"] }],
  },
  {
    name: "audit",
    summary: "Check packages against a vulnerability database.",
    usage: [
      "audit [options]",
      "audit [options] -r <requirements file or pylock.toml> ...",
    ],
    description:
      "Check the target environment's distributions (or the pins of requirements files and pylock.toml locks) against OSV vulnerability records from a directory or an OSV API server. Exits with status 1 when a known vulnerability is found.",
    groups: [{
      title: "Audit Options",
      options: ["requirement", "path", "vulnerabilityDb", "auditFormat", "outputFile"],
    }],
  },
  {
    name: "sbom",
    summary: "Write a software bill of materials.",
    usage: ["sbom [options]", "sbom [options] -r <pylock.toml>"],
    description:
      "Write a CycloneDX 1.6 or SPDX 2.3 JSON SBOM of the target environment (or of a pylock.toml lock): one component per distribution with its package URL, hashes and dependencies, and the SBOM documents wheels ship (PEP 770).",
    groups: [{ title: "SBOM Options", options: ["requirement", "sbomFormat", "outputFile"] }],
  },
  {
    name: "check",
    summary: "Verify installed packages have compatible dependencies.",
    usage: ["check [options]"],
    description: "Verify that installed packages have compatible dependencies.",
    groups: [{ title: "Check Options", options: ["outputFormat"] }],
  },
  {
    name: "venv",
    summary: "Create a virtual environment.",
    usage: ["venv [options] [<directory>]"],
    description:
      "Create a PEP 405 virtual environment (default .venv) for the interpreter --python names, without running venv or ensurepip.",
    groups: [
      {
        title: "Venv Options",
        options: ["systemSitePackages", "venvPrompt", "clear", "seed", "linkMode", "outputFormat"],
      },
      index,
    ],
  },
  {
    name: "config",
    summary: "Manage local and global configuration.",
    usage: [
      "config [<file-option>] list",
      "config [<file-option>] [--editor <editor-path>] edit",
      "config [<file-option>] get command.option",
      "config [<file-option>] set command.option value",
      "config [<file-option>] unset command.option",
      "config [<file-option>] debug",
    ],
    description: "Read and change pip configuration files.",
    groups: [{
      title: "Config Options",
      options: ["editor", "globalFile", "userFile", "siteFile", "outputFormat"],
    }],
  },
  {
    name: "cache",
    summary: "Inspect and manage dpip's wheel cache.",
    usage: [
      "cache dir",
      "cache info",
      "cache list [<pattern>] [--format=[human, abspath, json]]",
      "cache remove <pattern>",
      "cache purge",
    ],
    groups: [{ title: "Cache Options", options: ["cacheFormat"] }],
  },
  {
    name: "index",
    summary: "Inspect information available from package indexes.",
    usage: ["index versions <package>"],
    groups: [
      {
        title: "Index Options",
        options: [
          ...TARGET_OPTIONS,
          "ignoreRequiresPython",
          "pre",
          "noBinary",
          "onlyBinary",
          "json",
          "outputFormat",
        ],
      },
      index,
    ],
  },
  {
    name: "wheel",
    summary: "Build wheels from your requirements.",
    usage: [
      "wheel [options] <requirement specifier> ...",
      "wheel [options] -r <requirements file> ...",
      "wheel [options] [-e] <vcs project url> ...",
      "wheel [options] [-e] <local project path> ...",
      "wheel [options] <archive url/path> ...",
    ],
    groups: [
      {
        title: "Wheel Options",
        options: [
          "wheelDir",
          "noBinary",
          "onlyBinary",
          "preferBinary",
          ...BUILD_OPTIONS,
          "constraint",
          "editable",
          "requirement",
          "src",
          "ignoreRequiresPython",
          "noDeps",
          "progressBar",
          "noVerify",
          "buildOption",
          "pre",
          "requireHashes",
          "buildConstraint",
          "resolutionTimeout",
          "noClean",
          "outputFormat",
        ],
      },
      index,
    ],
  },
  {
    name: "hash",
    summary: "Compute hashes of package archives.",
    usage: ["hash [options] <file> ..."],
    groups: [{ title: "Hash Options", options: ["algorithm", "outputFormat"] }],
  },
  {
    name: "completion",
    summary: "A helper command used for command completion.",
    usage: ["completion [options]"],
    groups: [{ title: "Completion Options", options: ["bash", "zsh", "fish", "powershell"] }],
  },
  {
    name: "debug",
    summary: "Show information useful for debugging.",
    usage: ["debug <options>"],
    groups: [{ title: "Debug Options", options: [...TARGET_OPTIONS, "outputFormat"] }],
  },
  {
    name: "help",
    summary: "Show help for commands.",
    usage: ["help <command>"],
    groups: [],
  },
];

/** Finds a command by exact name. */
export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
