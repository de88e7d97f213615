// A job runs in one location: the one given in jobReference, else that of the datasets it touches. A job whose
// location differs from a dataset it names fails as BigQuery's does ("Dataset p:d was not found in location L").

import { notFound } from './errors.ts';
import type { DatasetMeta, Store } from './store.ts';
import { isPunct, previousSignificant, tokenize } from './tokens.ts';
import { nameParts } from './translate.ts';

/** The datasets held that a statement names (`p.d.t`, `d.t`, `` `p.d.t` ``…). */
export function datasetsNamed(sql: string, projectId: string, store: Store): DatasetMeta[] {
  const tokens = tokenize(sql);
  const found = new Map<string, DatasetMeta>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if ((token.kind !== 'word' && token.kind !== 'quoted') || isPunct(tokens[previousSignificant(tokens, i)], '.')) continue;
    const { parts, end } = nameParts(tokens, i);
    i = end - 1;
    const candidates: [string, string][] = parts.length >= 3 ? [[parts[0]!, parts[1]!]] : parts.length === 2 ? [[projectId, parts[0]!], [parts[0]!, parts[1]!]] : [];
    for (const [p, d] of candidates) {
      const dataset = store.findDataset(p, d);
      if (dataset) found.set(`${dataset.projectId}:${dataset.datasetId}`, dataset);
    }
  }
  return [...found.values()];
}

export function jobLocation(given: string | undefined, datasets: readonly DatasetMeta[], fallback: string): string {
  return given ?? datasets[0]?.location ?? fallback;
}

export function checkLocation(location: string, datasets: readonly DatasetMeta[]): void {
  for (const dataset of datasets) {
    if (dataset.location.toLowerCase() !== location.toLowerCase()) {
      throw notFound(`Dataset ${dataset.projectId}:${dataset.datasetId} was not found in location ${location}`);
    }
  }
}
