/**
 * What the commands that read package indexes share (`download`, `index`,
 * `list --outdated`): the HTTP client built from the general options
 * (timeouts, retries, proxy, TLS, cache, credentials) and the sources built
 * from the index options; the target's tags and candidate policy are
 * `index_options.ts`'s (re-exported here).
 *
 * @module
 */

import { bucketDir, CacheBucket } from "../cache/cache_dir.ts";
import { commandCacheRoot } from "./target_interpreter.ts";
import { DpipError } from "../errors.ts";
import { IndexSet } from "../index/index_set.ts";
import { Authenticator, loadNetrc, redactText, subprocessKeyring } from "../net/auth.ts";
import { MetadataCache } from "../cache/metadata_cache.ts";
import { HttpCache } from "../net/http_cache.ts";
import { HttpClient } from "../net/http_client.ts";
import { bodyLimitsFromEnv } from "../net/body_limits.ts";
import type { CandidatePolicy, TagRanking } from "../resolver/candidate_selector.ts";
import { DPIP_VERSION } from "../version.ts";
import type { InstallServices } from "../operations/install.ts";
import { lazyProvider } from "../resolver/lazy_provider.ts";
import type { CommandContext } from "./context.ts";
import { type ExtraIndexOptions, indexUrlsOf, sourceOptionsOf } from "./index_options.ts";

export { candidateSettings, type ExtraIndexOptions, targetOptionsOf } from "./index_options.ts";

/** The HTTP client and the sources of one run. */
export interface IndexSession {
  readonly client: HttpClient;
  readonly indexes: IndexSet;
  /** Wheels' metadata by sha256, unless the cache is off. */
  readonly metadataStore?: MetadataCache;
}

/** A file the user named with `--cert` / `--client-cert` that cannot be read. */
export class CertificateFileError extends DpipError {
  constructor(path: string, option: string, cause: unknown) {
    super("certificate-file", `Cannot read ${option} file ${path}: ${String(cause)}`, { cause });
    this.name = "CertificateFileError";
  }
}

async function readPem(path: string, option: string, cwd: string): Promise<string> {
  try {
    return await Deno.readTextFile(path.startsWith("/") ? path : `${cwd}/${path}`);
  } catch (error) {
    throw new CertificateFileError(path, option, error);
  }
}

/** Splits a PEM bundle into its private key and its certificates. */
function splitClientPem(pem: string): { cert: string; key: string } {
  const blocks = pem.match(/-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g) ?? [];
  return {
    key: blocks.filter((b) => /PRIVATE KEY/.test(b)).join("\n"),
    cert: blocks.filter((b) => /CERTIFICATE/.test(b)).join("\n"),
  };
}

/**
 * The HTTP client the general options describe: timeouts, retries, proxy,
 * `--cert`/`--client-cert`, `--trusted-host`, the HTTP cache, and
 * credentials (URLs, `.netrc`, the keyring) for the index URLs. Every
 * request dpip makes for a command goes through one (index pages, files,
 * requirements files named by URL). With `signal` (the command's
 * interrupt), Ctrl-C stops its requests and downloads.
 */
