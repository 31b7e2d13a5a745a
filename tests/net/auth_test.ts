import {
  Authenticator,
  netrcCredentials,
  parseNetrc,
  redactText,
  redactUrl,
  splitCredentials,
} from "../../lib/net/auth.ts";
import { isFresh, parseCacheControl } from "../../lib/net/http_cache.ts";
import { matchesHashes, MultiHasher } from "../../lib/net/hashes.ts";
import { proxyFor } from "../../lib/net/proxy.ts";
import { assertEquals } from "../helpers/assert.ts";

Deno.test("redactUrl() hides passwords and tokens, keeps everything else", () => {
  const cases: [string, string][] = [
    ["https://user:secret@host/simple/", "https://user:****@host/simple/"],
    ["https://token@host:8080/simple/", "https://****@host:8080/simple/"],
    ["https://user:@host/", "https://user:****@host/"],
    ["https://host/simple/", "https://host/simple/"],
    ["https://host/a@b", "https://host/a@b"],
    ["file:///tmp/x", "file:///tmp/x"],
    ["not a url", "not a url"],
  ];
  for (const [input, expected] of cases) assertEquals(redactUrl(input), expected, input);
  assertEquals(
    redactText("failed (https://u:p@h/x) and http://t@g/y"),
    "failed (https://u:****@h/x) and http://****@g/y",
  );
});

Deno.test("redaction hides a password with a raw @ whole, as URL parsers split at the last @", () => {
  assertEquals(redactUrl("https://u:p@ss@host/x"), "https://u:****@host/x");
  assertEquals(redactUrl("https://to@ken@host/x"), "https://****@host/x");
  assertEquals(
    redactText("Collecting a @ git+https://u:p@ss@h/r.git (from -r http://v:q@r@i/x.txt (line 1))"),
    "Collecting a @ git+https://u:****@h/r.git (from -r http://v:****@i/x.txt (line 1))",
  );
  // An @ after the authority (in a path or a query) is not a password's.
  assertEquals(
    redactText("see https://h/a@b?c=d@e and 'x://y'"),
    "see https://h/a@b?c=d@e and 'x://y'",
  );
});

Deno.test("redactText() reads each character once on hostile text", () => {
  // A backtracking pattern takes minutes on these; each must come back unchanged or redacted.
  const letters = "a".repeat(300_000);
  assertEquals(redactText(letters + "://"), letters + "://");
  const schemes = "a://".repeat(100_000);
  assertEquals(redactText(schemes), schemes);
  const ats = "h://" + "u:p@".repeat(100_000);
  assertEquals(redactText(ats), "h://u:****@");
});

Deno.test("splitCredentials() decodes percent-escapes", () => {
  assertEquals(splitCredentials("https://u%20x:p%40ss@host/x#frag"), {
    url: "https://host/x#frag",
    credentials: { username: "u x", password: "p@ss" },
  });
  assertEquals(splitCredentials("https://host/x"), { url: "https://host/x" });
});

Deno.test("parseNetrc() handles machine, default, quoting, comments and macdef", () => {
  const entries = parseNetrc(
    [
      "# comment",
      'machine a.example login "me too" password p\\"w',
      "macdef init",
      "  cd /pub",
      "",
      "machine b.example",
      "  login b account acct password bp",
      "default login anon password guest",
    ].join("\n"),
  );
  assertEquals(entries, [
    { machine: "a.example", login: "me too", password: 'p"w' },
    { machine: "b.example", login: "b", password: "bp" },
    { login: "anon", password: "guest" },
  ]);
  assertEquals(netrcCredentials(entries, "b.example"), { username: "b", password: "bp" });
  assertEquals(netrcCredentials(entries, "c.example"), { username: "anon", password: "guest" });
});

Deno.test("Authenticator: URL, then index prefix, then host, then netrc", () => {
  const auth = new Authenticator({
    indexUrls: ["https://i:ip@idx.example/simple", "https://other.example/simple/"],
    netrc: [{ machine: "n.example", login: "n", password: "np" }],
  });
  const header = (u: string) => auth.authorization(new URL(u));
  assertEquals(header("https://x:y@idx.example/simple/a/"), "Basic " + btoa("x:y"));
  assertEquals(header("https://idx.example/simple/a/"), "Basic " + btoa("i:ip"));
  assertEquals(header("https://idx.example/files/a.whl"), "Basic " + btoa("i:ip"));
  assertEquals(header("https://n.example/x"), "Basic " + btoa("n:np"));
  assertEquals(header("https://other.example/simple/a/"), undefined);
});

Deno.test("proxyFor(): flag, scheme variables, ALL_PROXY and NO_PROXY", () => {
  const url = (u: string) => new URL(u);
  assertEquals(proxyFor(url("https://a.b/"), { proxy: "http://p:1", env: {} }), "http://p:1");
  const env = {
    HTTPS_PROXY: "http://s:1",
    http_proxy: "http://h:1",
    NO_PROXY: ".internal, host.example:8080",
  };
  assertEquals(proxyFor(url("https://a.b/"), { env }), "http://s:1");
  assertEquals(proxyFor(url("http://a.b/"), { env }), "http://h:1");
  assertEquals(proxyFor(url("https://x.internal/"), { env }), undefined);
  assertEquals(proxyFor(url("http://host.example:8080/"), { env }), undefined);
  assertEquals(proxyFor(url("http://host.example:9090/"), { env }), "http://h:1");
  assertEquals(
    proxyFor(url("https://a.b/"), { env: { ALL_PROXY: "socks5://q:1" } }),
    "socks5://q:1",
  );
  assertEquals(
    proxyFor(url("https://a.b/"), { env: { all_proxy: "x", no_proxy: "*" } }),
    undefined,
  );
});

Deno.test("parseCacheControl() and isFresh()", () => {
  assertEquals(parseCacheControl("max-age=600, public"), {
    noStore: false,
    noCache: false,
    immutable: false,
    maxAge: 600,
  });
  assertEquals(parseCacheControl("no-store").noStore, true);
  assertEquals(isFresh({ headers: { "cache-control": "max-age=60" }, storedAt: 0 }, 59_000), true);
  assertEquals(isFresh({ headers: { "cache-control": "max-age=60" }, storedAt: 0 }, 61_000), false);
  assertEquals(
    isFresh({ headers: { "cache-control": "no-cache, max-age=60" }, storedAt: 0 }, 1),
    false,
  );
  assertEquals(isFresh({ headers: { etag: '"x"' }, storedAt: 0 }, 1), false);
});

Deno.test("MultiHasher and matchesHashes()", async () => {
  const hasher = await MultiHasher.create(["sha512", "md5", "nonsense"]);
  hasher.update(new TextEncoder().encode("abc"));
  const digests = hasher.digest();
  assertEquals(Object.keys(digests).sort(), ["md5", "sha256", "sha512"]);
  assertEquals(digests["md5"], "900150983cd24fb0d6963f7d28e17f72");
  assertEquals(matchesHashes(digests, { md5: ["900150983cd24fb0d6963f7d28e17f72"] }), true);
  assertEquals(matchesHashes(digests, { sha256: ["00"], md5: ["00"] }), false);
  assertEquals(matchesHashes(digests, {}), true);
  assertEquals(matchesHashes(digests, { unknown: ["00"] }), true);
});
