// Which engine a destination names, decided here and nowhere else: by the scheme of a destination URL, or by
// the shape of a destination config, and for a target already parsed, by the engine that parsed it. The
// engines are listed once, below; the rest of the connector asks here and then talks to the Engine.

import { configError, systemError } from '../errors.ts';
import type { Sink } from '../load/sink.ts';
import type { JsonSchema } from '../protocol/types.ts';
import { bigQueryEngine } from './bigquery/engine.ts';
import type { DestinationTarget } from './engine.ts';
import { postgresEngine } from './postgres/engine.ts';

/**
 * Every engine. The first is the default one: a config whose shape no engine recognises is read as its
 * config (so the refusal names the fields it lacks), and `destination spec` describes its config.
 */
export const ENGINES = [postgresEngine, bigQueryEngine] as const;

const DEFAULT_ENGINE = ENGINES[0];

/** One of the engines, as the lookups below give it. */
export type RegisteredEngine = (typeof ENGINES)[number];

/** A target of one of the engines, as the parsers below give it. */
export type EngineTarget = ReturnType<RegisteredEngine['targetFromUrl']>;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A list for people: `a, b or c`. */
function choices(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** The engine whose scheme the URL has; a config error listing the schemes when none has it. */
export function engineForUrl(url: string): RegisteredEngine {
  const schemes = choices(ENGINES.flatMap((engine) => engine.schemes.map((scheme) => `${scheme}://`)));
  const scheme = /^\s*([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  // Only the scheme is ever repeated: the rest of a URL may hold a password.
  if (scheme === undefined) throw configError(`The destination is not a valid URL; expected one starting with ${schemes}.`);
  const engine = ENGINES.find((candidate) => candidate.schemes.includes(scheme));
  if (engine === undefined) throw configError(`The destination URL must start with ${schemes} (got ${scheme}://…).`);
  return engine;
}

/** The engine whose config this is: the one engine that recognises its fields, else the default engine. */
export function engineForConfig(config: unknown): RegisteredEngine {
  const engines = isObject(config) ? ENGINES.filter((engine) => engine.recognisesConfig(config)) : [];
  const [engine, ...others] = engines;
  if (others.length > 0) {
    throw configError(`The destination config has fields of ${choices(engines.map((e) => e.title))} at once; give the fields of one.`);
  }
  return engine ?? DEFAULT_ENGINE;
}

/** The engine that parsed this target. */
export function engineOf(target: DestinationTarget): RegisteredEngine {
  const engine = ENGINES.find((candidate) => candidate.name === target.engine);
  if (engine === undefined) throw systemError(`No engine is named "${target.engine}" (the target of ${target.display}).`);
  return engine;
}

/** A target from a destination URL; `container` names the schema or dataset when the URL does not. */
export function targetFromDestinationUrl(url: string, container?: string): EngineTarget {
  return engineForUrl(url).targetFromUrl(url, container);
}

/** A target from a destination config: the fields of Airbyte's destination for one of the engines. */
export function targetFromConfig(input: unknown): EngineTarget {
  return engineForConfig(input).targetFromConfig(input);
}

/** Opens the target's sink; `log` hears the engine's notes (retries, jobs spent), stderr by default. */
export async function openSink(target: DestinationTarget, log?: (line: string) => void): Promise<Sink> {
  return engineOf(target).openSink(target, log);
}

/** Where the tables go, in words: `schema "tiktok_ads"`, `dataset "tiktok_ads"`. */
export function containerOf(target: DestinationTarget): string {
  const engine = engineOf(target);
  return `${engine.containerNoun} "${engine.containerOf(target)}"`;
}

/**
 * The JSON schema of a destination config, as `destination spec` prints it: one of the engines' configs. Each
 * branch but the one that owns a config's shape refuses it, so a config matches exactly one branch, as
 * `engineForConfig` reads it.
 */
export function destinationSpecification(): JsonSchema {
  const owned = ENGINES.flatMap((engine) => ownedFields(engine.destinationSpec));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `TikTok Marketing destination: ${engineTitles()}`,
    description: `The fields of one engine: ${ENGINES.map((engine) => `${engine.title} (${ownedFields(engine.destinationSpec).join(', ') || 'the default'})`).join('; ')}.`,
    type: 'object',
    oneOf: ENGINES.map((engine) => {
      const { $schema: _schema, ...branch } = engine.destinationSpec;
      const foreign = owned.filter((field) => !ownedFields(engine.destinationSpec).includes(field));
      return foreign.length === 0 ? branch : { ...branch, not: { anyOf: foreign.map((field) => ({ required: [field] })) } };
    }),
  };
}

/** The fields that make a config an engine's (its spec's required fields; none for the default engine). */
function ownedFields(spec: JsonSchema): string[] {
  const required = spec['required'];
  return Array.isArray(required) ? required.filter((field): field is string => typeof field === 'string') : [];
}

/** For usage text: the engines' names, `A or B`. */
export function engineTitles(): string {
  return choices(ENGINES.map((engine) => engine.title));
}

/** For usage text: the engines' URLs in short, `a://…|b://…`. */
export function urlHints(): string {
  return ENGINES.map((engine) => engine.urlHint).join('|');
}

/** For usage text: what the engines call a container of tables, `schema or dataset`. */
export function containerNouns(): string {
  return choices([...new Set(ENGINES.map((engine) => engine.containerNoun))]);
}
