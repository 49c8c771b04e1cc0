/* scheme.c — the one place that builds and parses what the index stores:
 * every term, value slot, metadata key and record that docs/format.md
 * describes (as SQLite's fts5_index.c owns FTS5's format). Ingestion writes
 * through these functions and searching reads through them, so the two can
 * never disagree on a prefix, a clip length or a field name. */
#include "scheme.h"
#include "store.h"
#include "baogao.h"
#include "figures.h"
#include "json_get.h"
#include "normalize.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {"heading", "paragraph", "measure"};

const char *bgi_kind_name(int kind)
{
    return kind >= 0 && kind <= BG_KIND_MEASURE ? kind_names[kind] : kind_names[BG_KIND_PARAGRAPH];
}

int bgi_kind_from_name(const char *name)
{
    if (strcmp(name, "heading") == 0)
        return BG_KIND_HEADING;
    if (strcmp(name, "measure") == 0)
        return BG_KIND_MEASURE;
    return BG_KIND_PARAGRAPH;
}

/* ---- terms ---------------------------------------------------------------- */

/* The analyser keeps tokens far below Xapian's 245-byte term limit; 240
 * leaves room for the longest prefix. */
size_t bgi_term(char *out, const char *prefix, const char *a, size_t alen, const char *b, size_t blen)
{
    size_t pl = strlen(prefix);
    if (pl + alen + blen > 240) {
        out[0] = '\0';
        return 0;
    }
    memcpy(out, prefix, pl);
    memcpy(out + pl, a, alen);
    if (blen)
        memcpy(out + pl + alen, b, blen);
    out[pl + alen + blen] = '\0';
    return pl + alen + blen;
}

static size_t term_str(char *out, const char *prefix, const char *s)
{
    return bgi_term(out, prefix, s, strlen(s), NULL, 0);
}

size_t bgi_term_year(char *out, int year)
{
    char y[16];
    bgi_year_value(y, year);
    return term_str(out, BG_PREFIX_YEAR, y);
}

size_t bgi_term_kind(char *out, int kind)
{
    return term_str(out, BG_PREFIX_KIND, bgi_kind_name(kind));
}

size_t bgi_term_file(char *out, const char *report_id)
{
    return term_str(out, BG_PREFIX_FILE, report_id);
}

size_t bgi_term_path(char *out, const char *path_key)
{
    return term_str(out, BG_PREFIX_PATH, path_key);
}

size_t bgi_term_passage(char *out, const char *passage_id)
{
    return term_str(out, BG_PREFIX_ID, passage_id);
}

size_t bgi_term_body(char *out, const char *body)
{
    return bgi_term(out, BG_PREFIX_BODY, body, bgi_utf8_clip(body, strlen(body), BG_BODY_TERM_BYTES), NULL, 0);
}

size_t bgi_term_texthash(char *out, uint64_t hash)
{
    char hex[17];
    bgi_hex64(hex, hash);
    return term_str(out, BG_PREFIX_TEXTHASH, hex);
}

size_t bgi_term_dockind(char *out, const char *kind)
{
    return term_str(out, BG_PREFIX_DOCKIND, kind);
}

static int is_open_bracket(UChar32 c)
{
    return c == 0x3014 || c == '[' || c == 0xFF3B || c == 0xFF08 || c == '(' || c == 0x3010 || c == 0xFE5D;
}

static int is_close_bracket(UChar32 c)
{
    return c == 0x3015 || c == ']' || c == 0xFF3D || c == 0xFF09 || c == ')' || c == 0x3011 || c == 0xFE5E;
}

static int is_space(UChar32 c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x3000 || c == 0xA0 || c == 0xFEFF;
}

