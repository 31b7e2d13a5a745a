/**
 * The installation report's metadata conversion, differential against pip's
 * own (`msg_to_json` over the metadata as `importlib.metadata` reads it, as
 * pip's importlib backend does on Python 3.11), on generated METADATA files.
 */

import { coreMetadataToJson, formatInstallReport } from "../../lib/operations/install_report.ts";
import { assertEquals } from "../helpers/assert.ts";
import { seededFloats } from "../helpers/random.ts";
import { oraclePython, runPythonJson, skipUnless } from "../helpers/python.ts";

const oracle = await oraclePython();

const FIELDS: [string, string[]][] = [
  ["Summary", ["A demo", "Ünïcode summary", "with: colon"]],
  ["Keywords", ["a,b, c", "one two  three", "single", "x, y z"]],
  ["Home-page", ["https://example.com"]],
  ["Author", ["Jane Doe"]],
  ["Author-email", ['"Jane" <jane@example.com>']],
  ["License", ["MIT", "Line one\n        line two\n        line three"]],
  ["Classifier", ["Programming Language :: Python :: 3", "License :: OSI Approved"]],
  ["Requires-Dist", ["b>=1", 'c ; extra == "x"', 'd[y] (>=2) ; python_version < "3.12"']],
  ["Requires-Python", [">=3.8"]],
  ["Project-URL", ["Source, https://example.com/src", "Docs, https://example.com/docs"]],
  ["Provides-Extra", ["x", "y"]],
  ["Platform", ["any", "linux"]],
  ["Description-Content-Type", ["text/markdown"]],
  ["Dynamic", ["License"]],
  ["Obsoletes-Dist", ["old"]],
  ["Maintainer", ["Someone"]],
  ["X-Unknown", ["ignored"]],
];

function generate(rand: () => number, index: number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const lines = [
    `Metadata-Version: ${pick(["1.2", "2.1", "2.3"])}`,
    `Name: Demo.Pkg${index}`,
    "Version: 1.0",
  ];
  for (const [field, values] of FIELDS) {
    const count = Math.floor(rand() * 3);
    for (let i = 0; i < count; i++) lines.push(`${field}: ${pick(values)}`);
  }
  if (rand() < 0.3) lines.push("Description: header description\n        |  continued");
  const body = rand() < 0.6 ? `\n# Title ${index}\n\nBody text.\n` : "";
  return lines.join("\n") + "\n" + body;
}

const SCRIPT = `
import json, sys, tempfile, os, importlib.metadata
from pip._internal.metadata._json import msg_to_json
out = []
for i, text in enumerate(json.load(sys.stdin)):
    d = tempfile.mkdtemp()
    info = os.path.join(d, "demo-1.0.dist-info")
    os.mkdir(info)
    with open(os.path.join(info, "METADATA"), "w", encoding="utf-8") as f:
        f.write(text)
    out.append(msg_to_json(importlib.metadata.PathDistribution(__import__("pathlib").Path(info)).metadata))
json.dump(out, sys.stdout)
`;

Deno.test({
  name: "coreMetadataToJson() converts METADATA as pip's report does (200 generated files)",
  ignore: skipUnless(oracle, "Python 3.11 with pip"),
  async fn() {
    const rand = seededFloats(7);
    const texts = Array.from({ length: 200 }, (_, i) => generate(rand, i));
    const expected = await runPythonJson<unknown[]>(oracle!, SCRIPT, texts);
    texts.forEach((text, i) => {
      assertEquals(coreMetadataToJson(text, { importlib: true }), expected[i], text);
    });
  },
});

const ENVIRONMENT = {
  implementation_name: "cpython",
  implementation_version: "3.11.7",
  os_name: "posix",
  platform_machine: "x86_64",
  platform_release: "6.1",
  platform_system: "Linux",
  platform_version: "#1",
  python_full_version: "3.11.7",
  platform_python_implementation: "CPython",
  python_version: "3.11",
  sys_platform: "linux",
  extra: "",
};

Deno.test("formatInstallReport() orders keys as pip, sorts by name, adds requested extras", () => {
  const report = formatInstallReport([
    {
      metadata: "Metadata-Version: 2.1\nName: zed\nVersion: 1.0\n",
      url: "https://host/zed-1.0-py3-none-any.whl",
      hashes: {},
      isDirect: false,
      isYanked: true,
      requested: false,
    },
    {
      metadata: "Metadata-Version: 2.1\nName: Alpha\nVersion: 2.0\n",
      url: "file:///w/alpha-2.0-py3-none-any.whl",
      hashes: { sha256: "ab".repeat(32), md5: "cd".repeat(16) },
      isDirect: true,
      isYanked: false,
      requested: true,
      requestedExtras: ["b", "a"],
    },
  ], { environment: ENVIRONMENT, importlib: true });
  assertEquals(Object.keys(report), ["version", "pip_version", "install", "environment"]);
  const install = report["install"] as Record<string, unknown>[];
  assertEquals(install.map((item) => Object.keys(item)), [
    ["download_info", "is_direct", "is_yanked", "requested", "requested_extras", "metadata"],
    ["download_info", "is_direct", "is_yanked", "requested", "metadata"],
  ]);
  assertEquals(install[0]!["download_info"], {
    url: "file:///w/alpha-2.0-py3-none-any.whl",
    archive_info: {
      hash: `sha256=${"ab".repeat(32)}`,
      hashes: { sha256: "ab".repeat(32), md5: "cd".repeat(16) },
    },
  });
  assertEquals(install[0]!["requested_extras"], ["a", "b"]);
  assertEquals(install[1]!["download_info"], {
    url: "https://host/zed-1.0-py3-none-any.whl",
    archive_info: {},
  });
  assertEquals(Object.keys(report["environment"] as object).includes("extra"), false);
});

Deno.test("formatInstallReport() leaves credentials out of download_info, as pip does", () => {
  const item = (url: string) => ({
    metadata: "Metadata-Version: 2.1\nName: zed\nVersion: 1.0\n",
    url,
    hashes: {},
    isDirect: true,
    isYanked: false,
    requested: true,
  });
  const urls = [
    "https://u:secret@host/zed-1.0-py3-none-any.whl",
    "https://token@host/zed-1.0-py3-none-any.whl",
    "https://${USER}:${PASS}@host/zed-1.0-py3-none-any.whl",
  ].map((url) => {
    const report = formatInstallReport([item(url)], { environment: ENVIRONMENT, importlib: true });
    const [entry] = report["install"] as { download_info: { url: string } }[];
    return entry!.download_info.url;
  });
  assertEquals(urls, [
    "https://host/zed-1.0-py3-none-any.whl",
    "https://host/zed-1.0-py3-none-any.whl",
    "https://${USER}:${PASS}@host/zed-1.0-py3-none-any.whl",
  ]);
});
