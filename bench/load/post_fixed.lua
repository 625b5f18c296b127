-- wrk script: the same POST /api/v1/message every time, without a session
-- (every request starts a new conversation): the 32-connection command the
-- previous server was measured with (bench/load/README.md, "previous").
--
--   wrk -t2 -c32 -d10s --latency -s bench/load/post_fixed.lua URL/api/v1/message
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"text":"balansi rogor shevamowmo"}'
