-- wrk script for experiments/paired --client wrk: the same request mix as
-- loadgen (GET /heavy with probability STACKLAB_HEAVY_RATIO, else GET /),
-- and at the end one JSON line in the shape of loadgen --json, so both
-- clients feed the same metrics.  wrk reports latency in microseconds.
local ratio = tonumber(os.getenv("STACKLAB_HEAVY_RATIO") or "0")
local root_req, heavy_req

init = function(args)
	math.randomseed(1)
	root_req = wrk.format("GET", "/")
	heavy_req = wrk.format("GET", "/heavy")
end

request = function()
	if math.random() < ratio then
		return heavy_req
	end
	return root_req
end

done = function(summary, latency, requests)
	local e = summary.errors
	local secs = summary.duration / 1e6
	local function ns(p)
		return math.floor(latency:percentile(p) * 1000)
	end
	io.write(string.format(
		'{"client":"wrk","responses":%d,"requests_per_s":%.1f,"elapsed_s":%.3f,' ..
		'"latency_ns":{"p50":%d,"p90":%d,"p99":%d,"p99.9":%d,"max":%d},' ..
		'"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"non_2xx":%d}\n',
		summary.requests, summary.requests / secs, secs,
		ns(50), ns(90), ns(99), ns(99.9), latency.max * 1000,
		e.connect, e.read, e.write, e.timeout, e.status))
end
