/**
 * Credentials for index and file URLs, and URL redaction.
 *
 * Credentials come, in order, from the URL itself (`https://user:pw@host/` or
 * a token `https://tok@host/`), from an index URL the request falls under,
 * from credentials already used for the same host, from `.netrc` (`NETRC` or
 * `~/.netrc`), and, after a 401, from keyring run as a subprocess
 * (`--keyring-provider subprocess`), as pip does. Credentials never appear in
 * output: every URL shown to the user goes through {@link redactUrl}.
 *
 * @module
 */

/** A username and password for HTTP basic auth. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** One `machine` (or `default`, with `machine` undefined) entry of a `.netrc` file. */
export interface NetrcEntry {
  readonly machine?: string;
  readonly login: string;
  readonly password: string;
}

/**
 * The URL with its password replaced by `****` (a lone username, which is a
 * token, is replaced instead). Text that is not a URL is returned unchanged.
 *
 * @example
 * ```ts
 * import { redactUrl } from "./auth.ts";
 * redactUrl("https://user:secret@host/simple/"); // "https://user:****@host/simple/"
 * redactUrl("https://token@host/simple/"); // "https://****@host/simple/"
 * ```
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#\s]*)@/i, redactUserinfo);
}

/**
 * `scheme://userinfo@` with the password (or a lone token) replaced. The
 * userinfo runs to the authority's last `@`, as URL parsers read it, so a
 * password with a raw `@` in it is hidden whole.
 */
function redactUserinfo(_match: string, scheme: string, userinfo: string): string {
  const colon = userinfo.indexOf(":");
  return colon < 0 ? `${scheme}****@` : `${scheme}${userinfo.slice(0, colon)}:****@`;
}

/**
 * Redacts every URL with credentials inside free text (error messages from lower layers).
 *
 * @example
 * ```ts
 * import { redactText } from "./auth.ts";
 * redactText("error sending request for url (https://u:p@h/x)"); // "... (https://u:****@h/x)"
 * ```
 */
