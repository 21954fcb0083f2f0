-- isolation/async-throw: Lua filters have no event loop to leave work on
-- (coroutines run only when resumed, inside the call): not expressible.
function handle()
  if req.path() == "/hazard" then
    return "denied:not expressible: no timers, promises or event loop in the Lua sandbox (coroutines run only inside the call)"
  end
  return "ok"
end
