/**
 * `lib/paths.ts` against Node's own `node:path` (posix) and `node:url`, on
 * thousands of generated paths and URLs. Node is imported here, in the test,
 * so that `lib/` does not have to.
 */

import { posix } from "node:path";
import * as nodeUrl from "node:url";
import { assert, assertEquals, assertThrows } from "./helpers/assert.ts";
import { Random } from "./helpers/random.ts";
import {
  basename,
  delimiter,
  dirname,
  extname,
  FileUrlError,
  fileURLToPath,
  isAbsolute,
  join,
  normalize,
  pathToFileURL,
  relative,
  resolve,
  sep,
} from "../lib/paths.ts";

const CASES = 3000;

const SEGMENTS = [
  "",
  ".",
  "..",
  "...",
  ".a",
  "a.",
  "..a",
  "a",
  "bb",
  "six.py",
  "pkg-1.0.tar.gz",
  "é",
  "日本",
  "\u{1F600}",
  "a b",
  " ",
  "%",
  "%2f",
  "%41",
  "#",
  "?x",
  "a#b?c",
  "\\",
  "a\\b",
  "\t",
  "\n\r",
  "[x]",
  "^|~",
  "'\"<>`{}",
  ";,=&+$@:!()*",
  "\u0001",
];

/** A random POSIX path: segments, extra slashes, maybe rooted, maybe a trailing slash. */
function randomPath(random: Random): string {
  const count = random.int(0, 5);
  let path = random.chance(0.4) ? "/".repeat(random.int(1, 3)) : "";
  for (let i = 0; i < count; i++) {
    if (i > 0) path += "/".repeat(random.chance(0.8) ? 1 : random.int(2, 3));
    path += random.pick(SEGMENTS);
  }
  if (random.chance(0.25)) path += "/".repeat(random.int(1, 2));
  return path;
}

function randomPaths(random: Random, max: number): string[] {
  return Array.from({ length: random.int(0, max) }, () => randomPath(random));
}

/** Suffixes that strip, partly match, equal the path, or miss. */
function randomSuffix(random: Random, path: string): string | undefined {
  const base = posix.basename(path);
  switch (random.int(0, 6)) {
    case 0:
      return undefined;
    case 1:
      return "";
    case 2:
      return posix.extname(path) || ".py";
    case 3:
      return base.slice(random.int(0, base.length));
    case 4:
      return path;
    case 5:
      return random.pick(["/", "a/", "x" + base, "/" + base, base + "/"]);
    default:
      return random.pick(SEGMENTS);
  }
}

/** What a call returns, or `"throws"`, so results can be compared as data. */
function outcome(call: () => string): string {
  try {
    return call();
  } catch {
    return "throws";
  }
}

Deno.test("paths: sep and delimiter are POSIX's", () => {
  assertEquals([sep, delimiter], [posix.sep, posix.delimiter]);
});

Deno.test("paths: normalize, isAbsolute, dirname, basename, extname match node:path", () => {
  const random = new Random(0x9a75);
  for (let i = 0; i < CASES; i++) {
    const path = randomPath(random);
    const suffix = randomSuffix(random, path);
    const label = JSON.stringify([path, suffix]);
    assertEquals(normalize(path), posix.normalize(path), `normalize ${label}`);
    assertEquals(isAbsolute(path), posix.isAbsolute(path), `isAbsolute ${label}`);
    assertEquals(dirname(path), posix.dirname(path), `dirname ${label}`);
    assertEquals(basename(path), posix.basename(path), `basename ${label}`);
    assertEquals(basename(path, suffix), posix.basename(path, suffix), `basename ${label}`);
    assertEquals(extname(path), posix.extname(path), `extname ${label}`);
  }
});