export function redactText(text: string): string {
  let out = "";
  let copied = 0;
  for (let at = text.indexOf("://"); at >= 0; at = text.indexOf("://", AUTHORITY.lastIndex)) {
    // One pass: each authority is scanned once, from its `://` to its end.
    AUTHORITY.lastIndex = at + 3;
    const authority = AUTHORITY.exec(text)?.[0] ?? "";
    const end = authority.lastIndexOf("@");
    if (end < 0) continue;
    out += redactUserinfo("", text.slice(copied, at + 3), authority.slice(0, end));
    copied = at + 3 + end + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The authority of a URL in free text: up to a path, query, fragment, space or quote. */
const AUTHORITY = /[^\s/?#"'()<>]*/y;

/**
 * Splits the credentials out of a URL.
 *
 * @example
 * ```ts
 * import { splitCredentials } from "./auth.ts";
 * splitCredentials("https://u:p%40ss@host/x");
 * // { url: "https://host/x", credentials: { username: "u", password: "p@ss" } }
 * ```
 */
export function splitCredentials(url: string): { url: string; credentials?: Credentials } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (parsed.username === "" && parsed.password === "") return { url };
  const credentials = {
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
  parsed.username = "";
  parsed.password = "";
  return { url: parsed.href, credentials };
}

/**
 * Parses a `.netrc` file: `machine`, `default`, `login`, `password`, `account`
 * and `macdef` (skipped) tokens, quoted strings and `#` comments.
 *
 * @example
 * ```ts
 * import { parseNetrc } from "./auth.ts";
 * parseNetrc("machine example.com login me password s3cret");
 * // [{ machine: "example.com", login: "me", password: "s3cret" }]
 * ```
 */
export function parseNetrc(text: string): NetrcEntry[] {
  const tokens = tokenizeNetrc(text);
  const entries: NetrcEntry[] = [];
  let current: { machine?: string; login: string; password: string } | undefined;
  const flush = () => {
    if (current !== undefined) entries.push(current);
    current = undefined;
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    switch (token) {
      case "machine":
        flush();
        current = { machine: tokens[++i] ?? "", login: "", password: "" };
        break;
      case "default":
        flush();
        current = { login: "", password: "" };
        break;
      case "login":
        if (current !== undefined) current.login = tokens[++i] ?? "";
        break;
      case "password":
        if (current !== undefined) current.password = tokens[++i] ?? "";
        break;
      case "account":
        i++;
        break;
      case "macdef":
        flush();
        // A macro body runs to the next blank line; the tokenizer marks it.
        while (i + 1 < tokens.length && tokens[i + 1] !== "\n\n") i++;
        break;
      default:
        break;
    }
  }
  flush();
  return entries;
}

function tokenizeNetrc(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? "";
    if (ch === "\n" && text[i + 1] === "\n") {
      tokens.push("\n\n");
      i += 2;
    } else if (/\s/.test(ch)) {
      i++;
    } else if (ch === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (ch === '"') {
      let value = "";
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\" && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      i++;
      tokens.push(value);
    } else {
      let value = "";
      while (i < text.length && !/\s/.test(text[i] ?? " ")) {
        if (text[i] === "\\" && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      tokens.push(value);
    }
  }
  return tokens;
}

/** The credentials `.netrc` gives for `host`: its `machine` entry, else `default`. */
export function netrcCredentials(
  entries: readonly NetrcEntry[],
  host: string,
): Credentials | undefined {
  const entry = entries.find((e) => e.machine === host) ??
    entries.find((e) => e.machine === undefined);
  return entry === undefined ? undefined : { username: entry.login, password: entry.password };
}

/** The `.netrc` path: `NETRC`, else `~/.netrc`. */
export function netrcPath(env: Readonly<Record<string, string>>): string | undefined {
  if (env["NETRC"]) return env["NETRC"];
  return env["HOME"] ? `${env["HOME"]}/.netrc` : undefined;
}

/** Reads and parses the `.netrc` file; none (or unreadable) gives no entries. */
export async function loadNetrc(env: Readonly<Record<string, string>>): Promise<NetrcEntry[]> {
  const path = netrcPath(env);
  if (path === undefined) return [];
  try {
    return parseNetrc(await Deno.readTextFile(path));
  } catch {
    return [];
  }
}

/** Asks an external credential store for a URL's password. */
export interface KeyringProvider {
  /** Credentials for `service` (an index URL or a host), with `username` when known. */
  get(service: string, username: string | undefined): Promise<Credentials | undefined>;
}

/**
 * pip's `--keyring-provider subprocess`: runs the `keyring` command found on
 * `PATH`: `keyring get SERVICE USERNAME` prints the password, and without a
 * username `keyring --mode creds get SERVICE` prints the username and password
 * on two lines. A failing or missing command means no credentials.
 */
export function subprocessKeyring(
  options: { command?: string; env?: Readonly<Record<string, string>> } = {},
): KeyringProvider {
  const command = options.command ?? "keyring";
  return {
    async get(service, username) {
      const args = username === undefined
        ? ["--mode", "creds", "get", service]
        : ["get", service, username];
      let output: Deno.CommandOutput;
      try {
        output = await new Deno.Command(command, {
          args,
          stdin: "null",
          stdout: "piped",
          stderr: "null",
          env: { ...(options.env ?? {}), PYTHONIOENCODING: "utf-8" },
        }).output();
      } catch {
        return undefined;
      }
      if (!output.success) return undefined;
      const lines = new TextDecoder().decode(output.stdout).replace(/\r?\n$/, "").split(/\r?\n/);
      if (username !== undefined) return { username, password: lines[0] ?? "" };
      if (lines.length < 2) return undefined;
      return { username: lines[0] ?? "", password: lines[1] ?? "" };
    },
  };
}

/** Options for {@link Authenticator}. */
export interface AuthenticatorOptions {
  /** The index URLs (possibly with credentials) whose credentials cover the URLs under them. */
  readonly indexUrls?: readonly string[];
  readonly netrc?: readonly NetrcEntry[];
  readonly keyring?: KeyringProvider;
}

/**
 * Chooses the `Authorization` header for each request, remembering what
 * worked per host.
 *
 * @example
 * ```ts
 * import { Authenticator } from "./auth.ts";
 * const auth = new Authenticator({ indexUrls: ["https://u:p@example.com/simple/"] });
 * auth.authorization(new URL("https://example.com/files/x.whl")); // "Basic dTpw"
 * ```
 */
export class Authenticator {
  readonly #indexes: { prefix: string; credentials: Credentials }[] = [];
  readonly #byHost = new Map<string, Credentials>();
  readonly #netrc: readonly NetrcEntry[];
  readonly #keyring?: KeyringProvider;

  constructor(options: AuthenticatorOptions = {}) {
    for (const indexUrl of options.indexUrls ?? []) {
      const { url, credentials } = splitCredentials(indexUrl);
      if (credentials === undefined) continue;
      this.#indexes.push({ prefix: url.replace(/\/?$/, "/"), credentials });
      this.#byHost.set(hostKey(new URL(url)), credentials);
    }
    this.#netrc = options.netrc ?? [];
    if (options.keyring !== undefined) this.#keyring = options.keyring;
  }

  /** Remembers credentials embedded in a URL for its host. */
  remember(url: URL): void {
    if (url.username === "" && url.password === "") return;
    this.#byHost.set(hostKey(url), {
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    });
  }

  /** The `Authorization` header for `url` (which may carry its own credentials), if any. */
  authorization(url: URL): string | undefined {
    const credentials = this.#credentialsFor(url);
    return credentials === undefined ? undefined : basicHeader(credentials);
  }

  #credentialsFor(url: URL): Credentials | undefined {
    if (url.username !== "" || url.password !== "") {
      return {
        username: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
      };
    }
    const href = url.href;
    const index = this.#indexes.find((i) => href.startsWith(i.prefix));
    if (index !== undefined) return index.credentials;
    return this.#byHost.get(hostKey(url)) ?? netrcCredentials(this.#netrc, url.hostname);
  }

  /**
   * After a 401 for `url`: asks keyring (index URL first, then the host) and
   * returns a new header to retry with, or `undefined` when there is nothing new to try.
   */
  async onUnauthorized(url: URL, tried: string | undefined): Promise<string | undefined> {
    if (this.#keyring === undefined) return undefined;
    const known = this.#credentialsFor(url);
    const stripped = new URL(url.href);
    stripped.username = "";
    stripped.password = "";
    const index = this.#indexes.find((i) => stripped.href.startsWith(i.prefix));
    const services = [index?.prefix ?? stripped.href, stripped.host];
    for (const service of services) {
      const found = await this.#keyring.get(service, known?.username || undefined);
      if (found === undefined) continue;
      const header = basicHeader(found);
      if (header === tried) continue;
      this.#byHost.set(hostKey(stripped), found);
      return header;
    }
    return undefined;
  }
}

function hostKey(url: URL): string {
  return url.host.toLowerCase();
}

function basicHeader(credentials: Credentials): string {
  const bytes = new TextEncoder().encode(`${credentials.username}:${credentials.password}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return "Basic " + btoa(binary);
}
