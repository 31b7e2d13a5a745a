/**
 * Where an interpreter installs things, for each kind of install target pip
 * supports (the default scheme, `--user`, `--prefix`, `--root`, `--target`),
 * and whether the environment is externally managed (PEP 668).
 *
 * Everything here is computed from the probe's cached output; nothing spawns.
 *
 * @module
 */

import { join } from "../paths.ts";
import { assertNever } from "../errors.ts";
import { PREFIX_SENTINEL, type ProbeSchemePaths } from "./probe_script.ts";

/**
 * The directories one install writes to (the keys of a wheel's `.data/` dirs).
 * A distribution's headers go in `join(headers, distributionName)`, as pip puts them.
 */
export interface Scheme {
  readonly purelib: string;
  readonly platlib: string;
  readonly scripts: string;
  readonly data: string;
  readonly headers: string;
}

/**
 * An install target: the interpreter's own environment, the user site,
 * `--prefix P`, `--root R` (the default scheme, or the `prefix` one, under
 * another root), or `--target DIR`.
 */
export type SchemeKind =
  | { readonly kind: "default" }
  | { readonly kind: "user" }
  | { readonly kind: "prefix"; readonly prefix: string }
  | { readonly kind: "root"; readonly root: string; readonly prefix?: string }
  | { readonly kind: "target"; readonly dir: string };

/** The probe's scheme paths that {@link resolveScheme} derives every target from. */
export interface SchemeTemplates {
  readonly default: ProbeSchemePaths;
  readonly user: ProbeSchemePaths;
  /** The `--prefix` scheme with `PREFIX_SENTINEL` in place of the prefix. */
  readonly prefix: ProbeSchemePaths;
  /** The `--home` scheme with `PREFIX_SENTINEL` in place of the home dir. */
  readonly home: ProbeSchemePaths;
}

function toScheme(paths: ProbeSchemePaths): Scheme {
  return {
    purelib: paths.purelib,
    platlib: paths.platlib,
    scripts: paths.scripts,
    data: paths.data,
    headers: paths.headers,
  };
}

function substitute(paths: ProbeSchemePaths, base: string): Scheme {
  const replace = (path: string) =>
    path.startsWith(PREFIX_SENTINEL) ? base + path.slice(PREFIX_SENTINEL.length) : path;
  return toScheme({
    purelib: replace(paths.purelib),
    platlib: replace(paths.platlib),
    scripts: replace(paths.scripts),
    data: replace(paths.data),
    include: replace(paths.include),
    headers: replace(paths.headers),
  });
}

/** pip's `change_root` on POSIX: `root` joined with `path` made relative. */
function changeRoot(root: string, path: string): string {
  return path.startsWith("/") ? join(root, path.slice(1)) : join(root, path);
}

/**
 * The install scheme for `kind`, as pip computes it from `sysconfig`.
 *
 * `--target DIR` installs as pip does: into a `--home` scheme whose library
 * directory is `DIR` itself, scripts in `DIR/bin`.
 *
 * @example
 * ```ts
 * import { resolveScheme } from "./environment.ts";
 * // resolveScheme(templates, { kind: "prefix", prefix: "/opt/app" }).purelib
 * //   === "/opt/app/lib/python3.12/site-packages"
 * ```
 */
export function resolveScheme(templates: SchemeTemplates, kind: SchemeKind): Scheme {
  switch (kind.kind) {
    case "default":
      return toScheme(templates.default);
    case "user":
      return toScheme(templates.user);
    case "prefix":
      return substitute(templates.prefix, kind.prefix);
    case "root": {
      const base = kind.prefix === undefined
        ? toScheme(templates.default)
        : substitute(templates.prefix, kind.prefix);
      return {
        purelib: changeRoot(kind.root, base.purelib),
        platlib: changeRoot(kind.root, base.platlib),
        scripts: changeRoot(kind.root, base.scripts),
        data: changeRoot(kind.root, base.data),
        headers: changeRoot(kind.root, base.headers),
      };
    }
    case "target": {
      const home = substitute(templates.home, kind.dir);
      return {
        purelib: kind.dir,
        platlib: kind.dir,
        scripts: home.scripts,
        data: kind.dir,
        headers: home.headers,
      };
    }
    default:
      return assertNever(kind, "scheme kind");
  }
}

/**
 * The language of messages, from `LC_ALL`, `LC_MESSAGES` or `LANG` (the first
 * set), without encoding or modifier: `de_DE.UTF-8` → `de_DE`; undefined for
 * the `C`/`POSIX` locale.
 */
export function messageLanguage(env: Readonly<Record<string, string>>): string | undefined {
  const raw = [env["LC_ALL"], env["LC_MESSAGES"], env["LANG"]].find((v) => v !== undefined && v);
  if (raw === undefined) return undefined;
  const lang = raw.split(".")[0]?.split("@")[0] ?? "";
  if (lang === "" || lang === "C" || lang === "POSIX") return undefined;
  return lang;
}

/**
 * Picks the `EXTERNALLY-MANAGED` message for the user's language, as PEP 668
 * describes: `Error-<lang>`, then `Error-<language without region>`, then `Error`.
 * Keys compare case-insensitively (the file is read with `configparser`).
 *
 * @example
 * ```ts
 * import { externallyManagedMessage } from "./environment.ts";
 * externallyManagedMessage({ error: "Use apt.", "error-de": "Nutze apt." }, { LANG: "de_DE.UTF-8" });
 * // "Nutze apt."
 * ```
 */
export function externallyManagedMessage(
  errors: Readonly<Record<string, string>> | null,
  env: Readonly<Record<string, string>>,
): string | undefined {
  if (errors === null) return undefined;
  const lower = new Map(Object.entries(errors).map(([k, v]) => [k.toLowerCase(), v]));
  const lang = messageLanguage(env);
  const keys: string[] = [];
  if (lang !== undefined) {
    keys.push(`error-${lang}`);
    for (const separator of ["-", "_"]) {
      const at = lang.indexOf(separator);
      if (at >= 0) keys.push(`error-${lang.slice(0, at)}`);
    }
  }
  keys.push("error");
  for (const key of keys) {
    const message = lower.get(key.toLowerCase());
    if (message !== undefined) return message;
  }
  return undefined;
}
