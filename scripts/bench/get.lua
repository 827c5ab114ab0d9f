-- GET of a path list given in WRK_PATHS (one per line, from the file named by the first
-- argument), round robin; the bearer token from the second argument.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
local report = require("report")
local paths = {}
local token
local i = 0

function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  token = args[2]
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], { ["Authorization"] = "Bearer " .. token })
end

done = report.done