int bgi_docno_normalize(char *out, size_t cap, const char *in)
{
    if (!cap)
        return BG_ETOOBIG;
    const unsigned char *s = (const unsigned char *)(in ? in : "");
    size_t n = strlen((const char *)s), o = 0;
    for (size_t i = 0; i < n;) {
        UChar32 c;
        i += bgi_utf8_decode(s, n, i, &c);
        if (is_space(c))
            continue;
        if (is_open_bracket(c))
            c = 0x3014;
        else if (is_close_bracket(c))
            c = 0x3015;
        else if (c >= 0xFF10 && c <= 0xFF19)
            c = '0' + (c - 0xFF10);
        char piece[4];
        size_t k = bgi_utf8_encode(c, piece);
        if (o + k >= cap) {
            out[o] = '\0';
            return BG_ETOOBIG;
        }
        memcpy(out + o, piece, k);
        o += k;
    }
    out[o] = '\0';
    return 0;
}

size_t bgi_term_docno(char *out, const char *docno)
{
    char norm[BG_TERM_MAX];
    if (bgi_docno_normalize(norm, sizeof norm, docno) != 0)
        return out[0] = '\0', 0;
    return bgi_term(out, BG_PREFIX_DOCNO, norm, bgi_utf8_clip(norm, strlen(norm), BG_BODY_TERM_BYTES), NULL, 0);
}

/* ---- identity ------------------------------------------------------------- */

uint64_t bgi_content_hash(const void *bytes, size_t n)
{
    unsigned char len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)((uint64_t)n >> (8 * i));
    return bgi_fnv1a64(bgi_fnv1a64(BG_FNV_INIT, bytes, n), len, sizeof len);
}

void bgi_report_id(char out[17], uint64_t h, const char *real, unsigned attempt)
{
    for (unsigned k = 0; k < attempt; k++)
        h = bgi_fnv1a64(h, real, strlen(real));
    bgi_hex64(out, h);
}

void bgi_path_key(char out[17], const char *real)
{
    bgi_hex64(out, bgi_fnv1a64(BG_FNV_INIT, real, strlen(real)));
}

void bgi_passage_id(char *out, const char *report_id, size_t ordinal)
{
    snprintf(out, BG_PASSAGE_ID_MAX, "%s:%zu", report_id, ordinal);
}

void bgi_meta_file_key(char *out, const char *path_key)
{
    snprintf(out, BG_TERM_MAX, BG_META_FILE "%s", path_key);
}

void bgi_year_value(char *out, int year)
{
    snprintf(out, 16, "%04d", year);
}

/* The kinds of document (indexer/docframe.c names them from a title's last
 * word), each with the character that stands for it in a facet key. */
static const char *const dockinds[] = {
    "报告", "意见", "通知", "通报", "决定", "批复", "公告", "通告", "规划", "纲要", "方案", "办法",
    "规定", "条例", "细则", "决议", "公报", "纪要", "议案", "请示", "讲话", "计划", "规则", "要点",
    "指南", "答复", "函",   "令",   "命令",
};
static const char dockind_codes[] = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

char bgi_dockind_code(const char *kind)
{
    if (!kind || !kind[0])
        return '0';
    for (size_t i = 0; i < sizeof dockinds / sizeof *dockinds; i++)
        if (strcmp(kind, dockinds[i]) == 0)
            return dockind_codes[i];
    return '~';
}

const char *bgi_dockind_name(char code)
{
    if (code == '0')
        return "";
    const char *p = code ? strchr(dockind_codes, code) : NULL;
    size_t i = p ? (size_t)(p - dockind_codes) : SIZE_MAX;
    return i < sizeof dockinds / sizeof *dockinds ? dockinds[i] : NULL;
}

/* 15 bytes: short enough for the string a match spy makes of it to need no
 * heap allocation (libstdc++ keeps up to 15 in place; query/facets.c). */
void bgi_facet_key(char *out, const char *year, const char *body, const char *kind)
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-";
    uint64_t h = bgi_fnv1a64(BG_FNV_INIT, body, strlen(body));
    memcpy(out, year, 4);
    for (int i = 0; i < 10; i++, h >>= 6)
        out[4 + i] = digits[h & 63];
    out[14] = bgi_dockind_code(kind);
    out[BG_FACET_KEY_LEN] = '\0';
}

