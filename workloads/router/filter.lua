-- router: a segment trie built at init, walked depth-first per request (static
-- child, then parameter child, then catch-all, backtracking); see README.md.
-- No patterns are used for matching; the config scanner uses a few.

local find, sub, byte, concat = string.find, string.sub, string.byte, table.concat

local root

local function new_node()
  return { statics = {}, param = nil, route = nil, catch_all = nil }
end

local function is_name(s)
  if #s == 0 then return false end
  for i = 1, #s do
    local c = byte(s, i)
    if not ((c >= 97 and c <= 122) or (c >= 48 and c <= 57) or c == 95) then return false end
  end
  return true
end

-- Splits s at every "/" (s without its leading "/").
local function split(s)
  local out, start = {}, 1
  while true do
    local slash = find(s, "/", start, true)
    if not slash then
      out[#out + 1] = sub(s, start)
      return out
    end
    out[#out + 1] = sub(s, start, slash - 1)
    start = slash + 1
  end
end

local function make_route(name, params, upstream_text)
  local upstream = split(sub(upstream_text, 2))
  for i, seg in ipairs(upstream) do
    local sigil = sub(seg, 1, 1)
    if sigil == ":" or sigil == "*" then
      local index
      for j, p in ipairs(params) do
        if p == sub(seg, 2) then index = j end
      end
      if not index then error("router: route " .. name .. ': upstream uses unknown parameter "' .. seg .. '"', 0) end
      upstream[i] = index
    end
  end
  local headers = {}
  for i, p in ipairs(params) do headers[i] = "x-param-" .. p end
  return { name = name, param_headers = headers, upstream = upstream }
end

local function add_route(line)
  local name, template, upstream = line:match("^([^ ]+) ([^ ]+) ([^ ]+)$")
  if not name then error('router: route "' .. line .. '" is not "<name> <template> <upstream>"', 0) end
  if sub(template, 1, 1) ~= "/" or sub(upstream, 1, 1) ~= "/" then
    error("router: route " .. name .. ': templates start with "/"', 0)
  end
  local segs = split(sub(template, 2))
  local params = {}
  local node = root
  for i, seg in ipairs(segs) do
    local sigil = sub(seg, 1, 1)
    if sigil == ":" or sigil == "*" then
      local p = sub(seg, 2)
      local dup = false
      for _, q in ipairs(params) do dup = dup or q == p end
      if not is_name(p) or dup then error("router: route " .. name .. ': bad parameter "' .. seg .. '"', 0) end
      params[#params + 1] = p
      if sigil == "*" then
        if i ~= #segs then error("router: route " .. name .. ": a catch-all must be the last segment", 0) end
        if node.catch_all then error("router: route " .. name .. " duplicates " .. node.catch_all.name, 0) end
        node.catch_all = make_route(name, params, upstream)
        return
      end
      if not node.param then node.param = new_node() end
      node = node.param
    else
      if seg == "" and template ~= "/" then error("router: route " .. name .. ": empty segment", 0) end
      local child = node.statics[seg]
      if not child then
        child = new_node()
        node.statics[seg] = child
      end
      node = child
    end
  end
  if node.route then error("router: route " .. name .. " duplicates " .. node.route.name, 0) end
  node.route = make_route(name, params, upstream)
end

-- The routes array of the config: {"routes": ["<name> <template> <upstream>", ...]}.
-- Route strings hold no escapes (README); anything else in the array is refused.
local function config_routes(config)
  local array = config:match('"routes"%s*:%s*(%b[])')
  if not array then error('router: config needs "routes": [ ... ]', 0) end
  local lines = {}
  local rest = array:sub(2, -2):gsub('"([^"\\]*)"', function(s)
    lines[#lines + 1] = s
    return ""
  end)
  if rest:find("[^%s,]") then error("router: routes are strings without escapes", 0) end
  return lines
end

function init(config)
  root = new_node()
  for _, line in ipairs(config_routes(config)) do add_route(line) end
end

-- The walk's state for the request in flight.
local segs, starts, nsegs, path_only = {}, {}, 0, ""
local captures, ncap = {}, 0

local function walk(node, i)
  if i > nsegs then return node.route end
  local seg = segs[i]
  local child = node.statics[seg]
  if child then
    local r = walk(child, i + 1)
    if r then return r end
  end
  if node.param and seg ~= "" then
    ncap = ncap + 1
    captures[ncap] = seg
    local r = walk(node.param, i + 1)
    if r then return r end
    ncap = ncap - 1
  end
  if node.catch_all then
    ncap = ncap + 1
    captures[ncap] = sub(path_only, starts[i])
    return node.catch_all
  end
  return nil
end

function handle()
  local path = req.path()
  local q = find(path, "?", 1, true)
  path_only = q and sub(path, 1, q - 1) or path
  -- Split after the leading "/": "/" is one empty segment, "/a/" is "a" and "".
  nsegs = 0
  local start = 2
  while true do
    local slash = find(path_only, "/", start, true)
    nsegs = nsegs + 1
    starts[nsegs] = start
    if not slash then
      segs[nsegs] = sub(path_only, start)
      break
    end
    segs[nsegs] = sub(path_only, start, slash - 1)
    start = slash + 1
  end
  ncap = 0
  local route = walk(root, 1)
  if not route then
    req.respond(404, { { "content-type", "text/plain" } }, "no route\n")
    return "no-route"
  end
  local parts = {}
  for i, part in ipairs(route.upstream) do
    parts[i] = type(part) == "number" and captures[part] or part
  end
  local out = "/" .. concat(parts, "/")
  req.set_path(q and out .. sub(path, q) or out)
  req.set_header("x-route", route.name)
  local headers = route.param_headers
  for i = 1, #headers do req.set_header(headers[i], captures[i]) end
  return ""
end
