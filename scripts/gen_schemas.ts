/**
 * Writes the JSON Schemas of dpip's JSON output (`schemas/*.schema.json`)
 * from the interfaces that define it, `lib/operations/json_documents.ts`,
 * read through `deno doc --json` (so the TypeScript is parsed by Deno, not
 * by this script). Each exported `…Document` becomes one schema file
 * (draft 2020-12), the interfaces it uses its `$defs`.
 *
 *   deno run -A scripts/gen_schemas.ts           # write schemas/
 *   deno run -A scripts/gen_schemas.ts --check   # exit 1 when schemas/ is stale
 *
 * The interfaces may use: `string`, `number`, `boolean`, `null`, literals and
 * unions of them, arrays (`readonly T[]`), `{ [key: string]: T }`, other
 * interfaces and aliases of this module, and `Integer` (JSON Schema
 * `integer`). Anything else is an error here, not a silent `{}`.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The module the schemas come from, relative to the repository. */
export const DOCUMENTS_MODULE = "lib/operations/json_documents.ts";
/** Where the schemas go, relative to the repository. */
export const SCHEMAS_DIR = "schemas";

// deno-lint-ignore no-explicit-any
type DocNode = any;
type Schema = Record<string, unknown>;

/** `CacheDirDocument` → `cache-dir`. */
export function schemaName(documentName: string): string {
  return documentName.replace(/Document$/, "").replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase();
}

function docText(node: DocNode): string | undefined {
  const text = node?.jsDoc?.doc;
  return typeof text === "string" && text.trim() !== "" ? text.trim() : undefined;
}

class Generator {
  readonly #symbols = new Map<string, DocNode>();
  #defs = new Map<string, Schema>();

  constructor(doc: DocNode) {
    for (const file of Object.values(doc.nodes ?? {}) as DocNode[]) {
      for (const symbol of file.symbols ?? []) {
        const declaration = symbol.declarations?.[0];
        if (declaration?.declarationKind === "export") this.#symbols.set(symbol.name, declaration);
      }
    }
  }

