/**
 * parseVcsUrl() against pip 23.2.1's `get_url_rev_and_auth` of each backend
 * (the URL the client is given, the revision, Subversion's credentials), and
 * the URLs it refuses.
 */

import { assertEquals, assertThrows } from "../helpers/assert.ts";
import { oraclePython, runPythonJson, skipUnless } from "../helpers/python.ts";
import { InvalidVcsUrlError, parseVcsUrl } from "../../lib/vcs/vcs_url.ts";

const CASES = [
  "git+https://example.org/repo.git",
  "git+https://example.org/repo.git@v1.0",
  "git+https://example.org/repo.git@v1.0#egg=pkg&subdirectory=sub",
  "git+https://user:secret@example.org/repo.git@main",
  "git+ssh://git@example.org/owner/repo.git@0123456789abcdef0123456789abcdef01234567",
  "git+git@example.org:owner/repo.git",
  "git+git@example.org:owner/repo.git@refs/pull/1/head",
  "git+file:///srv/repo",
  "git+file:///srv/a%20b/repo@v2",
  "git+file:///srv/repo@feature/x#egg=x",
  "git+http://example.org:8080/repo?query=1",
  "git+git://example.org/repo.git@tag",
  "hg+https://example.org/repo@v1",
  "hg+file:///srv/hgrepo@default",
  "hg+ssh://hg@example.org/repo",
  "hg+static-http://example.org/repo",
  "svn+https://example.org/svn/trunk@1234",
  "svn+https://alice:p%40ss@example.org/svn/trunk",
  "svn+svn://bob@example.org/repo/trunk@7",
  "svn+ssh://carol:pw@example.org/repo/trunk",
  "svn+file:///srv/svnrepo/trunk",
  "bzr+https://example.org/branch@42",
  "bzr+lp:project",
  "bzr+ssh://example.org/branch",
  "bzr+file:///srv/bzrrepo",
  "bzr+sftp://user@example.org/branch@3",
];

const ORACLE = String.raw`
import json, sys
from pip._internal.vcs import vcs
out = []
for url in json.load(sys.stdin):
    backend = vcs.get_backend(url.split("+", 1)[0])
    u, rev, (user, password) = backend.get_url_rev_and_auth(url.split("#", 1)[0])
    item = {"vcs": backend.name, "url": u}
    if rev is not None: item["revision"] = rev
    if user: item["username"] = user
    if password is not None: item["password"] = password
    out.append(item)
print(json.dumps(out))
`;

const oracle = await oraclePython();

Deno.test({
  name: "parseVcsUrl() splits VCS URLs as pip 23.2.1's backends do",
  ignore: skipUnless(oracle, "pyenv Python 3.11 with pip"),
  async fn() {
    const expected = await runPythonJson<Record<string, string>[]>(oracle!, ORACLE, CASES);
    assertEquals(CASES.map((url) => ({ ...parseVcsUrl(url) })), expected);
  },
});

Deno.test("parseVcsUrl() refuses what pip refuses, naming the URL", () => {
  for (
    const [url, words] of [
      ["git+file:///srv/repo@#egg=x", "empty revision"],
      ["https://example.org/repo.git", "does not start with git+"],
      ["git+ftp://example.org/repo.git", "git does not take ftp: URLs"],
      ["hg+git://example.org/repo", "hg does not take git: URLs"],
    ] as const
  ) {
    const error = assertThrows(() => parseVcsUrl(url), InvalidVcsUrlError);
    assertEquals(error.message.includes(JSON.stringify(url)), true, error.message);
    assertEquals(error.message.includes(words), true, error.message);
  }
});
