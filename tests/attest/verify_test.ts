/**
 * One attestation against a local Sigstore's trust root: what verifies and
 * what does not (another CA, a tampered statement, another file), how
 * publishers are matched to certificates and to a lock's pins, and
 * malformed provenance objects.
 */

import { identityMismatch, matchesPin } from "../../lib/attest/publisher.ts";
import {
  parseProvenance,
  ProvenanceFormatError,
  sigstoreBundle,
} from "../../lib/attest/provenance.ts";
import {
  AttestationFailure,
  loadTrustMaterial,
  verifyAttestation,
} from "../../lib/attest/verify.ts";
import {
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../helpers/assert.ts";
import { githubIdentity, LocalSigstore, provenance } from "../helpers/sigstore_fixture.ts";

const store = new LocalSigstore();
const owner = githubIdentity("owner/demo", "release.yml");
const FILE = "demo-1.0-py3-none-any.whl";
const DIGEST = "ab".repeat(32);

function attestation(signer = store, digest = DIGEST) {
  const [bundle] = parseProvenance(provenance([{
    publisher: owner.publisher,
    attestations: [signer.attest(FILE, digest, { identity: owner.identity })],
  }]));
  return bundle!.attestations[0]!;
}

const trust = await loadTrustMaterial({
  text: JSON.stringify(store.trustedRoot()),
  source: "test",
});
const check = (att = attestation(), filename = FILE, sha256 = DIGEST) =>
  verifyAttestation(att, { trust, filename, sha256, publisher: owner.publisher });

Deno.test("an attestation from the trusted local Sigstore verifies", async () => {
  await check();
  assertEquals(
    (sigstoreBundle(attestation()).dsseEnvelope as { payloadType: string }).payloadType,
    "application/vnd.in-toto+json",
  );
});

Deno.test("what does not verify: another Sigstore, a tampered statement, another file", async () => {
  const other = await assertRejects(
    () => check(attestation(new LocalSigstore())),
    AttestationFailure,
  );
  assertStringIncludes(other.message, "the Sigstore bundle does not verify");
  const good = attestation();
  const statement = JSON.parse(atob(good.statement));
  statement.subject[0].digest.sha256 = "cd".repeat(32);
  const tampered = { ...good, statement: btoa(JSON.stringify(statement)) };
  const bad = await assertRejects(() => check(tampered), AttestationFailure);
  assertStringIncludes(bad.message, "does not verify");
  const name = await assertRejects(
    () => check(good, "other-1.0-py3-none-any.whl"),
    AttestationFailure,
  );
  assertStringIncludes(name.message, `the statement is about "${FILE}"`);
});

Deno.test("publishers: certificate identities and pins", () => {
  const san = (repo: string, workflow = "release.yml") =>
    `https://github.com/${repo}/.github/workflows/${workflow}@refs/heads/main`;
  const issuer = "https://token.actions.githubusercontent.com";
  assertEquals(
    identityMismatch(owner.publisher as never, {
      subjectAlternativeName: san("Owner/Demo"),
      issuer,
    }),
    undefined,
  );
  assertStringIncludes(
    identityMismatch(owner.publisher as never, {
      subjectAlternativeName: san("owner/demo", "other.yml"),
      issuer,
    })!,
    "the certificate was issued to",
  );
  assertStringIncludes(
    identityMismatch(owner.publisher as never, {
      subjectAlternativeName: san("owner/demo"),
      issuer: "https://evil",
    })!,
    "OIDC issuer is https://evil",
  );
  assertEquals(
    identityMismatch({ kind: "Google", email: "a@b.c" }, {
      subjectAlternativeName: "a@b.c",
      issuer: "https://accounts.google.com",
    }),
    undefined,
  );
  assertStringIncludes(identityMismatch({ kind: "Nope" }, {})!, "not one dpip can check");
  const publisher = { kind: "GitHub", repository: "owner/demo", workflow: "release.yml" };
  assertEquals(matchesPin(publisher, { kind: "GitHub", repository: "OWNER/demo" }), true);
  assertEquals(
    matchesPin(publisher, { kind: "GitHub", repository: "owner/demo", workflow: "x.yml" }),
    false,
  );
  assertEquals(matchesPin(publisher, { kind: "GitLab", repository: "owner/demo" }), false);
});

Deno.test("malformed provenance objects are refused", () => {
  for (
    const text of [
      "not json",
      "{}",
      '{"version": 2, "attestation_bundles": []}',
      '{"version": 1, "attestation_bundles": [{"attestations": []}]}',
      '{"version": 1, "attestation_bundles": [{"publisher": {"kind": "GitHub"}, "attestations": [{"version": 1}]}]}',
      JSON.stringify({ version: 1, attestation_bundles: new Array(33).fill({}) }),
    ]
  ) {
    assertThrows(() => parseProvenance(text), ProvenanceFormatError);
  }
});
