-- noop: does nothing and continues the chain. Measures what a call through
-- the adapter costs, with no host calls.

function init(config)
  -- The config is accepted as is; a real filter would decode it here.
  return true
end

function handle()
  return ""
end
