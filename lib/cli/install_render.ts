/**
 * `install`'s output in pip's words: `Collecting`, `Requirement already
 * satisfied`, `Downloading` with sizes, `Would install`, `Installing
 * collected packages`, the uninstall lines of a replacement, `Successfully
 * installed`, the warning about dependency conflicts, and PEP 668's refusal.
 *
 * Verbosity follows pip: `-q` hides the progress lines, `-qq` warnings too;
 * `--log FILE` gets every line whatever the verbosity. Colour only on a
 * terminal, and never with `--no-color` or `NO_COLOR`.
 *
 * @module
 */

import { DpipError, isDpipError } from "../errors.ts";
import { redactText } from "../net/auth.ts";
import { isAbsolute, relative, resolve } from "../paths.ts";
import type { CheckResult } from "../operations/check.ts";
import type {
  CollectedDist,
  ExternallyManagedError,
  InstallChangelog,
  InstallOutcome,
  PlannedInstall,
} from "../operations/install.ts";
import type { LocalWheel } from "../installer/prepare.ts";
import type { CommandContext } from "./context.ts";
import { ExitCode } from "./exit_codes.ts";
import { failureLines, type FailureVerb, resolutionFailure } from "./resolution_failure.ts";
import type { Io } from "./io.ts";
import { wantsJson } from "./json_output.ts";
import { formatSize } from "./progress.ts";
import { fitHint } from "./hints.ts";

/** How much to show, and where else to write it. */
export interface InstallPrinterOptions {
  /** `-q` count. */
  readonly quiet: number;
  /** `-v` count. */
  readonly verbose: number;
  /** Colour `ERROR:`/`WARNING:` (a terminal, no `--no-color`, no `NO_COLOR`). */
  readonly color: boolean;
  /** `--log FILE` lines are collected here (with times), whatever the verbosity. */
  readonly log?: string[];
  /** The clock for log lines. */
  readonly now?: () => Date;
  /** Write progress lines to stderr (`--format json` keeps stdout for the document). */
  readonly infoOnStderr?: boolean;
}

/**
 * Writes pip's levels of output to an `Io` (and the `--log` lines). Every
 * line is redacted on its way out: a URL's password never reaches the
 * terminal or the log, whichever layer wrote the line.
 */
export class InstallPrinter {
  readonly #io: Io;
  readonly #options: InstallPrinterOptions;

  constructor(io: Io, options: InstallPrinterOptions) {
    this.#io = io;
    this.#options = options;
  }

