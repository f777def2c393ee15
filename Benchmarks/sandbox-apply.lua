-- Server-side apply of 100 rotating ConfigMaps whose data changes on every request,
-- so each request is a real write (create or update), never a no-op.
local counter = 0
request = function()
  counter = counter + 1
  local name = "bench-" .. (counter % 100)
  local body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"' .. name ..
    '","labels":{"bench":"yes"}},"data":{"value":"' .. counter .. '","fixed":"x"}}'
  local path = "/api/v1/namespaces/default/configmaps/" .. name .. "?fieldManager=bench&force=true"
  -- wrk.format replaces wrk.headers when given headers, so carry the Authorization header over.
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  headers["Content-Type"] = "application/apply-patch+yaml"
  return wrk.format("PATCH", path, headers, body)
end

done = function(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("non2xx=%d\n", non2xx))
end
