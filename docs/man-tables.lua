-- Pandoc filter: tables a terminal reads at 80 columns.  Pandoc sizes a
-- pipe table's columns equally when a row is long, so a two-word column
-- gets as much room as a paragraph.  Here each column gets its content's
-- width when the table fits, else its longest word (so no word is broken
-- mid-way) and a share of the rest by how much text it holds; a table
-- whose longest words alone do not fit becomes a list, a row an entry.
-- Text is ragged right and not hyphenated: a narrow cell can be neither
-- justified nor split well.

-- Pandoc writes a width fraction f as f * 70 n; tbl puts 3 n between
-- columns; at MANWIDTH=80 a section's text is 71 n wide.  A table inside
-- a list is indented further: LIST_INDENT is kept free for it.
local BASE, GAP, LINE, LIST_INDENT = 70, 3, 71, 4

local function cells_of(tbl)
  local rows = {}
  for _, r in ipairs(tbl.head.rows) do table.insert(rows, r) end
  for _, b in ipairs(tbl.bodies) do
    for _, r in ipairs(b.body) do table.insert(rows, r) end
  end
  return rows
end

-- The longest piece a line cannot break: words, and paths split after
-- each '/' (break_paths puts a break point there).
local function measure(text)
  local longest = 0
  for w in text:gmatch('[^%s/]*/?') do
    longest = math.max(longest, utf8.len(w) or #w)
  end
  return utf8.len(text) or #text, longest
end

-- A path in a narrow cell may break after a '/': troff's \: is a break
-- point that prints nothing.
local function split_after_slash(text, make)
  local out = pandoc.List()
  for piece in text:gmatch('[^/]*/?') do
    if piece ~= '' then
      out:insert(make(piece))
      if piece:sub(-1) == '/' then out:insert(pandoc.RawInline('man', '\\:')) end
    end
  end
  return out
end

local break_paths = {
  Code = function(c)
    if not c.text:find('/', 1, true) then return nil end
    return split_after_slash(c.text, function(t) return pandoc.Code(t, c.attr) end)
  end,
  Str = function(s)
    if not s.text:find('/', 1, true) then return nil end
    return split_after_slash(s.text, pandoc.Str)
  end,
}

-- A table whose longest words alone are wider than the line: one entry a
-- row, its first cell the term, each other cell a "header: text" line.
local function as_list(tbl)
  local headers = {}
  if #tbl.head.rows > 0 then
    for i, cell in ipairs(tbl.head.rows[1].cells) do headers[i] = cell.contents end
  end
  local items = {}
  for _, b in ipairs(tbl.bodies) do
    for _, row in ipairs(b.body) do
      local term = pandoc.utils.blocks_to_inlines(row.cells[1].contents)
      local defs = pandoc.List()
      for i = 2, #row.cells do
        local text = pandoc.utils.blocks_to_inlines(row.cells[i].contents)
        if #text > 0 then
          local line = pandoc.List()
          if headers[i] and #headers[i] > 0 then
            line:insert(pandoc.Emph(pandoc.utils.blocks_to_inlines(headers[i])))
            line:insert(pandoc.Str(':'))
            line:insert(pandoc.Space())
          end
          line:extend(text)
          defs:insert(pandoc.Para(line))
        end
      end
      table.insert(items, { term, { defs } })
    end
  end
  return pandoc.DefinitionList(items)
end

function Table(tbl)
  local n = #tbl.colspecs
  local natural, word = {}, {}
  for i = 1, n do natural[i], word[i] = 1, 1 end
  for _, row in ipairs(cells_of(tbl)) do
    for i, cell in ipairs(row.cells) do
      if i <= n then
        local len, longest = measure(pandoc.utils.stringify(cell.contents))
        natural[i] = math.max(natural[i], len)
        word[i] = math.max(word[i], longest)
      end
    end
  end
  tbl = pandoc.walk_block(tbl, break_paths)
  local avail = LINE - LIST_INDENT - GAP * (n - 1)
  local width, total = {}, 0
  for i = 1, n do total = total + natural[i] end
  if total > avail then
    -- Each column its longest word (at least 8), the rest shared by the
    -- text each column has beyond that.
    local fixed, extra = 0, 0
    for i = 1, n do
      width[i] = math.min(natural[i], math.max(word[i], 8))
      fixed = fixed + width[i]
      extra = extra + natural[i] - width[i]
    end
    if fixed > avail then
      return as_list(tbl)
    end
    local rest = math.max(avail - fixed, 0)
    for i = 1, n do
      if extra > 0 then
        width[i] = width[i] + math.floor(rest * (natural[i] - width[i]) / extra)
      end
    end
  else
    for i = 1, n do width[i] = natural[i] end
  end
  for i = 1, n do
    tbl.colspecs[i] = { tbl.colspecs[i][1], width[i] / BASE }
  end
  return tbl
end

function Pandoc(doc)
  table.insert(doc.blocks, 1, pandoc.RawBlock('man', '.ad l\n.nh'))
  return doc
end
