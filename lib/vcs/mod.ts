/**
 * Version control checkouts for VCS requirements (`git+`, `hg+`, `svn+`,
 * `bzr+` URLs), as pip makes them: URLs split as pip splits them, one
 * backend per VCS driving its client, and pip's handling of an editable
 * checkout that exists already (`--exists-action`).
 *
 * @module
 */

export { InvalidVcsUrlError, looksLikeCommitId, parseVcsUrl, VCS_SCHEMES } from "./vcs_url.ts";
export type { VcsLocation, VcsName } from "./vcs_url.ts";
export { VcsCommandError, VcsNotInstalledError } from "./vcs_command.ts";
export { CheckoutExistsError, fetchCheckout, obtainCheckout, vcsBackend } from "./obtain.ts";
export type { CheckoutOptions, ExistsAction, VcsCheckout, VcsReporter } from "./obtain.ts";
