/* docx.c — bg_read_docx(): an Office Open XML word-processing file (.docx,
 * from Word, WPS or LibreOffice) as one paragraph per line (document.h).
 *
 * Reading is bounded: the ZIP is opened in memory with libzip and a part is
 * refused when its declared size, or the bytes actually inflated, pass 256 MB,
 * when it inflates past the size its headers declare (a crafted bomb lies
 * there), or when past 16 MB it inflates more than 500 times its compressed
 * size (no real XML part does; a zip bomb does). The XML is parsed by libxml2
 * without network access, DTD loading or entity substitution, and without
 * XML_PARSE_HUGE, so its own limits (depth, text node size, entity
 * amplification) hold. An OLE2 file
 * is not a ZIP: with an "EncryptedPackage" stream it is a password-protected
 * DOCX, otherwise a legacy .doc; both are refused as BG_EDECODE.
 *
 * Parts are found through the package relationships (_rels/.rels, then the
 * main part's .rels) and fall back to the usual names (word/document.xml,
 * word/styles.xml, word/footnotes.xml, word/endnotes.xml, docProps/core.xml).
 *
 * Text, in document order:
 *   - each w:p is a paragraph: its w:t (and math m:t), w:tab/w:ptab as a tab,
 *     w:noBreakHyphen as '-', w:sym as its character (symbol-font private-use
 *     glyphs dropped). w:br/w:cr join the lines of one paragraph: nothing
 *     between non-ASCII (CJK) text, a space between ASCII words;
 *   - deleted text (w:del, w:moveFrom, w:delText) and content controls
 *     showing their placeholder prompt are skipped, inserted text
 *     (w:ins, w:moveTo) kept; field instructions (w:instrText) are skipped and
 *     field results kept, except a TOC field's result (a table of contents
 *     repeats the headings);
 *   - text boxes (w:txbxContent) give their own paragraphs, once: of an
 *     mc:AlternateContent only the first mc:Choice is read (the mc:Fallback
 *     copy only when there is no Choice);
 *   - a table row (w:tr) is one line, its cells joined by a tab; a cell's
 *     paragraphs are joined as line breaks are; a vertically merged
 *     continuation cell is empty; a nested table's cells are joined by spaces
 *     inside the outer cell; rows with no text are dropped, others keep
 *     their empty cells (a row line may start or end with a tab);
 *   - headers, footers and comments are not read; footnotes and then endnotes
 *     (not the separator notes) follow the body, one line each;
 *   - each paragraph and cell is trimmed of spaces, tabs, U+3000 and NBSP;
 *     CR/LF become spaces, other control characters are dropped; empty
 *     paragraphs are dropped.
 *
 * Heading level (bg_para_info.level), body paragraphs outside tables only,
 * the first rule that says something wins:
 *   1. the paragraph's own w:outlineLvl (0..2 → level 1..3; 3..8 → none;
 *      9, "body text", → none and stop);
 *   2. its style, following w:basedOn (no w:pStyle: the default paragraph
 *      style): the style's w:outlineLvl as above, else a built-in heading
 *      name or id ("heading 1", "Heading1", "标题 1"…; 4..9 → none);
 *   3. direct formatting as GB/T 9704 documents use it, only for a short line
 *      (at most 40 characters, no tab, no 。 except as the last character) all
 *      of whose text runs agree: all in a 黑体 font (黑体, SimHei, STHeiti) → 1; all in
 *      a 楷体 font (楷体, 楷体_GB2312, KaiTi, STKaiti) → 2; all bold → 3 when the
 *      text starts with an Arabic item number ("1." "1．" "1、"), else 1.
 *      A run's font is its w:rFonts (w:eastAsia, else w:ascii, else w:hAnsi)
 *      and its boldness w:b, each taken from the run, else its character
 *      style, else the paragraph's style chain (document defaults and theme
 *      fonts are not consulted: they describe the body text).
 * The structure parser finds 一、（一）1. by text itself: a level is a hint,
 * so the rules prefer saying nothing to marking a body paragraph.
 *
 * Metadata: only meta.title, from docProps/core.xml dc:title when it is not
 * empty and not an application default ("Microsoft Word …", "Untitled"…).
 * Automatic numbering (numbering.xml: a heading's "一、" drawn by Word) is not
 * rendered. */
#include "document.h"
#include "baogao.h"
#include "util.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#define PART_CAP ((zip_uint64_t)256 << 20)
#define RATIO_FROM ((zip_uint64_t)16 << 20)   /* ratio checked once this much is out */
#define RATIO_MAX 500
#define READ_CHUNK 65536
#define ZIP_EOCD_MIN 22   /* the smallest ZIP: an end-of-central-directory record;
                             libzip would open an empty input as an empty archive */
#define SMALL_PART_CAP ((zip_uint64_t)4 << 20) /* .rels files */
#define STYLE_CHAIN_MAX 16
#define FIELD_DEPTH_MAX 32
#define INSTR_MAX 64
#define HEADING_MAX_CHARS 40

