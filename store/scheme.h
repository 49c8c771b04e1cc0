/* scheme.h — what the index stores: term prefixes, value slots, metadata
 * keys, and the functions of scheme.c, the one place that builds and parses
 * every term, value and stored record. docs/format.md explains them; change
 * both together. */
#ifndef BG_SCHEME_H
#define BG_SCHEME_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define BG_FORMAT_VERSION "6"

/* Terms. Words carry no prefix. */
#define BG_PREFIX_BIGRAM "B"    /* two adjacent normalised chars, positional */
#define BG_PREFIX_UNIGRAM "U"   /* one normalised char, no positions */
#define BG_PREFIX_HEADING "H"   /* a word of an enclosing heading, no positions */
#define BG_PREFIX_YEAR "Y"      /* boolean: Y2022 */
#define BG_PREFIX_KIND "K"      /* boolean: Kheading, Kparagraph, Kmeasure */
#define BG_PREFIX_FILE "F"      /* boolean: F<report id> on every passage of a report */
#define BG_PREFIX_ID "Q"        /* unique: Q<report id>:<ordinal> */
#define BG_PREFIX_PATH "XP"     /* boolean: XP<path key> on the first passage of a report:
                                   finds a report's id from its path (REPORT:LINE) */
#define BG_PREFIX_BODY "XB"     /* boolean: XB<issuing body> */
#define BG_PREFIX_DOCKIND "XK"  /* boolean: XK<kind of document>: XK通知, XK报告 */
#define BG_PREFIX_TEXTHASH "XH" /* boolean: XH<16 hex>: FNV-1a 64 of the passage's normalised
                                   characters, punctuation and spaces left out: copies of
                                   one text share it */
#define BG_TERM_DUPLICATE "XZ"  /* boolean: this passage repeats the text of one indexed
                                   before it in its shard; searches leave it out */
#define BG_PREFIX_DOCNO "XN"    /* XN<发文字号, normalised>: weighted (wdf 1), so a
                                   query for a document number ranks its document first */

/* Value slots. */
#define BG_SLOT_YEAR 0          /* "2022" */
#define BG_SLOT_BODY 1          /* issuing body */
#define BG_SLOT_KIND 2          /* "heading" / "paragraph" / "measure" */
#define BG_SLOT_ID 3            /* the passage id (<report id>:<ordinal>): breaks ties
                                   between equal scores the same way however the
                                   shards are combined */
#define BG_SLOT_FACETS 4        /* year, a hash of the issuing body and the kind of
                                   document in 15 bytes: every facet from one short
                                   value per match (bgi_facet_key, query/facets.c) */
#define BG_SLOT_DOCKIND 5       /* kind of document ("通知", "" when none) */

/* Metadata keys (per shard). */
#define BG_META_FILE "file:"      /* + path key → JSON record of the report */
#define BG_META_LEXICON "lexicon" /* the normalised lexicon the shard was built with */
#define BG_META_ANALYSIS "analysis" /* analyser fingerprint, hex */
#define BG_META_FORMAT "format"   /* BG_FORMAT_VERSION */

/* Stored passage records (document data, JSON): field names. */
#define BG_REC_TEXT "text"
#define BG_REC_KIND "kind"
#define BG_REC_LINE "line"
#define BG_REC_REPORT "report"
#define BG_REC_TITLE "title"
#define BG_REC_BODY "body"
#define BG_REC_YEAR "year"
#define BG_REC_ID "id"
#define BG_REC_SECTION "section"
#define BG_REC_FIGURES "figures"
#define BG_REC_FORMAT "format"   /* "html", "pdf", …; absent for plain text */
#define BG_REC_PAGE "page"       /* PDF: the page the passage starts on */
#define BG_REC_DATE "date"       /* 成文日期 "YYYY-MM-DD"; absent when unknown */
#define BG_REC_DOCNO "docno"     /* 发文字号 as written; absent when none */
#define BG_REC_DOCKIND "doc_kind" /* kind of document; absent when none */
#define BG_REC_TEXTHASH "texthash" /* the XH term's 16 hex digits; absent for a passage of
                                      punctuation only */
#define BG_REC_REPORT_CHARS "report_chars" /* characters of the whole report's text, as the
                                              catalogue's "chars": read back where there is
                                              no catalogue (a remote shard); absent before */
#define BG_REC_HEADINGS "headings" /* the first passage's: the report's section headings,
                                      which its passages' "section" indexes */

/* Every term is shorter than this (Xapian refuses terms over 245 bytes). */
#define BG_TERM_MAX 256
/* A passage id: 16 hex digits of the report id, ':', the ordinal. */
#define BG_PASSAGE_ID_MAX 48
/* The issuing body is clipped to this many bytes in XB terms. */
#define BG_BODY_TERM_BYTES 200

/* Passage kinds (BG_KIND_* of baogao.h) as stored: K terms, slot 2, "kind". */
const char *bgi_kind_name(int kind);          /* "heading", "paragraph", "measure" */
int bgi_kind_from_name(const char *name);     /* unknown names are paragraphs */

/* Terms: each writes a NUL-terminated term into out[BG_TERM_MAX] and returns
 * its length (0 when it would not fit). */
size_t bgi_term(char *out, const char *prefix, const char *a, size_t alen, const char *b, size_t blen);
size_t bgi_term_year(char *out, int year);
size_t bgi_term_kind(char *out, int kind);
size_t bgi_term_file(char *out, const char *report_id);
size_t bgi_term_passage(char *out, const char *passage_id);
size_t bgi_term_path(char *out, const char *path_key);
size_t bgi_term_body(char *out, const char *body);
size_t bgi_term_dockind(char *out, const char *kind);
size_t bgi_term_texthash(char *out, uint64_t hash);
/* docno as written; the term holds it normalised (bgi_docno_normalize). */
size_t bgi_term_docno(char *out, const char *docno);

