import { ADVERTISER_FIELDS, advertiserRecord, type ApiRecord } from '../data/records.ts';
import { paramError } from '../http/api-error.ts';
import { json, type Route } from '../http/route.ts';
import { accessibleAdvertiser } from './access.ts';

const KNOWN = new Set(ADVERTISER_FIELDS);

export const advertiserInfo: Route = {
  method: 'GET',
  auth: true,
  family: 'normal',
  handle({ state, params }) {
    const ids = params.stringArray('advertiser_ids');
    if (ids === undefined || ids.length === 0) throw paramError('advertiser_ids: Missing data for required field.');
    if (ids.length > 100) throw paramError('advertiser_ids: Length must be between 1 and 100.');
    const fields = params.stringArray('fields');
    for (const field of fields ?? []) if (!KNOWN.has(field)) throw paramError(`fields: Invalid field name: ${field}.`);
    const advertisers = ids.map((id) => {
      if (!/^\d+$/.test(id)) throw paramError(`advertiser_ids: Not a valid integer: ${id}.`);
      return accessibleAdvertiser(state, id);
    });
    return json({ list: advertisers.map((a) => project(advertiserRecord(a), fields)) });
  },
};

/** The requested fields only, in the order asked for (all fields when none are named). */
export function project(record: ApiRecord, fields: readonly string[] | undefined): ApiRecord {
  if (fields === undefined || fields.length === 0) return record;
  const out: ApiRecord = {};
  for (const field of fields) if (field in record) out[field] = record[field];
  return out;
}
