-- isolation/oversized-body: a 100 MiB set_body on the hazard request.
function handle()
  if req.path() == "/hazard" then req.set_body(string.rep("a", 100 * 1024 * 1024)) end
  return "ok"
end
