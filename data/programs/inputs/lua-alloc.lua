-- An allocation-heavy Lua run for the program benchmark (data/programs/lua.yaml): tables of tables, string building,
-- string.format and sorts, in waves. Prints a summary that depends only on the work done.
local seed = 4141
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n
end

local checksum = 0
for wave = 1, 3 do
  local items = {}
  for i = 1, 60000 do
    items[i] = { id = i, name = string.format("item-%d", rand(100000)), tags = {} }
    for t = 1, rand(5) do
      items[i].tags[t] = "t" .. rand(30)
    end
  end
  local index = {}
  for _, item in ipairs(items) do
    local key = string.sub(item.name, 1, 7)
    local bucket = index[key]
    if bucket == nil then
      bucket = {}
      index[key] = bucket
    end
    bucket[#bucket + 1] = item.id
  end
  table.sort(items, function(a, b) if a.name ~= b.name then return a.name < b.name end return a.id < b.id end)
  local parts = {}
  for i = 1, #items, 7 do
    parts[#parts + 1] = items[i].name .. ":" .. #items[i].tags
  end
  local text = table.concat(parts, ",")
  local keys = 0
  for _ in pairs(index) do keys = keys + 1 end
  checksum = (checksum * 31 + #text + keys + items[1].id) % 1000000007
end
print("waves 3 checksum " .. checksum)
