import {
  type DirectUrl,
  formatDirectUrl,
  InvalidDirectUrlError,
  parseDirectUrl,
} from "../../lib/dists/direct_url.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { oraclePython, runPythonJson, skipUnless } from "../helpers/python.ts";
import { Random } from "../helpers/random.ts";

const oracle = await oraclePython();

Deno.test("parseDirectUrl() reads archive, dir and vcs sources", () => {
  assertEquals(
    parseDirectUrl('{"url": "https://h/x.whl", "archive_info": {"hash": "sha256=ab"}}'),
    {
      url: "https://h/x.whl",
      info: { kind: "archive", hashes: { sha256: "ab" }, hash: "sha256=ab" },
    },
  );
  assertEquals(parseDirectUrl('{"url": "file:///src", "dir_info": {"editable": true}}'), {
    url: "file:///src",
    info: { kind: "dir", editable: true },
  });
  assertEquals(
    parseDirectUrl(
      '{"url": "https://g/r.git", "vcs_info": {"vcs": "git", "commit_id": "c0ffee", ' +
        '"requested_revision": "main"}, "subdirectory": "pkg"}',
    ),
    {
      url: "https://g/r.git",
      info: { kind: "vcs", vcs: "git", commitId: "c0ffee", requestedRevision: "main" },
      subdirectory: "pkg",
    },
  );
});

Deno.test("parseDirectUrl() names what is wrong", () => {
  const cases: [string, string][] = [
    ["{", "not JSON"],
    ["[]", "expected a JSON object"],
    ['{"archive_info": {}}', 'missing required value at "url"'],
    ['{"url": "x"}', "exactly one of vcs_info, archive_info, dir_info"],
    ['{"url": "x", "dir_info": {}, "archive_info": {}}', "exactly one of"],
    ['{"url": "https://x", "dir_info": {}}', 'file:// when dir_info is present at "url"'],
    ['{"url": "x", "archive_info": {"hash": "ab"}}', 'at "archive_info.hash"'],
    ['{"url": "x", "vcs_info": {"vcs": "git"}}', 'at "vcs_info.commit_id"'],
    ['{"url": "x", "archive_info": {"hashes": {"a": 1}}}', "hash values must be strings"],
    ['{"url": 3, "archive_info": {}}', "unexpected type int (expected str)"],
  ];
  for (const [text, part] of cases) {
    const error = assertThrows(() => parseDirectUrl(text), InvalidDirectUrlError, part);
    assertEquals([error.code, error.input], ["invalid-direct-url", text]);
  }
});

Deno.test("formatDirectUrl() writes pip's JSON and redacts credentials", () => {
  assertEquals(
    formatDirectUrl({ url: "https://u:p@h/x.whl", info: { kind: "archive", hash: "sha256=ab" } }),
    '{"archive_info": {"hash": "sha256=ab", "hashes": {"sha256": "ab"}}, "url": "https://h/x.whl"}',
  );
  assertEquals(
    formatDirectUrl({
      url: "ssh://git@g/r.git",
      info: { kind: "vcs", vcs: "git", commitId: "c" },
    }),
    '{"url": "ssh://git@g/r.git", "vcs_info": {"commit_id": "c", "vcs": "git"}}',
  );
  assertEquals(
    formatDirectUrl({ url: "file:///caf\u00e9", info: { kind: "dir", editable: false } }),
    '{"dir_info": {}, "url": "file:///caf\\u00e9"}',
  );
});

