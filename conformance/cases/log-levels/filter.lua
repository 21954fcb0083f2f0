-- log-levels: one record from init, one per level from handle (this file is UTF-8).
function init(_config)
  host.log("info", "conformance: init")
end

function handle()
  host.log("debug", "conformance: debug")
  host.log("info", "conformance: info")
  host.log("warn", "conformance: warn")
  host.log("error", "conformance: error, naïve ✓")
  return ""
end