static const char NS_W[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
static const char NS_W_STRICT[] = "http://purl.oclc.org/ooxml/wordprocessingml/main";
static const char NS_MATH[] = "http://schemas.openxmlformats.org/officeDocument/2006/math";
static const char NS_MATH_STRICT[] = "http://purl.oclc.org/ooxml/officeDocument/math";
static const char NS_MC[] = "http://schemas.openxmlformats.org/markup-compatibility/2006";
static const char NS_DC[] = "http://purl.org/dc/elements/1.1/";

/* A line-break placeholder inside a paragraph's raw text, resolved to a space
 * or nothing once both neighbours are known. */
#define BREAK_MARK '\x01'

/* ---- the document being built ------------------------------------------ */

typedef struct doc_out {
    bg_buf text;
    bg_para_info *paras;
    size_t n, cap;
    int rc;                       /* first error (BG_ENOMEM), sticky */
} doc_out;

static void out_fail(doc_out *o, int rc)
{
    if (!o->rc)
        o->rc = rc;
}

static void buf_add(doc_out *o, bg_buf *b, const char *s, size_t n)
{
    if (!o->rc && n && bg_buf_append(b, s, n))
        out_fail(o, BG_ENOMEM);
}

static void out_para(doc_out *o, const char *s, size_t n, int level)
{
    if (o->rc || !n)
        return;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 64;
        bg_para_info *p = realloc(o->paras, cap * sizeof *p);
        if (!p)
            return out_fail(o, BG_ENOMEM);
        o->paras = p;
        o->cap = cap;
    }
    if (o->n)
        buf_add(o, &o->text, "\n", 1);
    buf_add(o, &o->text, s, n);
    if (o->rc)
        return;
    o->paras[o->n].page = 0;
    o->paras[o->n].level = level;
    o->n++;
}

/* ---- text clean-up ----------------------------------------------------- */

static int is_ascii_word_byte(char c)
{
    unsigned char u = (unsigned char)c;
    return u > 0x20 && u < 0x80;
}

/* Length of a trimmable character (space, tab, U+3000, NBSP) at s[0..n), 0 if
 * none. */
static size_t blank_at(const char *s, size_t n)
{
    if (n >= 1 && (s[0] == ' ' || s[0] == '\t'))
        return 1;
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2;
    if (n >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0)
        return 3;
    return 0;
}

/* Length of a trimmable character ending at s[n-1], 0 if none. */
static size_t blank_before(const char *s, size_t n)
{
    if (n >= 1 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        return 1;
    if (n >= 2 && blank_at(s + n - 2, 2) == 2)
        return 2;
    if (n >= 3 && blank_at(s + n - 3, 3) == 3)
        return 3;
    return 0;
}

/* Turns raw paragraph text into its line, in place: resolves line-break
 * marks, turns CR/LF into spaces, drops other control characters, trims.
 * Returns the new length. */
static size_t clean_line(char *s, size_t n)
{
    size_t w = 0;
    int pending_break = 0;
    for (size_t r = 0; r < n; r++) {
        char c = s[r];
        if (c == BREAK_MARK) {
            pending_break = 1;
            continue;
        }
        if (c == '\r' || c == '\n')
            c = ' ';
        else if ((unsigned char)c < 0x20 && c != '\t')
            continue;
        if (pending_break && w && is_ascii_word_byte(s[w - 1]) && is_ascii_word_byte(c))
            s[w++] = ' ';
        pending_break = 0;
        s[w++] = c;
    }
    size_t start = 0, k;
    while ((k = blank_at(s + start, w - start)) > 0)
        start += k;
    while (w > start && (k = blank_before(s + start, w - start)) > 0)
        w -= k;
    memmove(s, s + start, w - start);
    s[w - start] = '\0';
    return w - start;
}

/* Appends piece to a joined line (a cell, a footnote) as a line break joins:
 * a space only between two ASCII words. */
static void join_piece(doc_out *o, bg_buf *b, const char *piece, size_t n, const char *sep)
{
    if (!n)
        return;
    if (b->len) {
        if (sep)
            buf_add(o, b, sep, strlen(sep));
        else if (is_ascii_word_byte(b->data[b->len - 1]) && is_ascii_word_byte(piece[0]))
            buf_add(o, b, " ", 1);
    }
    buf_add(o, b, piece, n);
}

/* ---- XML helpers ------------------------------------------------------- */

static int ns_is(const xmlNode *n, const char *a, const char *b)
{
    if (!n->ns || !n->ns->href)
        return 0;
    const char *h = (const char *)n->ns->href;
    return strcmp(h, a) == 0 || (b && strcmp(h, b) == 0);
}

static int is_el(const xmlNode *n, const char *local)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, local) == 0;
}

/* A WordprocessingML element w:local (transitional or strict namespace). */
static int is_w(const xmlNode *n, const char *local)
{
    return is_el(n, local) && ns_is(n, NS_W, NS_W_STRICT);
}

static const xmlNode *w_child(const xmlNode *parent, const char *local)
{
    for (const xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        if (is_w(c, local))
            return c;
    return NULL;
}

/* The value of attribute local (any or no namespace) without allocating;
 * NULL when absent. */
static const char *attr(const xmlNode *n, const char *local)
{
    if (!n)
        return NULL;
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, local) == 0)
            return a->children && a->children->content ? (const char *)a->children->content : "";
    return NULL;
}

/* An on/off property (w:b): present means on unless w:val says otherwise. */
static int on_off(const xmlNode *n)
{
    const char *v = attr(n, "val");
    return !v || !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
}

