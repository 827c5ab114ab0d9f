-- Shared by the wrk scenarios: prints one JSON line with the figures bench.ts reads.
local M = {}

function M.done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '\nBENCH_JSON {"requests":%d,"seconds":%.3f,"errors":%d,"non2xx":%d,"timeouts":%d,' ..
    '"p50":%.3f,"p99":%.3f,"p999":%.3f,"max":%.3f}\n',
    summary.requests, summary.duration / 1e6, errors, summary.errors.status,
    summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end

return M
