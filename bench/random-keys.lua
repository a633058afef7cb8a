-- wrk script: every request asks for a path drawn at random from the file given after `--`
-- (one path per line), so a large database is read all over instead of one hot row.
local paths = {}

function init (args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  if #paths == 0 then error('no paths in ' .. tostring(args[1])) end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request ()
  return wrk.format(nil, paths[math.random(#paths)])
end
