-- wrk script: every request is drawn at random from the file given after `--`, one per line:
-- a path, optionally followed by tab-separated "Name: value" headers (a request signed in advance).
-- A large database is read all over instead of one hot row; signed requests all differ.
local requests = {}

function init (args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      -- The -H headers, then the line's own (a headers table given to wrk.format replaces wrk.headers).
      local path, headers = nil, {}
      for name, value in pairs(wrk.headers) do headers[name] = value end
      for field in string.gmatch(line, '[^\t]+') do
        if path == nil then
          path = field
        else
          local name, value = string.match(field, '^([^:]+):%s*(.*)$')
          headers[name] = value
        end
      end
      requests[#requests + 1] = wrk.format(nil, path, headers)
    end
  end
  if #requests == 0 then error('no requests in ' .. tostring(args[1])) end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request ()
  return requests[math.random(#requests)]
end
