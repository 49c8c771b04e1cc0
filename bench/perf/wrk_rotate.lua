-- wrk_rotate.lua — the baogao-serve load of the performance benchmark
-- (bench/perf/run.sh, docs/performance.md): the 12 queries of queries.tsv in
-- rotation, each connection's thread going round the list from its own
-- starting point, default options and a page of 10, as the library and
-- baogao-query rows are measured:
--   plain and multi-word queries  GET /api/search?q=Q
--   a "year" row                  GET /api/search?q=Q&year=Y
--   the "by-year" row             GET /api/byyear?q=Q
--
--   wrk -t2 -c16 -d30s --latency -s bench/perf/wrk_rotate.lua \
--       http://127.0.0.1:PORT -- bench/perf/queries.tsv
--
-- At the end it prints, besides wrk's own report, one line per value for the
-- driver ("wrk.requests 41234", ...): requests, duration_s, req_per_s, the
-- latency percentiles in ms, and the errors by kind (status = responses other
-- than 2xx/3xx).

local paths = {}
local counter = 0

local function urlencode(s)
    return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function load(file)
    local list = {}
    for line in io.lines(file) do
        if line ~= "" and line:sub(1, 1) ~= "#" then
            local label, kind, year, q = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
            if q then
                local p
                if kind == "by-year" then
                    p = "/api/byyear?q=" .. urlencode(q)
                else
                    p = "/api/search?q=" .. urlencode(q)
                    if year ~= "-" then p = p .. "&year=" .. year end
                end
                list[#list + 1] = p
            end
        end
    end
    return list
end

local thread_no = 0
function setup(thread)
    thread:set("id", thread_no)
    thread_no = thread_no + 1
end

function init(args)
    paths = load(args[1] or "bench/perf/queries.tsv")
    if #paths == 0 then error("wrk_rotate.lua: no queries in " .. tostring(args[1])) end
    counter = (id or 0) * 5
end

function request()
    counter = counter + 1
    return wrk.format("GET", paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
    local s = summary.duration / 1e6
    local e = summary.errors
    io.write(string.format("wrk.requests %d\n", summary.requests))
    io.write(string.format("wrk.duration_s %.3f\n", s))
    io.write(string.format("wrk.req_per_s %.1f\n", summary.requests / s))
    for _, p in ipairs({50, 90, 99, 99.9}) do
        io.write(string.format("wrk.p%s_ms %.3f\n", tostring(p), latency:percentile(p) / 1000))
    end
    io.write(string.format("wrk.max_ms %.3f\n", latency.max / 1000))
    io.write(string.format("wrk.mean_ms %.3f\n", latency.mean / 1000))
    io.write(string.format("wrk.err_connect %d\nwrk.err_read %d\nwrk.err_write %d\nwrk.err_status %d\nwrk.err_timeout %d\n",
                           e.connect, e.read, e.write, e.status, e.timeout))
end
