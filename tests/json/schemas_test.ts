/**
 * The committed schemas are what `lib/operations/json_documents.ts` says
 * (regenerated here through `deno doc --json`), every one compiles in ajv's
 * strict mode, and the generator maps each TypeScript form as documented
 * (and refuses the ones it does not know).
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  documentsDoc,
  generateSchemas,
  schemaName,
  SCHEMAS_DIR,
} from "../../scripts/gen_schemas.ts";
import { assertEquals, assertThrows } from "../helpers/assert.ts";
import { schemaErrors, schemaValidator } from "../helpers/json_schema.ts";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

Deno.test("schemas/ is generated from json_documents.ts and up to date", async () => {
  const files = generateSchemas(await documentsDoc(REPO));
  const committed = [...Deno.readDirSync(join(REPO, SCHEMAS_DIR))].map((e) => e.name).sort();
  assertEquals(committed, [...files.keys()].sort());
  for (const [name, text] of files) {
    assertEquals(Deno.readTextFileSync(join(REPO, SCHEMAS_DIR, name)), text, name);
    schemaValidator(name.replace(/\.schema\.json$/, ""));
  }
});

Deno.test("schema names come from the document names", () => {
  assertEquals(schemaName("CacheDirDocument"), "cache-dir");
  assertEquals(schemaName("IndexVersionsDocument"), "index-versions");
  assertEquals(schemaName("TreeDocument"), "tree");
});

function sym(name: string, def: unknown, kind = "interface") {
  return { name, declarations: [{ declarationKind: "export", kind, def }] };
}
const keyword = (value: string) => ({ kind: "keyword", value, repr: value });
const ref = (typeName: string) => ({ kind: "typeRef", value: { typeName }, repr: typeName });
const literal = (value: string) => ({ kind: "literal", value: { kind: "string", string: value } });
const prop = (name: string, tsType: unknown, optional = false) => ({ name, tsType, optional });

Deno.test("the generator maps literals, unions, nulls, integers, arrays, maps and references", () => {
  const doc = {
    nodes: {
      "file:///x.ts": {
        symbols: [
          sym("Integer", { tsType: keyword("number") }, "typeAlias"),
          sym(
            "V",
            { tsType: { kind: "literal", value: { kind: "number", number: 1 } } },
            "typeAlias",
          ),
          sym("Item", { properties: [prop("n", ref("Integer"))] }),
          sym("XDocument", {
            properties: [
              prop("v", ref("V")),
              prop("kind", { kind: "union", value: [literal("a"), literal("b")] }),
              prop("maybe", {
                kind: "union",
                value: [literal("a"), keyword("null")],
              }, true),
              prop("size", { kind: "union", value: [ref("Integer"), keyword("null")] }),
              prop("items", {
                kind: "typeOperator",
                value: { operator: "readonly", tsType: { kind: "array", value: ref("Item") } },
              }),
              prop("map", {
                kind: "typeLiteral",
                value: { indexSignatures: [{ tsType: keyword("string") }] },
              }),
            ],
          }),
        ],
      },
    },
  };
  const schema = JSON.parse(generateSchemas(doc).get("x.schema.json")!);
  assertEquals(schema.properties, {
    v: { const: 1 },
    kind: { enum: ["a", "b"] },
    maybe: { anyOf: [{ enum: ["a"] }, { type: "null" }] },
    size: { type: ["integer", "null"] },
    items: { type: "array", items: { $ref: "#/$defs/Item" } },
    map: { type: "object", additionalProperties: { type: "string" } },
  });
  assertEquals(schema.required, ["v", "kind", "size", "items", "map"]);
  assertEquals(schema.$defs.Item.properties.n, { type: "integer" });
  const bad = {
    nodes: {
      "file:///x.ts": { symbols: [sym("YDocument", { properties: [prop("f", ref("Date"))] })] },
    },
  };
  assertThrows(() => generateSchemas(bad), Error, "Date is not exported");
  const generic = {
    nodes: {
      "file:///x.ts": {
        symbols: [sym("ZDocument", {
          properties: [prop("f", { kind: "typeRef", value: { typeName: "Map", typeParams: [1] } })],
        })],
      },
    },
  };
  assertThrows(() => generateSchemas(generic), Error, "not supported");
});

Deno.test("a schema refuses what its interface does not allow", () => {
  const valid = {
    schema_version: 1,
    reverse: false,
    depth: null,
    roots: [{
      name: "a",
      version: "1",
      extras: [],
      required: null,
      status: "ok",
      repeat: null,
      children: [],
    }],
    cycles: [],
    not_found: [],
  };
  assertEquals(schemaErrors("tree", valid), []);
  assertEquals(schemaErrors("tree", { ...valid, schema_version: 2 }).length, 1);
  assertEquals(schemaErrors("tree", { ...valid, extra: 1 }).length, 1);
  assertEquals(
    schemaErrors("tree", { ...valid, roots: [{ ...valid.roots[0], status: "fine" }] }).length,
    1,
  );
  assertEquals(schemaErrors("tree", { ...valid, depth: 1.5 }).length > 0, true);
});
