-- isolation/network-connect: Lua's standard library has no sockets; try the
-- usual library anyway.
function handle()
  local ok, res = pcall(require, "socket")
  if ok then return "denied:require('socket') returned a " .. type(res) .. " (not attempted)" end
  return "denied:not expressible: no sockets in Lua's standard library; require('socket'): " .. tostring(res):gsub("%s+", " ")
end
