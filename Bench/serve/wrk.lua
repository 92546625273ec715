-- wrk script of tools/bench-serve. Prints one JSON line at the end: requests, errors and
-- latency percentiles (µs). With BENCH_SERVE_MIX set, every tenth request goes to one of
-- the misbehaving routes in turn, the others to /hello.
local bad = {"/loop", "/oob", "/grow", "/recurse", "/huge"}
local counter = 0

if os.getenv("BENCH_SERVE_MIX") then
  request = function()
    counter = counter + 1
    if counter % 10 == 0 then
      return wrk.format("GET", bad[(counter / 10) % #bad + 1])
    end
    return wrk.format("GET", "/hello")
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d}, "p50_us": %d, "p90_us": %d, "p99_us": %d, "p999_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
