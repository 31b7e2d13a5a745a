/**
 * The registry of command runners, by command name. A command in the table
 * (`../commands.ts`) without a runner here reports that it is not available yet.
 *
 * Runners are loaded on first use, so `dpip --version` or `dpip list` does not
 * pay for compiling the installer, the resolver and the HTTP stack.
 *
 * @module
 */

import type { CommandRunner } from "../context.ts";

/** Loads a command's runner. */
export type RunnerLoader = () => Promise<CommandRunner>;

/** Loaders of the commands that are implemented. */
export const RUNNERS: Readonly<Record<string, RunnerLoader>> = {
  config: () => import("./config.ts").then((m) => m.runConfig),
  list: () => import("./list.ts").then((m) => m.runList),
  freeze: () => import("./freeze.ts").then((m) => m.runFreeze),
  show: () => import("./show.ts").then((m) => m.runShow),
  check: () => import("./check.ts").then((m) => m.runCheck),
  audit: () => import("./audit.ts").then((m) => m.runAudit),
  sbom: () => import("./sbom.ts").then((m) => m.runSbom),
  tree: () => import("./tree.ts").then((m) => m.runTree),
  inspect: () => import("./inspect.ts").then((m) => m.runInspect),
  install: () => import("./install.ts").then((m) => m.runInstall),
  lock: () => import("./lock.ts").then((m) => m.runLock),
  sync: () => import("./sync.ts").then((m) => m.runSync),
  compile: () => import("./compile.ts").then((m) => m.runCompile),
  uninstall: () => import("./uninstall.ts").then((m) => m.runUninstall),
  upgrade: () => import("./upgrade.ts").then((m) => m.runUpgrade),
  debug: () => import("./debug.ts").then((m) => m.runDebug),
  download: () => import("./download.ts").then((m) => m.runDownload),
  bundle: () => import("./bundle.ts").then((m) => m.runBundle),
  wheel: () => import("./wheel.ts").then((m) => m.runWheel),
  index: () => import("./index.ts").then((m) => m.runIndex),
  hash: () => import("./hash.ts").then((m) => m.runHash),
  cache: () => import("./cache.ts").then((m) => m.runCache),
  completion: () => import("./completion.ts").then((m) => m.runCompletion),
  venv: () => import("./venv.ts").then((m) => m.runVenv),
};
