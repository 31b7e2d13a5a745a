import { join } from "node:path";
import {
  IndexPageError,
  parseHtmlPage,
  parseJsonPage,
  parseProjectPage,
  scanHtml,
  unescapeHtml,
} from "../../lib/index/simple_api.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { corpusDir } from "./corpus.ts";
import { oraclePython, runPythonJson, skipUnless } from "../helpers/python.ts";

const PAGE = "https://example.com/simple/demo/";
const H = "a".repeat(64);

Deno.test("parseHtmlPage(): relative, absolute and base hrefs; fragments; attributes", () => {
  const html = `<!DOCTYPE html><html><head>
    <META name="pypi:repository-version" content="1.1">
    <base href="https://files.example.com/pkgs/">
  </head><body>
    <a href="demo-1.0.tar.gz#sha256=${H}" data-requires-python="&gt;=3.8,&lt;4">demo-1.0.tar.gz</a>
    <A data-yanked="" HREF='/abs/demo-2.0-py3-none-any.whl#md5=ABC&amp;sha512=def'>x</A>
    <a href=https://other.example/demo-3.0.zip data-yanked="broken &amp; bad" data-dist-info-metadata=true>y</a>
    <a data-core-metadata="sha256=${H}" data-dist-info-metadata="false" href="demo-4.0-py3-none-any.whl">z</a>
    <a href="demo%2B5.0.tar.gz" data-requires-python="">q</a>
    <a name="no-href">skip</a>
    <!-- <a href="commented-1.0.tar.gz">c</a> -->
  </body></html>`;
  const page = parseHtmlPage(html, PAGE);
  assertEquals(page.apiVersion, "1.1");
  assertEquals(page.files, [
    {
      filename: "demo-1.0.tar.gz",
      url: "https://files.example.com/pkgs/demo-1.0.tar.gz",
      hashes: { sha256: H },
      requiresPython: ">=3.8,<4",
      yanked: false,
      coreMetadata: false,
    },
    {
      filename: "demo-2.0-py3-none-any.whl",
      url: "https://files.example.com/abs/demo-2.0-py3-none-any.whl",
      hashes: { md5: "abc", sha512: "def" },
      yanked: true,
      coreMetadata: false,
    },
    {
      filename: "demo-3.0.zip",
      url: "https://other.example/demo-3.0.zip",
      hashes: {},
      yanked: true,
      yankedReason: "broken & bad",
      coreMetadata: {},
    },
    {
      filename: "demo-4.0-py3-none-any.whl",
      url: "https://files.example.com/pkgs/demo-4.0-py3-none-any.whl",
      hashes: {},
      yanked: false,
      coreMetadata: { sha256: H },
    },
    {
      filename: "demo+5.0.tar.gz",
      url: "https://files.example.com/pkgs/demo%2B5.0.tar.gz",
      hashes: {},
      yanked: false,
      coreMetadata: false,
    },
  ]);
});

Deno.test("parseHtmlPage(): pages without <base> resolve against the page URL", () => {
  const page = parseHtmlPage('<a href="../../files/demo-1.0.tar.gz">d</a>', PAGE);
  assertEquals(page.files[0]?.url, "https://example.com/files/demo-1.0.tar.gz");
});

Deno.test("unescapeHtml(): named, numeric, hex and legacy entities", () => {
  assertEquals(
    unescapeHtml("&lt;&gt;&amp;&quot;&apos;&#39;&#x3C;&#X3e;&lt &amp x"),
    "<>&\"''<>< & x",
  );
  assertEquals(
    unescapeHtml("&unknown; &#0; &#xD800; &#99999999;"),
    "&unknown; \ufffd \ufffd \ufffd",
  );
  assertEquals(unescapeHtml("&notanentity"), "&notanentity");
});

