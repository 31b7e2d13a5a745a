/**
 * Reading requirements files named on the command line: paths relative to
 * the working directory, or `http(s):`/`file:` URLs. A URL is fetched
 * through the command's HTTP client (`openHttpClient`), so it gets what an
 * index page gets: credentials from the URL, `.netrc` or the keyring,
 * `--cert`, `--client-cert`, `--trusted-host`, proxies, retries, timeouts,
 * the size bound on bodies read whole, and redacted errors.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { redactText } from "../net/auth.ts";
import { resolve } from "../paths.ts";
import type { CommandContext } from "./context.ts";

/** A requirements file given by URL that the server does not give. */
export class RequirementsUrlError extends DpipError {
  /** The URL, without credentials. */
  readonly url: string;
  constructor(url: string, status: number) {
    super(
      "requirements-file",
      `HTTP ${status}${status === 404 ? " (not found)" : ""} for ${redactText(url)}`,
    );
    this.name = "RequirementsUrlError";
    this.url = redactText(url);
  }
}

/**
 * Reads a requirements file: a path (relative to the working directory), or
 * an `http(s):`/`file:` URL.
 *
 * @example
 * ```ts ignore
 * const text = await readRequirementsLocation("requirements.txt", context);
 * ```
 */
export async function readRequirementsLocation(
  location: string,
  context: CommandContext,
): Promise<string> {
  if (/^https?:\/\//i.test(location)) {
    // The HTTP client's modules load only for a file named by URL.
    const { openHttpClient } = await import("./index_session.ts");
    const client = await openHttpClient(context);
    try {
      const page = await client.get(location);
      if (page.status !== 200) throw new RequirementsUrlError(location, page.status);
      return new TextDecoder().decode(page.body);
    } finally {
      client.close();
    }
  }
  if (/^file:/i.test(location)) return await Deno.readTextFile(new URL(location));
  return await Deno.readTextFile(resolve(context.io.cwd, location));
}