/* w:val of a numeric child such as w:outlineLvl; -1 when absent. */
static int int_val(const xmlNode *n)
{
    const char *v = attr(n, "val");
    if (!v || !isdigit((unsigned char)v[0]))
        return -1;
    long x = strtol(v, NULL, 10);
    return x > 9 ? 9 : (int)x;
}

static void libxml_init(void)
{
    xmlInitParser();
}

/* Parses an XML part; NULL when it is not well-formed. Never touches the
 * network, loads no DTD, substitutes no entities, keeps libxml2's limits, and
 * reports nothing on stderr. */
static xmlDoc *parse_xml(const char *data, size_t n)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, libxml_init);
    return xmlReadMemory(data, (int)n, NULL, NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING
                             | XML_PARSE_NOCDATA);
}

/* ---- bounded ZIP reading ----------------------------------------------- */

static int too_big(const char *name, bg_err *err)
{
    return bg_err_set(err, BG_ETOOBIG, "DOCX part %s inflates past 256 MB (zip bomb?)", name);
}

static int zip_failed(zip_error_t *ze, const char *name, bg_err *err)
{
    int code = zip_error_code_zip(ze);
    if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP)
        return bg_err_set(err, BG_EDECODE, "encrypted DOCX (password required)");
    if (code == ZIP_ER_MEMORY)
        return bg_err_set(err, BG_ENOMEM, "out of memory reading DOCX part %s", name);
    return bg_err_set(err, BG_EDECODE, "damaged DOCX: part %s: %s", name, zip_error_strerror(ze));
}

/* Inflates entry idx into *data (malloc'ed, NUL-terminated), at most cap
 * bytes whatever the archive declares. */
static int inflate_entry(zip_t *za, zip_int64_t idx, const char *name, zip_uint64_t cap,
                         char **data, size_t *len, bg_err *err)
{
    zip_stat_t st;
    zip_stat_init(&st);
    zip_uint64_t comp = 0, declared = cap;
    if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) == 0) {
        if ((st.valid & ZIP_STAT_SIZE) && st.size > cap)
            return too_big(name, err);
        if (st.valid & ZIP_STAT_SIZE)
            declared = st.size;
        if (st.valid & ZIP_STAT_COMP_SIZE)
            comp = st.comp_size;
    }
    zip_file_t *f = zip_fopen_index(za, (zip_uint64_t)idx, 0);
    if (!f)
        return zip_failed(zip_get_error(za), name, err);
    char *buf = NULL;
    size_t n = 0, size = 0;
    int rc = 0;
    for (;;) {
        if (size - n < READ_CHUNK + 1) {
            size_t want = size ? size * 2 : READ_CHUNK * 4;
            if (want > cap + READ_CHUNK + 1)
                want = cap + READ_CHUNK + 1;
            char *p = realloc(buf, want);
            if (!p) {
                rc = bg_err_set(err, BG_ENOMEM, "out of memory reading DOCX part %s", name);
                break;
            }
            buf = p;
            size = want;
        }
        zip_int64_t got = zip_fread(f, buf + n, READ_CHUNK);
        if (got < 0) {
            rc = zip_failed(zip_file_get_error(f), name, err);
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > cap) {
            rc = too_big(name, err);
            break;
        }
        if (n > declared) {
            /* libzip inflates until the stream ends, whatever the headers say */
            rc = bg_err_set(err, BG_ETOOBIG,
                            "DOCX part %s inflates past its declared size (zip bomb?)", name);
            break;
        }
        if (n > RATIO_FROM && comp && n / comp > RATIO_MAX) {
            rc = bg_err_set(err, BG_ETOOBIG,
                            "DOCX part %s inflates more than %d times its size (zip bomb?)", name,
                            RATIO_MAX);
            break;
        }
    }
    zip_fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

/* Reads part name (OPC part names are case-insensitive); *data stays NULL
 * when the archive has no such part. */
static int read_part(zip_t *za, const char *name, zip_uint64_t cap, char **data, size_t *len,
                     bg_err *err)
{
    *data = NULL;
    *len = 0;
    zip_int64_t idx = zip_name_locate(za, name, ZIP_FL_NOCASE);
    if (idx < 0)
        return 0;
    return inflate_entry(za, idx, name, cap, data, len, err);
}

/* Reads and parses an optional XML part; *doc stays NULL when it is absent or
 * (for optional parts) not well-formed. */
static int read_xml_part(zip_t *za, const char *name, zip_uint64_t cap, xmlDoc **doc, bg_err *err)
{
    char *data;
    size_t len;
    *doc = NULL;
    int rc = read_part(za, name, cap, &data, &len, err);
    if (rc || !data)
        return rc;
    *doc = parse_xml(data, len);
    free(data);
    return 0;
}

/* ---- package relationships --------------------------------------------- */

typedef struct part_names {
    char *document, *styles, *footnotes, *endnotes, *core;
} part_names;

