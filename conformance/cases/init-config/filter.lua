-- init-config: keep the config text from init and answer with it as the body.
local config = "init was not called"

function init(text)
  config = text
end

function handle()
  req.set_body(config)
  return ""
end
