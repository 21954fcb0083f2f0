-- respond-local: /teapot answers 418 with bytes 255-0; /empty answers 204; anything else goes on.
local DOWN = {}
for i = 0, 255 do DOWN[i + 1] = string.char(255 - i) end
DOWN = table.concat(DOWN)

function handle()
  local path = req.path()
  if path == "/teapot" then
    req.respond(418, { { "Content-Type", "application/octet-stream" }, { "X-Reply", "1" }, { "x-reply", "2" } }, DOWN)
    return "responded"
  end
  if path == "/empty" then
    req.respond(204, {}, "")
    return "responded"
  end
  return ""
end
