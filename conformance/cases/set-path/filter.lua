-- set-path: prefix the path with /v2 and report what path() says afterwards.
function handle()
  req.set_path("/v2" .. req.path())
  req.set_header("x-path-after", req.path())
  return ""
end
