/* html_tree.c — steps 2 and 3 of the HTML reader: the iterative walk over
 * libxml2's tree (a page of 100,000 nested divs must not overflow the
 * stack), and the numbering of its elements in pre-order, so that "A
 * contains B" is an index range test and subtree sums are one backward
 * pass. What a tag, an id or a class says about an element (block, chrome,
 * link, table, a known content container) is recorded here. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "baogao.h"
#include "html_priv.h"

enum tag_kind {
    TK_SKIP = 1 << 0,     /* never read: scripts, styles, form controls, media */
    TK_CHROME = 1 << 1,   /* nav, header, footer, aside, menu */
    TK_BLOCK = 1 << 2,    /* ends a line before and after */
    TK_BR = 1 << 3,
    TK_TABLE = 1 << 4,
    TK_TR = 1 << 5,
    TK_CELL = 1 << 6,
    TK_LINK = 1 << 7,     /* <a>, counted as link text when it has href */
    TK_PRE = 1 << 8,
};

typedef struct tag_info {
    const char *name;
    unsigned kind;
    unsigned char heading;
} tag_info;

static tag_info TAGS[] = {
    {"a", TK_LINK, 0},         {"address", TK_BLOCK, 0},   {"applet", TK_SKIP, 0},
    {"area", TK_SKIP, 0},      {"article", TK_BLOCK, 0},   {"aside", TK_CHROME | TK_BLOCK, 0},
    {"audio", TK_SKIP, 0},     {"base", TK_SKIP, 0},       {"blockquote", TK_BLOCK, 0},
    {"body", TK_BLOCK, 0},     {"br", TK_BR, 0},           {"button", TK_SKIP, 0},
    {"canvas", TK_SKIP, 0},    {"caption", TK_BLOCK, 0},   {"center", TK_BLOCK, 0},
    {"datalist", TK_SKIP, 0},  {"dd", TK_BLOCK, 0},        {"details", TK_BLOCK, 0},
    {"dialog", TK_SKIP, 0},    {"dir", TK_BLOCK, 0},       {"div", TK_BLOCK, 0},
    {"dl", TK_BLOCK, 0},       {"dt", TK_BLOCK, 0},        {"embed", TK_SKIP, 0},
    {"fieldset", TK_BLOCK, 0}, {"figcaption", TK_BLOCK, 0}, {"figure", TK_BLOCK, 0},
    {"footer", TK_CHROME | TK_BLOCK, 0}, {"form", TK_BLOCK, 0}, {"frame", TK_SKIP, 0},
    {"frameset", TK_SKIP, 0},  {"h1", TK_BLOCK, 1},        {"h2", TK_BLOCK, 2},
    {"h3", TK_BLOCK, 3},       {"h4", TK_BLOCK, 4},        {"h5", TK_BLOCK, 5},
    {"h6", TK_BLOCK, 6},       {"head", TK_SKIP, 0},       {"header", TK_CHROME | TK_BLOCK, 0},
    {"hgroup", TK_BLOCK, 0},   {"hr", TK_BLOCK, 0},        {"html", TK_BLOCK, 0},
    {"iframe", TK_SKIP, 0},    {"input", TK_SKIP, 0},      {"legend", TK_BLOCK, 0},
    {"li", TK_BLOCK, 0},       {"link", TK_SKIP, 0},       {"listing", TK_BLOCK | TK_PRE, 0},
    {"main", TK_BLOCK, 0},     {"map", TK_SKIP, 0},        {"math", TK_SKIP, 0},
    {"menu", TK_CHROME | TK_BLOCK, 0}, {"meta", TK_SKIP, 0}, {"nav", TK_CHROME | TK_BLOCK, 0},
    {"noframes", TK_SKIP, 0},  {"noscript", TK_SKIP, 0},   {"object", TK_SKIP, 0},
    {"ol", TK_BLOCK, 0},       {"optgroup", TK_SKIP, 0},   {"option", TK_SKIP, 0},
    {"p", TK_BLOCK, 0},        {"param", TK_SKIP, 0},      {"plaintext", TK_BLOCK | TK_PRE, 0},
    {"pre", TK_BLOCK | TK_PRE, 0}, {"script", TK_SKIP, 0}, {"section", TK_BLOCK, 0},
    {"select", TK_SKIP, 0},    {"source", TK_SKIP, 0},     {"style", TK_SKIP, 0},
    {"summary", TK_BLOCK, 0},  {"svg", TK_SKIP, 0},        {"table", TK_BLOCK | TK_TABLE, 0},
    {"tbody", TK_BLOCK, 0},    {"td", TK_BLOCK | TK_CELL, 0}, {"template", TK_SKIP, 0},
    {"textarea", TK_SKIP, 0},  {"tfoot", TK_BLOCK, 0},     {"th", TK_BLOCK | TK_CELL, 0},
    {"thead", TK_BLOCK, 0},    {"title", TK_SKIP, 0},      {"tr", TK_BLOCK | TK_TR, 0},
    {"track", TK_SKIP, 0},     {"ul", TK_BLOCK, 0},        {"video", TK_SKIP, 0},
    {"xmp", TK_BLOCK | TK_PRE, 0},
};

