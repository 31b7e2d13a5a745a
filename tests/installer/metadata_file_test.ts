import { join } from "../../lib/paths.ts";
import {
  headerValue,
  parseEmailMessage,
  readMetadataFile,
  readMetadataHeaders,
  readNameAndVersion,
  universalNewlines,
} from "../../lib/installer/metadata_file.ts";
import { assertEquals } from "../helpers/assert.ts";
import { Random } from "../helpers/random.ts";

/**
 * METADATA-like files: mostly the usual `Metadata-Version`, `Name`, `Version`
 * start, and every way of leaving it: other orders, repeated and folded
 * headers, odd spacing, non-header lines, CRLF and CR line ends, no body,
 * non-ASCII text across the first decoded block, header blocks longer than
 * the reader's buffer.
 */
function generate(random: Random): string {
  const next = () => random.next();
  const pick = <T>(items: readonly T[]): T => random.pick(items);
  const lines: string[] = [];
  const name = pick(["demo", "Demo_Pkg", "zope.interface", "a", ""]);
  const version = pick(["1.0", "2.31.0", "1.0rc1", "0.1.dev3", " 1.0 ", "", "ünï"]);
  const usual = next() < 0.6;
  if (usual) {
    lines.push("Metadata-Version: " + pick(["2.1", "2.4", ""]));
    lines.push(pick(["Name: ", "Name:", "Name:\t", "name: "]) + name);
    if (next() < 0.1) lines.push(" folded-name-part");
    lines.push(pick(["Version: ", "Version:", "VERSION: "]) + version);
    if (next() < 0.1) lines.push("\tfolded-version-part");
  } else {
    const headers = [`Name: ${name}`, `Version: ${version}`, "Summary: s", "Metadata-Version: 2.1"];
    for (let i = headers.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [headers[i], headers[j]] = [headers[j]!, headers[i]!];
    }
    for (const header of headers) {
      if (next() < 0.1) lines.push("not a header line");
      if (next() < 0.15) continue;
      lines.push(header);
      if (next() < 0.1) lines.push("   continued");
    }
  }
  if (next() < 0.2) lines.push(`Name: second-${name}`, "Version: 9");
  const classifiers = next() < 0.1 ? 2000 : Math.floor(next() * 60);
  for (let i = 0; i < classifiers; i++) lines.push(`Classifier: Topic :: Ünïcode ${i} ::`);
  let text = lines.join("\n") + "\n";
  if (next() < 0.8) text += "\n" + "The long description.\n\nSecond paragraph: ✓\n".repeat(3);
  const ending = pick(["\n", "\n", "\n", "\r\n", "\r"]);
  return ending === "\n" ? text : text.replaceAll("\n", ending);
}

Deno.test("readNameAndVersion(), readMetadataHeaders() and readMetadataFile() agree with splitting the whole file", async () => {
  const root = await Deno.makeTempDir({ prefix: "dpip-metadata-file-" });
  try {
    const random = new Random(20261121);
    for (let i = 0; i < 400; i++) {
      const text = generate(random);
      const path = join(root, `METADATA-${i}`);
      Deno.writeTextFileSync(path, text);
      const whole = parseEmailMessage(universalNewlines(text));
      const expected = [headerValue(whole, "Name"), headerValue(whole, "Version")];
      assertEquals(readNameAndVersion(path), expected, `file ${i}: ${JSON.stringify(text)}`);
      const read = readMetadataFile(path);
      assertEquals(read?.headers, whole.headers, `file ${i}`);
      assertEquals(read?.body, whole.body, `file ${i}`);
      assertEquals(readMetadataHeaders(path), whole.headers, `file ${i}: ${JSON.stringify(text)}`);
    }
    assertEquals(readMetadataHeaders(join(root, "missing")), undefined);
    assertEquals(readNameAndVersion(join(root, "missing")), undefined);
    assertEquals(readMetadataFile(join(root, "missing")), undefined);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
