/**
 * Compose files as Compose sees them, and the Compose specification's schema, for the compose and
 * generated-file tests.
 *
 * @module
 */
import { Ajv, type ValidateFunction } from "ajv";
import { parse } from "yaml";

/** A compose file's text as Compose reads it: YAML with anchors and merge keys resolved. */
export function parseCompose(text: string): Record<string, unknown> {
  return parse(text, { merge: true });
}

/** A validator of the Compose specification schema (the copy the `dclint` package ships). */
export async function composeValidator(): Promise<ValidateFunction> {
  const schema = JSON.parse(
    await Deno.readTextFile(
      new URL("../schemas/compose.schema.json", import.meta.resolve("dclint")),
    ),
  );
  delete schema.$schema; // draft-07, Ajv's default
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, logger: false });
  return ajv.compile(schema);
}
