/* html_classify.c — steps 4 and 5 of the HTML reader: statistics per
 * subtree (characters, sentence punctuation, tables and cells, metadata
 * labels), then the decisions made from them: which elements are metadata
 * blocks (mostly label/value text with several labels), which are site
 * chrome (nav/header/footer/aside tags and ids/classes like nav, menu,
 * crumb, footer, share — but never an element that holds half the page's
 * sentences), which tables hold data (one line per row, cells joined by a
 * tab) rather than layout. */
#include <stdlib.h>
#include <string.h>

#include "baogao.h"
#include "html_priv.h"

/* Text nodes longer than this are prose, never a metadata label or value. */
#define LABEL_NODE_MAX_BYTES 400
/* A metadata block larger than this (characters) is not one. */
#define META_BLOCK_MAX_CHARS 4000
/* A table cell with more characters or more blocks than these is layout. */
#define DATA_CELL_MAX_CHARS 400
#define DATA_CELL_MAX_BLOCKS 3
/* A heading or title-class element this short joins its <br> pieces. */
#define TITLE_MAX_CHARS 200

int bgi_html_stats_text(reader *r, xmlNodePtr n)
{
    uint32_t e = elem_of(n->parent);
    if (e == NONE || !n->content)
        return 0;
    const unsigned char *s = n->content;
    size_t len = strlen((const char *)s);
    uint32_t punct = 0, chars = bgi_html_count_chars(s, len, &punct);
    if (!chars)
        return 0;
    elem *el = &r->elems[e];
    el->chars += chars;
    el->punct += punct;
    if (len > LABEL_NODE_MAX_BYTES) {
        r->mstate = MS_NONE;
        return 0;
    }
    uint32_t meta = 0;
    if (bgi_html_scan_labels(r, s, len, e, &meta))
        return BG_ENOMEM;
    r->elems[e].meta_chars += meta;
    return 0;
}

/* Children come after their parent in pre-order, so one backward pass
 * folds every subtree into its root. */
static void accumulate_subtrees(reader *r)
{
    for (size_t k = r->n_elems; k-- > 0;) {
        elem *e = &r->elems[k];
        if (e->flags & EF_TABLE)
            e->tables++;
        if (e->flags & (EF_BLOCK | EF_BR))
            e->blocks++;
        if (e->flags & EF_CELL) {
            if (e->chars > e->max_cell_chars)
                e->max_cell_chars = e->chars;
            if (e->blocks - 1 > e->max_cell_blocks)
                e->max_cell_blocks = e->blocks - 1;
        }
        if (e->cols > e->max_cols)
            e->max_cols = e->cols;
        if (e->parent == NONE)
            continue;
        elem *p = &r->elems[e->parent];
        p->chars += e->chars;
        p->meta_chars += e->meta_chars;
        p->punct += e->punct;
        p->blocks += e->blocks;
        p->tables += e->tables;
        p->labels |= e->labels;
        if (e->max_cell_chars > p->max_cell_chars)
            p->max_cell_chars = e->max_cell_chars;
        if (e->max_cell_blocks > p->max_cell_blocks)
            p->max_cell_blocks = e->max_cell_blocks;
        if (e->max_cols > p->max_cols)
            p->max_cols = e->max_cols;
    }
}

/* A metadata block is mostly label and value text with several labels, one
 * of them a real field. Strict blocks (90% metadata) are taken as large as
 * they go, so the title row and the table around the rows go with them;
 * loose ones (70%, three labels) only at their smallest, so that an article
 * title or a short notice beside the table is never swallowed. */
static void decide_meta(reader *r)
{
    uint64_t mains = bgi_html_main_label_mask();
    size_t n = r->n_elems ? r->n_elems : 1;
    bool *strict = calloc(n, sizeof *strict), *loose_below = calloc(n, sizeof *loose_below);
    if (!strict || !loose_below)
        goto done;  /* without the decision the labels stay text: not fatal */
    for (size_t k = r->n_elems; k-- > 0;) {
        elem *e = &r->elems[k];
        int nl = __builtin_popcountll(e->labels);
        bool ok = (e->labels & mains) && e->chars <= META_BLOCK_MAX_CHARS;
        strict[k] = ok && nl >= 2 && e->meta_chars * 10 >= e->chars * 9;
        bool loose = ok && nl >= 3 && e->meta_chars * 10 >= e->chars * 7;
        if (loose && !loose_below[k])
            e->flags |= EF_LOOSE_META;
        if (e->parent != NONE && (loose || loose_below[k]))
            loose_below[e->parent] = true;
    }
    for (size_t k = 0; k < r->n_elems; k++) {
        elem *e = &r->elems[k];
        if (e->parent != NONE && (r->elems[e->parent].inh & IN_META))
            e->inh |= IN_META;
        else if (strict[k] || (e->flags & EF_LOOSE_META)) {
            e->flags |= EF_META;
            e->inh |= IN_META;
        }
    }
done:
    free(strict);
    free(loose_below);
}

static bool is_data_table(const elem *e)
{
    return e->tables == 1 && e->max_cols >= 2 && e->max_cell_chars <= DATA_CELL_MAX_CHARS
           && e->max_cell_blocks <= DATA_CELL_MAX_BLOCKS;
}

/* Forward pass: what holds for everything inside each element. */
static void decide_inherited(reader *r)
{
    uint32_t page_punct = r->n_elems ? r->elems[0].punct : 0;
    r->page_punct = page_punct;
    for (size_t k = 0; k < r->n_elems; k++) {
        elem *e = &r->elems[k];
        const elem *p = e->parent != NONE ? &r->elems[e->parent] : NULL;
        uint32_t inh = (e->inh & IN_META) | (p ? p->inh : 0);
        e->inh_heading = e->heading ? e->heading : p ? p->inh_heading : 0;
        /* An element that holds half the page's sentences is the article,
         * whatever its class says. */
        if ((e->flags & EF_CHROME_MARK) && e->punct * 2 < page_punct + 1) {
            e->flags |= EF_CHROME;
            inh |= IN_CHROME;
        }
        if (e->flags & EF_LINK)
            inh |= IN_LINK;
        if (e->flags & EF_PRE)
            inh |= IN_PRE;
        if ((e->flags & EF_TABLE) && !(inh & IN_DATA) && !(inh & IN_META) && is_data_table(e)) {
            e->flags |= EF_DATA_TABLE;
            inh |= IN_DATA;
        }
        if ((e->heading || (e->flags & EF_TITLE_CLASS)) && e->chars <= TITLE_MAX_CHARS)
            inh |= IN_SOFT_BR;
        e->inh = inh;
        /* In a data table only rows end lines; cells are joined by tabs. */
        bool block = (e->flags & EF_BLOCK)
                     && (!(inh & IN_DATA) || (e->flags & (EF_TR | EF_TABLE)));
        e->block = block || !p ? (uint32_t)k : p->block;
    }
}

void bgi_html_classify(reader *r)
{
    accumulate_subtrees(r);
    decide_meta(r);
    decide_inherited(r);
}
