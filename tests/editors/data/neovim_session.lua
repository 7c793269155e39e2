-- Drive neurodebug from a real, headless Neovim: attach, read what the user would see, edit.
-- Inputs (environment): ND_FILE (Python file to open), ND_OUT (JSON results), ND_PYTHON.
-- Every step waits with a timeout and records what it saw; the pytest side asserts.
local out = {}
local function finish()
  local handle = assert(io.open(os.getenv("ND_OUT"), "w"))
  handle:write(vim.json.encode(out))
  handle:close()
  vim.cmd("qa!")
end

local ok, err = pcall(function()
  vim.cmd.edit(os.getenv("ND_FILE"))
  local buf = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start({
    name = "neurodebug",
    cmd = { os.getenv("ND_PYTHON"), "-m", "neurodebug", "serve" },
    root_dir = vim.fs.dirname(os.getenv("ND_FILE")),
    init_options = { checkpoint = os.getenv("ND_CHECKPOINT") ~= "" and os.getenv("ND_CHECKPOINT") or nil },
  })
  out.attached = client_id ~= nil
  local client = vim.lsp.get_client_by_id(client_id)

  -- 1. Diagnostics as Neovim shows them (pulled or pushed, whichever the server chose).
  out.diagnostics_seen = vim.wait(20000, function()
    return #vim.diagnostic.get(buf) > 0
  end, 50)
  out.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out.diagnostics, {
      lnum = d.lnum, col = d.col, code = d.code, message = d.message, severity = d.severity,
      source = d.source, unnecessary = (d._tags and d._tags.unnecessary) and true or false,
    })
  end

  -- 2. Hover on a name, through the client Neovim attached.
  local hover = client:request_sync("textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 5, character = 12 },
  }, 10000, buf)
  out.hover = hover and hover.result and hover.result.contents.value or vim.NIL

  -- 3. Predicted values as rendered inlay hints (extmarks), after an explicit prediction.
  out.hints = {}
  if (os.getenv("ND_CHECKPOINT") or "") ~= "" then
    local predicted = client:request_sync("workspace/executeCommand", {
      command = "neurodebug.predict",
      arguments = { { uri = vim.uri_from_bufnr(buf), line = 0, entry = "total_of([3, -1, 4])" } },
    }, 120000, buf)
    out.predict_error = predicted and predicted.err and predicted.err.message or vim.NIL
    out.predicted = predicted and predicted.result or vim.NIL
    local direct = client:request_sync("textDocument/inlayHint", {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      range = { start = { line = 0, character = 0 }, ["end"] = { line = 40, character = 0 } },
    }, 10000, buf)
    out.served_hints = direct and direct.result or vim.NIL
    vim.lsp.inlay_hint.enable(true, { bufnr = buf })
    local ns
    out.hints_seen = vim.wait(20000, function()
      vim.cmd.redraw() -- hints are drawn as the window redraws, even headless
      ns = vim.api.nvim_get_namespaces()["nvim.lsp.inlayhint"]
      return ns ~= nil and #vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, {}) > 0
    end, 50)
    out.namespaces = vim.tbl_keys(vim.api.nvim_get_namespaces())
    if ns then
      for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })) do
        local text = {}
        for _, chunk in ipairs(mark[4].virt_text or {}) do
          table.insert(text, chunk[1])
        end
        table.insert(out.hints, { row = mark[2], text = table.concat(text) })
      end
    end
  end

  -- 4. Edit the buffer the way a user does: fix the broken def; diagnostics must clear.
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  for index, line in ipairs(lines) do
    if line:match("^def broken%(x:$") then
      vim.api.nvim_buf_set_text(buf, index - 1, #line - 1, index - 1, #line, { "):" })
    end
  end
  out.cleared = vim.wait(20000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == "ND000" then
        return false
      end
    end
    return true
  end, 50)
  out.after_edit = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out.after_edit, { lnum = d.lnum, code = d.code })
  end
end)
if not ok then
  out.error = tostring(err)
end
finish()
