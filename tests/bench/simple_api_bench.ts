/**
 * Parsing a 20,000-file project page: PEP 503 HTML and the equivalent PEP 691 JSON.
 */

import { parseHtmlPage, parseJsonPage } from "../../lib/index/simple_api.ts";

const URL_ = "https://example.com/simple/demo/";
const HASH = "0123456789abcdef".repeat(4);
const files = Array.from({ length: 20_000 }, (_, i) => ({
  filename: `demo-${Math.floor(i / 10)}.${i % 10}-py3-none-any.whl`,
  requiresPython: i % 3 === 0 ? ">=3.8" : undefined,
}));
const html = [
  '<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.1"></head><body>',
  ...files.map((f) =>
    `<a href="../../files/${f.filename}#sha256=${HASH}"${
      f.requiresPython ? ` data-requires-python="&gt;=3.8"` : ""
    } data-dist-info-metadata="sha256=${HASH}" data-core-metadata="sha256=${HASH}">${f.filename}</a><br/>`
  ),
  "</body></html>",
].join("\n");
const json = JSON.stringify({
  meta: { "api-version": "1.1" },
  name: "demo",
  versions: [...new Set(files.map((f) => f.filename.split("-")[1]))],
  files: files.map((f) => ({
    filename: f.filename,
    url: `../../files/${f.filename}`,
    hashes: { sha256: HASH },
    ...(f.requiresPython ? { "requires-python": f.requiresPython } : {}),
    "core-metadata": { sha256: HASH },
    "dist-info-metadata": { sha256: HASH },
    yanked: false,
    size: 12345,
  })),
});

Deno.bench("parse a 20,000-anchor PEP 503 HTML page", { group: "page" }, () => {
  if (parseHtmlPage(html, URL_).files.length !== 20_000) throw new Error("wrong count");
});

Deno.bench("parse the equivalent PEP 691 JSON page", { group: "page" }, () => {
  if (parseJsonPage(json, URL_).files.length !== 20_000) throw new Error("wrong count");
});
