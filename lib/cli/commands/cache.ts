/**
 * `dpip cache dir|info|list|remove|purge`: inspects and manages dpip's cache
 * with pip's wording. pip's "locally built wheels" are dpip's wheels built
 * from source distributions (`wheels-v1/built/`); its "package index page
 * cache" is dpip's HTTP cache (`http-v1/`), which also holds downloaded files.
 *
 * @module
 */

import { commandCacheRoot } from "../target_interpreter.ts";
import { DpipError, type ErrorCode } from "../../errors.ts";
import {
  cacheDirDocument,
  type CacheInfo,
  cacheInfo,
  cacheInfoDocument,
  cacheListDocument,
  findBuiltWheels,
  findHttpFiles,
  purgeCache,
  removeCacheFiles,
} from "../../operations/cache.ts";
import type { CommandContext } from "../context.ts";
import { writeJson } from "../json_output.ts";
import { ExitCode } from "../exit_codes.ts";
import { formatSize } from "../progress.ts";
import { appendAll } from "../../lists.ts";

/** A `dpip cache` invocation that cannot run: no cache, no or an unknown action, bad arguments. */
export class CacheCommandError extends DpipError {
  /** The arguments after `cache`. */
  readonly args: readonly string[];

  constructor(code: ErrorCode, message: string, args: readonly string[]) {
    super(code, message);
    this.name = "CacheCommandError";
    this.args = args;
  }
}

const ACTIONS = ["dir", "info", "list", "purge", "remove"] as const;
type CacheAction = (typeof ACTIONS)[number];

/** Runs `dpip cache`. */
export async function runCache(context: CommandContext): Promise<number> {
  const { io, options, args } = context;
  const root = commandCacheRoot(context);
  if (root === undefined) {
    throw new CacheCommandError(
      "cache-disabled",
      `${context.program} cache commands can not function since cache is disabled.`,
      args,
    );
  }
  const action = args[0];
  if (action === undefined || !isAction(action)) {
    throw new CacheCommandError(
      "cache-action-missing",
      `Need an action (${ACTIONS.join(", ")}) to perform.`,
      args,
    );
  }
  const rest = args.slice(1);
  const tooMany = (max: number) => {
    if (rest.length > max) {
      throw new CacheCommandError("cache-too-many-arguments", "Too many arguments", args);
    }
  };
  const out = (text: string) => io.stdout.write(text + "\n");
  const json = options.choice("format") === "json";
  if (json && (action === "remove" || action === "purge")) {
    throw new CacheCommandError(
      "usage",
      `'cache ${action}' has no JSON output: --format json works with dir, info and list`,
      args,
    );
  }
  const verbose = options.count("verbose") > 0;
  const onRemoved = verbose ? (path: string) => out(`Removed ${path}`) : undefined;
  const removedOptions = onRemoved === undefined ? {} : { onRemoved };
  switch (action) {
    case "dir":
      tooMany(0);
      if (json) writeJson(io, cacheDirDocument(root));
      else out(root);
      return ExitCode.success;
    case "info": {
      tooMany(0);
      const info = await cacheInfo(root);
      if (json) writeJson(io, cacheInfoDocument(info));
      else out(formatCacheInfo(info));
      return ExitCode.success;
    }
    case "list": {
      tooMany(1);
      const wheels = await findBuiltWheels(root, rest[0] ?? "*");
      if (json) writeJson(io, cacheListDocument(wheels));
      else if (options.choice("format") === "abspath") {
        if (wheels.length > 0) out(wheels.map((w) => w.path).join("\n"));
      } else if (wheels.length === 0) {
        out("No locally built wheels cached.");
      } else {
        const lines = wheels.map((w) => ` - ${w.filename} (${formatSize(w.size)})`).sort();
        out("Cache contents:\n");
        out(lines.join("\n"));
      }
      return ExitCode.success;
    }
    case "remove": {
      tooMany(1);
      const pattern = rest[0];
      if (pattern === undefined) {
        throw new CacheCommandError("cache-pattern-missing", "Please provide a pattern", args);
      }
      const files = (await findBuiltWheels(root, pattern)).map((w) => w.path);
      // As pip: only `*` also empties the HTTP cache.
      if (pattern === "*") appendAll(files, await findHttpFiles(root));
      if (files.length === 0) {
        io.stderr.write(
          `WARNING: No matching packages${pattern === "*" ? "" : ` for pattern "${pattern}"`}\n`,
        );
      }
      out(`Files removed: ${await removeCacheFiles(files, removedOptions)}`);
      return ExitCode.success;
    }
    case "purge": {
      tooMany(0);
      const removed = await purgeCache(root, removedOptions);
      if (removed === 0) io.stderr.write("WARNING: No matching packages\n");
      out(`Files removed: ${removed}`);
      return ExitCode.success;
    }
  }
}

function isAction(word: string): word is CacheAction {
  return (ACTIONS as readonly string[]).includes(word);
}

/**
 * The `cache info` report: pip's six lines, then the unpacked-wheel,
 * metadata and interpreter caches that pip does not have.
 */
export function formatCacheInfo(info: CacheInfo): string {
  const { http, built, builtWheels, unpacked, metadata, interpreters } = info;
  return [
    `Package index page cache location: ${http.location}`,
    `Package index page cache size: ${formatSize(http.size)}`,
    `Number of HTTP files: ${http.files}`,
    `Locally built wheels location: ${built.location}`,
    `Locally built wheels size: ${formatSize(built.size)}`,
    `Number of locally built wheels: ${builtWheels}`,
    `Unpacked wheels (installs hard-link from these) location: ${unpacked.location}`,
    `Unpacked wheels size: ${formatSize(unpacked.size)}`,
    `Number of unpacked wheel files: ${unpacked.files}`,
    `Wheel metadata cache location: ${metadata.location}`,
    `Wheel metadata cache size: ${formatSize(metadata.size)}`,
    `Number of wheel metadata files: ${metadata.files}`,
    `Interpreter information cache location: ${interpreters.location}`,
    `Interpreter information cache size: ${formatSize(interpreters.size)}`,
    `Number of interpreter information files: ${interpreters.files}`,
  ].join("\n");
}
