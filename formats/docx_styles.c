/* docx_styles.c — heading levels of DOCX body paragraphs: styles.xml
 * indexed (outline levels, built-in heading names, bold and font along
 * w:basedOn), and the three rules of docx.c's opening comment: the
 * paragraph's own outline level, its style chain, then direct formatting
 * as GB/T 9704 documents use it (黑体, 楷体, bold) on a short line. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "baogao.h"
#include "docx_priv.h"

#define STYLE_CHAIN_MAX 16
#define HEADING_MAX_CHARS 40

/* N of "heading N", "Heading N", "HeadingN", "标题 N", "标题N"; 0 otherwise. */
static int heading_number(const char *s)
{
    if (!s)
        return 0;
    if (strncasecmp(s, "heading", 7) == 0)
        s += 7;
    else if (strncmp(s, "标题", 6) == 0)
        s += 6;
    else
        return 0;
    while (*s == ' ')
        s++;
    return s[0] >= '1' && s[0] <= '9' && !s[1] ? s[0] - '0' : 0;
}

static int contains_ci(const char *s, const char *needle)
{
    return strcasestr(s, needle) != NULL;
}

/* The class of a font name: 黑体, 楷体 or something else. */
static int font_class(const char *name)
{
    if (!name || !name[0])
        return FONT_UNSET;
    if (strstr(name, "黑体") || contains_ci(name, "SimHei") || contains_ci(name, "Heiti"))
        return FONT_HEI;
    if (strstr(name, "楷体") || contains_ci(name, "KaiTi") || contains_ci(name, "Kai_GB"))
        return FONT_KAI;
    return FONT_OTHER;
}

/* The font class w:rFonts sets: East Asian font first, since it is the one
 * Chinese text is drawn in. */
static int rfonts_class(const xmlNode *rfonts)
{
    static const char *const which[] = {"eastAsia", "ascii", "hAnsi"};
    for (size_t i = 0; rfonts && i < sizeof which / sizeof *which; i++) {
        int c = font_class(bgi_docx_attr(rfonts, which[i]));
        if (c != FONT_UNSET)
            return c;
    }
    return FONT_UNSET;
}

/* Bold and font a w:rPr sets, where it sets them. */
static void rpr_format(const xmlNode *rpr, int *bold, int *font)
{
    const xmlNode *b = bgi_docx_w_child(rpr, "b");
    if (b && *bold < 0)
        *bold = bgi_docx_on_off(b);
    if (*font == FONT_UNSET)
        *font = rfonts_class(bgi_docx_w_child(rpr, "rFonts"));
}

static int style_cmp(const void *a, const void *b)
{
    return strcmp(((const style *)a)->id, ((const style *)b)->id);
}

static const style *style_find(const styles *st, const char *id)
{
    if (!id || !st->n)
        return NULL;
    style key = {.id = id};
    return bsearch(&key, st->v, st->n, sizeof *st->v, style_cmp);
}

/* Indexes the styles of doc, which st then owns. */
int bgi_docx_styles_load(styles *st, xmlDoc *doc)
{
    st->doc = doc;
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    size_t count = 0;
    for (const xmlNode *c = root ? root->children : NULL; c; c = c->next)
        count += bgi_docx_is_w(c, "style") && bgi_docx_attr(c, "styleId");
    if (!count)
        return 0;
    st->v = calloc(count, sizeof *st->v);
    if (!st->v)
        return BG_ENOMEM;
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (!bgi_docx_is_w(c, "style") || !bgi_docx_attr(c, "styleId"))
            continue;
        style *s = &st->v[st->n++];
        s->id = bgi_docx_attr(c, "styleId");
        s->based_on = bgi_docx_attr(bgi_docx_w_child(c, "basedOn"), "val");
        const xmlNode *outline = bgi_docx_w_child(bgi_docx_w_child(c, "pPr"), "outlineLvl");
        s->outline = outline ? bgi_docx_int_val(outline) : -1;
        s->heading = heading_number(bgi_docx_attr(bgi_docx_w_child(c, "name"), "val"));
        if (!s->heading)
            s->heading = heading_number(s->id);
        s->bold = -1;
        rpr_format(bgi_docx_w_child(c, "rPr"), &s->bold, &s->font);
        const char *type = bgi_docx_attr(c, "type");
        const char *dflt = bgi_docx_attr(c, "default");
        if (type && strcmp(type, "paragraph") == 0 && dflt
            && (strcmp(dflt, "1") == 0 || strcmp(dflt, "true") == 0 || strcmp(dflt, "on") == 0)
            && !st->default_para)
            st->default_para = s->id;
    }
    qsort(st->v, st->n, sizeof *st->v, style_cmp);
    return 0;
}