static int tag_cmp(const void *a, const void *b)
{
    return strcmp(((const tag_info *)a)->name, ((const tag_info *)b)->name);
}

static pthread_once_t tags_once = PTHREAD_ONCE_INIT;

/* The table is kept sorted by hand, but sorting it here makes a slip
 * harmless. */
static void sort_tags(void)
{
    qsort(TAGS, sizeof TAGS / sizeof TAGS[0], sizeof TAGS[0], tag_cmp);
}

static const tag_info *tag_lookup(const char *name)
{
    tag_info key = {.name = name};
    return bsearch(&key, TAGS, sizeof TAGS / sizeof TAGS[0], sizeof TAGS[0], tag_cmp);
}

/* id/class fragments (lower case) of a container that holds the article. */
static const char *const CONTENT_NAMES[] = {
    "trs_editor", "trs_ueditor", "ucap-content", "pages_content", "pages-content", "zoom",
    "custom_unionstyle", "article", "content", "detail", "maintext", "main-text", "text",
    "zhengwen", "vsb_content", "art_con", "news_con", "con_con", "info_con",
};
/* ...and of site chrome. */
static const char *const CHROME_NAMES[] = {
    "nav", "menu", "crumb", "footer", "share", "copyright", "sidebar", "position", "location",
    "dqwz", "weizhi", "banner", "toolbar", "print", "xgxx", "xglj", "related", "friendlink",
    "bottom", "fenxiang", "jiucuo",
};
/* ...chrome only as a whole word: "head" alone, not "article-head". */
static const char *const CHROME_WORDS[] = {"header", "head", "top", "foot", "tools", "links"};

/* ---- generic iterative walk ----------------------------------------------- */

int bgi_html_walk(reader *r, xmlNodePtr root, const walk_ops *ops)
{
    xmlNodePtr n = root;
    while (n) {
        int descend = 0, rc = 0;
        if (n->type == XML_ELEMENT_NODE)
            descend = ops->enter(r, n);
        else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && ops->text)
            rc = ops->text(r, n);
        if (descend < 0)
            return descend;
        if (rc < 0)
            return rc;
        if (descend && n->children) {
            n = n->children;
            continue;
        }
        if (descend && ops->leave && (rc = ops->leave(r, n)) < 0)
            return rc;
        while (n != root && !n->next) {
            n = n->parent;
            if (ops->leave && (rc = ops->leave(r, n)) < 0)
                return rc;
        }
        if (n == root)
            break;
        n = n->next;
    }
    return 0;
}

/* ---- step 3: numbering ---------------------------------------------------- */