  documents(): string[] {
    return [...this.#symbols.keys()].filter((name) => name.endsWith("Document")).sort();
  }

  schemaOf(documentName: string): Schema {
    this.#defs = new Map();
    const declaration = this.#symbols.get(documentName);
    const body = this.#declaration(documentName, declaration);
    const schema: Schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: documentName,
      ...body,
    };
    if (this.#defs.size > 0) {
      schema["$defs"] = Object.fromEntries([...this.#defs].sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    return schema;
  }

  #declaration(name: string, declaration: DocNode): Schema {
    const description = docText(declaration);
    const head: Schema = description === undefined ? {} : { description };
    switch (declaration?.kind) {
      case "interface":
        return { ...head, ...this.#object(declaration.def) };
      case "typeAlias":
        return { ...head, ...this.#type(declaration.def.tsType, name) };
      default:
        throw new Error(`${name}: not an exported interface or type alias of ${DOCUMENTS_MODULE}`);
    }
  }

  #object(def: DocNode): Schema {
    if ((def.extends ?? []).length > 0) {
      throw new Error("interfaces with extends are not supported");
    }
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    for (const property of def.properties ?? []) {
      const description = docText(property);
      properties[property.name] = {
        ...(description === undefined ? {} : { description }),
        ...this.#type(property.tsType, property.name),
      };
      if (!property.optional) required.push(property.name);
    }
    if ((def.indexSignatures ?? []).length > 0 || (def.methods ?? []).length > 0) {
      throw new Error("interfaces with index signatures or methods are not supported");
    }
    return { type: "object", properties, required, additionalProperties: false };
  }

  #ref(name: string): Schema {
    if (name === "Integer") return { type: "integer" };
    const declaration = this.#symbols.get(name);
    if (declaration === undefined) {
      throw new Error(`${name} is not exported by ${DOCUMENTS_MODULE}`);
    }
    // An alias of a literal is written in place (`SchemaVersion` is `const: 1`).
    if (declaration.kind === "typeAlias" && declaration.def.tsType.kind === "literal") {
      return this.#type(declaration.def.tsType, name);
    }
    if (!this.#defs.has(name)) {
      this.#defs.set(name, {}); // a placeholder, so a recursive type refers to itself
      this.#defs.set(name, this.#declaration(name, declaration));
    }
    return { $ref: `#/$defs/${name}` };
  }

  #type(type: DocNode, where: string): Schema {
    switch (type?.kind) {
      case "keyword":
        switch (type.value) {
          case "string":
          case "number":
          case "boolean":
          case "null":
            return { type: type.value };
        }
        break;
      case "literal":
        switch (type.value.kind) {
          case "string":
            return { const: type.value.string };
          case "number":
            return { const: type.value.number };
          case "boolean":
            return { const: type.value.boolean };
        }
        break;
      case "typeOperator":
        if (type.value.operator === "readonly") return this.#type(type.value.tsType, where);
        break;
      case "parenthesized":
        return this.#type(type.value, where);
      case "array":
        return { type: "array", items: this.#type(type.value, where) };
      case "typeRef":
        if ((type.value.typeParams ?? []).length === 0) return this.#ref(type.value.typeName);
        break;
      case "typeLiteral": {
        const signatures = type.value.indexSignatures ?? [];
        if ((type.value.properties ?? []).length === 0 && signatures.length === 1) {
          return {
            type: "object",
            additionalProperties: this.#type(signatures[0].tsType, where),
          };
        }
        break;
      }
      case "union":
        return this.#union(type.value, where);
    }
    throw new Error(`${where}: type ${JSON.stringify(type?.repr ?? type?.kind)} is not supported`);
  }

  #union(members: DocNode[], where: string): Schema {
    const schemas = members.map((member) => this.#type(member, where));
    if (schemas.every((s) => "const" in s && Object.keys(s).length === 1)) {
      return { enum: schemas.map((s) => s["const"]) };
    }
    const literals = schemas.filter((s) => "const" in s);
    const simple = schemas.filter((s) =>
      Object.keys(s).length === 1 && typeof s["type"] === "string"
    );
    if (literals.length === 0 && simple.length === schemas.length) {
      return { type: simple.map((s) => s["type"]) };
    }
    // `"a" | "b" | null`: the literals, or null.
    if (literals.length + simple.length === schemas.length && literals.length > 0) {
      return { anyOf: [{ enum: literals.map((s) => s["const"]) }, ...simple] };
    }
    return { anyOf: schemas };
  }
}

/** The schema files (name → text) for a `deno doc --json` of {@link DOCUMENTS_MODULE}. */
export function generateSchemas(doc: unknown): Map<string, string> {
  const generator = new Generator(doc);
  const files = new Map<string, string>();
  for (const name of generator.documents()) {
    files.set(
      `${schemaName(name)}.schema.json`,
      JSON.stringify(generator.schemaOf(name), null, 2) + "\n",
    );
  }
  return files;
}

/** Runs `deno doc --json` on {@link DOCUMENTS_MODULE} under `repo`. */
export async function documentsDoc(repo: string): Promise<unknown> {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", join(repo, DOCUMENTS_MODULE)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!result.success) throw new Error(new TextDecoder().decode(result.stderr));
  return JSON.parse(new TextDecoder().decode(result.stdout));
}

if (import.meta.main) {
  const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
  const files = generateSchemas(await documentsDoc(repo));
  const dir = join(repo, SCHEMAS_DIR);
  const check = Deno.args.includes("--check");
  let stale = false;
  const present = new Set<string>();
  try {
    for (const entry of Deno.readDirSync(dir)) present.add(entry.name);
  } catch {
    // No directory yet.
  }
  for (const [name, text] of files) {
    const current = present.has(name) ? Deno.readTextFileSync(join(dir, name)) : undefined;
    if (current === text) continue;
    stale = true;
    if (check) continue;
    Deno.mkdirSync(dir, { recursive: true });
    Deno.writeTextFileSync(join(dir, name), text);
  }
  for (const name of present) {
    if (name.endsWith(".schema.json") && !files.has(name)) {
      stale = true;
      if (!check) Deno.removeSync(join(dir, name));
    }
  }
  if (check && stale) {
    // deno-lint-ignore no-console
    console.error(`${SCHEMAS_DIR}/ is stale: run deno run -A scripts/gen_schemas.ts`);
    Deno.exit(1);
  }
}