  #log(text: string): void {
    if (this.#options.log === undefined) return;
    const stamp = (this.#options.now?.() ?? new Date()).toISOString().replace("Z", "")
      .replace(".", ",");
    for (const line of text.split("\n")) this.#options.log.push(`${stamp} ${line}`);
  }

  /** A progress line (stdout; hidden by `-q`). */
  info(text: string): void {
    text = redactText(text);
    this.#log(text);
    if (this.#options.quiet < 1) this.#infoSink.write(text + "\n");
  }

  get #infoSink() {
    return this.#options.infoOnStderr ? this.#io.stderr : this.#io.stdout;
  }

  /** A line shown only with `-v`. */
  debug(text: string): void {
    text = redactText(text);
    this.#log(text);
    if (this.#options.verbose > 0 && this.#options.quiet < 1) this.#infoSink.write(text + "\n");
  }

  /** `WARNING: …` on stderr (hidden by `-qq`). */
  warning(text: string): void {
    text = redactText(text);
    this.#log(`WARNING: ${text}`);
    if (this.#options.quiet < 2) {
      this.#io.stderr.write(`${this.#paint("WARNING:", "33")} ${text}\n`);
    }
  }

  /** `ERROR: …` on stderr (hidden by `-qqq`). */
  error(text: string): void {
    text = redactText(text);
    this.#log(`ERROR: ${text}`);
    if (this.#options.quiet < 3) this.#io.stderr.write(`${this.#paint("ERROR:", "31")} ${text}\n`);
  }

  /** Text written as is to stderr (hidden by `-qqq`). */
  raw(text: string): void {
    text = redactText(text);
    this.#log(text.replace(/\n$/, ""));
    if (this.#options.quiet < 3) this.#io.stderr.write(text);
  }

  #paint(text: string, code: string): string {
    return this.#options.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }
}

/**
 * Runs the body of `install`, `download`, `upgrade`, `lock` or `compile` with a printer made from the
 * command's options (`-q`, `-v`, colour, `--log`). A failure is printed as
 * dpip prints them (a resolution failure with its numbered reasons, an
 * error with its hint) and gives the exit status; the `--log` file gets
 * every line, whether the run succeeded or not.
 */
export async function runPrinted(
  context: CommandContext,
  verb: FailureVerb,
  body: (printer: InstallPrinter) => Promise<number>,
): Promise<number> {
  const { io, options } = context;
  const logFile = options.string("log");
  const log: string[] | undefined = logFile === undefined ? undefined : [];
  const color = io.stderr.isTerminal && !options.flag("noColor") && !io.env["NO_COLOR"];
  const printer = new InstallPrinter(io, {
    quiet: options.count("quiet"),
    verbose: options.count("verbose"),
    color,
    ...(log === undefined ? {} : { log }),
    infoOnStderr: wantsJson(context),
  });
  try {
    return await body(printer);
  } catch (error) {
    if (isDpipError(error, "externally-managed-environment")) {
      printer.raw(externallyManagedText(error as ExternallyManagedError, color));
      return ExitCode.error;
    }
    const failure = await resolutionFailure(error);
    if (failure !== undefined) {
      const { error, text } = failureLines(failure, verb, context.command);
      printer.error(error);
      printer.raw(text + "\n");
      return ExitCode.error;
    }
    if (error instanceof DpipError) {
      printer.error(error.message);
      const hint = error.hint === undefined ? undefined : fitHint(error.hint, context.command);
      if (hint !== undefined) printer.raw(`hint: ${hint}\n`);
      return isDpipError(error, "usage") ? ExitCode.usage : ExitCode.error;
    }
    throw error;
  } finally {
    if (log !== undefined && logFile !== undefined && log.length > 0) {
      await Deno.writeTextFile(resolve(io.cwd, logFile), log.join("\n") + "\n", { append: true });
    }
  }
}

/**
 * pip's `display_path`: `./x` for paths under the working directory, else the path.
 *
 * @example
 * ```ts
 * import { displayPath } from "./install_render.ts";
 * displayPath("/home/u/venv/lib", "/home/u"); // "./venv/lib"
 * ```
 */
export function displayPath(path: string, cwd: string): string {
  const shown = relative(cwd, path);
  if (shown === "" || shown.startsWith("..") || isAbsolute(shown)) return path;
  return `./${shown}`;
}

/**
 * pip's `Looking in indexes:` (unless only PyPI, or `--no-index`) and
 * `Looking in links:` lines.
 */
export function lookingInLines(
  indexes: { readonly indexUrls: readonly string[]; readonly findLinks: readonly string[] },
  noIndex: boolean,
): string[] {
  const lines: string[] = [];
  const urls = indexes.indexUrls;
  if (
    !noIndex && urls.length > 0 && !(urls.length === 1 && urls[0] === "https://pypi.org/simple")
  ) {
    lines.push(`Looking in indexes: ${urls.join(", ")}`);
  }
  if (indexes.findLinks.length > 0) lines.push(`Looking in links: ${indexes.findLinks.join(", ")}`);
  return lines;
}

/** pip's line for a requirement whose markers exclude the target. */
export function ignoredLine(ignored: { readonly text: string; readonly marker: string }): string {
  return `Ignoring ${ignored.text}: markers '${ignored.marker}' don't match your environment`;
}

function fromChain(collected: CollectedDist): string {
  return collected.chain.length === 0 ? "" : ` (from ${collected.chain.join("->")})`;
}

/**
 * The lines pip prints while collecting: `Ignoring` for your requirements
 * whose markers do not match, then per distribution `Requirement already
 * satisfied: … in … (version)`, `Processing ./x.whl` or `Collecting …`.
 */
export function collectingLines(planned: PlannedInstall, cwd: string): string[] {
  const lines: string[] = [];
  for (const ignored of planned.ignored) lines.push(ignoredLine(ignored));
  const satisfied = new Map(planned.plan.satisfied.map((entry) => [entry.dist.name, entry]));
  for (const item of planned.collected) {
    const entry = satisfied.get(item.name);
    if (entry !== undefined && !entry.sameWheel) {
      lines.push(
        `Requirement already satisfied: ${item.requirement} in ${
          displayPath(entry.installed.location, cwd)
        }${fromChain(item)} (${entry.installed.version})`,
      );
      continue;
    }
    if (item.editable === true && item.chain.length === 0 && item.url !== undefined) {
      // pip's editable lines: the directory's URL, or the name and the VCS URL as given.
      lines.push(
        item.url.startsWith("file:")
          ? `Obtaining ${item.url}`
          : `Obtaining ${item.displayName} from ${pipLinkText(item.requirement)}`,
      );
      continue;
    }
    if (item.url?.startsWith("file:") && item.chain.length === 0) {
      lines.push(`Processing ${displayPath(decodeURIComponent(new URL(item.url).pathname), cwd)}`);
      if (entry?.sameWheel === true) {
        lines.push(
          `${item.displayName} is already installed with the same version as the provided wheel. Use --force-reinstall to force an installation of the wheel.`,
        );
      }
      continue;
    }
    lines.push(`Collecting ${pipLinkText(item.requirement)}${fromChain(item)}`);
  }
  return lines;
}

/**
 * A VCS URL as pip shows it: Python's `urlunsplit` writes `git+file:///x`
 * as `git+file:/x` (the VCS scheme has no empty netloc).
 */
function pipLinkText(url: string): string {
  return url.replace(/^(git|hg|svn|bzr)\+file:\/\/(?=\/)/i, "$1+file:");
}

/** One line per wheel fetched: `Downloading x.whl (62 kB)`, `Using cached …`. */
export function wheelLines(wheels: readonly LocalWheel[]): string[] {
  const lines: string[] = [];
  for (const wheel of wheels) {
    const size = wheel.size === undefined ? "" : ` (${formatSize(wheel.size)})`;
    switch (wheel.origin) {
      case "downloaded":
        lines.push(`Downloading ${wheel.request.filename}${size}`);
        break;
      case "cached":
      case "unpacked":
        lines.push(`Using cached ${wheel.request.filename}${size}`);
        break;
      case "local":
        break;
    }
  }
  return lines;
}

/**
 * pip's `Would install a-1.0 b-2.0` (names as the metadata spells them,
 * sorted), or nothing when there is nothing to install.
 */
export function wouldInstallLine(outcome: InstallOutcome): string | undefined {
  const items = [...outcome.plan.install, ...outcome.plan.reinstall.map((entry) => entry.dist)]
    .map((dist) => {
      const name = outcome.metadataNames?.get(dist.name) ??
        outcome.collected.find((c) => c.name === dist.name)?.displayName ?? dist.name;
      return [name, dist.version] as const;
    });
  if (items.length === 0) return undefined;
  items.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1));
  return `Would install ${items.map(([name, version]) => `${name}-${version}`).join(" ")}`;
}

/**
 * The lines of the install step: what was skipped, installed and replaced.
 * The changelog's own warnings are not among them: the outcome's warnings
 * hold them, and are printed once, with the rest.
 */
export function changelogLines(
  changelog: InstallChangelog,
  names: ReadonlyMap<string, string>,
): { info: string[]; warnings: string[] } {
  const info: string[] = [];
  const warnings: string[] = [];
  const shown = (name: string) => names.get(name) ?? name;
  for (const skipped of changelog.skipped) {
    warnings.push(
      `Target directory ${skipped.path} already exists. Specify --upgrade to force replacement.`,
    );
  }
  if (changelog.installed.length === 0) return { info, warnings };
  info.push(
    `Installing collected packages: ${
      changelog.installed.map((dist) => shown(dist.name)).join(", ")
    }`,
  );
  for (const old of changelog.uninstalled) {
    info.push(
      `  Attempting uninstall: ${shown(old.name)}`,
      `    Found existing installation: ${old.displayName} ${old.version}`,
      `    Uninstalling ${old.displayName}-${old.version}:`,
      `      Successfully uninstalled ${old.displayName}-${old.version}`,
    );
  }
  return { info, warnings };
}

/** `Successfully installed a-1.0 b-2.0`, sorted by name as pip sorts (case-sensitive). */
export function successLine(
  changelog: InstallChangelog,
  names: ReadonlyMap<string, string>,
): string | undefined {
  if (changelog.installed.length === 0) return undefined;
  const items = changelog.installed.map((dist) => ({
    name: names.get(dist.name) ?? dist.name,
    version: dist.version,
  }));
  items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return `Successfully installed ${items.map((i) => `${i.name}-${i.version}`).join(" ")}`;
}

/**
 * pip's warning about console scripts outside PATH.
 *
 * @example
 * ```ts
 * import { scriptLocationText } from "./install_render.ts";
 * scriptLocationText(new Map([["/p/bin", ["a", "b", "c"]]]));
 * // "The scripts a, b and c are installed in '/p/bin' which is not on PATH.\n…"
 * ```
 */
export function scriptLocationText(dirs: ReadonlyMap<string, readonly string[]>): string {
  const lines: string[] = [];
  for (const [dir, scripts] of [...dirs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const sorted = [...scripts].sort();
    const start = sorted.length === 1
      ? `script ${sorted[0]} is`
      : `scripts ${sorted.slice(0, -1).join(", ")} and ${sorted.at(-1)} are`;
    lines.push(`The ${start} installed in '${dir}' which is not on PATH.`);
  }
  lines.push(
    `Consider adding ${
      lines.length === 1 ? "this directory" : "these directories"
    } to PATH or, if you prefer to suppress this warning, use --no-warn-script-location.`,
  );
  return lines.join("\n");
}

/** pip's warning about broken dependencies after an install, or undefined when there are none. */
export function conflictText(conflicts: CheckResult): string | undefined {
  if (conflicts.missing.length === 0 && conflicts.conflicting.length === 0) return undefined;
  const lines = [
    "pip's dependency resolver does not currently take into account all the packages that are installed. This behaviour is the source of the following dependency conflicts.",
  ];
  for (const missing of conflicts.missing) {
    lines.push(
      `${missing.project} ${missing.version} requires ${missing.requirement}, which is not installed.`,
    );
  }
  for (const conflict of conflicts.conflicting) {
    lines.push(
      `${conflict.project} ${conflict.version} requires ${conflict.requirement}, but you have ${conflict.dependency} ${conflict.installedVersion} which is incompatible.`,
    );
  }
  return lines.join("\n");
}

/** PEP 668's refusal as pip shows it (to stderr, exit status 1). */
export function externallyManagedText(error: ExternallyManagedError, color: boolean): string {
  const red = (text: string) => (color ? `\x1b[1;31m${text}\x1b[0m` : text);
  const [first, ...rest] = error.detail.split("\n");
  return [
    `${red("error")}: externally-managed-environment`,
    "",
    `${red("×")} This environment is externally managed`,
    `${red("╰─>")} ${first ?? ""}`,
    ...rest.map((line) => (line === "" ? "" : `    ${line}`)),
    "",
    "note: If you believe this is a mistake, please contact your Python installation or OS distribution provider. You can override this, at the risk of breaking your Python installation or OS, by passing --break-system-packages.",
    "hint: See PEP 668 for the detailed specification.",
    "",
  ].join("\n");
}
