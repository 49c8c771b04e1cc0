/* html_priv.h — what the parts of the HTML reader (bgi_read_html, html.c)
 * share: the records they fill in turn (elements, metadata hits, lines, the
 * reader that holds them) and the functions each part offers the others.
 * Internal to formats/; the steps are listed in html.c's opening comment. */
#ifndef BG_HTML_PRIV_H
#define BG_HTML_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "bgi_err.h"
#include "document.h"
#include "util.h"

/* No element: an index past every element of the page. */
#define NONE UINT32_MAX

/* ---- characters and the text joiner (html_text.c) ---------------------- */

/* Appends text to a buffer the way a paragraph reads: runs of whitespace
 * become one space between Latin words and nothing next to a CJK character,
 * with none at the start or the end. */
typedef struct joiner {
    bgi_buf *out;
    size_t start;        /* where this paragraph started in out */
    bool pending_space;
    uint32_t last_cp;    /* last character written, 0 at the start */
} joiner;

/* Decodes one code point from s[*i..n); ill-formed bytes become U+FFFD. */
uint32_t bgi_html_next_cp(const unsigned char *s, size_t n, size_t *i);
/* Collapsible whitespace, including &nbsp; and the ideographic space. */
bool bgi_html_is_space_cp(uint32_t cp);
/* Controls and zero-width marks, dropped outright. */
bool bgi_html_is_invisible_cp(uint32_t cp);
/* Punctuation that ends or joins clauses: prose has it, menus do not. */
bool bgi_html_is_sentence_punct(uint32_t cp);
/* Weight of a character as text, in half units: ideograph 2, Latin 1. */
unsigned bgi_html_text_weight(uint32_t cp);
bool bgi_html_ascii_ieq(const char *a, const char *b);
/* Whether s[0..n) contains needle (bytes). */
bool bgi_html_mem_has(const char *s, size_t n, const char *needle);
/* Characters of s[0..n) that show (not space, not invisible); *punct, when
 * not NULL, is increased by the sentence punctuation among them. */
uint32_t bgi_html_count_chars(const unsigned char *s, size_t n, uint32_t *punct);
/* s[0..n) without any whitespace (malloc'ed), for comparing titles. */
char *bgi_html_squeeze(const char *s, size_t n);
void bgi_html_joiner_start(joiner *j, bgi_buf *out);
/* Returns 0, BG_ENOMEM, or 1 when cp was not written (space, invisible). */
int bgi_html_joiner_put(joiner *j, uint32_t cp);
/* A tab between table cells; spaces before it are dropped. */
int bgi_html_joiner_tab(joiner *j);

/* ---- charset (html_charset.c) ------------------------------------------ */

/* The page as UTF-8 (*text, len bytes) and the name of the charset it was
 * in. *owned is the converted copy to free, or NULL when *text points into
 * b: a page that is already valid UTF-8 is not copied once more. */
int bgi_html_decode_page(const char **text, char **owned, size_t *len, const char **encoding,
                        const char *b, size_t n, bgi_err *err);

/* ---- the reader's records ---------------------------------------------- */

enum elem_flag {
    EF_BLOCK = 1 << 0,         /* tag is a block (before table decisions) */
    EF_CHROME_MARK = 1 << 1,   /* tag, id or class says chrome */
    EF_KNOWN = 1 << 2,         /* id or class names a content container */
    EF_TITLE_CLASS = 1 << 3,   /* id or class contains "title" */
    EF_LINK = 1 << 4,          /* <a href> */
    EF_TABLE = 1 << 5,
    EF_TR = 1 << 6,
    EF_CELL = 1 << 7,
    EF_BR = 1 << 8,
    EF_PRE = 1 << 9,
    EF_META = 1 << 10,         /* decided: a metadata block */
    EF_DATA_TABLE = 1 << 11,   /* decided: a table of data */
    EF_CHROME = 1 << 12,       /* decided: chrome (mark not overruled) */
    EF_LOOSE_META = 1 << 13,   /* scratch for the metadata decision */
};

/* Flags that hold for everything inside an element. */
enum inherited_flag {
    IN_CHROME = 1 << 0,
    IN_META = 1 << 1,
    IN_LINK = 1 << 2,
    IN_DATA = 1 << 3,          /* inside a data table */
    IN_SOFT_BR = 1 << 4,       /* <br> is a space here (short heading, title) */
    IN_PRE = 1 << 5,
};

typedef struct elem {
    xmlNodePtr node;
    uint32_t parent, end;      /* end: index of the last element in the subtree */
    uint32_t raw_block;        /* nearest block ancestor-or-self by tag alone */
    uint32_t block;            /* ...after table decisions: a line's owner */
    uint32_t flags, inh;
    unsigned char heading, inh_heading;
    /* subtree sums after accumulate_subtrees() */
    uint32_t chars, meta_chars, punct, blocks, tables;
    uint32_t max_cell_chars, max_cell_blocks, max_cols, cols, cells_seen;
    uint64_t labels;
    double score, pos, neg;
    double bad;                /* -score of chrome, link and boilerplate lines */
    uint32_t n_lines;          /* lines owned in the subtree */
} elem;

/* One label of a metadata block seen on the page, and its value. */
typedef struct meta_hit {
    int label;                 /* index into LABELS */
    uint32_t elem;
    bgi_buf value;
    uint32_t last_cp;          /* last character of value, for joining */
} meta_hit;

enum meta_field { MF_TITLE, MF_BODY, MF_DATE, MF_DOCNO, MF_PUBLISHED, MF_SUBJECT, MF_INDEX, MF_OTHER };