static void part_names_free(part_names *p)
{
    free(p->document);
    free(p->styles);
    free(p->footnotes);
    free(p->endnotes);
    free(p->core);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The part a relationship target names, relative to the directory of the
 * part that holds it ("word/"); "/x" is absolute, "../" climbs. */
static char *resolve_target(const char *dir, const char *target)
{
    char *joined = target[0] == '/' ? bg_strdup(target + 1) : bg_concat(dir, target);
    if (!joined)
        return NULL;
    /* collapse "./" and "dir/../" segments in place */
    char *out = joined;
    size_t w = 0;
    const char *seg = joined;
    while (*seg) {
        const char *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        if (len == 1 && seg[0] == '.') {
            /* skip */
        } else if (len == 2 && seg[0] == '.' && seg[1] == '.') {
            while (w > 0 && out[w - 1] == '/')
                w--;
            while (w > 0 && out[w - 1] != '/')
                w--;
        } else if (len) {
            memmove(out + w, seg, len);
            w += len;
            if (end)
                out[w++] = '/';
        }
        seg += len + (end ? 1 : 0);
    }
    out[w] = '\0';
    return out;
}

/* Sets *slot to the target of the first relationship whose type ends with
 * type_suffix (external targets ignored); leaves it when there is none. */
static void find_rel(const xmlDoc *rels, const char *dir, const char *type_suffix, char **slot)
{
    const xmlNode *root = rels ? xmlDocGetRootElement((xmlDoc *)rels) : NULL;
    for (const xmlNode *r = root ? root->children : NULL; r && !*slot; r = r->next) {
        if (!is_el(r, "Relationship"))
            continue;
        const char *type = attr(r, "Type"), *target = attr(r, "Target");
        const char *mode = attr(r, "TargetMode");
        if (type && target && target[0] && ends_with(type, type_suffix)
            && !(mode && strcmp(mode, "External") == 0))
            *slot = resolve_target(dir, target);
    }
}

/* The names of the parts to read: from the relationships, else the usual
 * ones. */
static int locate_parts(zip_t *za, part_names *p, bg_err *err)
{
    xmlDoc *rels;
    int rc = read_xml_part(za, "_rels/.rels", SMALL_PART_CAP, &rels, err);
    if (rc)
        return rc;
    find_rel(rels, "", "/officeDocument", &p->document);
    find_rel(rels, "", "/core-properties", &p->core);
    xmlFreeDoc(rels);
    if (!p->document || zip_name_locate(za, p->document, ZIP_FL_NOCASE) < 0) {
        free(p->document);
        p->document = bg_strdup("word/document.xml");
    }
    if (!p->core)
        p->core = bg_strdup("docProps/core.xml");
    if (!p->document || !p->core)
        return bg_err_set(err, BG_ENOMEM, "out of memory");

    const char *slash = strrchr(p->document, '/');
    size_t dir_len = slash ? (size_t)(slash - p->document) + 1 : 0;
    char *dir = bg_strndup(p->document, dir_len);
    bg_buf name = {0};
    if (!dir || bg_buf_append(&name, p->document, dir_len) || bg_buf_puts(&name, "_rels/")
        || bg_buf_puts(&name, p->document + dir_len) || bg_buf_puts(&name, ".rels")) {
        free(dir);
        bg_buf_free(&name);
        return bg_err_set(err, BG_ENOMEM, "out of memory");
    }
    rc = read_xml_part(za, name.data, SMALL_PART_CAP, &rels, err);
    if (!rc) {
        find_rel(rels, dir, "/styles", &p->styles);
        find_rel(rels, dir, "/footnotes", &p->footnotes);
        find_rel(rels, dir, "/endnotes", &p->endnotes);
        xmlFreeDoc(rels);
        if (!p->styles)
            p->styles = bg_concat(dir, "styles.xml");
        if (!p->footnotes)
            p->footnotes = bg_concat(dir, "footnotes.xml");
        if (!p->endnotes)
            p->endnotes = bg_concat(dir, "endnotes.xml");
        if (!p->styles || !p->footnotes || !p->endnotes)
            rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    }
    free(dir);
    bg_buf_free(&name);
    return rc;
}

/* ---- styles ------------------------------------------------------------ */

enum { FONT_UNSET = 0, FONT_OTHER, FONT_HEI, FONT_KAI };

typedef struct style {
    const char *id;          /* points into the styles document */
    const char *based_on;
    int outline;             /* w:outlineLvl 0..9, -1 none */
    int heading;             /* N of a built-in "heading N" name or id, 0 none */
    int bold;                /* -1 unset */
    int font;                /* FONT_* */
} style;

typedef struct styles {
    xmlDoc *doc;
    style *v;
    size_t n;
    const char *default_para;
} styles;

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
        int c = font_class(attr(rfonts, which[i]));
        if (c != FONT_UNSET)
            return c;
    }
    return FONT_UNSET;
}

/* Bold and font a w:rPr sets, where it sets them. */
static void rpr_format(const xmlNode *rpr, int *bold, int *font)
{
    const xmlNode *b = w_child(rpr, "b");
    if (b && *bold < 0)
        *bold = on_off(b);
    if (*font == FONT_UNSET)
        *font = rfonts_class(w_child(rpr, "rFonts"));
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
static int styles_load(styles *st, xmlDoc *doc)
{
    st->doc = doc;
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    size_t count = 0;
    for (const xmlNode *c = root ? root->children : NULL; c; c = c->next)
        count += is_w(c, "style") && attr(c, "styleId");
    if (!count)
        return 0;
    st->v = calloc(count, sizeof *st->v);
    if (!st->v)
        return BG_ENOMEM;
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (!is_w(c, "style") || !attr(c, "styleId"))
            continue;
        style *s = &st->v[st->n++];
        s->id = attr(c, "styleId");
        s->based_on = attr(w_child(c, "basedOn"), "val");
        const xmlNode *outline = w_child(w_child(c, "pPr"), "outlineLvl");
        s->outline = outline ? int_val(outline) : -1;
        s->heading = heading_number(attr(w_child(c, "name"), "val"));
        if (!s->heading)
            s->heading = heading_number(s->id);
        s->bold = -1;
        rpr_format(w_child(c, "rPr"), &s->bold, &s->font);
        const char *type = attr(c, "type");
        const char *dflt = attr(c, "default");
        if (type && strcmp(type, "paragraph") == 0 && dflt
            && (strcmp(dflt, "1") == 0 || strcmp(dflt, "true") == 0 || strcmp(dflt, "on") == 0)
            && !st->default_para)
            st->default_para = s->id;
    }
    qsort(st->v, st->n, sizeof *st->v, style_cmp);
    return 0;
}