Deno.test("parseHtmlPage(): a newer API major version is refused, a newer minor warns", () => {
  const meta = (v: string) => `<meta name="pypi:repository-version" content="${v}">`;
  const error = assertThrows(() => parseHtmlPage(meta("2.0"), PAGE), IndexPageError);
  assertEquals(
    error.message,
    "Invalid index page https://example.com/simple/demo/: API version 2.0 is not supported (dpip reads 1.x)",
  );
  assertEquals(parseHtmlPage(meta("1.7"), PAGE).warnings.length, 1);
});

Deno.test("parseJsonPage(): PEP 691 with PEP 592, 658/714 and 700 fields", () => {
  const page = parseJsonPage(
    JSON.stringify({
      meta: { "api-version": "1.1" },
      name: "demo",
      versions: ["1.0", "2.0"],
      files: [
        {
          filename: "demo-1.0.tar.gz",
          url: "../../files/demo-1.0.tar.gz",
          hashes: { sha256: H.toUpperCase() },
          "requires-python": ">=3.8",
          yanked: "bad release",
          size: 123,
          "upload-time": "2024-01-01T00:00:00.000000Z",
        },
        {
          filename: "demo-2.0-py3-none-any.whl",
          url: "https://cdn.example/demo-2.0-py3-none-any.whl",
          hashes: {},
          yanked: true,
          "dist-info-metadata": { sha256: H },
        },
        {
          filename: "demo-2.0.tar.gz",
          url: "demo-2.0.tar.gz",
          hashes: {},
          "requires-python": null,
          "core-metadata": true,
          "dist-info-metadata": false,
        },
        { filename: "broken" },
      ],
    }),
    PAGE,
  );
  assertEquals(page.versions, ["1.0", "2.0"]);
  assertEquals(page.files, [
    {
      filename: "demo-1.0.tar.gz",
      url: "https://example.com/files/demo-1.0.tar.gz",
      hashes: { sha256: H },
      requiresPython: ">=3.8",
      yanked: true,
      yankedReason: "bad release",
      coreMetadata: false,
      size: 123,
      uploadTime: "2024-01-01T00:00:00.000000Z",
    },
    {
      filename: "demo-2.0-py3-none-any.whl",
      url: "https://cdn.example/demo-2.0-py3-none-any.whl",
      hashes: {},
      yanked: true,
      coreMetadata: { sha256: H },
    },
    {
      filename: "demo-2.0.tar.gz",
      url: "https://example.com/simple/demo/demo-2.0.tar.gz",
      hashes: {},
      yanked: false,
      coreMetadata: {},
    },
  ]);
  assertEquals(page.warnings, ['skipped files[3]: no "url"']);
});

Deno.test("parseJsonPage(): malformed JSON is a clear error", () => {
  const error = assertThrows(() => parseJsonPage("{", PAGE), IndexPageError);
  assertEquals(error.code, "invalid-index-page");
  assertEquals(error.message, `Invalid index page ${PAGE}: the JSON does not parse`);
  assertThrows(() => parseJsonPage('{"files": 3}', PAGE), IndexPageError);
  assertThrows(() => parseJsonPage('{"meta": {"api-version": "2.0"}, "files": []}', PAGE));
});

Deno.test("hostile HTML: malformed markup never throws and never hangs", () => {
  const cases = [
    "<a",
    "<a href=",
    '<a href="unterminated',
    "<a href='x-1.0.tar.gz' <a href='y-1.0.tar.gz'>",
    "<!-- never closed <a href=x-1.0.tar.gz>",
    "<<<<a>>>>",
    "<a href=\"x-1.0.tar.gz\" data-yanked data-requires-python='>=3' >",
    "\u0000<a\u0000href=x>",
    "<a href='http://[bad/'>",
    "<abbr href='not-an-anchor-1.0.tar.gz'>",
    '<a href="#sha256=">',
  ];
  for (const html of cases) parseHtmlPage(html, PAGE);
  assertEquals(scanHtml("<abbr href='x'>").anchors.length, 0);
  assertEquals(parseHtmlPage('<a href="x-1.0.tar.gz" data-yanked>', PAGE).files[0]?.yanked, true);
  // Pathological inputs (1 MB of `<!--` and of unclosed quotes) never throw; their cost,
  // linear in their length, is checked in tests/fuzz/hostile_growth_test.ts.
  parseHtmlPage("<!--".repeat(250_000), PAGE);
  parseHtmlPage('<a href="'.repeat(100_000), PAGE);
  parseHtmlPage("<a ".repeat(300_000), PAGE);
  parseHtmlPage("&#".repeat(300_000), PAGE);
});

