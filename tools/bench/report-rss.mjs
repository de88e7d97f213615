// Preloaded into a benchmarked process: reports its peak resident set size on exit, and what made it up. The
// kernel's maxRSS is exact; the breakdown comes from sampling process.memoryUsage() every 250 ms (the sample with
// the highest RSS), enough to tell a heap that grew (V8's old space) from buffers held outside it (external).
const mb = (bytes) => (bytes / 1048576).toFixed(1);
let peak = process.memoryUsage();
let samples = 0;
// rss() alone is cheap; the full breakdown (which walks V8's heap spaces) is taken only at a new peak.
const timer = setInterval(() => {
  samples++;
  if (process.memoryUsage.rss() > peak.rss) peak = process.memoryUsage();
}, 250);
timer.unref();
process.on('exit', () => {
  process.stderr.write(
    `\nBENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n` +
      `BENCH_PEAK_SAMPLE rss=${mb(peak.rss)} heapTotal=${mb(peak.heapTotal)} heapUsed=${mb(peak.heapUsed)} external=${mb(peak.external)} arrayBuffers=${mb(peak.arrayBuffers)} samples=${samples}\n`,
  );
});
