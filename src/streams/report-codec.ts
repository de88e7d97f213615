import { FIELD_JSON, LineMessage, SerializedRecord, flattened } from '../protocol/serialized.ts';
import type { AirbyteMessage, RecordData } from '../protocol/types.ts';
import type { RecordOutput } from './context.ts';
import type { ReportStream } from './definitions.ts';
import { toId } from './fields.ts';
import { METRIC_TYPES } from './metrics.ts';
import { type ReportRow, RowError, reportRecord } from './report-rows.ts';

/**
 * The hot path of every report sync: TikTok row → RECORD message. TikTok sends metric values as decimal text
 * ("12.34"); text that is already a valid JSON number is copied into the output line as it is, instead of being
 * parsed into a double and printed back (that round trip was two thirds of the cost). The metrics text is built
 * (and checked) once per row; the output line and the typed `data` object are built from it only when a writer or
 * an in-process consumer (a sink) asks for them. Rows with unusual values take the generic path.
 */
export interface ReportCodec {
  /**
   * Throws RowError for a row that cannot become a record. `output` 'lines' (the `read` command) builds the
   * JSON line at once and keeps only it; 'records' (a sink in this process) keeps the row's parts to build the
   * typed data from.
   */
  message(row: ReportRow, advertiserId: string, emittedAt: number, output?: RecordOutput): AirbyteMessage;
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const DIGITS = /^\d+$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Signals that a value needs the generic path; never escapes this module. */
class Unusual extends Error {}
const unusual = new Unusual();

const numberText = (value: unknown): string => {
  if (value === '-' || value === '' || value === null || value === undefined) return 'null';
  if (typeof value === 'string' && JSON_NUMBER.test(value)) return value;
  throw unusual;
};
const idText = (value: unknown): string => {
  if (value === '-' || value === '' || value === null || value === undefined) return 'null';
  if (typeof value === 'string' && DIGITS.test(value)) return value;
  throw unusual;
};
/** Text JSON.stringify would only wrap in quotes (no quote, backslash, control character or surrogate). */
const PLAIN_TEXT = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
const stringText = (value: unknown): string => {
  if (value === '-' || value === null || value === undefined) return 'null';
  if (typeof value === 'string') return PLAIN_TEXT.test(value) ? `"${value}"` : JSON.stringify(value);
  throw unusual;
};
const numberValue = (value: unknown): number | RawJSON | null =>
  value === '-' || value === '' || value === null || value === undefined ? null : typeof value === 'string' && value.length > 15 ? exactNumber(value) : Number(value);
/** Text with more significant digits than a double holds stays exact (as the text path writes it), never rounded. */
const exactNumber = (value: string): number | RawJSON =>
  JSON_NUMBER.test(value) && !/[eE]/.test(value) && value.replace(/\D/g, '').replace(/^0+/, '').length > 15 ? JSON.rawJSON(value) : Number(value);
const stringValue = (value: unknown): unknown => (value === '-' || value === undefined ? null : value);
const idValue = (value: unknown): unknown => (value === '-' || value === '' || value === undefined ? null : toId(value));

type MetricsText = (metrics: Record<string, unknown>) => string;
type MetricsData = (metrics: Record<string, unknown>) => RecordData;

/**
 * Compiles, per stream, the two functions that walk its fixed metric list (as fast-json-stringify does):
 * straight-line code with property names inlined is several times faster than a loop over descriptors.
 */
function compile(metrics: readonly string[]): { text: MetricsText; data: MetricsData } {
  const helper = (name: string, kind: 'text' | 'value') => {
    const type = METRIC_TYPES.get(name) ?? 'string';
    const base = type === 'integer' || type === 'number' ? 'number' : type === 'id' ? 'id' : 'string';
    return `${base}${kind === 'text' ? 'Text' : 'Value'}`;
  };
  const access = (name: string) => `m[${JSON.stringify(name)}]`;
  const textBody = metrics
    .map((name, i) => `${JSON.stringify(`${i ? ',' : ''}${JSON.stringify(name)}:`)} + ${helper(name, 'text')}(${access(name)})`)
    .join(' + ');
  const dataBody = metrics.map((name) => `${JSON.stringify(name)}: ${helper(name, 'value')}(${access(name)})`).join(', ');
  const helpers = { numberText, idText, stringText, numberValue, stringValue, idValue };
  const make = new Function(
    ...Object.keys(helpers),
    `return [function (m) { return ${textBody || "''"}; }, function (m) { return { ${dataBody} }; }];`,
  ) as (...fns: unknown[]) => [MetricsText, MetricsData];
  const [text, data] = make(...Object.values(helpers));
  return { text, data };
}

const codecs = new WeakMap<ReportStream, ReportCodec>();

export function reportCodec(stream: ReportStream): ReportCodec {
  let codec = codecs.get(stream);
  if (!codec) {
    codec = buildCodec(stream);
    codecs.set(stream, codec);
  }
  return codec;
}

function buildCodec(stream: ReportStream): ReportCodec {
  const { text: metricsText, data: metricsData } = compile(stream.metrics);
  const expectedKeys = stream.metrics.length;
  const idKey = JSON.stringify(stream.idDimension);
  const timeKey = stream.timeDimension ? JSON.stringify(stream.timeDimension) : undefined;
  const breakdowns = stream.breakdowns ?? [];
  const breakdownKeys = breakdowns.map((name) => JSON.stringify(name));
  const ownedById = stream.idDimension === 'advertiser_id';
  const prefix = `{"type":"RECORD","record":{"stream":${JSON.stringify(stream.name)},"data":{"advertiser_id":`;
  // Breakdown values (gender, age, country_code…) are plain text; anything else takes the generic path.
  const breakdownText = (dims: Record<string, unknown>): string => {
    let text = '';
    for (let i = 0; i < breakdowns.length; i++) {
      const value = dims[breakdowns[i] as string];
      if (typeof value !== 'string' || !PLAIN_TEXT.test(value)) throw unusual;
      text += `,${breakdownKeys[i] as string}:"${value}"`;
    }
    return text;
  };
  const shape: StreamShape = { stream, prefix, idKey, timeKey, metricsData };

  const generic = (row: ReportRow, advertiserId: string, emittedAt: number): AirbyteMessage => {
    const data = reportRecord(row, stream, JSON.rawJSON(advertiserId));
    return { type: 'RECORD', record: { stream: stream.name, data, emitted_at: emittedAt } };
  };

  return {
    message(row, advertiserId, emittedAt, output = 'records') {
      const dims = row.dimensions;
      const metrics = row.metrics;
      const id = dims?.[stream.idDimension];
      const time = stream.timeDimension ? dims?.[stream.timeDimension] : undefined;
      if (!dims || !metrics || typeof id !== 'string' || !DIGITS.test(id) || (timeKey && (typeof time !== 'string' || !TIMESTAMP.test(time)))) {
        return generic(row, advertiserId, emittedAt); // throws the precise RowError, or copes with the odd shape
      }
      let metricsJson: string;
      let extra: string;
      try {
        if (Object.keys(metrics).length !== expectedKeys) throw unusual;
        metricsJson = metricsText(metrics);
        extra = breakdowns.length > 0 ? breakdownText(dims) : '';
      } catch (error) {
        if (error === unusual) return generic(row, advertiserId, emittedAt);
        throw error;
      }
      // As a line, the metrics text is copied into the line (flattened there); waiting with its record, it is read
      // whole sooner or later: flat now, so its pieces die young.
      const lines = output === 'lines';
      const record = new ReportRecord(shape, ownedById ? id : advertiserId, id, time, extra, lines ? metricsJson : flattened(metricsJson), dims, metrics, emittedAt);
      return lines ? new LineMessage(stream.name, emittedAt, record.line()) : new ReportMessage(record);
    },
  };
}

/** What every record of one stream shares: names, the line's fixed prefix, and the typed-metrics builder. */
interface StreamShape {
  stream: ReportStream;
  prefix: string;
  idKey: string;
  timeKey: string | undefined;
  metricsData: MetricsData;
}

/**
 * A report RECORD whose JSON line and typed data are both built on demand from the row's parts and the metrics
 * text, which the codec computes (and checks) once: `read` asks for the line only as it writes it, so no line is
 * held while its page waits in a queue; `sync` never builds the line, and its typed data reuses the metrics text.
 * `data` is a getter of the class, not of an object literal: a literal with a getter closing over the message,
 * made per row, cost three times the whole emission path in garbage collection.
 */
class ReportRecord {
  readonly stream: string;
  readonly emitted_at: number;
  readonly #shape: StreamShape;
  readonly #owner: string;
  readonly #id: string;
  readonly #time: unknown;
  readonly #extra: string;
  readonly #metricsJson: string;
  readonly #dims: Record<string, unknown>;
  readonly #metrics: Record<string, unknown>;
  #data: RecordData | undefined;

