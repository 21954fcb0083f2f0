-- isolation/deep-recursion: unbounded (non-tail) recursion on the hazard request.
local function down(n)
  return down(n + 1) + 1
end

function handle()
  if req.path() == "/hazard" then return tostring(down(0)) end
  return "ok"
end
