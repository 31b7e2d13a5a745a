/**
 * The registry of command runners, by command name. A command in the table
 * (`../commands.ts`) without a runner here reports that it is not available yet.
 *
 * @module
 */

import type { CommandRunner } from "../context.ts";
import { runConfig } from "./config.ts";
import { runCheck } from "./check.ts";
import { runDebug } from "./debug.ts";
import { runDownload } from "./download.ts";
import { runFreeze } from "./freeze.ts";
import { runHash } from "./hash.ts";
import { runIndex } from "./index.ts";
import { runInspect } from "./inspect.ts";
import { runInstall } from "./install.ts";
import { runList } from "./list.ts";
import { runShow } from "./show.ts";
import { runUninstall } from "./uninstall.ts";

/** Runners of the commands that are implemented. */
export const RUNNERS: Readonly<Record<string, CommandRunner>> = {
  config: runConfig,
  list: runList,
  freeze: runFreeze,
  show: runShow,
  check: runCheck,
  inspect: runInspect,
  install: runInstall,
  uninstall: runUninstall,
  debug: runDebug,
  download: runDownload,
  index: runIndex,
  hash: runHash,
};