static void styles_free(styles *st)
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

/* ---- walking the body -------------------------------------------------- */

enum { FIELD_INSTR, FIELD_RESULT, FIELD_HIDDEN };

typedef struct field {
    int phase;
    char instr[INSTR_MAX];        /* the instruction's start: enough to tell a TOC */
    size_t instr_len;
} field;

typedef struct walker {
    doc_out *out;
    const styles *st;
    field field[FIELD_DEPTH_MAX];
    int n_fields, overflow_fields;
} walker;

typedef struct para {
    bg_buf raw;
    const char *pstyle;
    int n_runs, all_bold, all_hei, all_kai;
} para;

typedef struct run_fmt {
    int bold, font;
} run_fmt;

static int text_hidden(const walker *w)
{
    for (int i = 0; i < w->n_fields; i++)
        if (w->field[i].phase == FIELD_HIDDEN)
            return 1;
    return w->n_fields && w->field[w->n_fields - 1].phase == FIELD_INSTR;
}

static void field_char(walker *w, const xmlNode *fld)
{
    const char *type = attr(fld, "fldCharType");
    if (!type)
        return;
    if (strcmp(type, "begin") == 0) {
        if (w->n_fields == FIELD_DEPTH_MAX) {
            w->overflow_fields++;
            return;
        }
        w->field[w->n_fields].phase = FIELD_INSTR;
        w->field[w->n_fields].instr_len = 0;
        w->n_fields++;
    } else if (strcmp(type, "separate") == 0 && w->n_fields && !w->overflow_fields) {
        field *f = &w->field[w->n_fields - 1];
        size_t i = 0;
        while (i < f->instr_len && f->instr[i] == ' ')
            i++;
        int toc = f->instr_len - i >= 3 && strncasecmp(f->instr + i, "TOC", 3) == 0;
        f->phase = toc ? FIELD_HIDDEN : FIELD_RESULT;
    } else if (strcmp(type, "end") == 0) {
        if (w->overflow_fields)
            w->overflow_fields--;
        else if (w->n_fields)
            w->n_fields--;
    }
}

static void field_instr(walker *w, const char *text)
{
    if (!w->n_fields || w->overflow_fields)
        return;
    field *f = &w->field[w->n_fields - 1];
    size_t n = strlen(text);
    if (n > INSTR_MAX - 1 - f->instr_len)
        n = INSTR_MAX - 1 - f->instr_len;
    memcpy(f->instr + f->instr_len, text, n);
    f->instr_len += n;
}

/* A field without a result ends in its paragraph; one whose instruction part
 * never ended must not hide the rest of the document. */
static void fields_end_paragraph(walker *w)
{
    while (w->n_fields && w->field[w->n_fields - 1].phase == FIELD_INSTR)
        w->n_fields--;
    w->overflow_fields = 0;
}

static void add_text(walker *w, para *p, const run_fmt *fmt, const char *s, size_t n)
{
    if (!n || text_hidden(w))
        return;
    buf_add(w->out, &p->raw, s, n);
    int blank = 1;
    for (size_t i = 0; i < n && blank; i++)
        blank = s[i] == ' ' || s[i] == '\t';
    if (blank || !fmt)
        return;
    p->n_runs++;
    p->all_bold &= fmt->bold > 0;
    p->all_hei &= fmt->font == FONT_HEI;
    p->all_kai &= fmt->font == FONT_KAI;
}

static void add_node_text(walker *w, para *p, const run_fmt *fmt, const xmlNode *t)
{
    for (const xmlNode *c = t->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            add_text(w, p, fmt, (const char *)c->content, strlen((const char *)c->content));
}

/* w:sym's character; symbol-font glyphs in the private use area (F000..F0FF)
 * mean nothing outside that font. */
static void add_symbol(walker *w, para *p, const run_fmt *fmt, const xmlNode *sym)
{
    const char *hex = attr(sym, "char");
    if (!hex)
        return;
    unsigned long cp = strtoul(hex, NULL, 16);
    char u[4];
    size_t n;
    if (cp < 0x20 || (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0xE000 && cp <= 0xF8FF) || cp > 0xFFFF)
        return;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    }
    add_text(w, p, fmt, u, n);
}

/* The branch of an mc:AlternateContent to read: its first mc:Choice, else
 * its mc:Fallback. */
