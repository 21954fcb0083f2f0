-- isolation/throw-in-handle: a buggy filter that raises an error on the hazard request.
function handle()
  if req.path() == "/hazard" then error("hostile filter: raised from handle") end
  return "ok"
end