void bgi_docx_styles_free(styles *st)
{
    free(st->v);
    xmlFreeDoc(st->doc);
}

/* Fills bold/font still unset from style id and the styles it is based on. */
static void style_format(const styles *st, const char *id, int *bold, int *font)
{
    const style *s = style_find(st, id);
    for (int i = 0; s && i < STYLE_CHAIN_MAX && (*bold < 0 || *font == FONT_UNSET); i++) {
        if (*bold < 0)
            *bold = s->bold;
        if (*font == FONT_UNSET)
            *font = s->font;
        s = style_find(st, s->based_on);
    }
}

/* Level from an outline level value: -1 unset, 0 body text (stop), 1..3. */
static int outline_level(int outline)
{
    if (outline < 0)
        return -1;
    return outline <= 2 ? outline + 1 : 0;
}

/* Heading level paragraph style id gives: -1 when its chain says nothing. */
static int style_level(const styles *st, const char *id)
{
    const style *s = style_find(st, id);
    for (int i = 0; s && i < STYLE_CHAIN_MAX; i++) {
        if (s->outline >= 0)
            return outline_level(s->outline);
        if (s->heading)
            return s->heading <= 3 ? s->heading : 0;
        s = style_find(st, s->based_on);
    }
    return -1;
}

run_fmt bgi_docx_run_format(const styles *st, const xmlNode *run, const char *pstyle)
{
    run_fmt f = {-1, FONT_UNSET};
    const xmlNode *rpr = bgi_docx_w_child(run, "rPr");
    rpr_format(rpr, &f.bold, &f.font);
    style_format(st, bgi_docx_attr(bgi_docx_w_child(rpr, "rStyle"), "val"), &f.bold, &f.font);
    style_format(st, pstyle, &f.bold, &f.font);
    return f;
}

static size_t count_chars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

static int starts_with_item_number(const char *s)
{
    size_t i = 0;
    while (isdigit((unsigned char)s[i]))
        i++;
    return i > 0 && (s[i] == '.' || strncmp(s + i, "．", 3) == 0 || strncmp(s + i, "、", 3) == 0);
}

/* Rule 3 of docx.c's opening comment: a heading set by direct formatting. */
static int format_level(const para *p, const char *line, size_t n)
{
    if (!p->n_runs || count_chars(line, n) > HEADING_MAX_CHARS || memchr(line, '\t', n))
        return 0;
    const char *stop = strstr(line, "。");
    if (stop && (size_t)(stop - line) + 3 != n)
        return 0;
    if (p->all_hei)
        return 1;
    if (p->all_kai)
        return 2;
    if (p->all_bold)
        return starts_with_item_number(line) ? 3 : 1;
    return 0;
}

int bgi_docx_paragraph_level(const styles *st, const xmlNode *ppr, const para *p,
                            const char *line, size_t n)
{
    int level = outline_level(bgi_docx_int_val(bgi_docx_w_child(ppr, "outlineLvl")));
    if (level < 0)
        level = style_level(st, p->pstyle);
    if (level < 0)
        level = format_level(p, line, n);
    return level;
}
