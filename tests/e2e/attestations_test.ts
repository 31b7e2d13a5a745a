/**
 * PEP 740 end to end, offline: a served index whose files have provenance
 * signed by a local Sigstore (a test CA issuing Fulcio-like certificates
 * with SCTs, a Rekor stand-in with signed entry timestamps and checkpointed
 * inclusion proofs), trusted through `--sigstore-trusted-root`. A good
 * attestation installs; a wrong digest, a wrong identity and an expired
 * certificate warn by default and refuse under `--verify-attestations
 * require` (nothing installed); a lock's `attestation-identities` are
 * enforced; a change of publisher is warned about.
 */

import { createHash } from "node:crypto";
import { join } from "../../lib/paths.ts";
import { type IndexFile, startIndexServer } from "../helpers/index_server.ts";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import {
  githubIdentity,
  LocalSigstore,
  provenance,
  type SignOptions,
} from "../helpers/sigstore_fixture.ts";
import { demoWheel, distInfos } from "./install_support.ts";
import { python311, withVenvs } from "./install_wheel_support.ts";

const store = new LocalSigstore();
const owner = githubIdentity("owner/demo", "release.yml");
const intruder = githubIdentity("intruder/demo", "release.yml");

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A demo wheel with provenance: attested by `signer`, for the file's digest unless `digest`. */
function attested(
  name: string,
  version: string,
  options: { publisher?: Record<string, unknown>; digest?: string; sign?: Partial<SignOptions> } =
    {},
): IndexFile {
  const file = demoWheel(name, version);
  const attestation = store.attest(file.filename, options.digest ?? sha256(file.bytes), {
    identity: owner.identity,
    ...options.sign,
  });
  return {
    ...file,
    provenance: provenance([{
      publisher: options.publisher ?? owner.publisher,
      attestations: [attestation],
    }]),
  };
}

const FILES: IndexFile[] = [
  attested("good", "1.0"),
  attested("wrongdigest", "1.0", { digest: "00".repeat(32) }),
  // The index says owner/demo published it; the certificate was issued to intruder/demo.
  attested("wrongidentity", "1.0", { sign: { identity: intruder.identity } }),
  // The certificate expired (10 minutes) before the log saw the entry.
  attested("expired", "1.0", {
    sign: {
      notBefore: new Date(Date.now() - 3 * 3600_000),
      integratedTime: new Date(Date.now() - 3600_000),
    },
  }),
  demoWheel("plain", "1.0"),
  attested("moved", "1.0"),
  attested("moved", "2.0", {
    publisher: intruder.publisher,
    sign: { identity: intruder.identity },
  }),
];

