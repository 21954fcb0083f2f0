-- kv-shared-instances: on x-kv-put, kv_set the shared key; always report kv_get of it in x-kv-value.
function handle()
  local put = req.header("x-kv-put")
  if put ~= nil then host.kv_set("conformance-key", put) end
  req.set_header("x-kv-value", host.kv_get("conformance-key") or "absent")
  return ""
end
