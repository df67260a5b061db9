-- wrk script of the bench (bench/load.mjs runs `wrk -s bench/wrk.lua`). BENCH_REQUESTS lists what
-- to POST, "path|body file" entries separated by ";": one entry is one fixed request (wrk then
-- builds it once), several are sent in turn (the RSS mix). Extra headers come from wrk -H.
-- done() prints one line, "WRK_RESULT {json}", that bench/load.mjs reads.
local function slurp(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

local entries = {}
for entry in string.gmatch(os.getenv("BENCH_REQUESTS") or "", "[^;]+") do
  local path, body_file = string.match(entry, "^([^|]*)|(.+)$")
  entries[#entries + 1] = { path = path, body = slurp(body_file) }
end
assert(#entries > 0, "BENCH_REQUESTS is empty")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.path = entries[1].path
wrk.body = entries[1].body

if #entries > 1 then
  local prepared = {}
  local turn = 0
  function init(args)
    for index, item in ipairs(entries) do
      prepared[index] = wrk.format("POST", item.path, nil, item.body)
    end
  end
  function request()
    turn = turn % #prepared + 1
    return prepared[turn]
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"microseconds":%d,"p50":%d,"p99":%d,"max":%d,' ..
      '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"bytes":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout, summary.bytes))
end
