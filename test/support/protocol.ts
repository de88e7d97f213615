import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The official Airbyte protocol schema: never copied into the project, found beside it (CI has it). */
export const PROTOCOL_PATH =
  process.env.AIRBYTE_PROTOCOL_YAML ?? resolve(root, '../shared/airbyte-protocol/airbyte_protocol.yaml');

export const protocolAvailable = existsSync(PROTOCOL_PATH);
if (!protocolAvailable) {
  console.warn(`\n*** Airbyte protocol schema not found at ${PROTOCOL_PATH}: protocol validation tests are SKIPPED. ***\n`);
}

let validators: Map<string, ValidateFunction> | undefined;

function validator(definition: string): ValidateFunction {
  validators ??= new Map();
  let v = validators.get(definition);
  if (!v) {
    const schema = parse(readFileSync(PROTOCOL_PATH, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ strict: false, allErrors: true });
    (addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
    ajv.addSchema({ ...schema, $id: 'airbyte_protocol' });
    v = ajv.compile({ $ref: `airbyte_protocol#/definitions/${definition}` });
    validators.set(definition, v);
  }
  return v;
}

/** Throws with the schema errors when the value is not a valid instance of the protocol definition. */
export function assertProtocol(value: unknown, definition = 'AirbyteMessage'): void {
  const validate = validator(definition);
  if (!validate(value)) {
    throw new Error(`not a valid ${definition}: ${JSON.stringify(validate.errors?.slice(0, 3))}\n${JSON.stringify(value).slice(0, 500)}`);
  }
}