Deno.test({
  name: "PEP 740 attestations verified against a local Sigstore: good, tampered, required, pinned",
  ignore: skipUnless(python311, "Python 3.11 from pyenv"),
  async fn() {
    const server = await startIndexServer({ files: FILES });
    try {
      await withVenvs({ prefix: "dpip-attest-" }, async ({ home, venv, install }) => {
        const root = join(home, "trusted_root.json");
        Deno.writeTextFileSync(root, JSON.stringify(store.trustedRoot()));
        const base = [
          "-i",
          server.url,
          "--sigstore-trusted-root",
          root,
          "--cache-dir",
          join(home, "cache"),
        ];
        const warningsOf = (stderr: string) =>
          stderr.split("\n").filter((line) => line.startsWith("WARNING"));

        const good = await install([...base, "good"]);
        assertEquals(good.status, 0, good.stderr);
        assertEquals(warningsOf(good.stderr), []);
        assertEquals(
          server.requests.some((r) => r.path === "/files/good-1.0-py3-none-any.whl.provenance"),
          true,
        );

        const cases: [string, string][] = [
          ["wrongdigest", `but the file's is`],
          ["wrongidentity", "the certificate was issued to https://github.com/intruder/demo/"],
          ["expired", "certificate is not valid or expired at the specified date"],
        ];
        for (const [name, reason] of cases) {
          const before = distInfos(venv.sitePackages);
          const required = await install([...base, "--verify-attestations", "require", name]);
          assertEquals(required.status, 1, `${name}: ${required.stderr}`);
          assertStringIncludes(
            required.stderr,
            `ERROR: Attestations of ${name}-1.0-py3-none-any.whl do not verify:`,
          );
          assertStringIncludes(required.stderr, reason);
          assertEquals(distInfos(venv.sitePackages), before, name);
          assertEquals(
            server.requests.some((r) => r.path === `/files/${name}-1.0-py3-none-any.whl`),
            false,
            `${name} was downloaded`,
          );
          const warned = await install([...base, name]);
          assertEquals(warned.status, 0, warned.stderr);
          assertEquals(warningsOf(warned.stderr).length, 1, warned.stderr);
          assertStringIncludes(warned.stderr, reason);
        }

        const plain = await install([...base, "plain"]);
        assertEquals([plain.status, warningsOf(plain.stderr)], [0, []]);
        const plainRequired = await install([
          ...base,
          "--verify-attestations",
          "require",
          "-I",
          "plain",
        ]);
        assertEquals(plainRequired.status, 1);
        assertStringIncludes(plainRequired.stderr, "the index gives no provenance for it");
        const off = await install([...base, "--verify-attestations", "off", "-I", "wrongdigest"]);
        assertEquals([off.status, warningsOf(off.stderr)], [0, []]);

        // The publisher changes between versions: verified both times, and warned about.
        assertEquals((await install([...base, "moved==1.0"])).status, 0);
        const moved = await install([...base, "moved==2.0"]);
        assertEquals(moved.status, 0, moved.stderr);
        assertEquals(warningsOf(moved.stderr), [
          "WARNING: The publisher of moved changed: moved-2.0-py3-none-any.whl was published by GitHub intruder/demo (release.yml), earlier versions dpip verified by GitHub owner/demo (release.yml)",
        ]);
      });
    } finally {
      await server.close();
    }
  },
});

Deno.test({
  name: "pylock.toml attestation-identities are enforced on install",
  ignore: skipUnless(python311, "Python 3.11 from pyenv"),
  async fn() {
    const server = await startIndexServer({ files: FILES });
    try {
      await withVenvs({ prefix: "dpip-attest-lock-" }, async ({ home, venv, install }) => {
        const root = join(home, "trusted_root.json");
        Deno.writeTextFileSync(root, JSON.stringify(store.trustedRoot()));
        const good = FILES[0]!;
        const lock = (identity: string) =>
          [
            'lock-version = "1.0"',
            'created-by = "test"',
            "[[packages]]",
            'name = "good"',
            'version = "1.0"',
            `index = "${server.url}"`,
            `attestation-identities = [${identity}]`,
            `wheels = [{ url = "${server.fileUrl(good.filename)}", hashes = { sha256 = "${
              sha256(good.bytes)
            }" } }]`,
            "",
          ].join("\n");
        const run = (identity: string) => {
          Deno.writeTextFileSync(join(home, "pylock.toml"), lock(identity));
          return install(["--sigstore-trusted-root", root, "-r", join(home, "pylock.toml")]);
        };
        const wrong = await run('{ kind = "GitHub", repository = "someone/else" }');
        assertEquals(wrong.status, 1);
        assertStringIncludes(
          wrong.stderr,
          "it was published by GitHub owner/demo (release.yml), not by the publisher the lock pins (GitHub someone/else ())",
        );
        assertEquals(distInfos(venv.sitePackages).includes("good-1.0"), false);
        const right = await run(
          '{ kind = "GitHub", repository = "Owner/Demo", workflow = "release.yml" }',
        );
        assertEquals(right.status, 0, right.stderr);
        assertEquals(distInfos(venv.sitePackages).includes("good-1.0"), true);
      });
    } finally {
      await server.close();
    }
  },
});
