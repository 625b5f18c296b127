-- wrk script: visitors chatting with POST /api/v1/message (bench/load/README.md).
--
--   wrk -t2 -c64 -d10s --latency -s bench/load/message.lua URL/api/v1/message -- MESSAGES.lua [TURNS]
--
-- MESSAGES.lua (written by run_load.py) sets MESSAGES = {ka = {...}, az = {...},
-- en = {...}}: realistic messages, each already a JSON string literal.
--
-- Conversations, not one-off requests: a new conversation sends no session;
-- the reply's "session" is kept and the conversation's next message (in the
-- language the reply was in) goes out with it, TURNS messages in all (8 by
-- default), then the visitor leaves and a new one starts. wrk does not say
-- which connection a request goes on, so each thread keeps a pool of the
-- conversations whose reply has arrived: a connection takes one from the
-- pool for its next request (or starts a new one when the pool is empty),
-- so every conversation has at most one message in flight, as a visitor
-- typing in a widget has, and a thread holds about as many live
-- conversations as it has connections.
--
-- done() prints one line "WRK_JSON {...}" with the totals and latency
-- percentiles (µs) for run_load.py.

local langs = { "ka", "az", "en" }
local turns = 8
local pool = {}    -- session ids whose last reply arrived
local convs = {}   -- session id -> { lang = "ka", n = messages answered }
local headers = { ["Content-Type"] = "application/json" }

-- Counters read by done() through thread:get().
started = 0        -- requests without a session (new conversations)
finished = 0       -- conversations that reached TURNS messages
answered = 0       -- 200 replies
fresh = 0          -- replies with new_session: started, plus conversations the
                   -- server no longer had (expired or evicted: fresh > started)
bad = 0            -- other statuses

local threads = {}
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
  table.insert(threads, thread)
end

function init(args)
  dofile(args[1])
  turns = tonumber(args[2]) or 8
  math.randomseed(1000 + (id or 0))
end

local function pick(lang)
  local list = MESSAGES[lang]
  return list[math.random(#list)]
end

function request()
  local sid = table.remove(pool)
  local body
  if sid then
    body = '{"session":"' .. sid .. '","text":' .. pick(convs[sid].lang) .. '}'
  else
    started = started + 1
    body = '{"text":' .. pick(langs[math.random(#langs)]) .. '}'
  end
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    return
  end
  answered = answered + 1
  local sid = body:match('"session":"([%w_.-]+)"')
  if not sid then
    bad = bad + 1
    return
  end
  local c = convs[sid]
  if not c then
    c = { lang = body:match('"language":"(%a%a)"') or "en", n = 0 }
    if MESSAGES[c.lang] == nil then c.lang = "en" end
    convs[sid] = c
  end
  c.n = c.n + 1
  if body:find('"new_session":true', 1, true) then fresh = fresh + 1 end
  if c.n < turns then
    table.insert(pool, sid)
  else
    convs[sid] = nil
    finished = finished + 1
  end
end

function done(summary, latency, requests)
  local t = { started = 0, finished = 0, answered = 0, fresh = 0, bad = 0 }
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + (tonumber(thread:get(k)) or 0) end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d},"latency_us":{"p50":%d,"p75":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,' ..
    '"mean":%.1f,"stdev":%.1f},"conversations_started":%d,"conversations_finished":%d,"answered":%d,"new_sessions":%d,"bad":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(75), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean, latency.stdev,
    t.started, t.finished, t.answered, t.fresh, t.bad))
end
