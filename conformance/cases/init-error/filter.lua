-- init-error: init refuses a config carrying "refuse", with that text as its reason
-- (the config is JSON; the reason here has escaped quotes: \").
function init(config)
  local reason = config:match('"refuse"%s*:%s*"(.-)"%s*}')
  if reason ~= nil then
    return nil, (reason:gsub('\\"', '"'))
  end
  return true
end

function handle()
  return "deployed"
end