static char *attr_lower(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    for (xmlChar *p = v; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (xmlChar)(*p - 'A' + 'a');
    return (char *)v;
}

static bool is_hidden(xmlNodePtr n)
{
    if (xmlHasProp(n, (const xmlChar *)"hidden"))
        return true;
    char *style = attr_lower(n, "style");
    if (!style)
        return false;
    char *w = style;
    for (char *p = style; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            *w++ = *p;
    *w = '\0';
    bool hidden = strstr(style, "display:none") || strstr(style, "visibility:hidden");
    xmlFree(style);
    return hidden;
}

static bool has_word(const char *s, const char *word)
{
    size_t k = strlen(word);
    for (const char *p = s; (p = strstr(p, word)) != NULL; p++) {
        bool start = p == s || !((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= '0' && p[-1] <= '9'));
        char after = p[k];
        bool stop = !((after >= 'a' && after <= 'z') || (after >= '0' && after <= '9'));
        if (start && stop)
            return true;
    }
    return false;
}

/* What an element's id and class say about it. */
static uint32_t name_flags(xmlNodePtr n)
{
    uint32_t f = 0;
    const char *attrs[2] = {"id", "class"};
    for (int a = 0; a < 2; a++) {
        char *v = attr_lower(n, attrs[a]);
        if (!v)
            continue;
        for (size_t i = 0; i < sizeof CONTENT_NAMES / sizeof CONTENT_NAMES[0]; i++)
            if (strstr(v, CONTENT_NAMES[i]))
                f |= EF_KNOWN;
        for (size_t i = 0; i < sizeof CHROME_NAMES / sizeof CHROME_NAMES[0]; i++)
            if (strstr(v, CHROME_NAMES[i]))
                f |= EF_CHROME_MARK;
        for (size_t i = 0; i < sizeof CHROME_WORDS / sizeof CHROME_WORDS[0]; i++)
            if (has_word(v, CHROME_WORDS[i]))
                f |= EF_CHROME_MARK;
        if (strstr(v, "title") || has_word(v, "bt") || has_word(v, "tit"))
            f |= EF_TITLE_CLASS;
        xmlFree(v);
    }
    if (f & EF_KNOWN)
        f &= ~(uint32_t)EF_CHROME_MARK;  /* "content-share"? the content wins */
    return f;
}

static int number_enter(reader *r, xmlNodePtr n)
{
    const tag_info *t = n->name ? tag_lookup((const char *)n->name) : NULL;
    unsigned kind = t ? t->kind : 0;
    if ((kind & TK_SKIP) || is_hidden(n))
        return 0;
    if (bgi_html_grow((void **)&r->elems, &r->cap_elems, r->n_elems + 1, sizeof *r->elems))
        return bgi_html_oom(r);
    uint32_t i = (uint32_t)r->n_elems++;
    elem *e = &r->elems[i];
    memset(e, 0, sizeof *e);
    e->node = n;
    e->parent = elem_of(n->parent);
    e->end = i;
    e->heading = t ? t->heading : 0;
    n->_private = (void *)(uintptr_t)(i + 1);
    uint32_t f = name_flags(n);
    if (kind & TK_BLOCK)
        f |= EF_BLOCK;
    if (kind & TK_CHROME)
        f |= EF_CHROME_MARK;
    if ((kind & TK_LINK) && xmlHasProp(n, (const xmlChar *)"href"))
        f |= EF_LINK;
    if (kind & TK_TABLE)
        f |= EF_TABLE;
    if (kind & TK_TR)
        f |= EF_TR;
    if (kind & TK_CELL) {
        f |= EF_CELL;
        if (e->parent != NONE && (r->elems[e->parent].flags & EF_TR))
            r->elems[e->parent].cols++;
    }
    if (kind & TK_BR)
        f |= EF_BR;
    if (kind & TK_PRE)
        f |= EF_PRE;
    e->flags = f;
    e->raw_block = (f & EF_BLOCK) || e->parent == NONE ? i : r->elems[e->parent].raw_block;
    return 1;
}

static int number_leave(reader *r, xmlNodePtr n)
{
    uint32_t i = elem_of(n);
    if (i == NONE)
        return 0;
    r->elems[i].end = (uint32_t)r->n_elems - 1;
    /* A value ends with its block; a label still waiting for one gives up
     * when the row around it ends. The walk is in document order, so an
     * element that has not been left yet contains what is read now. */
    if ((r->mstate == MS_VALUE && i == r->mcell) || (r->mstate == MS_AWAIT && i == r->mrow))
        r->mstate = MS_NONE;
    return 0;
}

int bgi_html_number(reader *r, xmlNodePtr root)
{
    static const walk_ops STATS = {number_enter, number_leave, bgi_html_stats_text};
    pthread_once(&tags_once, sort_tags);
    return bgi_html_walk(r, root, &STATS);
}