/* ---- records -------------------------------------------------------------- */

/* The section path: indices into the report's headings, or the headings
 * themselves where the table did not take them. */
static int add_section(cJSON *o, const bgi_passage_rec *r)
{
    cJSON *section = cJSON_AddArrayToObject(o, BG_REC_SECTION);
    for (size_t i = 0; section && i < r->n_section; i++) {
        long ix = r->section_ix ? r->section_ix[i] : -1;
        cJSON *e = ix >= 0 ? cJSON_CreateNumber((double)ix) : cJSON_CreateString(r->section[i]);
        if (!cJSON_AddItemToArray(section, e)) {
            cJSON_Delete(e);
            return 0;
        }
    }
    return section != NULL;
}

/* The fields every passage of a report shares, kept with its first. */
static int add_report_fields(cJSON *o, const bgi_passage_rec *r)
{
    return cJSON_AddStringToObject(o, BG_REC_REPORT, r->report)
        && cJSON_AddStringToObject(o, BG_REC_TITLE, r->title)
        && cJSON_AddStringToObject(o, BG_REC_BODY, r->body)
        && (!r->format || strcmp(r->format, "txt") == 0 || cJSON_AddStringToObject(o, BG_REC_FORMAT, r->format))
        && (!r->date || !r->date[0] || cJSON_AddStringToObject(o, BG_REC_DATE, r->date))
        && (!r->docno || !r->docno[0] || cJSON_AddStringToObject(o, BG_REC_DOCNO, r->docno))
        && (!r->doc_kind || !r->doc_kind[0] || cJSON_AddStringToObject(o, BG_REC_DOCKIND, r->doc_kind))
        && (!r->report_chars || cJSON_AddNumberToObject(o, BG_REC_REPORT_CHARS, (double)r->report_chars));
}

char *bgi_passage_rec_json(const bgi_passage_rec *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    char *text = bgi_strndup(r->text, r->len);
    int ok = text && add_section(o, r) && cJSON_AddStringToObject(o, BG_REC_TEXT, text)
          && cJSON_AddStringToObject(o, BG_REC_KIND, bgi_kind_name(r->kind))
          && cJSON_AddNumberToObject(o, BG_REC_LINE, (double)r->line)
          && cJSON_AddNumberToObject(o, BG_REC_YEAR, r->year)
          && cJSON_AddStringToObject(o, BG_REC_ID, r->id)
          && bgi_add_figures_json(o, r->text, r->len)
          && (r->page <= 0 || cJSON_AddNumberToObject(o, BG_REC_PAGE, r->page))
          && (!r->texthash || cJSON_AddStringToObject(o, BG_REC_TEXTHASH, r->texthash))
          && (!r->first || add_report_fields(o, r));
    free(text);
    char *json = ok ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return json;
}

char *bgi_passage_rec_add_headings(const char *data, size_t len, const char *const *headings, size_t n)
{
    cJSON *o = cJSON_ParseWithLength(data, len);
    cJSON *arr = o ? cJSON_AddArrayToObject(o, BG_REC_HEADINGS) : NULL;
    for (size_t i = 0; arr && i < n; i++)
        if (!cJSON_AddItemToArray(arr, cJSON_CreateString(headings[i])))
            arr = NULL;
    char *json = arr ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return json;
}

cJSON *bgi_passage_rec_parse(const char *data, size_t len)
{
    return cJSON_ParseWithLength(data, len);
}

int bgi_passage_rec_has_report(const cJSON *rec)
{
    return cJSON_IsString(cJSON_GetObjectItemCaseSensitive(rec, BG_REC_REPORT));
}