/* A 发文字号 in the form filters compare: every bracket of 〔〕[]［］（）()【】﹝﹞
 * becomes 〔〕, full-width digits ASCII, and whitespace is removed
 * ("国发 [2023] 1号" → "国发〔2023〕1号"). out is always NUL-terminated;
 * returns 0, or BG_ETOOBIG when cap was too small (out truncated on a
 * character boundary). */
int bgi_docno_normalize(char *out, size_t cap, const char *in);


/* Identity (docs/format.md, "Identity"). A report's id is its content: the
 * same bytes have the same report id, hence the same passage ids, in every
 * index and at every path. The catalogue and the XP term know a file by its
 * path instead (the path key), which is what updating and removing go by. */
/* FNV-1a 64 of the bytes, then of their length as 8 bytes little-endian (the
 * same on every machine): the record's "hash", and the report id. */
uint64_t bgi_content_hash(const void *bytes, size_t n);
/* The report id of content hash h, as 16 hex digits into out[17]: attempt 0
 * is h itself; attempt k > 0 (a second file of the same content in one index,
 * whose passages need ids of their own) hashes on with the real path, k times. */
void bgi_report_id(char out[17], uint64_t h, const char *real, unsigned attempt);
/* The path key: FNV-1a 64 of the real path, as 16 hex digits into out[17]
 * (also the report id of indexes before format 5). */
void bgi_path_key(char out[17], const char *real);
/* "<report id>:<ordinal>" into out[BG_PASSAGE_ID_MAX]. */
void bgi_passage_id(char *out, const char *report_id, size_t ordinal);
/* The metadata key of a file's record, into out[BG_TERM_MAX]. */
void bgi_meta_file_key(char *out, const char *path_key);
/* The year as stored in slot 0: four digits, into out[16]. */
void bgi_year_value(char *out, int year);

/* The value of slot BG_SLOT_FACETS: year (4 digits), a 60-bit hash of body
 * in 10 characters of [0-9A-Za-z_-], and the kind of document as one
 * character (bgi_dockind_code); out gets BG_FACET_KEY_LEN + 1 bytes. Format 3
 * keys lacked the kind: BG_FACET_KEY_LEN_V3. */
#define BG_FACET_KEY_LEN 15
#define BG_FACET_KEY_LEN_V3 14
void bgi_facet_key(char *out, const char *year, const char *body, const char *kind);
/* The kinds of document a facet key can name: "" is '0', each known kind a
 * character of its own, any other kind '~' (counted from slot 5 instead). */
char bgi_dockind_code(const char *kind);
const char *bgi_dockind_name(char code);     /* NULL for '~' or an unknown code */

/* A passage's stored record (docs/format.md, "Document data"). text need not
 * be NUL-terminated. What is the same for every passage of a report (its
 * path, title, body, format, date, number, kind, size, and the table of its
 * section headings) is stored once, with its first passage (ordinal 0):
 * records since format 6. */
typedef struct bgi_passage_rec {
    const char *text;
    size_t len;
    int kind;
    size_t line;
    const char *id;
    int year;
    /* The section path: element i is section_ix[i], an index into the
     * report's headings, or when that is -1 the heading section[i] itself. */
    const char *const *section;
    const long *section_ix;
    size_t n_section;
    int page;                /* 0: not stored */
    const char *texthash;    /* NULL: not stored */
    int first;               /* 1: the report's first passage, which holds: */
    const char *report, *title, *body;
    const char *format;      /* NULL or "txt": not stored */
    const char *date, *docno, *doc_kind;   /* NULL or "": not stored */
    size_t report_chars;     /* 0: not stored */
} bgi_passage_rec;
/* The record as JSON (with its figures), malloc'ed; NULL when out of memory. */
char *bgi_passage_rec_json(const bgi_passage_rec *r);
/* The first passage's stored data with the report's headings[0..n) added
 * (written once the report is through), malloc'ed; NULL when out of memory
 * or data is damaged. */
char *bgi_passage_rec_add_headings(const char *data, size_t len, const char *const *headings, size_t n);
/* Parses stored data; NULL when damaged. Read fields with bgi_json_str /
 * bgi_json_num and the BG_REC_* names; free with cJSON_Delete. */
cJSON *bgi_passage_rec_parse(const char *data, size_t len);
/* Whether a parsed record holds its report's fields (the report's first
 * passage, or any passage stored before format 6): else they are read from
 * the record of "<report id>:0" (bgi_first_passage_id). */
int bgi_passage_rec_has_report(const cJSON *rec);
/* The id of the first passage of rec's report, into out[BG_PASSAGE_ID_MAX]
 * ("" when rec has no id). */
void bgi_first_passage_id(char *out, const cJSON *rec);
/* Element i of rec's section path: the heading as stored (before format 6,
 * or a heading the table did not take), or the one its index names in the
 * headings of first, its report's first passage (NULL: not at hand); "" when
 * it names none. */
const char *bgi_passage_rec_section(const cJSON *rec, const cJSON *first, int i);

/* Extra within-document frequency for words of the lead sentence. A report's
 * paragraph opens with its topic ("加强食品安全监管。…"), so a word there counts
 * as much as five mentions further on (bench/quality: nDCG@10 a little higher
 * with 4 than with 2; docs/quality.md). */
#define BG_LEAD_WDF_BOOST 4

#endif
