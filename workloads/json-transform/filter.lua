-- json-transform: rewrite a JSON batch of orders (see README.md; same steps,
-- same order). JSON through the project's json.lua (workloads/lib).

local json = require("json")

local decode, encode, null = json.decode, json.encode, json.null
local is_object, is_array = json.is_object, json.is_array
local setmetatable, getmetatable, floor = setmetatable, getmetatable, math.floor

local JSON_TYPE = { { "content-type", "application/json" } }
local MAX_SAFE = 9007199254740991 -- 2^53 - 1

local drop, rename, processed_by = {}, {}, ""

function init(config)
  local c, err = decode(config)
  if not is_object(c) or not is_array(c.drop) or not is_object(c.rename) or type(c.processedBy) ~= "string" then
    error("config needs drop (list), rename (object) and processedBy (string)" .. (err and ": " .. err or ""))
  end
  for i = 1, #c.drop do drop[c.drop[i]] = true end
  for i = 1, #c.rename do
    local from = c.rename[i]
    rename[from] = c.rename[from]
  end
  processed_by = c.processedBy
end

-- A number whose value is an integer of magnitude at most 2^53 - 1 (Number.isSafeInteger).
local function safe_integer(x)
  return type(x) == "number" and x == floor(x) and x >= -MAX_SAFE and x <= MAX_SAFE
end

-- Drops and renames keys at every depth, building new tables so keys keep their positions.
local transform
transform = function(v)
  if type(v) ~= "table" or v == null then return v end
  local mt = getmetatable(v)
  local n = #v
  local out = setmetatable({}, mt)
  if is_array(v) then
    for i = 1, n do out[i] = transform(v[i]) end
    return out
  end
  local k = 0
  for i = 1, n do
    local key = v[i]
    if not drop[key] then
      local name = rename[key] or key
      if out[name] == nil then -- set: a key already there keeps its position
        k = k + 1
        out[k] = name
      end
      out[name] = transform(v[key])
    end
  end
  return out
end

function handle()
  -- 1-3. Parse: strict UTF-8, then JSON.
  local doc = decode(req.body())
  if doc == nil then
    req.respond(400, JSON_TYPE, '{"error":"invalid json"}')
    return "invalid-json"
  end

  -- 4-5. Check the shape and compute every total before changing anything.
  local totals = {}
  local ok = is_array(doc)
  if ok then
    for i = 1, #doc do
      local order = doc[i]
      local items = is_object(order) and order.items
      if not is_array(items) then
        ok = false
        break
      end
      local total = 0
      for j = 1, #items do
        local item = items[j]
        if not is_object(item) or not safe_integer(item.qty) or not safe_integer(item.price) then
          ok = false
          break
        end
        total = total + item.qty * item.price
      end
      if not ok then break end
      totals[i] = total
    end
  end
  if not ok then
    req.respond(422, JSON_TYPE, '{"error":"unexpected document shape"}')
    return "bad-shape"
  end

  -- 6-7. Transform each order and stamp it.
  local out = json.array()
  for i = 1, #doc do
    local order = transform(doc[i])
    json.set(order, "total", totals[i])
    json.set(order, "processedBy", processed_by)
    out[i] = order
  end

  -- 8. Serialise; set-body also rewrites content-length.
  req.set_body(encode(out))
  return ""
end
