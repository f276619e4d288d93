-- The claim storm for wrk (bench/load.py, "claims"): each wrk thread owns one
-- connection and sends its share of the attempts in order, one at a time; after its
-- last answer it writes what it saw to OUT/thread-N.json. bench/load.py puts the
-- attempts (a table ATTEMPTS of {path, cookie, body}) and OUT above this text, starts
-- wrk with as many threads as connections, and ends it (SIGINT) once every thread has
-- written its file.
--
-- A thread that is done keeps asking /healthz until then, counted apart: stopped, it
-- would leave a connection open with no request on it (gunicorn closes each one and
-- wrk connects again), and a sync worker that accepts it waits on it until its timeout.
-- wrk 4.1 also calls the first thread's request() once before the run, to check it:
-- that call sends nothing and must not take an attempt.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } storm_timespec;
int clock_gettime(int clock_id, storm_timespec *tp);
]]
local CLOCK_MONOTONIC = 1

local function now()
  local t = ffi.new("storm_timespec")
  ffi.C.clock_gettime(CLOCK_MONOTONIC, t)
  return tonumber(t.tv_sec) + tonumber(t.tv_nsec) / 1e9
end

local created = 0

function setup(thread)
  thread:set("thread_number", created)
  created = created + 1
end

function init(args)
  THREADS = tonumber(args[1])
  mine = {}
  for i = thread_number + 1, #ATTEMPTS, THREADS do
    mine[#mine + 1] = ATTEMPTS[i]
  end
  sent, answered, extra, started = 0, 0, 0, nil
  statuses = {}
  checking = thread_number == 0
end

function request()
  if checking then
    checking = false
    return wrk.format("GET", "/healthz")
  end
  if started == nil then started = now() end
  sent = sent + 1
  local attempt = mine[sent]
  if attempt == nil then
    -- done: a cheap request until wrk is ended (see above)
    extra = extra + 1
    return wrk.format("GET", "/healthz")
  end
  return wrk.format("POST", attempt[1], {
    ["Cookie"] = attempt[2],
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, attempt[3])
end

function response(status, headers, body)
  answered = answered + 1
  if answered > #mine then return end
  statuses[status] = (statuses[status] or 0) + 1
  if answered == #mine then
    local finished = now()
    local parts = {}
    for code, count in pairs(statuses) do
      parts[#parts + 1] = string.format('"%d": %d', code, count)
    end
    local file = io.open(string.format("%s/thread-%d.json", OUT, thread_number), "w")
    file:write(string.format(
      '{"started": %.6f, "finished": %.6f, "attempts": %d, "statuses": {%s}}',
      started, finished, #mine, table.concat(parts, ", ")))
    file:close()
  end
end