static const xmlNode *alternate_branch(const xmlNode *alt)
{
    const xmlNode *fallback = NULL;
    for (const xmlNode *c = alt->children; c; c = c->next) {
        if (is_el(c, "Choice") && ns_is(c, NS_MC, NULL))
            return c;
        if (is_el(c, "Fallback") && ns_is(c, NS_MC, NULL) && !fallback)
            fallback = c;
    }
    return fallback;
}

static int is_alternate(const xmlNode *n)
{
    return is_el(n, "AlternateContent") && ns_is(n, NS_MC, NULL);
}

/* A content control showing its placeholder ("单击此处输入文字。"): the
 * text is the template's prompt, not the document's. */
static int is_placeholder(const xmlNode *sdt)
{
    return w_child(w_child(sdt, "sdtPr"), "showingPlcHdr") != NULL;
}

/* Elements whose content is never text of the document. */
static int is_skipped(const xmlNode *n)
{
    static const char *const names[] = {"pPr", "rPr", "sectPr", "del", "moveFrom", "delText",
                                        "tblPr", "tblGrid", "trPr", "tcPr", "sdtPr", "sdtEndPr",
                                        "footnoteReference", "endnoteReference", "commentReference"};
    if (n->type != XML_ELEMENT_NODE || !ns_is(n, NS_W, NS_W_STRICT))
        return 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp((const char *)n->name, names[i]) == 0)
            return 1;
    return strcmp((const char *)n->name, "sdt") == 0 && is_placeholder(n);
}

static void walk_blocks(walker *w, const xmlNode *parent, bg_buf *sink);
static void do_paragraph(walker *w, const xmlNode *pnode, bg_buf *sink);

static run_fmt resolve_run_fmt(const walker *w, const xmlNode *run, const para *p)
{
    run_fmt f = {-1, FONT_UNSET};
    const xmlNode *rpr = w_child(run, "rPr");
    rpr_format(rpr, &f.bold, &f.font);
    style_format(w->st, attr(w_child(rpr, "rStyle"), "val"), &f.bold, &f.font);
    style_format(w->st, p->pstyle, &f.bold, &f.font);
    return f;
}

/* Inline content of a paragraph: runs, hyperlinks, fields, insertions,
 * content controls, drawings holding text boxes. */
static void walk_inline(walker *w, const xmlNode *parent, para *p, const run_fmt *fmt, bg_buf *sink)
{
    for (const xmlNode *c = parent->children; c && !w->out->rc; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_skipped(c))
            continue;
        if (is_alternate(c)) {
            const xmlNode *b = alternate_branch(c);
            if (b)
                walk_inline(w, b, p, fmt, sink);
        } else if (is_el(c, "t") && ns_is(c, NS_W, NS_W_STRICT)) {
            add_node_text(w, p, fmt, c);
        } else if (is_el(c, "t") && ns_is(c, NS_MATH, NS_MATH_STRICT)) {
            add_node_text(w, p, fmt, c);
        } else if (!ns_is(c, NS_W, NS_W_STRICT)) {
            walk_inline(w, c, p, fmt, sink);
        } else if (is_el(c, "r")) {
            run_fmt f = resolve_run_fmt(w, c, p);
            walk_inline(w, c, p, &f, sink);
        } else if (is_el(c, "tab") || is_el(c, "ptab")) {
            add_text(w, p, NULL, "\t", 1);
        } else if (is_el(c, "br") || is_el(c, "cr")) {
            char mark = BREAK_MARK;
            add_text(w, p, NULL, &mark, 1);
        } else if (is_el(c, "noBreakHyphen")) {
            add_text(w, p, fmt, "-", 1);
        } else if (is_el(c, "sym")) {
            add_symbol(w, p, fmt, c);
        } else if (is_el(c, "fldChar")) {
            field_char(w, c);
        } else if (is_el(c, "instrText")) {
            for (const xmlNode *t = c->children; t; t = t->next)
                if (t->type == XML_TEXT_NODE && t->content)
                    field_instr(w, (const char *)t->content);
        } else if (is_el(c, "txbxContent")) {
            walk_blocks(w, c, sink);
        } else if (is_el(c, "p")) {
            /* a paragraph where inline content was expected (damaged or
             * unusual nesting): read it as its own paragraph */
            do_paragraph(w, c, sink);
        } else {
            walk_inline(w, c, p, fmt, sink);
        }
    }
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

/* Rule 3 of the file comment: a heading set by direct formatting. */
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

static int paragraph_level(const walker *w, const xmlNode *ppr, const para *p, const char *line,
                           size_t n)
{
    int level = outline_level(int_val(w_child(ppr, "outlineLvl")));
    if (level < 0)
        level = style_level(w->st, p->pstyle);
    if (level < 0)
        level = format_level(p, line, n);
    return level;
}

static void do_paragraph(walker *w, const xmlNode *pnode, bg_buf *sink)
{
    const xmlNode *ppr = w_child(pnode, "pPr");
    para p = {.all_bold = 1, .all_hei = 1, .all_kai = 1};
    p.pstyle = attr(w_child(ppr, "pStyle"), "val");
    if (!p.pstyle)
        p.pstyle = w->st->default_para;
    walk_inline(w, pnode, &p, NULL, sink);
    fields_end_paragraph(w);
    if (p.raw.len && !w->out->rc) {
        size_t n = clean_line(p.raw.data, p.raw.len);
        if (sink)
            join_piece(w->out, sink, p.raw.data, n, NULL);
        else
            out_para(w->out, p.raw.data, n, paragraph_level(w, ppr, &p, p.raw.data, n));
    }
    bg_buf_free(&p.raw);
}

