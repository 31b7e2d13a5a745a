/**
 * `dpip hash FILE... [-a sha256|sha384|sha512]`: prints, for each file,
 * `FILE:` and a `--hash=ALG:HEX` line, as pip does.
 *
 * @module
 */

import { DpipError } from "../../errors.ts";
import { hashDocument, hashFiles } from "../../operations/hash.ts";
import { wantsJson, writeJson } from "../json_output.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";

/** Runs `dpip hash`. */
export async function runHash(context: CommandContext): Promise<number> {
  const { io, options } = context;
  if (context.args.length === 0) {
    throw new DpipError("no-files", "You must give at least one file to hash.", {
      hint: `${context.program} hash FILE... [-a sha256|sha384|sha512]`,
    });
  }
  const algorithm = options.choice("algorithm") ?? "sha256";
  const digests = await hashFiles(context.args, { algorithm, cwd: io.cwd });
  if (wantsJson(context)) {
    writeJson(io, hashDocument(digests, algorithm));
    return ExitCode.success;
  }
  for (const { path, digest } of digests) {
    io.stdout.write(`${path}:\n--hash=${algorithm}:${digest}\n`);
  }
  return ExitCode.success;
}
