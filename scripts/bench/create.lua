-- POST /…/patients with a unique email per request (thread id + counter); the path prefix and
-- bearer token come from the arguments; a third argument "mix" makes 80% of requests reads of
-- the paths in the file named by the fourth argument.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
local report = require("report")
local counter = 0
local threads = 0
local prefix, token, mode
local paths = {}
local i = 0

-- `id` is a global set per thread by setup(), so emails differ across threads.
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  prefix = args[1]
  token = args[2]
  mode = args[3] or "create"
  if mode == "mix" then
    for line in io.lines(args[4]) do paths[#paths + 1] = line end
  end
  math.randomseed(os.time() + (id or 0))
end

function request()
  counter = counter + 1
  if mode == "mix" and counter % 5 ~= 0 then
    i = i % #paths + 1
    return wrk.format("GET", paths[i], { ["Authorization"] = "Bearer " .. token })
  end
  local tag = string.format("%d-%d-%d-%d", id or 0, counter, os.time(), math.random(1, 1e9))
  local body = string.format(
    '{"name":"Bench Patient","email":"bench.%s@example.com","address":"1 Bench Street",' ..
    '"dateOfBirth":"1980-01-01","registeredDate":"2024-01-01"}', tag)
  return wrk.format("POST", prefix .. "/patients", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

done = report.done
