-- wrk script for the "applications open" rush: each request submits one
-- prepared family's application (bench/rush.sh). When every family has been
-- sent once, requests start again from the first: those are retries with
-- the same idempotency key and must create nothing new.
local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  lines = {}
  for line in io.lines(os.getenv("RUSH_FILE")) do lines[#lines + 1] = line end
  nthreads = tonumber(os.getenv("RUSH_THREADS"))
  sent = 0
end

function request()
  local idx = (sent * nthreads + id - 1) % #lines + 1
  sent = sent + 1
  local app, token, csrf, session = lines[idx]:match("([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)")
  local body = "csrf=" .. csrf .. "&idem=rush-" .. app .. "&action=submit&choice_1=" .. session
    .. "&consent_participation=yes&consent_personal_data=yes"
  return wrk.format("POST", "/applications/" .. app,
    { ["Cookie"] = "smena_login=" .. token, ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