export async function openHttpClient(
  context: CommandContext,
  extra: ExtraIndexOptions = {},
  metadataStore?: MetadataCache,
  signal?: AbortSignal,
): Promise<HttpClient> {
  const { io, options } = context;
  const cacheRoot = commandCacheRoot(context);
  const { indexUrl, extraIndexUrls } = indexUrlsOf(context, extra);
  const keyringProvider = options.choice("keyringProvider");
  const cert = options.string("cert");
  const clientCert = options.string("clientCert");
  const proxy = options.string("proxy");
  const authenticator = new Authenticator({
    indexUrls: [...(indexUrl === undefined ? [] : [indexUrl]), ...extraIndexUrls],
    netrc: await loadNetrc(io.env),
    ...(keyringProvider === "subprocess" ? { keyring: subprocessKeyring({ env: io.env }) } : {}),
  });
  const limits = bodyLimitsFromEnv(io.env);
  return new HttpClient({
    limits,
    // A downloaded wheel's metadata is kept by the hash its bytes had, for the next resolution.
    ...(metadataStore === undefined ? {} : {
      onDownloaded: async (file) =>
        await (await import("../resolver/default_provider.ts")).keepWheelMetadata(
          metadataStore,
          file,
          limits.metadata,
        ),
    }),
    timeout: options.number("timeout", 15),
    retries: options.number("retries", 5),
    authenticator,
    ...(proxy === undefined ? {} : { proxy }),
    env: io.env,
    ...(cert === undefined ? {} : { caCerts: [await readPem(cert, "--cert", io.cwd)] }),
    ...(clientCert === undefined
      ? {}
      : { clientCert: splitClientPem(await readPem(clientCert, "--client-cert", io.cwd)) }),
    ...(cacheRoot === undefined
      ? {}
      : { cache: new HttpCache(bucketDir(cacheRoot, CacheBucket.http)) }),
    trustedHosts: [...options.strings("trustedHosts"), ...(extra.trustedHosts ?? [])],
    userAgent: `dpip/${DPIP_VERSION}`,
    ...(signal === undefined ? {} : { signal }),
  });
}

/**
 * Builds the HTTP client and index set from the options (plus what
 * requirements files add), and warns about the sources it drops; `signal`
 * as for {@link openHttpClient}.
 */
export async function openIndexSession(
  context: CommandContext,
  extra: ExtraIndexOptions = {},
  signal?: AbortSignal,
): Promise<IndexSession> {
  const session = await indexSessionOf(context, extra, signal);
  for (const warning of session.indexes.sourceWarnings) {
    context.io.stderr.write(`WARNING: ${redactText(warning)}\n`);
  }
  return session;
}

/**
 * {@link openIndexSession} without the warnings about the sources dropped,
 * for a caller that gave them already (from `indexSources`).
 */
export async function indexSessionOf(
  context: CommandContext,
  extra: ExtraIndexOptions = {},
  signal?: AbortSignal,
): Promise<IndexSession> {
  const { io, options } = context;
  const cacheRoot = commandCacheRoot(context);
  const metadataStore = cacheRoot === undefined
    ? undefined
    : new MetadataCache(bucketDir(cacheRoot, CacheBucket.metadata));
  const client = await openHttpClient(context, extra, metadataStore, signal);
  const strategy = options.choice("indexStrategy");
  const indexes = new IndexSet(client, {
    ...sourceOptionsOf(context, extra),
    ...(strategy === undefined ? {} : { strategy }),
    onWarning: (message) => io.stderr.write(`WARNING: ${redactText(message)}\n`),
  });
  return { client, indexes, ...(metadataStore === undefined ? {} : { metadataStore }) };
}

/**
 * The install pipeline's services over a session: the default provider
 * (its module loaded only when something is resolved), the session's client
 * as downloader and metadata client, and the caches.
 */
export function installServices(
  session: IndexSession,
  options: { tags: TagRanking; policy: CandidatePolicy; cacheRoot?: string; wholeWheels?: boolean },
): InstallServices {
  const { tags, policy, cacheRoot } = options;
  const metadataStore = session.metadataStore;
  return {
    provider: lazyProvider(async () =>
      (await import("../resolver/default_provider.ts")).defaultProvider({
        indexes: session.indexes,
        client: session.client,
        tags,
        policy,
        ...(metadataStore === undefined ? {} : { metadataStore }),
        ...(options.wholeWheels ? { wholeWheels: true } : {}),
      })
    ),
    metadataClient: session.client,
    ...(metadataStore === undefined ? {} : { metadataStore }),
    downloader: session.client,
    projectStatuses: (project) => session.indexes.projectStatuses(project),
    ...(cacheRoot === undefined ? {} : { cacheRoot }),
  };
}
