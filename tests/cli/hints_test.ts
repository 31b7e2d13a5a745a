/**
 * Hints name only options the command has: the alternatives and remarks
 * that name another command's options are left out, table-driven over the
 * hints dpip's layers write.
 */

import { findCommand } from "../../lib/cli/commands.ts";
import { fitHint } from "../../lib/cli/hints.ts";
import { assertEquals } from "../helpers/assert.ts";

const CASES: [string, string, string | undefined][] = [
  // The resolver's hints: sync has no --pre, --ignore-requires-python or --resolution-timeout.
  [
    "sync",
    "pre-releases of lib would satisfy the request (3.0b1), but pre-releases are not enabled (use --pre, or use a specifier that names a pre-release)",
    "pre-releases of lib would satisfy the request (3.0b1), but pre-releases are not enabled (use a specifier that names a pre-release)",
  ],
  [
    "install",
    "pre-releases of lib would satisfy the request (3.0b1), but pre-releases are not enabled (use --pre, or use a specifier that names a pre-release)",
    "pre-releases of lib would satisfy the request (3.0b1), but pre-releases are not enabled (use --pre, or use a specifier that names a pre-release)",
  ],
  [
    "sync",
    "lib left out as pre-releases (--pre allows them): 3.0b1",
    "lib left out as pre-releases: 3.0b1",
  ],
  [
    "sync",
    "lib 2.0 requires Python>=3.12, but the target Python is 3.11.7 (--ignore-requires-python skips this check)",
    "lib 2.0 requires Python>=3.12, but the target Python is 3.11.7",
  ],
  [
    "sync",
    "Pin some of these projects to narrow the search, or raise --resolution-timeout.",
    "Pin some of these projects to narrow the search.",
  ],
  [
    "lock",
    "Pin some of these projects to narrow the search, or raise --resolution-timeout.",
    "Pin some of these projects to narrow the search, or raise --resolution-timeout.",
  ],
  // Builds: compile, upgrade and sync have no --no-build-isolation.
  [
    "compile",
    "make the build requirements available on the index, or use --no-build-isolation",
    "make the build requirements available on the index",
  ],
  [
    "upgrade",
    "one of these must be available as a wheel (on the index or with --find-links), or be installed and built with --no-build-isolation",
    "one of these must be available as a wheel (on the index or with --find-links)",
  ],
  [
    "install",
    "make the build requirements available on the index, or use --no-build-isolation",
    "make the build requirements available on the index, or use --no-build-isolation",
  ],
  // PEP 668: lock has no --break-system-packages.
  [
    "lock",
    "use a virtual environment, or pass --break-system-packages to override at the risk of breaking the system's Python",
    "use a virtual environment",
  ],
  // Hash mode: --hash is a requirements file's option (kept); upgrade has no --no-deps.
  [
    "upgrade",
    "add a --hash for every distribution, dependencies included (or use --no-deps)",
    "add a --hash for every distribution, dependencies included",
  ],
  // General options stay everywhere; a hint that is only a missing option goes.
  [
    "sbom",
    "check the URL, your network and proxy settings; --retries and --timeout tune retrying",
    "check the URL, your network and proxy settings; --retries and --timeout tune retrying",
  ],
  ["sync", "use --pre", undefined],
];

Deno.test("hints keep only the options the command has", () => {
  for (const [command, hint, expected] of CASES) {
    assertEquals(fitHint(hint, findCommand(command)!), expected, `${command}: ${hint}`);
  }
});
