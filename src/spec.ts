import { readFileSync } from 'node:fs';
import type { ConnectorSpecification, JsonSchema } from './protocol/types.ts';

// spec.json sits at the package root, one level above both src/ and dist/.
const SPEC_PATH = new URL('../spec.json', import.meta.url);

export const connectionSpecification: JsonSchema = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as JsonSchema;

export const specification: ConnectorSpecification = {
  documentationUrl: 'https://github.com/source-tiktok-marketing/source-tiktok-marketing#readme',
  connectionSpecification,
  supportsIncremental: true,
  supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
};
