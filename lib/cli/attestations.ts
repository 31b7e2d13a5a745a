/**
 * The install pipeline's PEP 740 check, built from the command line:
 * `--verify-attestations`, `--sigstore-trusted-root`, the locks' pinned
 * publishers, the session's HTTP client for provenance objects and index
 * pages, and the cache bucket that remembers each project's publisher.
 *
 * @module
 */

import { bucketDir, CacheBucket } from "../cache/cache_dir.ts";
import type { InstallServices } from "../operations/install.ts";
import { resolve } from "../paths.ts";
import type { CommandContext } from "./context.ts";
import type { IndexSession } from "./index_session.ts";
import type { ReadLocks } from "./pylock_files.ts";

/** `services` with the attestation check the options ask for (none for `off`). */
export function withAttestations(
  services: InstallServices,
  context: CommandContext,
  options: { session: () => Promise<IndexSession>; locks?: ReadLocks; cacheRoot?: string },
): InstallServices {
  const mode = context.options.choice("verifyAttestations") ?? "warn";
  if (mode === "off") return services;
  const { session, locks, cacheRoot } = options;
  const rootFile = context.options.string("sigstoreTrustedRoot");
  let trust: ReturnType<typeof loadTrust> | undefined;
  const loadTrust = async () => {
    const { loadTrustMaterial } = await import("../attest/verify.ts");
    if (rootFile === undefined) return await loadTrustMaterial();
    const path = resolve(context.io.cwd, rootFile);
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      const { TrustedRootError } = await import("../attest/verify.ts");
      throw new TrustedRootError(rootFile, error instanceof Error ? error.message : String(error));
    }
    return await loadTrustMaterial({ text, source: rootFile });
  };
  return {
    ...services,
    // The checker loads with the first files to check: a run that installs nothing has none.
    attestations: async (files) => {
      if (files.length === 0) return [];
      const { checkAttestations } = await import("../attest/check.ts");
      return await checkAttestations(files, {
        mode,
        fetchText: async (url) => {
          const { client } = await session();
          const answer = await client.get(url, { accept: "application/json" });
          return { status: answer.status, text: new TextDecoder().decode(answer.body) };
        },
        provenanceOnIndex: async (index, name, filename) => {
          const { fetchProjectPage } = await import("../index/simple_api.ts");
          const page = await fetchProjectPage((await session()).client, index, name);
          return page?.files.find((file) => file.filename === filename)?.provenance;
        },
        trust: () => (trust ??= loadTrust()),
        ...(locks === undefined ? {} : { pins: locks.attestationIdentities }),
        ...(cacheRoot === undefined
          ? {}
          : { memoryDir: bucketDir(cacheRoot, CacheBucket.attestations) }),
      });
    },
  };
}
