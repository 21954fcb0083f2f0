-- isolation/memory-bomb: keeps allocating distinct 1 MiB strings on the hazard request.
local hold = {}

function handle()
  if req.path() == "/hazard" then
    local block = string.rep("x", 1024 * 1024)
    local i = 0
    while true do
      i = i + 1
      hold[i] = block .. i -- a new 1 MiB string each time
    end
  end
  return "ok"
end
