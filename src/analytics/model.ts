// What an analytics view is, independent of the SQL engine: the planner (plan.ts, ready.ts) decides columns,
// joins and aggregates from a stream's JSON schema; each engine's renderer (src/engines/<name>/view-sql.ts) only
// spells them. Keeping the decision engine-free is what lets every warehouse get the same views.

/** The types a view column can have; each renderer maps them to its engine's names. */
export type LogicalType = 'bigint' | 'numeric' | 'text' | 'boolean' | 'date' | 'timestamp' | 'timestamptz';

/** Where a typed view column's value comes from. */
export type ColumnSource =
  /** A typed column of the raw table, as the sink loaded it. */
  | { kind: 'column'; property: string }
  /** A timestamp column of the raw table, read as its date (report days are the advertiser's midnight). */
  | { kind: 'day'; property: string }
  /** A key of a JSON object column (`metrics`, `dimensions`), cast to the type; values that do not fit become NULL. */
  | { kind: 'json'; property: string; key: string }
  /** The first non-null of several sources (an id both at the top level and in `metrics`). */
  | { kind: 'coalesce'; sources: ColumnSource[] }
  /** A column of a joined entity table. */
  | { kind: 'joined'; alias: string; column: string }
  /** A column the view always has, NULL because its entity table is not loaded. */
  | { kind: 'null' };

export interface ViewColumn {
  name: string;
  type: LogicalType;
  source: ColumnSource;
  description: string;
}

/** A LEFT JOIN to an entity table, one row per key (the latest loaded). */
export interface EntityJoin {
  alias: string;
  table: string;
  /** The entity table's key column. */
  key: string;
  /** The report's value compared with the key. */
  on: ColumnSource;
  /** Entity columns read. */
  columns: string[];
}

/** One view per report stream: its rows, one typed column per dimension and metric, entity names joined. */
export interface TypedViewPlan {
  stream: string;
  view: string;
  columns: ViewColumn[];
  joins: EntityJoin[];
  /** View columns of the stream's primary key. */
  key: string[];
  /** `stat_time_day`, `stat_time_hour` or undefined (lifetime reports). */
  time: string | undefined;
  /** Key columns that are neither an id nor the time: audience breakdowns, country_code, … */
  breakdowns: string[];
}

/** A sum, or a sum of the rows whose breakdown has given values (a pivot column). */
export interface SumMeasure {
  kind: 'sum';
  name: string;
  /** Undefined when the typed view lacks the metric: the measure is NULL (the view keeps its columns). */
  column: string | undefined;
  type: LogicalType;
  /** Only rows whose `column` is one of `values`; `values` undefined: rows whose value is none of `others`. */
  filter?: { column: string; values: string[] } | { column: string; others: string[] };
  /** 0 instead of NULL when no row has a value (pivot columns, so that the columns add up to the total in SQL as written). */
  zeroWhenNone?: boolean;
}

/** A ratio of two sums, recomputed from the sums (never an average of per-row ratios). */
export interface RatioMeasure {
  kind: 'ratio';
  name: string;
  numerator: string;
  denominator: string;
  /** 100 for percentages (TikTok's ctr), 1000 for per-mille prices (cpm). */
  factor: number;
}

export type Measure = SumMeasure | RatioMeasure;

/** An aggregate over one typed view: group by some of its columns, sum and divide the metrics. */
export interface ReadyViewPlan {
  view: string;
  source: string;
  description: string;
  groupBy: { name: string; column: string; type: LogicalType }[];
  measures: Measure[];
}

/** Entity table → column → type as the warehouse has it (the type may be unknown to a caller). */
export type WarehouseTables = ReadonlyMap<string, ReadonlyMap<string, string | undefined>>;

/**
 * Spend of several reports added up per day and advertiser (auction ads and GMV Max): each part is a typed view's
 * SELECT, read straight from the raw tables, so the view depends on no other view.
 */
export interface SpendViewPlan {
  view: string;
  description: string;
  parts: { typed: TypedViewPlan; spend: string; as: string; description: string }[];
  /** Grouping columns every part has: the day, the advertiser, its name and currency. */
  groupBy: { name: string; column: string; type: LogicalType; description: string }[];
  /** The column holding the parts' sum. */
  total: { name: string; description: string };
}

export interface ViewSet {
  typed: TypedViewPlan[];
  ready: ReadyViewPlan[];
  spend: SpendViewPlan[];
}