  constructor(
    shape: StreamShape,
    owner: string,
    id: string,
    time: unknown,
    extra: string,
    metricsJson: string,
    dims: Record<string, unknown>,
    metrics: Record<string, unknown>,
    emittedAt: number,
  ) {
    this.stream = shape.stream.name;
    this.emitted_at = emittedAt;
    this.#shape = shape;
    this.#owner = owner;
    this.#id = id;
    this.#time = time;
    this.#extra = extra;
    this.#metricsJson = metricsJson;
    this.#dims = dims;
    this.#metrics = metrics;
  }

  get data(): RecordData {
    if (this.#data === undefined) {
      this.#data = typedRecord(this.#shape.stream, this.#owner, this.#id, this.#time, this.#dims, this.#shape.metricsData, this.#metrics, {
        metrics: `{${this.#metricsJson}}`,
        dimensions: this.#dimensionsText(),
      });
    }
    return this.#data;
  }

  /** The whole RECORD message as one JSON line. */
  line(): string {
    const { prefix, idKey, timeKey } = this.#shape;
    const id = this.#id;
    return (
      `${prefix}${this.#owner},${idKey}:${id}${timeKey ? `,${timeKey}:"${this.#time as string}"` : ''}${this.#extra},"dimensions":${this.#dimensionsText()}` +
      `,"metrics":{${this.#metricsJson}}},"emitted_at":${this.emitted_at}}}`
    );
  }

  /** As a plain record would stringify (a getter of a class is not an own property). */
  toJSON(): { stream: string; data: RecordData; emitted_at: number } {
    return { stream: this.stream, data: this.data, emitted_at: this.emitted_at };
  }

  #dimensionsText(): string {
    const { idKey, timeKey } = this.#shape;
    return timeKey ? `{${idKey}:${this.#id},${timeKey}:"${this.#time as string}"${this.#extra}}` : `{${idKey}:${this.#id}${this.#extra}}`;
  }
}

