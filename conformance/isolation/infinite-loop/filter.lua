-- isolation/infinite-loop: handle never returns on the hazard request.
local spins = 0

function handle()
  if req.path() == "/hazard" then
    while true do spins = spins + 1 end
  end
  return "ok"
end
