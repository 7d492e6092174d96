-- Neovim (0.7 or later) headless against `vaultc lsp`: open a note, wait for its
-- diagnostics, jump to the definition of a link, and write what it saw, one line each, to
-- $NVIM_OUT. Run by tests/it/lsp.rs:
--   VAULTC_BIN=... VAULTC_TODAY=... VAULT_ROOT=... NVIM_OUT=... nvim --headless --clean -u NONE \
--     -c 'luafile tests/lsp/nvim.lua' 'vault/Actors/Michael Burry.md'
local out = assert(io.open(os.getenv("NVIM_OUT"), "w"))
local function say(line)
  out:write(line, "\n")
  out:flush()
end

local root = os.getenv("VAULT_ROOT")
local client = vim.lsp.start_client({
  name = "vaultc",
  cmd = { os.getenv("VAULTC_BIN"), "lsp", "--today", os.getenv("VAULTC_TODAY") },
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = "vault" } },
})
if not client then
  say("error: the server did not start")
  vim.cmd("qall!")
end
vim.lsp.buf_attach_client(0, client)

local function rel(path)
  return (path:gsub("^" .. vim.pesc(root .. "/"), ""))
end

-- Diagnostics: the server publishes them on start and for the opened buffer.
local got = vim.wait(20000, function()
  return #vim.diagnostic.get(0) > 0
end, 50)
say("diagnostics " .. (got and #vim.diagnostic.get(0) or "none"))
local diags = vim.diagnostic.get(0)
table.sort(diags, function(a, b)
  return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
end)
for _, d in ipairs(diags) do
  say(string.format("diagnostic %d:%d %s %s", d.lnum + 1, d.col + 1, tostring(d.code), d.message))
end

-- Definition: the cursor on `[[NVIDIA]]`, then the jump an editor user makes with `gd`.
local line = vim.fn.search("\\V[[NVIDIA]]")
vim.api.nvim_win_set_cursor(0, { line, vim.fn.col(".") + 2 })
local from = vim.api.nvim_buf_get_name(0)
vim.lsp.buf.definition()
local jumped = vim.wait(10000, function()
  return vim.api.nvim_buf_get_name(0) ~= from
end, 50)
if jumped then
  local pos = vim.api.nvim_win_get_cursor(0)
  say(string.format("definition %s %d:%d", rel(vim.api.nvim_buf_get_name(0)), pos[1], pos[2] + 1))
else
  say("definition none")
end

vim.lsp.stop_client(client)
out:close()
vim.cmd("qall!")
