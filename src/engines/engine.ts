// What a warehouse engine is to the rest of the connector, as a Kysely dialect is to Kysely or a destination
// factory to dlt: the registry (registry.ts) picks an engine by a destination's URL scheme or config shape,
// and from then on sync, destination and the analytics commands go through this interface and never ask
// which engine they hold. An engine module is cheap to import (every command's usage text lists the engines):
// what needs a driver or client library (the sink, inspecting a destination, the view SQL) is loaded when
// first asked for.

import type { LoadedDestination } from '../analytics/loaded.ts';
import type { WarehouseSql } from '../analytics/warehouse.ts';
import type { Sink } from '../load/sink.ts';
import type { JsonSchema } from '../protocol/types.ts';

/** A parsed destination: where to load, and as whom. Each engine's target extends it with what its client needs. */
export interface DestinationTarget {
  /** The `name` of the engine that parsed it. */
  engine: string;
  /** Where the tables go, for messages; any password masked. */
  display: string;
  /** False: no analytics views after a sync (sync --no-views, destination config `analytics_views: false`). */
  views?: boolean;
}

/**
 * An engine whose URLs and configs parse into `Target`s. Only what makes a target is typed by it: what takes one
 * takes any DestinationTarget and checks that it is this engine's, so every engine is an `Engine`.
 */
export interface Engine<Target extends DestinationTarget = DestinationTarget> {
  /** The engine's name, as its targets carry it. */
  readonly name: string;
  /** The engine's name for people, in messages and usage text. */
  readonly title: string;
  /** The destination URL schemes it takes, lower case, without `://`. */
  readonly schemes: readonly string[];
  /** Its destination URL in short, as usage text shows it (`scheme://…`). */
  readonly urlHint: string;
  /** Its destination URL in full, with the placeholders a person fills in. */
  readonly urlForm: string;
  /** What it calls the container of a destination's tables (a schema, a dataset). */
  readonly containerNoun: string;
  /** The JSON schema of its destination config (an Airbyte destination spec's connectionSpecification). */
  readonly destinationSpec: JsonSchema;
  /** What a person does before dbt can connect with the profile the `dbt` command writes, if anything. */
  readonly dbtSetup: string | undefined;
  /** Whether a destination config has this engine's shape (the fields of Airbyte's destination for it). */
  recognisesConfig(config: Readonly<Record<string, unknown>>): boolean;
  /** A target from a destination URL; `container` names the container when the URL does not (sync's --schema). */
  targetFromUrl(url: string, container?: string): Target;
  /** A target from a destination config (`destination check|write --config`). */
  targetFromConfig(config: unknown): Target;
  /** The name of the target's container. */
  containerOf(target: DestinationTarget): string;
  /** Opens the target's sink; `log` hears the engine's notes (retries, jobs spent), stderr by default. */
  openSink(target: DestinationTarget, log?: (line: string) => void): Promise<Sink>;
  /** Connects and finds which streams the destination holds, and the dbt profile that reaches it. */
  inspect(target: DestinationTarget): Promise<LoadedDestination>;
  /** The engine's SQL for the analytics views and dbt models. */
  warehouseSql(): Promise<WarehouseSql>;
}
