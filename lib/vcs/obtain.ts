/**
 * Checking out a VCS requirement, as pip does: a fresh checkout for a
 * build, or for an editable install a checkout in the `--src` directory that
 * may exist already. An existing checkout of the same URL is updated to the
 * revision; anything else in the way is switched, ignored, wiped or backed
 * up as `--exists-action` says (pip's `s`, `i`, `w`, `b`), or as the user
 * answers when asked. Where pip would ask without a terminal (and crash on
 * the closed input), dpip stops with one line saying what to pass.
 *
 * @module
 */

import { throwIfCancelled } from "../cancellation.ts";
import { DpipError } from "../errors.ts";
import { join } from "../paths.ts";
import { type BackendContext, revisionDisplay, type VcsBackend } from "./backend.ts";
import { bazaar } from "./bazaar.ts";
import { git } from "./git.ts";
import { mercurial } from "./mercurial.ts";
import { subversion } from "./subversion.ts";
import { VcsClient, type VcsCommandOptions } from "./vcs_command.ts";
import type { VcsLocation, VcsName } from "./vcs_url.ts";
import { pathExists } from "../path_exists.ts";

/** pip's `--exists-action` answers: switch, ignore, wipe, backup, abort. */
export type ExistsAction = "s" | "i" | "w" | "b" | "a";

/** Progress and warnings of a checkout. */
export interface VcsReporter {
  /** pip's info lines (`Cloning … to …`, `Resolved … to commit …`). */
  onInfo?(text: string): void;
  /** pip's warnings (`git clone in ./src/x exists with URL …`). */
  onWarning?(text: string): void;
  /** Each client command line before it runs (pip's `Running command …`). */
  onCommand?(line: string): void;
}

/** How to check out. */
export interface CheckoutOptions extends Omit<VcsCommandOptions, "onCommand"> {
  readonly reporter?: VcsReporter;
  /** Paths as messages show them (default: as they are). */
  readonly displayPath?: (path: string) => string;
  /** `--exists-action` answers, first usable one wins (pip's `PIP_EXISTS_ACTION`). */
  readonly existsAction?: readonly ExistsAction[];
  /**
   * Asks what to do about a directory in the way; resolves to one of
   * `choices`, or undefined when there is no one to answer.
   */
  readonly ask?: (
    question: string,
    choices: readonly ExistsAction[],
  ) => Promise<string | undefined>;
}

/** A checkout made (or kept). */
export interface VcsCheckout {
  /** The checkout's root directory. */
  readonly dir: string;
  /** The revision checked out, as pip records it (`commit_id`); none for a directory ignored. */
  readonly commitId?: string;
  /** The requested revision is a commit id that is not a branch or tag: it cannot change. */
  readonly immutable: boolean;
}

/** An editable checkout's directory is in the way and nothing says what to do. */
export class CheckoutExistsError extends DpipError<"checkout-exists"> {
  /** The directory. */
  readonly dir: string;
  /** `dir` is in the way; `reason` says what it is and why dpip stopped. */
  constructor(dir: string, reason: string) {
    super("checkout-exists", `${dir} already exists (${reason})`, {
      hint:
        "pass --exists-action s (switch it to the new URL), i (ignore: keep it), w (wipe it) or b (back it up)",
    });
    this.name = "CheckoutExistsError";
    this.dir = dir;
  }
}

const BACKENDS: Readonly<Record<VcsName, VcsBackend>> = {
  git,
  hg: mercurial,
  svn: subversion,
  bzr: bazaar,
};

/** The backend of a VCS. */
export function vcsBackend(vcs: VcsName): VcsBackend {
  return BACKENDS[vcs];
}

function contextOf(vcs: VcsName, options: CheckoutOptions): BackendContext {
  const { reporter } = options;
  return {
    client: new VcsClient(vcs, {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(reporter?.onCommand === undefined
        ? {}
        : { onCommand: (line: string) => reporter.onCommand?.(line) }),
    }),
    info: (text) => reporter?.onInfo?.(text),
    warning: (text) => reporter?.onWarning?.(text),
    displayPath: options.displayPath ?? ((path) => path),
  };
}

/**
 * A new checkout of `location` at `dest`, which must not exist (pip's
 * `fetch_new`, for a build).
 *
 * @throws {VcsNotInstalledError} when the client is not installed.
 * @throws {VcsCommandError} when a command fails (a bad revision, an unreachable URL).
 */
export async function fetchCheckout(
  dest: string,
  location: VcsLocation,
  options: CheckoutOptions = {},
): Promise<VcsCheckout & { commitId: string }> {
  const backend = vcsBackend(location.vcs);
  const context = contextOf(location.vcs, options);
  await backend.fetchNew(dest, location, context);
  return await described(dest, location, { backend, context });
}

/**
 * A checkout of `location` at `dest`, which may exist (pip's `obtain`, for
 * an editable install): a checkout of the same URL is updated; anything else
 * is handled as `--exists-action` (or the answer to `ask`) says.
 *
 * @throws {CheckoutExistsError} when something is in the way and nothing says what to do.
 * @throws {VcsNotInstalledError} when the client is not installed.
 * @throws {VcsCommandError} when a command fails.
 */
