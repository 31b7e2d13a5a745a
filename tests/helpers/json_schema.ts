/**
 * Validates dpip's JSON output against the schemas in `schemas/` with ajv
 * (draft 2020-12, strict mode), for the tests.
 *
 * @module
 */

import { Ajv2020 } from "ajv/dist/2020.js";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's `schemas/` directory. */
export const SCHEMAS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "schemas");

const ajv = new Ajv2020({ strict: true, allErrors: true });
// deno-lint-ignore no-explicit-any
const compiled = new Map<string, any>();

/** Compiles `schemas/<name>.schema.json` (once). */
// deno-lint-ignore no-explicit-any
export function schemaValidator(name: string): any {
  let validate = compiled.get(name);
  if (validate === undefined) {
    const schema = JSON.parse(Deno.readTextFileSync(join(SCHEMAS, `${name}.schema.json`)));
    validate = ajv.compile(schema);
    compiled.set(name, validate);
  }
  return validate;
}

/**
 * The errors of `value` against `schemas/<name>.schema.json`, one line each
 * (`/roots/0/status must be equal to one of the allowed values`); empty when valid.
 */
export function schemaErrors(name: string, value: unknown): string[] {
  const validate = schemaValidator(name);
  if (validate(value)) return [];
  // deno-lint-ignore no-explicit-any
  return (validate.errors ?? []).map((e: any) =>
    `${e.instancePath || "/"} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`
  );
}
