-- kv-host-store: answer with two values the host stored, as text; store a literal
-- (this file is UTF-8).
function handle()
  req.set_body((host.kv_get("latin") or "absent") .. "|" .. (host.kv_get("wide") or "absent"))
  host.kv_set("written", "héllo ✓")
  return ""
end
