/**
 * Facts of a new virtual environment without running its interpreter: a
 * venv's probe output depends on the venv only through the venv's own
 * directory (its prefix, site-packages, scripts, `sys.executable`,
 * `pyvenv.cfg`), so the probe of one venv of an interpreter, with that
 * directory swapped, is the probe of another venv of the same interpreter
 * made the same way (the same `pyvenv.cfg` but for the directory).
 *
 * Pure: the caller reads the files and keeps the templates.
 *
 * @module
 */

import type { ProbeOutput } from "./probe_script.ts";

/** One venv's probe, kept to serve other venvs of the same interpreter. */
export interface VenvTemplate {
  /** The venv directory the probe was taken in. */
  readonly venvDir: string;
  /** Its `pyvenv.cfg`, with the venv directory replaced by a placeholder. */
  readonly config: string;
  readonly probe: ProbeOutput;
}

const PLACEHOLDER = "\u0000venv\u0000";

/** Replaces `from` as a whole path (or a path prefix) in `text` by `to`. */
function swapDir(text: string, from: string, to: string): string {
  let out = "";
  let at = 0;
  for (let found = text.indexOf(from); found >= 0; found = text.indexOf(from, found + 1)) {
    const next = text[found + from.length];
    const before = found === 0 ? undefined : text[found - 1];
    const bounded = (next === undefined || next === "/" || next === "\n" || next === " ") &&
      (before === undefined || before === " " || before === "=" || before === "\n");
    if (!bounded || found < at) continue;
    out += text.slice(at, found) + to;
    at = found + from.length;
  }
  return out + text.slice(at);
}

/** `pyvenv.cfg` with the venv directory made a placeholder, for comparing two venvs' configs. */
export function normalizeVenvConfig(config: string, venvDir: string): string {
  return swapDir(config, venvDir, PLACEHOLDER);
}

function swapValue(value: unknown, from: string, to: string): unknown {
  if (typeof value === "string") {
    return value === from
      ? to
      : value.startsWith(from + "/")
      ? to + value.slice(from.length)
      : value;
  }
  if (Array.isArray(value)) return value.map((item) => swapValue(item, from, to));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, swapValue(item, from, to)]),
    );
  }
  return value;
}

/**
 * A template from a venv's real probe, or undefined when the probe is not of
 * a venv rooted at `venvDir`, or its `sys.path` holds entries that installed
 * `.pth` files added (then nothing can be derived from it safely).
 *
 * @example
 * ```ts ignore
 * const template = venvTemplate(probe, "/home/me/project/.venv", pyvenvCfgText);
 * ```
 */
export function venvTemplate(
  probe: ProbeOutput,
  venvDir: string,
  config: string,
): VenvTemplate | undefined {
  if (!probe.is_venv || probe.prefix !== venvDir || probe.exec_prefix !== venvDir) return undefined;
  // `.pth` files of what is installed add entries to sys.path that another venv would not have:
  // only a sys.path of the interpreter's own directories and the venv's site dirs is general.
  const own = (entry: string, dir: string) => entry === dir || entry.startsWith(dir + "/");
  const general = probe.sys_path.every((entry) =>
    entry === "" || probe.site_packages.includes(entry) || entry === probe.user_site ||
    (own(entry, probe.base_prefix) && !own(entry, venvDir))
  );
  if (!general) return undefined;
  return { venvDir, config: normalizeVenvConfig(config, venvDir), probe };
}

/**
 * The probe of the venv at `venvDir` (whose `pyvenv.cfg` reads `config`),
 * derived from `template`; undefined when the two venvs were not made the
 * same way.
 *
 * @example
 * ```ts ignore
 * const probe = deriveVenvProbe(template, "/home/me/other-venv", otherCfgText);
 * ```
 */
export function deriveVenvProbe(
  template: VenvTemplate,
  venvDir: string,
  config: string,
): ProbeOutput | undefined {
  if (normalizeVenvConfig(config, venvDir) !== template.config) return undefined;
  if (venvDir.startsWith(template.venvDir + "/") || template.venvDir.startsWith(venvDir + "/")) {
    return undefined;
  }
  return swapValue(template.probe, template.venvDir, venvDir) as ProbeOutput;
}
