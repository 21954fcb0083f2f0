-- set-body-text: set the body, or respond, with a non-ASCII string (this file is UTF-8).
local TEXT = "héllo ✓ — naïve 𝄞"

function handle()
  if req.path() == "/respond" then
    req.respond(200, { { "content-type", "text/plain; charset=utf-8" } }, TEXT)
    return "responded"
  end
  req.set_body(TEXT)
  return ""
end
