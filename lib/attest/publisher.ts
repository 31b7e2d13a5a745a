/**
 * Trusted Publisher identities (PEP 740 publisher objects): what a signing
 * certificate must say for a publisher (its SAN and OIDC issuer), whether a
 * publisher is one a lock pins (`attestation-identities`), and how to name
 * one in a message.
 *
 * @module
 */

/** A publisher object: `kind` and the claims that identify it. */
export type Publisher = Readonly<Record<string, unknown>> & { readonly kind: string };

/** What a certificate says about who signed: its SAN and the OIDC issuer extension. */
export interface CertificateIdentity {
  readonly subjectAlternativeName?: string;
  readonly issuer?: string;
}

const text = (value: unknown) => (typeof value === "string" ? value : "");

/**
 * Why `identity` does not belong to `publisher`, or undefined when it does.
 * GitHub: SAN `https://github.com/<repository>/.github/workflows/<workflow>@…`
 * and issuer `https://token.actions.githubusercontent.com`; GitLab: SAN
 * `https://gitlab.com/<repository>//<workflow_filepath>@…` and issuer
 * `https://gitlab.com`; Google: SAN the `email`, issuer
 * `https://accounts.google.com`. Other kinds cannot be checked.
 */
export function identityMismatch(
  publisher: Publisher,
  identity: CertificateIdentity,
): string | undefined {
  const san = identity.subjectAlternativeName ?? "";
  const issuer = identity.issuer ?? "";
  let expectedIssuer: string;
  let sanOk: boolean;
  switch (publisher.kind) {
    case "GitHub": {
      const prefix = `https://github.com/${text(publisher.repository)}/.github/workflows/${
        text(publisher.workflow)
      }@`;
      expectedIssuer = "https://token.actions.githubusercontent.com";
      sanOk = text(publisher.repository) !== "" && text(publisher.workflow) !== "" &&
        san.toLowerCase().startsWith(prefix.toLowerCase());
      break;
    }
    case "GitLab": {
      const prefix = `https://gitlab.com/${text(publisher.repository)}//${
        text(publisher.workflow_filepath)
      }@`;
      expectedIssuer = "https://gitlab.com";
      sanOk = text(publisher.repository) !== "" &&
        san.toLowerCase().startsWith(prefix.toLowerCase());
      break;
    }
    case "Google":
      expectedIssuer = "https://accounts.google.com";
      sanOk = text(publisher.email) !== "" && san === text(publisher.email);
      break;
    default:
      return `publisher kind ${JSON.stringify(publisher.kind)} is not one dpip can check`;
  }
  if (!sanOk) {
    return `the certificate was issued to ${san || "no identity"}, not ${
      describePublisher(publisher)
    }`;
  }
  if (issuer !== expectedIssuer) {
    return `the certificate's OIDC issuer is ${issuer || "missing"}, not ${expectedIssuer}`;
  }
  return undefined;
}

/** `GitHub owner/repo (release.yml)`, `GitLab group/project (.gitlab-ci.yml)`, `Google a@b`. */
export function describePublisher(publisher: Publisher): string {
  switch (publisher.kind) {
    case "GitHub":
      return `GitHub ${text(publisher.repository)} (${text(publisher.workflow)})`;
    case "GitLab":
      return `GitLab ${text(publisher.repository)} (${text(publisher.workflow_filepath)})`;
    case "Google":
      return `Google ${text(publisher.email)}`;
    default:
      return publisher.kind;
  }
}

/**
 * Whether `publisher` is the pinned identity: the same `kind`, and every
 * other key the pin gives equal (repositories compared without case).
 */
export function matchesPin(publisher: Publisher, pin: Readonly<Record<string, unknown>>): boolean {
  if (pin.kind !== publisher.kind) return false;
  return Object.entries(pin).every(([key, value]) => {
    if (key === "kind" || value === undefined || value === null) return true;
    const actual = publisher[key];
    return key === "repository"
      ? text(actual).toLowerCase() === text(value).toLowerCase()
      : actual === value;
  });
}

/** The claims that identify a publisher (kind, repository, workflow…), for remembering it. */
export function publisherKey(publisher: Publisher): string {
  const keys = ["kind", "repository", "workflow", "workflow_filepath", "email"];
  return JSON.stringify(keys.map((key) => {
    const value = text(publisher[key]);
    return key === "repository" ? value.toLowerCase() : value;
  }));
}