/* A w:tcPr/w:vMerge without w:val="restart" continues the cell above. */
static int is_merge_continuation(const xmlNode *tc)
{
    const xmlNode *vm = w_child(w_child(tc, "tcPr"), "vMerge");
    const char *v = vm ? attr(vm, "val") : NULL;
    return vm && !(v && strcmp(v, "restart") == 0);
}

static void do_table(walker *w, const xmlNode *tbl, bg_buf *sink);

/* The cells of a row (some may sit inside content controls). */
static void collect_cells(walker *w, const xmlNode *parent, bg_buf *line, int *n_cells,
                          const char *sep)
{
    for (const xmlNode *c = parent->children; c && !w->out->rc; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_skipped(c))
            continue;
        if (is_w(c, "tc")) {
            bg_buf cell = {0};
            if (!is_merge_continuation(c))
                walk_blocks(w, c, &cell);
            if ((*n_cells)++)
                buf_add(w->out, line, sep, strlen(sep));
            if (cell.len) {
                size_t n = clean_line(cell.data, cell.len);
                for (size_t i = 0; i < n; i++)
                    if (cell.data[i] == '\t')
                        cell.data[i] = ' ';  /* tabs separate cells */
                buf_add(w->out, line, cell.data, n);
            }
            bg_buf_free(&cell);
        } else if (is_alternate(c)) {
            const xmlNode *b = alternate_branch(c);
            if (b)
                collect_cells(w, b, line, n_cells, sep);
        } else {
            collect_cells(w, c, line, n_cells, sep);
        }
    }
}

static void do_row(walker *w, const xmlNode *tr, bg_buf *sink)
{
    bg_buf line = {0};
    int n_cells = 0;
    collect_cells(w, tr, &line, &n_cells, sink ? " " : "\t");
    if (line.len && !w->out->rc) {
        if (sink)
            join_piece(w->out, sink, line.data, clean_line(line.data, line.len), NULL);
        else if (strspn(line.data, "\t") < line.len)
            out_para(w->out, line.data, line.len, 0);  /* untrimmed: tabs keep the columns */
    }
    bg_buf_free(&line);
}

static void walk_rows(walker *w, const xmlNode *parent, bg_buf *sink)
{
    for (const xmlNode *c = parent->children; c && !w->out->rc; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_skipped(c))
            continue;
        if (is_w(c, "tr")) {
            do_row(w, c, sink);
        } else if (is_alternate(c)) {
            const xmlNode *b = alternate_branch(c);
            if (b)
                walk_rows(w, b, sink);
        } else if (!is_w(c, "tbl")) {
            walk_rows(w, c, sink);
        }
    }
}

static void do_table(walker *w, const xmlNode *tbl, bg_buf *sink)
{
    walk_rows(w, tbl, sink);
}

/* Block content: the body, a cell, a text box, a note. Paragraphs go to sink
 * (joined) when there is one, else to the document. */
static void walk_blocks(walker *w, const xmlNode *parent, bg_buf *sink)
{
    for (const xmlNode *c = parent->children; c && !w->out->rc; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_skipped(c))
            continue;
        if (is_w(c, "p")) {
            do_paragraph(w, c, sink);
        } else if (is_w(c, "tbl")) {
            do_table(w, c, sink);
        } else if (is_alternate(c)) {
            const xmlNode *b = alternate_branch(c);
            if (b)
                walk_blocks(w, b, sink);
        } else {
            walk_blocks(w, c, sink);
        }
    }
}

/* Footnotes or endnotes (element note in root notes), one line each, in the
 * part's order; separator notes skipped. */
static void walk_notes(walker *w, const xmlDoc *doc, const char *note)
{
    const xmlNode *root = doc ? xmlDocGetRootElement((xmlDoc *)doc) : NULL;
    for (const xmlNode *c = root ? root->children : NULL; c && !w->out->rc; c = c->next) {
        if (!is_w(c, note))
            continue;
        const char *type = attr(c, "type");
        if (type && strcmp(type, "normal") != 0)
            continue;
        bg_buf line = {0};
        w->n_fields = w->overflow_fields = 0;
        walk_blocks(w, c, &line);
        if (line.len && !w->out->rc)
            out_para(w->out, line.data, clean_line(line.data, line.len), 0);
        bg_buf_free(&line);
    }
}

/* ---- metadata ---------------------------------------------------------- */

/* Titles applications write by themselves. */
static int is_default_title(const char *t)
{
    static const char *const defaults[] = {"untitled", "document", "word document", "title",
                                           "文档", "标题", "无标题", "新建 microsoft word 文档",
                                           "新建文档", "doc", "docx"};
    if (strncasecmp(t, "Microsoft Word", 14) == 0 || strncasecmp(t, "Microsoft Office", 16) == 0)
        return 1;
    for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++)
        if (strcasecmp(t, defaults[i]) == 0)
            return 1;
    return 0;
}