/* One paragraph as cut from the page. */
typedef struct line {
    size_t off, len;           /* in the reader's line buffer */
    uint32_t owner;            /* elem whose block the line is in */
    uint32_t inh;              /* inherited flags where the line starts */
    uint32_t weight;           /* text weight, half units (text_weight) */
    uint32_t link_weight;      /* ...of it inside links */
    uint32_t punct, n_links;
    unsigned char heading;
    bool boilerplate;          /* set once by mark_boilerplate() */
    bool drop;
} line;

typedef struct reader {
    elem *elems;
    size_t n_elems, cap_elems;
    meta_hit *hits;
    size_t n_hits, cap_hits;
    /* metadata state machine over text nodes in document order */
    enum { MS_NONE, MS_AWAIT, MS_VALUE } mstate;
    size_t mhit;               /* the hit being filled */
    uint32_t mcell;            /* the block the value is in: it ends there */
    uint32_t mrow;             /* the label's row: a value must come before it ends */
    /* lines */
    bgi_buf text;
    line *lines;
    size_t n_lines, cap_lines;
    bool line_open;
    joiner join;
    line cur;
    uint32_t last_link;        /* the <a> the last linked text was in */
    uint32_t page_punct;
    bgi_err *err;
} reader;

/* Sets r->err to "out of memory" and returns BG_ENOMEM. */
int bgi_html_oom(reader *r);
/* Grows *arr (of *cap entries of size bytes) to hold need entries. */
int bgi_html_grow(void **arr, size_t *cap, size_t need, size_t size);
void bgi_html_reader_free(reader *r);

/* The element numbered for node n, NONE for one that is not numbered. */
static inline uint32_t elem_of(xmlNodePtr n)
{
    return n && n->_private ? (uint32_t)((uintptr_t)n->_private - 1) : NONE;
}

/* Whether element inner is outer or inside it. */
static inline bool contains(const reader *r, uint32_t outer, uint32_t inner)
{
    return outer != NONE && inner != NONE && inner >= outer && inner <= r->elems[outer].end;
}

static inline const char *line_text(const reader *r, const line *l)
{
    return r->text.data + l->off;
}

static inline bool is_link_dominated(const line *l)
{
    return l->link_weight * 2 > l->weight;
}

/* ---- the tree: walking, numbering (html_tree.c) ------------------------- */

typedef struct walk_ops {
    /* returns <0 to stop, 0 to skip the element's children, 1 to enter them */
    int (*enter)(reader *r, xmlNodePtr n);
    int (*leave)(reader *r, xmlNodePtr n);
    int (*text)(reader *r, xmlNodePtr n);
} walk_ops;

/* Visits the tree under root in document order without recursion. */
int bgi_html_walk(reader *r, xmlNodePtr root, const walk_ops *ops);
/* Numbers the elements under root (script, style, form controls and hidden
 * elements are not numbered), gathering their text statistics and
 * metadata labels on the way. 0 or BG_ENOMEM. */
int bgi_html_number(reader *r, xmlNodePtr root);

/* ---- metadata labels (html_labels.c) ----------------------------------- */

/* Runs the label/value state machine over one short text node s[0..n) of
 * element e; *meta is increased by the characters that were label or
 * value. 0 or BG_ENOMEM. */
int bgi_html_scan_labels(reader *r, const unsigned char *s, size_t n, uint32_t e, uint32_t *meta);
/* The labels (bits by index) that name a real field, not MF_OTHER. */
uint64_t bgi_html_main_label_mask(void);
enum meta_field bgi_html_label_field(int label);

/* ---- statistics and decisions (html_classify.c) ------------------------ */

/* walk_ops.text of the numbering walk: counts a text node's characters and
 * punctuation, and scans it for metadata labels. */
int bgi_html_stats_text(reader *r, xmlNodePtr n);
/* Sums the statistics over subtrees, then decides metadata blocks, chrome,
 * data tables and what each element inherits. */
void bgi_html_classify(reader *r);

/* ---- lines (html_lines.c) ---------------------------------------------- */

/* Cuts the text under root into r->lines. 0 or BG_ENOMEM. */
int bgi_html_cut_lines(reader *r, xmlNodePtr root);

/* ---- main content (html_content.c) ------------------------------------- */

/* The element that is the article, NONE when nothing scores above zero. */
uint32_t bgi_html_pick_container(reader *r);
/* Marks the furniture among lines [from, to) as dropped. */
void bgi_html_drop_furniture(reader *r, size_t from, size_t to);

/* ---- title (html_title.c) ---------------------------------------------- */

typedef struct title_span {
    size_t first, count;  /* lines; count 0 when there is no title line */
} title_span;

/* The article's title: the lines that spell the page's stated title, last
 * before the article or first in it; else the last <h1> before it. */
title_span bgi_html_find_title(const reader *r, size_t art_first, size_t art_end,
                              const char *title);

/* ---- metadata of the head and the page (html_meta.c) -------------------- */

typedef struct head_meta {
    char *title_tag, *article_title, *pub_date, *content_source;
} head_meta;

void bgi_html_head_meta_free(head_meta *h);
/* <title> and the <meta name=...> of the head under root. */
void bgi_html_read_head(xmlNodePtr root, head_meta *h);
/* Fills m from the metadata block, then from the head (h gives up what it
 * hands over). 0 or BG_ENOMEM. */
int bgi_html_fill_meta(reader *r, bgi_doc_meta *m, head_meta *h);

#endif