function generateDirectUrl(random: Random): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const maybe = (key: string, values: readonly unknown[], into = data) => {
    if (random.chance(0.5)) into[key] = random.pick(values);
  };
  if (random.chance(0.95)) {
    data["url"] = random.pick([
      "file:///src/app",
      "file:///src/app",
      "file:///tmp/caf\u00e9 x",
      "https://user:secret@host/x-1.0.tar.gz",
      "git+https://git@github.com/a/b.git",
      "https://${USER}:${PASS}@host/x.whl",
      "https://tok@host/x.whl",
      "ssh://git@host/r.git",
      3,
      null,
    ]);
  }
  const kinds = random.chance(0.8) ? 1 : random.int(0, 3);
  for (let index = 0; index < kinds; index++) {
    const kind = random.pick(["archive_info", "dir_info", "vcs_info"]);
    if (kind === "archive_info") {
      const archive: Record<string, unknown> = {};
      maybe("hash", ["sha256=ab", "md5=cd", "sha256=zz", "noequals", 7, null], archive);
      maybe("hashes", [{ sha256: "ab" }, { md5: "cd", sha256: "ab" }, { sha256: 1 }, "s"], archive);
      data["archive_info"] = random.chance(0.1) ? "nope" : archive;
    } else if (kind === "dir_info") {
      const dir: Record<string, unknown> = {};
      maybe("editable", [true, false, "yes", null], dir);
      data["dir_info"] = random.chance(0.1) ? null : dir;
    } else if (kind === "vcs_info") {
      const vcs: Record<string, unknown> = {};
      maybe("vcs", ["git", "hg", 1], vcs);
      if (random.chance(0.8)) vcs["commit_id"] = random.pick(["abc123", 5]);
      maybe("requested_revision", ["main", "v1.0", null, false], vcs);
      data["vcs_info"] = vcs;
    }
  }
  maybe("subdirectory", ["sub/dir", 5, null]);
  return data;
}

/** packaging's `to_dict()` shape of a parsed DirectUrl. */
function packagingShape(directUrl: DirectUrl): Record<string, unknown> {
  const shape: Record<string, unknown> = { url: directUrl.url };
  const info = directUrl.info;
  if (info.kind === "archive") shape["archive_info"] = info.hashes ? { hashes: info.hashes } : {};
  else if (info.kind === "dir") {
    shape["dir_info"] = info.editable === undefined ? {} : { editable: info.editable };
  } else {
    shape["vcs_info"] = {
      vcs: info.vcs,
      commit_id: info.commitId,
      ...(info.requestedRevision === undefined
        ? {}
        : { requested_revision: info.requestedRevision }),
    };
  }
  if (directUrl.subdirectory !== undefined) shape["subdirectory"] = directUrl.subdirectory;
  return shape;
}

interface OracleResult {
  ok?: Record<string, unknown>;
  error?: string | null;
  pip?: string | null;
}

Deno.test({
  name: "parseDirectUrl() and formatDirectUrl() agree with packaging and pip on 1500 documents",
  ignore: skipUnless(oracle, "Python 3.11 with packaging and pip"),
  fn: async () => {
    const random = new Random(610);
    const documents = Array.from({ length: 1500 }, () => generateDirectUrl(random));
    const script = `
import json, sys
from packaging.direct_url import DirectUrl, DirectUrlValidationError
from pip._internal.models.direct_url import DirectUrl as PipDirectUrl
out = []
for d in json.load(sys.stdin):
    try:
        parsed = DirectUrl.from_dict(d)
    except DirectUrlValidationError as e:
        out.append({"error": e.context})
        continue
    try:
        pip = PipDirectUrl.from_dict(d).to_json()
    except Exception:
        pip = None
    out.append({"ok": parsed.to_dict(strip_user_password=False), "pip": pip})
print(json.dumps(out))`;
    const expected = await runPythonJson<OracleResult[]>(oracle!, script, documents);
    let accepted = 0;
    let formatted = 0;
    documents.forEach((document, index) => {
      const text = JSON.stringify(document);
      const want = expected[index]!;
      let parsed: DirectUrl;
      try {
        parsed = parseDirectUrl(text);
      } catch (error) {
        assert(error instanceof InvalidDirectUrlError, String(error));
        assertEquals({ error: error.context ?? null }, want, text);
        return;
      }
      accepted++;
      assertEquals(packagingShape(parsed), want.ok, text);
      if (typeof want.pip === "string") {
        formatted++;
        assertEquals(formatDirectUrl(parsed), want.pip, text);
      }
    });
    assert(accepted > 200 && formatted > 120, `${accepted} accepted, ${formatted} formatted`);
  },
});
