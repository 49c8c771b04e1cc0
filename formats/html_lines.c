/* html_lines.c — step 6 of the HTML reader: the text cut into lines at
 * block boundaries and <br> (a <br> is a space inside a short heading or
 * title), whitespace collapsed by the joiner, indentation (&nbsp;, U+3000)
 * trimmed; a data table gives one line per row, its cells joined by a tab.
 * Each line records what the content scoring needs: its owner element, its
 * text and link weight, punctuation, links, heading tag. */
#include <string.h>

#include "baogao.h"
#include "html_priv.h"

static int line_break(reader *r)
{
    if (!r->line_open)
        return 0;
    r->line_open = false;
    /* trailing tabs of empty cells go, leading ones too */
    size_t start = r->join.start, end = r->text.len;
    while (end > start && r->text.data[end - 1] == '\t')
        end--;
    while (start < end && r->text.data[start] == '\t')
        start++;
    if (start == end) {
        r->text.len = r->join.start;
        return 0;
    }
    if (bgi_html_grow((void **)&r->lines, &r->cap_lines, r->n_lines + 1, sizeof *r->lines))
        return bgi_html_oom(r);
    line *l = &r->cur;
    l->off = start;
    l->len = end - start;
    r->lines[r->n_lines++] = *l;
    r->text.len = end;
    return 0;
}

static void line_open(reader *r, uint32_t e)
{
    if (r->line_open)
        return;
    r->line_open = true;
    bgi_html_joiner_start(&r->join, &r->text);
    const elem *el = &r->elems[e];
    r->cur = (line){.owner = el->block, .inh = el->inh, .heading = el->inh_heading};
    r->last_link = NONE;
}

static int lines_enter(reader *r, xmlNodePtr n)
{
    uint32_t e = elem_of(n);
    if (e == NONE)
        return 0;
    const elem *el = &r->elems[e];
    if (el->block == e && line_break(r))
        return BG_ENOMEM;
    if (el->flags & EF_BR) {
        if (el->inh & (IN_SOFT_BR | IN_DATA))
            r->join.pending_space = r->line_open && r->join.last_cp && r->join.last_cp != '\t';
        else if (line_break(r))
            return BG_ENOMEM;
    }
    if ((el->flags & EF_CELL) && (el->inh & IN_DATA) && el->parent != NONE) {
        elem *row = &r->elems[el->parent];
        if (row->cells_seen++ > 0) {
            line_open(r, e);
            if (bgi_html_joiner_tab(&r->join))
                return bgi_html_oom(r);
        }
    }
    return 1;
}

static int lines_leave(reader *r, xmlNodePtr n)
{
    uint32_t e = elem_of(n);
    if (e != NONE && r->elems[e].block == e)
        return line_break(r);
    if (e != NONE && (r->elems[e].inh & IN_DATA) && (r->elems[e].flags & EF_BLOCK))
        r->join.pending_space = r->line_open && r->join.last_cp && r->join.last_cp != '\t';
    return 0;
}

static uint32_t link_ancestor(const reader *r, uint32_t e)
{
    while (e != NONE && !(r->elems[e].flags & EF_LINK))
        e = r->elems[e].parent;
    return e;
}

static int lines_text(reader *r, xmlNodePtr n)
{
    uint32_t e = elem_of(n->parent);
    if (e == NONE || !n->content)
        return 0;
    const unsigned char *s = n->content;
    size_t len = strlen((const char *)s);
    const elem *el = &r->elems[e];
    bool linked = el->inh & IN_LINK, pre = el->inh & IN_PRE;
    uint32_t link = linked ? link_ancestor(r, e) : NONE;
    for (size_t i = 0; i < len;) {
        uint32_t cp = bgi_html_next_cp(s, len, &i);
        if (pre && cp == '\n') {
            if (line_break(r))
                return BG_ENOMEM;
            continue;
        }
        if (!r->line_open) {
            if (bgi_html_is_space_cp(cp) || bgi_html_is_invisible_cp(cp))
                continue;
            line_open(r, e);
        }
        int rc = bgi_html_joiner_put(&r->join, cp);
        if (rc == BG_ENOMEM)
            return bgi_html_oom(r);
        if (rc)
            continue;
        unsigned w = bgi_html_text_weight(cp);
        r->cur.weight += w;
        if (bgi_html_is_sentence_punct(cp))
            r->cur.punct++;
        if (linked) {
            r->cur.link_weight += w;
            if (link != r->last_link) {
                r->last_link = link;
                r->cur.n_links++;
            }
        }
    }
    return 0;
}

int bgi_html_cut_lines(reader *r, xmlNodePtr root)
{
    static const walk_ops LINES = {lines_enter, lines_leave, lines_text};
    int rc;
    if (root && (rc = bgi_html_walk(r, root, &LINES)) < 0)
        return rc;
    return line_break(r);
}
