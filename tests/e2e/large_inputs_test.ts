/**
 * Package data far larger than usual must work, not crash: a spread of a long
 * list into a call (`push(...items)`) overflowed the stack past ~125,000 items
 * and dpip failed with "Maximum call stack size exceeded". Each test here gives
 * one parser or command more items than that.
 *
 * @module
 */

import { captureIo, main } from "../../lib/cli/mod.ts";
import { formatCoreMetadata, parseCoreMetadata } from "../../lib/dists/core_metadata.ts";
import { parseEntryPoints } from "../../lib/dists/entry_points.ts";
import { formatRecord, parseRecord } from "../../lib/dists/record.ts";
import { launchersFor } from "../../lib/installer/scripts.ts";
import { join, pathToFileURL } from "../../lib/paths.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";

const LINKS = 130_000;
const LINES = 200_000;

function versionOf(i: number): string {
  return `${Math.floor(i / 1000)}.${i % 1000}`;
}

function wheelName(i: number): string {
  return `demo-${versionOf(i)}-py3-none-any.whl`;
}

/** Whether `python3` runs: `index versions` reads the target interpreter. */
async function hasPython(): Promise<boolean> {
  try {
    return (await new Deno.Command("python3", { args: ["-c", "pass"] }).output()).success;
  } catch {
    return false;
  }
}

const python = await hasPython();

async function indexVersions(indexUrl: string) {
  const io = captureIo({ env: { PATH: Deno.env.get("PATH") ?? "" } });
  const target = [
    "--python-version",
    "3.11",
    "--platform",
    "linux_x86_64",
    "--abi",
    "cp311",
    "--implementation",
    "cp",
  ];
  const status = await main(["index", "versions", "demo", "--index-url", indexUrl, ...target], io);
  return { status, out: io.out(), err: io.err() };
}

const HIGHEST = versionOf(LINKS - 1);

Deno.test({
  name: `an HTML index page with ${LINKS} links is read`,
  ignore: skipUnless(python, "python3 on PATH"),
}, async () => {
  const root = await Deno.makeTempDir({ prefix: "dpip-large-html-" });
  try {
    await Deno.mkdir(join(root, "demo"));
    const anchors: string[] = [];
    for (let i = 0; i < LINKS; i++) {
      anchors.push(
        `<a href="../../files/${wheelName(i)}#sha256=${"0".repeat(64)}">${wheelName(i)}</a>`,
      );
    }
    await Deno.writeTextFile(
      join(root, "demo", "index.html"),
      `<!DOCTYPE html><html><body>\n${anchors.join("\n")}\n</body></html>\n`,
    );
    const result = await indexVersions(pathToFileURL(root).href);
    assertEquals(result.err, "");
    assertEquals(result.status, 0);
    assertEquals(result.out.split("\n")[0], `demo (${HIGHEST})`);
    assertEquals(result.out.split("\n")[1]!.split(", ").length, LINKS);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name: `a JSON index page with ${LINKS} files is read`,
  ignore: skipUnless(python, "python3 on PATH"),
}, async () => {
  const files = [];
  for (let i = 0; i < LINKS; i++) {
    files.push({
      filename: wheelName(i),
      url: `../../files/${wheelName(i)}`,
      hashes: { sha256: "0".repeat(64) },
    });
  }
  const body = JSON.stringify({ meta: { "api-version": "1.1" }, name: "demo", files });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) =>
      new URL(request.url).pathname === "/simple/demo/"
        ? new Response(body, { headers: { "content-type": "application/vnd.pypi.simple.v1+json" } })
        : new Response("not found", { status: 404 }),
  );
  try {
    const result = await indexVersions(`http://127.0.0.1:${server.addr.port}/simple/`);
    assertEquals(result.err, "");
    assertEquals(result.status, 0);
    assertEquals(result.out.split("\n")[0], `demo (${HIGHEST})`);
  } finally {
    await server.shutdown();
  }
});

Deno.test(`METADATA with ${LINES} header lines and ${LINES} body lines is parsed and written back`, () => {
  const classifiers = Array.from({ length: LINES }, (_, i) => `Classifier: Topic :: T${i}`);
  const body = Array.from({ length: LINES }, (_, i) => `line ${i}`);
  const text = [
    "Metadata-Version: 2.1",
    "Name: demo",
    "Version: 1.0",
    ...classifiers,
    "",
    ...body,
  ].join("\n") + "\n";
  const meta = parseCoreMetadata(text);
  assertEquals(meta.classifiers.length, LINES);
  assertEquals(meta.classifiers.at(-1), `Topic :: T${LINES - 1}`);
  assertEquals(meta.description?.split("\n").length, LINES + 1);
  assertEquals(parseCoreMetadata(formatCoreMetadata(meta)).classifiers.length, LINES);
});

Deno.test(`${LINES} entry points are parsed and get a launcher each`, () => {
  const lines = ["[console_scripts]"];
  for (let i = 0; i < LINES; i++) lines.push(`tool${i} = demo.cli:main${i}`);
  const entryPoints = parseEntryPoints(lines.join("\n"));
  assertEquals(entryPoints.length, LINES);
  const launchers = launchersFor(entryPoints, {
    python: "/usr/bin/python3",
    pythonVersion: [3, 11],
    platform: "linux",
  });
  assertEquals(launchers.length, LINES);
});

Deno.test(`a RECORD of ${LINES} rows is parsed and written back`, () => {
  const rows: string[] = [];
  for (let i = 0; i < LINES; i++) rows.push(`demo/m${i}.py,sha256=${"A".repeat(43)},${i}`);
  rows.push("demo-1.0.dist-info/RECORD,,");
  const entries = parseRecord(rows.join("\n") + "\n");
  assertEquals(entries.length, LINES + 1);
  const again = parseRecord(formatRecord(entries));
  assertEquals(again.length, LINES + 1);
  assert(again.every((entry, i) => entry.path === entries[i]!.path));
});