class ReportMessage extends SerializedRecord {
  readonly record: ReportRecord;

  constructor(record: ReportRecord) {
    super();
    this.record = record;
  }

  get json(): string {
    return this.record.line();
  }
}

/** Per record: what its `metrics` are built from, and the object once built. */
interface LazyMetrics {
  build: MetricsData;
  source: Record<string, unknown>;
  value: RecordData | undefined;
}
const LAZY_METRICS: unique symbol = Symbol('lazyMetrics');
type TypedRecord = RecordData & { [LAZY_METRICS]: LazyMetrics };

/**
 * `metrics` of every typed record: one getter function shared by all of them. A getter written in an object
 * literal is a new function per record, and V8 then gives each record a hidden class of its own (the accessor is
 * part of it): slow to make and heavy on the collector. With one shared function the records share their classes.
 */
const METRICS_PROPERTY: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: TypedRecord): RecordData {
    const lazy = this[LAZY_METRICS];
    lazy.value ??= lazy.build(lazy.source);
    return lazy.value;
  },
};

/**
 * The typed record. `metrics` is built on first use only: a sink that writes it as JSON takes the text under
 * FIELD_JSON instead.
 */
function typedRecord(
  stream: ReportStream,
  owner: string,
  id: string,
  time: unknown,
  dims: Record<string, unknown>,
  metricsData: MetricsData,
  metrics: Record<string, unknown>,
  json: { metrics: string; dimensions: string },
): RecordData {
  const idJson = JSON.rawJSON(id);
  const dimensions: RecordData = { [stream.idDimension]: idJson };
  if (stream.timeDimension) dimensions[stream.timeDimension] = time;
  for (const name of stream.breakdowns ?? []) dimensions[name] = dims[name];
  const record: RecordData = { advertiser_id: JSON.rawJSON(owner), ...dimensions, dimensions };
  Object.defineProperty(record, LAZY_METRICS, { value: { build: metricsData, source: metrics, value: undefined } satisfies LazyMetrics });
  Object.defineProperty(record, 'metrics', METRICS_PROPERTY);
  Object.defineProperty(record, FIELD_JSON, { value: json, enumerable: false });
  return record;
}

export { RowError };