void bgi_first_passage_id(char *out, const cJSON *rec)
{
    const char *id = bgi_json_str(rec, BG_REC_ID);
    const char *colon = strrchr(id, ':');
    snprintf(out, BG_PASSAGE_ID_MAX, "%.*s:0", colon ? (int)(colon - id) : 0, id);
    if (!colon)
        out[0] = '\0';
}

const char *bgi_passage_rec_section(const cJSON *rec, const cJSON *first, int i)
{
    const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(rec, BG_REC_SECTION), i);
    if (cJSON_IsString(e))
        return e->valuestring;
    const cJSON *h = cJSON_IsNumber(e) && first
                         ? cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(first, BG_REC_HEADINGS), e->valueint)
                         : NULL;
    return cJSON_IsString(h) ? h->valuestring : "";
}

char *bgi_file_rec_json(const bgi_file_rec *r)
{
    char hash[17], fp[17];
    bgi_hex64(hash, r->hash);
    bgi_hex64(fp, r->fp);
    cJSON *o = cJSON_CreateObject();
    int ok = o && cJSON_AddStringToObject(o, "id", r->id)
          && cJSON_AddStringToObject(o, "path", r->path) && cJSON_AddStringToObject(o, "real", r->real)
          && cJSON_AddStringToObject(o, "hash", hash) && cJSON_AddStringToObject(o, "fp", fp)
          && cJSON_AddNumberToObject(o, "year", r->year) && cJSON_AddStringToObject(o, "title", r->title)
          && cJSON_AddStringToObject(o, "body", r->body)
          && cJSON_AddNumberToObject(o, "passages", (double)r->passages)
          && (!r->chars || cJSON_AddNumberToObject(o, "chars", (double)r->chars))
          && (!r->date || cJSON_AddStringToObject(o, "date", r->date))
          && (!r->docno || cJSON_AddStringToObject(o, "docno", r->docno))
          && (!r->kind || cJSON_AddStringToObject(o, "kind", r->kind))
          && (!r->duplicate_of || cJSON_AddStringToObject(o, "duplicate_of", r->duplicate_of));
    char *s = ok ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return s;
}

/* "3fa9c0d2e1b4a5c6" */
static int is_hex16(const char *s)
{
    return strlen(s) == 16 && strspn(s, "0123456789abcdef") == 16;
}

int bgi_file_rec_parse(bgi_file_rec *r, const char *key, const char *json)
{
    cJSON *o = cJSON_Parse(json);
    if (!o)
        return BG_EPARSE;
    snprintf(r->key, sizeof r->key, "%s", key);
    /* Before format 5 a report's id was its path key, and its record said
     * nothing more. */
    const char *id = bgi_json_str(o, "id");
    snprintf(r->id, sizeof r->id, "%s", is_hex16(id) ? id : key);
    r->path = bgi_strdup(bgi_json_str(o, "path"));
    r->real = bgi_strdup(bgi_json_str(o, "real"));
    r->title = bgi_strdup(bgi_json_str(o, "title"));
    r->body = bgi_strdup(bgi_json_str(o, "body"));
    r->hash = strtoull(bgi_json_str(o, "hash"), NULL, 16);
    r->fp = strtoull(bgi_json_str(o, "fp"), NULL, 16);
    r->year = (int)bgi_json_num(o, "year", 0);
    r->passages = (size_t)bgi_json_num(o, "passages", 0);
    r->chars = (size_t)bgi_json_num(o, "chars", 0);
    const char *fields[4] = {"date", "docno", "kind", "duplicate_of"};
    char **dst[4] = {&r->date, &r->docno, &r->kind, &r->duplicate_of};
    int lost = 0;
    for (int i = 0; i < 4; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, fields[i]);
        if (cJSON_IsString(v))
            lost |= !(*dst[i] = bgi_strdup(v->valuestring));
    }
    cJSON_Delete(o);
    if (lost)
        return BG_ENOMEM;
    return r->path && r->real && r->title && r->body ? 0 : BG_ENOMEM;
}
