-- isolation/trap-in-init: init raises an error when the config asks for it.
function init(config)
  if config:find('"hazard"%s*:%s*true') then error("hostile filter: raised from init") end
end

function handle()
  return "ok"
end
