-- isolation/read-file: tries io.open, then require("io"), then loadfile.
function handle()
  local ok, res = pcall(function()
    local f = assert(io.open("/etc/passwd", "r"))
    local line = f:read("l")
    f:close()
    return line
  end)
  if ok then return "allowed:" .. res:sub(1, 80) end
  local why = "io.open: " .. tostring(res)
  local rok, rio = pcall(require, "io")
  if rok and type(rio) == "table" and rio.open then
    local f = rio.open("/etc/passwd", "r")
    if f then return "allowed:" .. f:read("l"):sub(1, 80) end
  end
  why = why .. "; require('io'): " .. (rok and "no io.open" or tostring(rio):gsub("%s+", " "))
  why = why .. "; loadfile: " .. type(loadfile) .. ", dofile: " .. type(dofile)
  return "denied:" .. why
end