Deno.test("paths: join, resolve and relative match node:path", () => {
  const random = new Random(0x10e5);
  for (let i = 0; i < CASES; i++) {
    const segments = randomPaths(random, 4);
    const [from = "", to = ""] = randomPaths(random, 2);
    const label = JSON.stringify(segments);
    assertEquals(join(...segments), posix.join(...segments), `join ${label}`);
    assertEquals(resolve(...segments), posix.resolve(...segments), `resolve ${label}`);
    const pair = JSON.stringify([from, to]);
    assertEquals(relative(from, to), posix.relative(from, to), `relative ${pair}`);
    assertEquals(relative(from, from), "", `relative ${pair}`);
  }
});

Deno.test("paths: pathToFileURL matches node:url and fileURLToPath reverses it", () => {
  const random = new Random(0xf11e);
  for (let i = 0; i < CASES; i++) {
    const path = randomPath(random);
    const label = JSON.stringify(path);
    const url = pathToFileURL(path);
    assertEquals(url.href, nodeUrl.pathToFileURL(path).href, `pathToFileURL ${label}`);
    const back = fileURLToPath(url);
    assertEquals(back, nodeUrl.fileURLToPath(url), `fileURLToPath ${label}`);
    const resolved = posix.resolve(path);
    const kept = path.endsWith("/") && !resolved.endsWith("/") ? `${resolved}/` : resolved;
    assertEquals(back, kept, `round trip ${label}`);
  }
});

/** A URL string mutated towards the cases Node rejects: hosts, schemes, bad escapes. */
function randomUrl(random: Random): string {
  let url = nodeUrl.pathToFileURL(randomPath(random)).href;
  if (random.chance(0.3)) {
    const at = random.int("file:///".length, url.length);
    const insert = random.pick(["%2f", "%2F", "%zz", "%E0", "%C3%A9", "%", "?q", "#f", "%5C"]);
    url = url.slice(0, at) + insert + url.slice(at);
  }
  switch (random.int(0, 6)) {
    case 0:
      return url.replace("file:///", "file://localhost/");
    case 1:
      return url.replace("file:///", `file://${random.pick(["h", "example.com", "[::1]"])}/`);
    case 2:
      return url.replace("file:", random.pick(["http:", "FILE:", "blob:", "x:"]));
    case 3:
      return url.replace("file:///", random.pick(["file:/", "file:", "", "file:////"]));
    default:
      return url;
  }
}

Deno.test("paths: fileURLToPath accepts and rejects what node:url does", () => {
  const random = new Random(0x0c1);
  for (let i = 0; i < CASES; i++) {
    const url = randomUrl(random);
    const label = JSON.stringify(url);
    const expected = outcome(() => nodeUrl.fileURLToPath(url));
    assertEquals(outcome(() => fileURLToPath(url)), expected, `fileURLToPath ${label}`);
    if (expected === "throws") {
      const error = assertThrows(() => fileURLToPath(url), FileUrlError);
      assertEquals(error.url, url);
      assert(error.message.includes(url), `message names the URL: ${error.message}`);
    } else {
      const parsed = new URL(url);
      assertEquals(fileURLToPath(parsed), nodeUrl.fileURLToPath(parsed), `URL object ${label}`);
    }
  }
});

Deno.test("paths: fileURLToPath names the URL and the problem", () => {
  const cases: [string, string][] = [
    ["http://x/a", 'Invalid file URL "http://x/a": the scheme must be file'],
    ["file://h/a", 'Invalid file URL "file://h/a": the host must be "localhost" or empty'],
    ["file:///a%2Fb", 'Invalid file URL "file:///a%2Fb": the path must not include an encoded /'],
    ["file:///a%E0", 'Invalid file URL "file:///a%E0": the path has a malformed percent-encoding'],
    ["nonsense", 'Invalid file URL "nonsense": not a URL'],
  ];
  for (const [url, message] of cases) {
    const error = assertThrows(() => fileURLToPath(url), FileUrlError);
    assertEquals([error.code, error.message], ["invalid-file-url", message]);
  }
});