static int read_title(const xmlDoc *core, char **title)
{
    const xmlNode *root = core ? xmlDocGetRootElement((xmlDoc *)core) : NULL;
    for (const xmlNode *c = root ? root->children : NULL; c; c = c->next) {
        if (!is_el(c, "title") || !ns_is(c, NS_DC, NULL))
            continue;
        xmlChar *raw = xmlNodeGetContent(c);
        if (!raw)
            return BG_ENOMEM;
        size_t n = clean_line((char *)raw, strlen((char *)raw));
        int rc = 0;
        if (n && !is_default_title((char *)raw) && !(*title = bg_strdup((char *)raw)))
            rc = BG_ENOMEM;
        xmlFree(raw);
        return rc;
    }
    return 0;
}

/* ---- the reader -------------------------------------------------------- */

static int is_ole2(const char *bytes, size_t n)
{
    return n >= 8 && memcmp(bytes, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0;
}

static int refuse_ole2(const char *bytes, size_t n, bg_err *err)
{
    static const char name[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
    if (memmem(bytes, n, name, sizeof name - 1))
        return bg_err_set(err, BG_EDECODE, "encrypted DOCX (password required)");
    return bg_err_set(err, BG_EDECODE, "not a DOCX: an OLE2 file (legacy Word .doc?)");
}

static zip_t *open_zip(const char *bytes, size_t n, bg_err *err, int *rc)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(bytes, n, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (!za) {
        if (src)
            zip_source_free(src);
        int code = zip_error_code_zip(&ze);
        *rc = code == ZIP_ER_MEMORY ? bg_err_set(err, BG_ENOMEM, "out of memory opening DOCX")
              : code == ZIP_ER_NOZIP || code == ZIP_ER_INCONS
                  ? bg_err_set(err, BG_EDECODE, "not a DOCX (not a ZIP archive)")
                  : bg_err_set(err, BG_EDECODE, "damaged DOCX: %s", zip_error_strerror(&ze));
    }
    zip_error_fini(&ze);
    return za;
}

/* Parses the main part and reads the body, notes and title into o. */
static int read_package(zip_t *za, doc_out *o, bg_doc_meta *meta, bg_err *err)
{
    part_names names = {0};
    styles st = {0};
    xmlDoc *body = NULL, *notes = NULL, *core = NULL;
    char *data = NULL;
    size_t len = 0;
    int rc = locate_parts(za, &names, err);
    if (!rc)
        rc = read_part(za, names.document, PART_CAP, &data, &len, err);
    if (!rc && !data)
        rc = bg_err_set(err, BG_EDECODE, "DOCX without word/document.xml");
    if (!rc && !(body = parse_xml(data, len)))
        rc = bg_err_set(err, BG_EDECODE, "damaged DOCX: %s is not well-formed XML", names.document);
    free(data);
    if (!rc) {
        xmlDoc *style_doc;
        rc = read_xml_part(za, names.styles, PART_CAP, &style_doc, err);
        if (!rc && styles_load(&st, style_doc))
            rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    }

    walker w = {.out = o, .st = &st};
    if (!rc) {
        const xmlNode *root = xmlDocGetRootElement(body);
        const xmlNode *b = root ? w_child(root, "body") : NULL;
        if (!b)
            rc = bg_err_set(err, BG_EDECODE, "damaged DOCX: %s has no w:body", names.document);
        else
            walk_blocks(&w, b, NULL);
    }
    static const char *const kinds[2] = {"footnote", "endnote"};
    for (int i = 0; i < 2 && !rc && !o->rc; i++) {
        rc = read_xml_part(za, i ? names.endnotes : names.footnotes, PART_CAP, &notes, err);
        walk_notes(&w, notes, kinds[i]);
        xmlFreeDoc(notes);
        notes = NULL;
    }
    if (!rc && !o->rc)
        rc = read_xml_part(za, names.core, SMALL_PART_CAP, &core, err);
    if (!rc && !o->rc && read_title(core, &meta->title))
        o->rc = BG_ENOMEM;
    if (!rc && o->rc)
        rc = bg_err_set(err, o->rc, "out of memory reading DOCX");
    xmlFreeDoc(core);
    xmlFreeDoc(body);
    styles_free(&st);
    part_names_free(&names);
    return rc;
}

int bg_read_docx(bg_document *out, const char *bytes, size_t n, bg_err *err)
{
    memset(out, 0, sizeof *out);
    if (!bytes && n)
        return bg_err_set(err, BG_EINVAL, "no DOCX bytes");
    if (is_ole2(bytes, n))
        return refuse_ole2(bytes, n, err);
    if (n < ZIP_EOCD_MIN)
        return bg_err_set(err, BG_EDECODE, "not a DOCX (not a ZIP archive)");
    int rc = 0;
    zip_t *za = open_zip(bytes, n, err, &rc);
    if (!za)
        return rc;
    doc_out o = {0};
    rc = read_package(za, &o, &out->meta, err);
    zip_discard(za);
    if (!rc && !o.n)
        rc = bg_err_set(err, BG_ESKIPPED, "DOCX without text (images only?)");
    if (!rc && !o.text.data && bg_buf_append(&o.text, "", 0))
        rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    if (rc) {
        bg_buf_free(&o.text);
        free(o.paras);
        bg_document_clear(out);
        return rc;
    }
    out->format = BG_FORMAT_DOCX;
    out->text = o.text.data;
    out->len = o.text.len;
    out->paras = o.paras;
    out->n_paras = o.n;
    out->encoding = NULL;
    return 0;
}
