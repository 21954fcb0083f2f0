-- method-path-read: report method() and path() in headers.
function handle()
  req.set_header("x-method", req.method())
  req.set_header("x-path", req.path())
  return ""
end