export async function obtainCheckout(
  dest: string,
  location: VcsLocation,
  options: CheckoutOptions = {},
): Promise<VcsCheckout> {
  const backend = vcsBackend(location.vcs);
  const context = contextOf(location.vcs, options);
  const shown = context.displayPath(dest);
  if (!(await pathExists(dest))) {
    await backend.fetchNew(dest, location, context);
    return await described(dest, location, { backend, context });
  }
  let choices: ExistsAction[];
  let what: string;
  if (await pathExists(join(dest, backend.dirname))) {
    const existing = await backend.remoteUrl(dest, context).catch(() => undefined);
    if (existing !== undefined && sameUrl(existing, location.url)) {
      if (await backend.isCommitIdEqual(dest, location.revision, context)) {
        context.info("Skipping because already up-to-date.");
      } else {
        context.info(`Updating ${shown} ${backend.repoName}${revisionDisplay(location)}`);
        await backend.update(dest, location, context);
      }
      return await described(dest, location, { backend, context });
    }
    what = `a ${backend.vcs} ${backend.repoName} of ${existing ?? "no known URL"}`;
    context.warning(
      `${backend.vcs} ${backend.repoName} in ${shown} exists with URL ${existing ?? "None"}`,
    );
    choices = ["s", "i", "w", "b"];
  } else {
    what = `not a ${backend.vcs} ${backend.repoName}`;
    context.warning(
      `Directory ${dest} already exists, and is not a ${backend.vcs} ${backend.repoName}.`,
    );
    choices = ["i", "w", "b"];
  }
  context.warning(`The plan is to install the ${backend.vcs} repository ${location.url}`);
  const action = await chooseAction(dest, { what, choices, options });
  switch (action) {
    case "w":
      context.warning(`Deleting ${shown}`);
      await Deno.remove(dest, { recursive: true });
      await backend.fetchNew(dest, location, context);
      break;
    case "b": {
      const backup = await backupName(dest);
      context.warning(`Backing up ${shown} to ${backup}`);
      await Deno.rename(dest, backup);
      await backend.fetchNew(dest, location, context);
      break;
    }
    case "s":
      context.info(
        `Switching ${backend.repoName} ${shown} to ${location.url}${revisionDisplay(location)}`,
      );
      await backend.switchTo(dest, location, context);
      break;
    case "i":
      // A directory that is not a checkout, kept as it is, has no revision.
      if (!(await pathExists(join(dest, backend.dirname)))) return { dir: dest, immutable: false };
      break;
  }
  return await described(dest, location, { backend, context });
}

/** What to do with `dest`: the first usable `--exists-action`, else the user's answer. */
async function chooseAction(
  dest: string,
  request: { what: string; choices: readonly ExistsAction[]; options: CheckoutOptions },
): Promise<"s" | "i" | "w" | "b"> {
  const { what, choices, options } = request;
  const given = options.existsAction ?? [];
  const usable = given.find((action) => choices.includes(action));
  if (usable !== undefined) return usable as "s" | "i" | "w" | "b";
  if (given.includes("a")) {
    throw new CheckoutExistsError(dest, `${what}; aborted as --exists-action a says`);
  }
  throwIfCancelled(options.signal);
  const labels: Record<ExistsAction, string> = {
    s: "(s)witch",
    i: "(i)gnore",
    w: "(w)ipe",
    b: "(b)ackup",
    a: "(a)bort",
  };
  const answer = await options.ask?.(
    `What to do?  ${choices.map((choice) => labels[choice]).join(", ")} `,
    choices,
  );
  if (answer !== undefined && choices.includes(answer as ExistsAction)) {
    return answer as "s" | "i" | "w" | "b";
  }
  throw new CheckoutExistsError(dest, `${what}, and no --exists-action says what to do with it`);
}

async function described(
  dest: string,
  location: VcsLocation,
  run: { backend: VcsBackend; context: BackendContext },
): Promise<VcsCheckout & { commitId: string }> {
  const { backend, context } = run;
  return {
    dir: dest,
    commitId: await backend.revision(dest, context),
    immutable: await backend.isImmutableRevCheckout(dest, location, context),
  };
}

/** pip's `compare_urls`: equal once unquoted and without a trailing slash. */
function sameUrl(a: string, b: string): boolean {
  const normal = (url: string) => {
    let text: string;
    try {
      text = decodeURIComponent(url);
    } catch {
      text = url;
    }
    let end = text.length;
    while (end > 0 && text[end - 1] === "/") end--;
    return text.slice(0, end);
  };
  return normal(a) === normal(b);
}

/** pip's `backup_dir`: `dest.bak`, else `dest.bak2`, `dest.bak3`, … */
export async function backupName(dest: string): Promise<string> {
  for (let n = 1;; n++) {
    const candidate = `${dest}.bak${n === 1 ? "" : n}`;
    if (!(await pathExists(candidate))) return candidate;
  }
}
