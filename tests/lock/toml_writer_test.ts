import {
  formatToml,
  formatTomlString,
  TomlDateTime,
  type TomlWriteValue,
} from "../../lib/lock/toml_writer.ts";
import { assertEquals } from "../helpers/assert.ts";
import { pip26, runPip26Json } from "../helpers/pip26.ts";
import { skipUnless } from "../helpers/python.ts";
import { Random } from "../helpers/random.ts";

Deno.test("formatToml() lays out a lock file as pip's tomli_w does", () => {
  const text = formatToml({
    "lock-version": "1.0",
    "created-by": "pip",
    packages: [{
      name: "a",
      version: "1.0",
      wheels: [{
        name: "a-1.0-py3-none-any.whl",
        url: "https://example.org/files/a-1.0-py3-none-any.whl",
        hashes: { sha256: "0".repeat(64) },
      }],
    }],
  });
  assertEquals(
    text,
    `lock-version = "1.0"\ncreated-by = "pip"\n\n[[packages]]\nname = "a"\nversion = "1.0"\n\n` +
      `[[packages.wheels]]\nname = "a-1.0-py3-none-any.whl"\n` +
      `url = "https://example.org/files/a-1.0-py3-none-any.whl"\n\n` +
      `[packages.wheels.hashes]\nsha256 = "${"0".repeat(64)}"\n`,
  );
});

Deno.test("formatToml() keeps short tables of a list inline, and escapes strings", () => {
  assertEquals(
    formatToml({
      deps: [{ name: "b" }],
      s: 'a"\\\n\u0001é',
      t: new TomlDateTime("2024-01-02 03:04:05+00:00"),
    }),
    'deps = [\n    { name = "b" },\n]\ns = "a\\"\\\\\\n\\u0001é"\nt = 2024-01-02 03:04:05+00:00\n',
  );
  assertEquals(formatTomlString("\t\x7f"), '"\t\\u007f"');
});

/** Random documents of the shapes TOML allows: scalars, arrays, tables, lists of tables. */
function randomValue(random: Random, depth: number): TomlWriteValue {
  const kind = random.int(0, depth > 2 ? 3 : 7);
  switch (kind) {
    case 0:
    case 1:
      return random.string(
        random.pick(["abc-_.", 'ab"\\\n\t\u0001\u007fé€😀 =', "xyz"]),
        random.int(0, 30),
      );
    case 2:
      return random.chance(0.5) ? random.int(-1000, 1000) : random.chance(0.5);
    case 3:
      return random.string("a", random.int(0, 120));
    case 4:
    case 5:
      return Array.from({ length: random.int(0, 3) }, () => randomValue(random, depth + 1));
    case 6:
      return Array.from({ length: random.int(1, 3) }, () => randomTable(random, depth + 1));
    default:
      return randomTable(random, depth + 1);
  }
}

function randomTable(random: Random, depth: number): Record<string, TomlWriteValue> {
  const table: Record<string, TomlWriteValue> = {};
  for (let i = random.int(0, 4); i > 0; i--) {
    table[random.pick(["k", "key-", "a_b", "x y", "é", 'q"', ""]) + random.string("abc", 2)] =
      randomValue(random, depth);
  }
  return table;
}

const oracle = await pip26();

Deno.test({
  name:
    "formatToml() writes what tomli_w writes for 2,000 generated documents (pip 26's vendored tomli_w)",
  ignore: skipUnless(oracle, "the pip 26 oracle (../shared/oracles/pip26) and Python 3.11"),
  fn: async () => {
    const random = new Random(751);
    const documents = Array.from({ length: 2000 }, () => randomTable(random, 0));
    const expected = await runPip26Json<string[]>(
      oracle!,
      "import json,sys\nfrom pip._vendor import tomli_w\n" +
        "print(json.dumps([tomli_w.dumps(d) for d in json.load(sys.stdin)]))",
      documents,
    );
    documents.forEach((document, i) => {
      assertEquals(formatToml(document), expected[i], JSON.stringify(document));
    });
  },
});