Deno.test("hostile HTML: 20,000 anchors, a 20 MB page, a wrong encoding", () => {
  const anchors = Array.from(
    { length: 20_000 },
    (_, i) => `<a href="../../files/demo-${i}.0.tar.gz#sha256=${H}">demo-${i}.0.tar.gz</a><br/>`,
  ).join("\n");
  const page = parseHtmlPage(`<html><body>${anchors}</body></html>`, PAGE);
  assertEquals(page.files.length, 20_000);
  assertEquals(page.files[19_999]?.filename, "demo-19999.0.tar.gz");
  const huge = `<html><body>${"<p>filler text</p>".repeat(1_100_000)}<a href="z-1.0.tar.gz">z</a>`;
  assertEquals(parseHtmlPage(huge, PAGE).files.length, 1);
  // Latin-1 bytes declared as UTF-8: decoded with replacement, links still found.
  const latin1 = new Uint8Array([
    ...new TextEncoder().encode('<a href="caf'),
    0xe9,
    ...new TextEncoder().encode('-1.0.tar.gz">x</a>'),
  ]);
  const wrong = parseProjectPage(latin1, { url: PAGE, contentType: "text/html; charset=utf-8" });
  assertEquals(wrong.files.length, 1);
  const right = parseProjectPage(latin1, { url: PAGE, contentType: "text/html; charset=latin1" });
  assertEquals(right.files[0]?.filename, "café-1.0.tar.gz");
});

const corpus = await corpusDir();

Deno.test({
  name: "corpus: every project's HTML and JSON pages give the same files",
  ignore: skipUnless(corpus, "the ../shared/corpus index (build-index)"),
  fn: async () => {
    const simple = join(corpus ?? "", "simple");
    let projects = 0;
    for await (const entry of Deno.readDir(simple)) {
      if (!entry.isDirectory) continue;
      const url = `http://127.0.0.1:1/simple/${entry.name}/`;
      const html = parseHtmlPage(
        await Deno.readTextFile(join(simple, entry.name, "index.html")),
        url,
      );
      const json = parseJsonPage(
        await Deno.readTextFile(join(simple, entry.name, "index.json")),
        url,
      );
      assert(html.files.length > 0, entry.name);
      assertEquals(
        html.files,
        json.files.map(({ size: _size, uploadTime: _time, ...rest }) => rest),
        entry.name,
      );
      for (const file of json.files) {
        assert(file.hashes["sha256"]?.length === 64, file.filename);
        assert(file.size !== undefined, file.filename);
      }
      projects++;
    }
    assert(projects > 100, `only ${projects} projects`);
  },
});

// --- Differential test of HTML parsing against pip 23.2.1's parse_links().

