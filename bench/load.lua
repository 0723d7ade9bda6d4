-- wrk script for bench/load.py: replays the requests of a file round-robin and reports, as one
-- JSON line, requests, errors (any status but 2xx, and socket errors) and latency percentiles.
--
-- The file (path in the environment variable BENCH_REQUESTS) has one request per line:
-- METHOD <tab> PATH <tab> AUTHORIZATION (or -) <tab> BODY (or -) <tab> ACCEPT

local requests = {}
local threads = {}

local function load_requests()
  local path = os.getenv("BENCH_REQUESTS")
  for line in io.lines(path) do
    local method, target, auth, body, accept =
      line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)$")
    local headers = { ["Accept"] = accept }
    if auth ~= "-" then headers["Authorization"] = auth end
    if body == "-" then
      body = nil
    else
      headers["Content-Type"] = "application/json"
    end
    requests[#requests + 1] = wrk.format(method, target, headers, body)
  end
end

function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  load_requests()
  -- Each thread starts at its own place in the list, so threads do not ask in lockstep.
  next_request = (id * 7919) % #requests
  failed = 0
  statuses = {}
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    failed = failed + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests_)
  local failed_total = 0
  local seen = {}
  for _, thread in ipairs(threads) do
    failed_total = failed_total + thread:get("failed")
    local counts = thread:get("statuses")
    for status, count in pairs(counts) do
      seen[#seen + 1] = string.format('"%d": %d', status, count)
    end
  end
  local errors = summary.errors
  local socket_errors = errors.connect + errors.read + errors.write + errors.timeout
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "failed": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, failed_total, socket_errors,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    table.concat(seen, ", ")))
end
