/**
 * PEP 792 project status and PEP 740 provenance links, read from PEP 691
 * JSON and HTML project pages: known statuses only, reasons bounded,
 * provenance URLs resolved against the page (and only web or file URLs).
 */

import { parseHtmlPage, parseJsonPage, readProjectStatus } from "../../lib/index/simple_api.ts";
import { assertEquals } from "../helpers/assert.ts";

const URL_ = "https://index.invalid/simple/demo/";

Deno.test("JSON pages: project-status and provenance", () => {
  const page = parseJsonPage(
    JSON.stringify({
      meta: { "api-version": "1.4" },
      name: "demo",
      "project-status": { status: "Archived", reason: "  moved to demo2  " },
      files: [
        {
          filename: "demo-1.0.tar.gz",
          url: "../../f/demo-1.0.tar.gz",
          hashes: {},
          provenance: "../../f/demo-1.0.tar.gz.provenance",
        },
        {
          filename: "demo-2.0.tar.gz",
          url: "demo-2.0.tar.gz",
          hashes: {},
          provenance: "javascript:alert(1)",
        },
        { filename: "demo-3.0.tar.gz", url: "demo-3.0.tar.gz", hashes: {}, provenance: null },
      ],
    }),
    URL_,
  );
  assertEquals(page.status, { status: "archived", reason: "moved to demo2" });
  assertEquals(page.files.map((f) => f.provenance), [
    "https://index.invalid/f/demo-1.0.tar.gz.provenance",
    undefined,
    undefined,
  ]);
  const plain = parseJsonPage(JSON.stringify({ name: "demo", files: [] }), URL_);
  assertEquals(plain.status, undefined);
});

Deno.test("HTML pages: pypi:project-status meta tags and data-provenance", () => {
  const page = parseHtmlPage(
    [
      "<html><head>",
      '<meta name="pypi:repository-version" content="1.4">',
      '<META NAME="pypi:project-status" CONTENT="quarantined">',
      '<meta name="pypi:project-status-reason" content="malware &amp; worse">',
      "</head><body>",
      '<a href="demo-1.0.tar.gz" data-provenance="demo-1.0.tar.gz.provenance">demo-1.0.tar.gz</a>',
      '<a href="demo-2.0.tar.gz">demo-2.0.tar.gz</a>',
      "</body></html>",
    ].join("\n"),
    URL_,
  );
  assertEquals(page.status, { status: "quarantined", reason: "malware & worse" });
  assertEquals(page.files.map((f) => f.provenance), [
    "https://index.invalid/simple/demo/demo-1.0.tar.gz.provenance",
    undefined,
  ]);
});

Deno.test("readProjectStatus: only the four statuses, reasons bounded", () => {
  assertEquals(readProjectStatus("active", undefined), { status: "active" });
  assertEquals(readProjectStatus("DEPRECATED", ""), { status: "deprecated" });
  assertEquals(readProjectStatus("unknown", "x"), undefined);
  assertEquals(readProjectStatus(3, "x"), undefined);
  assertEquals(readProjectStatus("archived", "r".repeat(5000))?.reason?.length, 1000);
});