const PIP_PARSE = String.raw`
import json, sys
from pip._internal.index.collector import IndexContent, parse_links
out = []
for case in json.load(sys.stdin):
    page = IndexContent(case["html"].encode("utf-8"), "text/html", encoding=None, url=case["url"])
    links = []
    for link in parse_links(page):
        links.append({
            "url": link.url_without_fragment,
            "requiresPython": link.requires_python,
            "yanked": link.yanked_reason,
            "hash": [link.hash_name, link.hash] if link.hash else None,
        })
    out.append(links)
print(json.dumps(out))
`;

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generatePages(count: number, seed: number): { html: string; url: string }[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const hrefs = [
    `../../files/demo-1.0.tar.gz#sha256=${H}`,
    "/abs/demo-1.0-py3-none-any.whl",
    "https://other.example/x/demo-2.0.zip#md5=abc123",
    "demo-3.0.tar.gz#sha1=ab&amp;sha256=cd",
    "./demo%2B1.0.tar.gz",
    "demo-1.1.tar.gz#egg=demo",
    "HTTPS://Other.Example/Y/demo-1.2.tar.gz",
    "sub/dir/../demo-1.3.tar.gz",
    "demo-1.4.tar.gz#sha256=DEADBEEF",
  ];
  const requires = [undefined, "&gt;=3.6", "&lt;4,&gt;=3.8", ">=3.7", "&amp;weird", ""];
  const yanked = [undefined, undefined, "", "broken &amp; bad", "reason"];
  // Only absolute bases: pip joins hrefs to a relative <base href> without resolving the base
  // against the page URL (giving relative "URLs"); dpip resolves it as browsers do.
  const bases = [undefined, "https://cdn.example/pkgs/", "HTTPS://CDN.example/a/b/"];
  const quote = (value: string) => {
    const style = random();
    if (style < 0.5) return `"${value}"`;
    if (style < 0.8) return `'${value}'`;
    return /[\s"'<>=`]/.test(value) || value === "" ? `"${value}"` : value;
  };
  const pages: { html: string; url: string }[] = [];
  for (let n = 0; n < count; n++) {
    const parts: string[] = ["<!DOCTYPE html><html><head>"];
    const base = pick(bases);
    if (base !== undefined) parts.push(`<${pick(["base", "BASE"])} href=${quote(base)}>`);
    parts.push("</head><body>");
    const anchors = 1 + Math.floor(random() * 5);
    for (let i = 0; i < anchors; i++) {
      const attributes = [`${pick(["href", "HREF", "Href"])}=${quote(pick(hrefs))}`];
      const rp = pick(requires);
      if (rp !== undefined) attributes.push(`data-requires-python=${quote(rp)}`);
      const y = pick(yanked);
      if (y !== undefined) {
        // A valueless `data-yanked` is left out: PEP 592 says its presence means yanked (and
        // dpip reads it so, see above), but pip's parser sees no value and ignores it.
        attributes.push(`data-yanked=${quote(y)}`);
      }
      if (random() < 0.3) attributes.push(`class=${quote("x")}`);
      attributes.sort(() => random() - 0.5);
      parts.push(
        `<${pick(["a", "A"])} ${attributes.join(pick([" ", "  ", "\n"]))}>link</${
          pick(["a", "A"])
        }><br/>`,
      );
    }
    parts.push("</body></html>");
    pages.push({ html: parts.join("\n"), url: `https://example.com/simple/demo${n}/` });
  }
  return pages;
}

const parsePython = await oraclePython();

Deno.test({
  name: "parseHtmlPage() reads generated pages as pip 23.2.1's parse_links() does (300 pages)",
  ignore: skipUnless(parsePython, "Python 3.11 with pip"),
  fn: async () => {
    const pages = generatePages(300, 77);
    const expected = await runPythonJson<
      {
        url: string;
        requiresPython: string | null;
        yanked: string | null;
        hash: [string, string] | null;
      }[][]
    >(parsePython ?? "", PIP_PARSE, pages);
    for (const [i, page] of pages.entries()) {
      const ours = parseHtmlPage(page.html, page.url).files.map((f) => ({
        url: f.url,
        requiresPython: f.requiresPython ?? null,
        yanked: f.yanked ? f.yankedReason ?? "" : null,
      }));
      const theirs = (expected[i] ?? []).map((l) => ({
        // Equal URLs may be spelled differently (pip keeps the host's case): compare parsed.
        url: new URL(l.url).href,
        requiresPython: l.requiresPython === "" ? null : l.requiresPython,
        yanked: l.yanked,
      }));
      assertEquals(ours, theirs, page.html);
      // pip keeps one hash (the first of its algorithms in the fragment); ours must include it.
      const files = parseHtmlPage(page.html, page.url).files;
      for (const [j, link] of (expected[i] ?? []).entries()) {
        if (link.hash === null) continue;
        assertEquals(files[j]?.hashes[link.hash[0]], link.hash[1].toLowerCase(), page.html);
      }
    }
  },
});
