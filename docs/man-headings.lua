-- Pandoc filter: a stacklab manual as a man page.  The manual's first
-- level-1 heading, "NAME(SECTION)", is the page's title; the level-2
-- headings under it are the page's sections (NAME, SYNOPSIS, ...).  A
-- manual with more pages in it (experiments/README.md) goes on with more
-- level-1 headings: those stay sections, and their level-2 headings subsections.
function Pandoc(doc)
  local blocks, title, more_pages = {}, nil, false
  for _, b in ipairs(doc.blocks) do
    local keep = true
    if b.t == 'Header' and b.level == 1 then
      if title == nil then
        title = pandoc.utils.stringify(b.content)
        keep = false
      else
        more_pages = true
      end
    elseif b.t == 'Header' and not more_pages then
      b.level = b.level - 1
    end
    if keep then
      table.insert(blocks, b)
    end
  end
  if title == nil then
    error('a manual must start with a "# NAME(SECTION)" heading')
  end
  doc.meta.title = pandoc.MetaString(title)
  return pandoc.Pandoc(blocks, doc.meta)
end
