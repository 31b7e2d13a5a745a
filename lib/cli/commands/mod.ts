/**
 * The registry of command runners, by command name. A command in the table
 * (`../commands.ts`) without a runner here reports that it is not available yet.
 *
 * @module
 */

import type { CommandRunner } from "../context.ts";
import { runConfig } from "./config.ts";
import { runList } from "./list.ts";

/** Runners of the commands that are implemented. */
export const RUNNERS: Readonly<Record<string, CommandRunner>> = {
  config: runConfig,
  list: runList,
};
