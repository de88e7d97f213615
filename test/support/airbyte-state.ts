// A stream state as Airbyte's low-code TikTok connector writes it: per-advertiser partition cursors, the global
// cursor, use_global_cursor and lookback_window.

export const lowCode = (partitions: [string, string][], global?: string, useGlobal = false) => ({
  use_global_cursor: useGlobal,
  states: partitions.map(([id, day]) => ({ partition: { advertiser_id: id, parent_slice: {} }, cursor: { stat_time_day: day } })),
  ...(global ? { state: { stat_time_day: global } } : {}),
  lookback_window: 3,
});
