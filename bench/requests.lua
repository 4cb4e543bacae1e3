-- wrk script: cycles through the requests listed in a file, one per line, tab-separated:
--   method, path, Cookie header (or "Bearer <API token>"; either after "gzip " to send
--   Accept-Encoding: gzip, as API clients do), CSRF token, form body (the last three may be
--   empty).
-- Each thread starts at its own place in the list, so with many lines (one per respondent)
-- the connections spread over different sessions. `done` prints one line of JSON for run.py.
--
--   wrk -c 50 -d 10s -s bench/requests.lua http://127.0.0.1:PORT -- requests.tsv

local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local list = {}
local index = 0

function init(args)
  for line in io.lines(args[1]) do
    local method, path, cookie, token, body =
      line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
    local headers = {}
    if cookie:sub(1, 5) == "gzip " then
      headers["Accept-Encoding"] = "gzip"
      cookie = cookie:sub(6)
    end
    if cookie:sub(1, 7) == "Bearer " then
      headers["Authorization"] = cookie -- an API token (bench/tenyear.py)
    elseif cookie ~= "" then
      headers["Cookie"] = cookie
    end
    if token ~= "" then headers["X-CSRFToken"] = token end
    if method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      headers["Accept"] = "application/json"
    end
    if body == "" then body = nil end
    list[#list + 1] = wrk.format(method, path, headers, body)
  end
  index = ((id or 0) * 7919) % #list
end

function request()
  index = index % #list + 1
  return list[index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"mean_us": %.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
