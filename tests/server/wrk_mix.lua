-- wrk: GET /heavy with probability HEAVY_RATIO (env), else GET /.
-- Requests are formatted in init(): at load time wrk has not yet set the
-- Host header, and an HTTP/1.1 request without Host is rightly a 400.
local ratio = tonumber(os.getenv("HEAVY_RATIO") or "0.01")
local root, heavy

init = function(args)
	root = wrk.format("GET", "/")
	heavy = wrk.format("GET", "/heavy")
	math.randomseed(42)
end

request = function()
	if math.random() < ratio then
		return heavy
	end
	return root
end
