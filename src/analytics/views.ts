// Every view for a set of streams: a typed view per report stream, then the ready views over them.

import type { SinkStream } from '../load/sink.ts';
import type { TypedViewPlan, ViewSet, WarehouseTables } from './model.ts';
import { ViewNames } from './naming.ts';
import { planGmvMaxViews } from './gmv-max.ts';
import { planTypedView } from './plan.ts';
import { planReadyViews } from './ready.ts';
import { metricsOf } from './schema.ts';

/**
 * `tables`: the tables the warehouse holds (entity tables are joined only when there); a view never takes
 * the name of one of them or of a stream.
 */
export function planViews(streams: readonly SinkStream[], tables: WarehouseTables): ViewSet {
  const names = new ViewNames([...streams.map((stream) => stream.name), ...tables.keys()]);
  const typed: TypedViewPlan[] = [];
  for (const stream of streams) {
    if (!isReport(stream)) continue;
    const plan = planTypedView(stream, names.typedView(stream.name), tables);
    if (plan !== undefined) typed.push(plan);
  }
  const gmvMax = planGmvMaxViews(typed, names);
  return { typed, ready: [...planReadyViews(typed, names), ...gmvMax.ready], spend: gmvMax.spend };
}

function isReport(stream: SinkStream): boolean {
  return metricsOf(stream.jsonSchema) !== undefined;
}
