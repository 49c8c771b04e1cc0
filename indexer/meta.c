/* meta.c — works out which report a file is (title, issuing body, year) from
 * its opening lines, and for an official document also its 成文日期, 发文字号
 * and kind from its GB/T 9704 frame (docframe.c); merges what the source
 * states (a portal's metadata table) and lets a MANIFEST.tsv override it.
 *
 * Detection only ever looks at the first META_LINES non-blank lines (and at
 * most META_BYTES of text): what a report is, it says at the top, and the
 * body of a long report mentions years and bodies that are not its own. All
 * matching is on UTF-8 bytes; every marker is a fixed byte sequence. */
#include "meta.h"
#include "cn_numeral.h"
#include "docframe.h"
#include "document.h"
#include "util.h"
#include "span.h"
#include "utf8.h"
#include "baogao.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define META_LINES 20
#define META_BYTES (64 * 1024)

/* A first line longer than this (in characters) is prose, not a title. */
#define TITLE_MAX_CHARS 80
/* A "dated line" ("（2017年10月18日）") is short; a long line with a date in it
 * is prose about that date. */
#define DATED_LINE_MAX_CHARS 40
/* The "first plausible year" fallback trusts only the very first lines. */
#define YEAR_FALLBACK_LINES 5


/* The opening lines of a report, trimmed, blank lines left out. */
typedef struct opening {
    span line[META_LINES];
    size_t n;
} opening;

/* ---- byte and UTF-8 helpers ------------------------------------------ */



static bool span_contains(span hay, span needle)
{
    for (size_t i = 0; i + needle.n <= hay.n; i++)
        if (memcmp(hay.p + i, needle.p, needle.n) == 0)
            return true;
    return false;
}




/* Byte length of the whitespace character at the start of s (ASCII, U+3000,
 * U+00A0, U+FEFF), 0 if none. */
static size_t leading_space(span s)
{
    if (s.n && (s.p[0] == ' ' || (s.p[0] >= '\t' && s.p[0] <= '\r')))
        return 1;
    if (span_starts_with(s, "\xE3\x80\x80") || span_starts_with(s, "\xEF\xBB\xBF"))
        return 3;
    return span_starts_with(s, "\xC2\xA0") ? 2 : 0;
}

static size_t trailing_space(span s)
{
    if (s.n && (s.p[s.n - 1] == ' ' || (s.p[s.n - 1] >= '\t' && s.p[s.n - 1] <= '\r')))
        return 1;
    if (span_ends_with(s, "\xE3\x80\x80") || span_ends_with(s, "\xEF\xBB\xBF"))
        return 3;
    return span_ends_with(s, "\xC2\xA0") ? 2 : 0;
}

static span trim_span(span s)
{
    size_t k;
    while ((k = leading_space(s)) > 0) {
        s.p += k;
        s.n -= k;
    }
    while ((k = trailing_space(s)) > 0)
        s.n -= k;
    return s;
}


static char *dup_span(span s)
{
    char *out = malloc(s.n + 1);
    if (out) {
        memcpy(out, s.p, s.n);
        out[s.n] = '\0';
    }
    return out;
}

/* ---- numbers --------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Value of the run of ASCII digits at p (at most max_digits, and not
 * followed by another digit), -1 if there is none. */
static int digits_at(const char *p, const char *end, int max_digits, const char **after)
{
    int value = 0, count = 0;
    while (p < end && is_digit(*p)) {
        if (++count > max_digits)
            return -1;
        value = value * 10 + (*p++ - '0');
    }
    if (!count)
        return -1;
    *after = p;
    return value;
}

/* The year 1900..2099 written as exactly four digits at p (which must not
 * follow a digit: the caller checks), its end in *after; 0 if none. */
static int year_at(const char *p, const char *end, const char **after)
{
    int y = digits_at(p, end, 4, after);
    return y >= 1900 && y <= 2099 && *after - p == 4 ? y : 0;
}

static bool starts_digit_run(span s, const char *p)
{
    return is_digit(*p) && (p == s.p || !is_digit(p[-1]));
}

/* The first year in s; when need_nian, only one followed by 年. 0 if none. */
static int find_year(span s, bool need_nian)
{
    const char *end = s.p + s.n, *after;
    for (const char *p = s.p; p < end; p++) {
        if (!starts_digit_run(s, p))
            continue;
        int y = year_at(p, end, &after);
        if (y && (!need_nian || span_starts_with(span_from(after, end), "年")))
            return y;
    }
    return 0;
}

/* Whether the text at p is "<literal><1..max>" ("月10"), leaving *p after it. */
static bool skip_unit_number(const char **p, const char *end, const char *lit, int max)
{
    if (!span_starts_with(span_from(*p, end), lit))
        return false;
    const char *q = *p + strlen(lit);
    int n = digits_at(q, end, 2, &q);
    if (n < 1 || n > max)
        return false;
    *p = q;
    return true;
}

/* The year of a full date such as 2017年10月18日 in s, 0 if none. */
static int find_full_date(span s)
{
    const char *end = s.p + s.n, *q;
    for (const char *p = s.p; p < end; p++) {
        if (!starts_digit_run(s, p))
            continue;
        int y = year_at(p, end, &q);
        if (y && skip_unit_number(&q, end, "年", 12) && skip_unit_number(&q, end, "月", 31) &&
            span_starts_with(span_from(q, end), "日"))
            return y;
    }
    return 0;
}

/* ---- opening lines --------------------------------------------------- */

static void read_opening(opening *op, const char *text, size_t len)
{
    if (len > META_BYTES)
        len = META_BYTES;
    const char *p = text, *end = text + len;
    op->n = 0;
    while (p < end && op->n < META_LINES) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        span s = trim_span(span_from(p, line_end));
        if (s.n)
            op->line[op->n++] = s;
        p = nl ? nl + 1 : end;
    }
}

/* ---- title ----------------------------------------------------------- */

/* A line starting like an outline heading (一、 （一） (一)) is not a title. */
static bool starts_like_heading(span s)
{
    const char *end = s.p + s.n, *q;
    if (bgi_cn_numeral_parse(s.p, end, &q) && span_starts_with(span_from(q, end), "、"))
        return true;
    return span_starts_with(s, "（") || span_starts_with(s, "(");
}

static bool looks_like_title(span s)
{
    static const char *const SENTENCE_PUNCT[] = {"。", "！", "？", "；", ";"};
    static const char *const OPENING_PUNCT[] = {"：", ":", "，", ","};
    if (!s.n || utf8_chars(s) > TITLE_MAX_CHARS || starts_like_heading(s))
        return false;
    for (size_t i = 0; i < sizeof SENTENCE_PUNCT / sizeof SENTENCE_PUNCT[0]; i++)
        if (span_has(s, SENTENCE_PUNCT[i]))
            return false;
    /* "各位代表：" opens a speech that has no title line. */
    for (size_t i = 0; i < sizeof OPENING_PUNCT / sizeof OPENING_PUNCT[0]; i++)
        if (span_ends_with(s, OPENING_PUNCT[i]))
            return false;
    return true;
}

/* The congress number of a trailing "(十八大)" / "（十八大）" note in a title,
 * 0 if there is none; *note_start gets where the note begins. */
static int congress_note(span s, const char **note_start)
{
    const char *end = s.p + s.n, *close;
    if (span_ends_with(s, ")"))
        close = end - 1;
    else if (span_ends_with(s, "）"))
        close = end - strlen("）");
    else
        return 0;
    for (const char *open = close; open > s.p; open--) {
        size_t olen = *open == '(' ? 1 : span_starts_with(span_from(open, end), "（") ? 3 : 0;
        if (!olen)
            continue;
        const char *q;
        int n = bgi_cn_numeral_parse(open + olen, close, &q);
        if (n && span_starts_with(span_from(q, close), "大") && q + strlen("大") == close) {
            *note_start = open;
            return n;
        }
        return 0;
    }
    return 0;
}

/* The title without a trailing congress note. */
static span clean_title(span s)
{
    const char *note;
    if (congress_note(s, &note))
        s = trim_span(span_from(s.p, note));
    return s;
}

/* "现将2022年度法治政府建设情况报告如下" → "2022年度法治政府建设情况报告". */
static bool title_from_opening_sentence(const opening *op, span *title)
{
    for (size_t i = 0; i < op->n; i++) {
        span s = op->line[i];
        const char *lead = find_bytes(s.p, s.n, "现将");
        if (!lead)
            continue;
        const char *start = lead + strlen("现将"), *end = s.p + s.n;
        const char *as_follows = find_bytes(start, (size_t)(end - start), "如下");
        if (!as_follows)
            continue;
        span t = trim_span(span_from(start, as_follows));
        if ((span_ends_with(t, "报告") || span_ends_with(t, "汇报")) && !span_has(t, "。") &&
            !span_has(t, "，") && !span_has(t, ",") && utf8_chars(t) <= TITLE_MAX_CHARS) {
            *title = t;
            return true;
        }
    }
    return false;
}

/* The year of the 现将YYYY年… sentence, 0 if none. */
static int year_from_opening_sentence(const opening *op)
{
    for (size_t i = 0; i < op->n; i++) {
        span s = op->line[i];
        const char *lead = find_bytes(s.p, s.n, "现将");
        if (!lead)
            continue;
        const char *p = lead + strlen("现将"), *end = s.p + s.n, *after;
        int y = year_at(p, end, &after);
        if (y && span_starts_with(span_from(after, end), "年"))
            return y;
    }
    return 0;
}

static char *base_name_without_extension(const char *filename)
{
    const char *base = strrchr(filename, '/');
    base = base ? base + 1 : filename;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return dup_span((span){base, n});
}

/* ---- congress reports ------------------------------------------------ */

/* Years of the national congresses of the CPC, 1st to 20th; later ones are
 * held every five years. */
static int congress_year(int n)
{
    static const int YEARS[] = {1921, 1922, 1923, 1925, 1927, 1928, 1945, 1956, 1969, 1973,
                                1977, 1982, 1987, 1992, 1997, 2002, 2007, 2012, 2017, 2022};
    if (n < 1)
        return 0;
    if (n <= 20)
        return YEARS[n - 1];
    return 2022 + 5 * (n - 20);
}

/* The number N in "第N<suffix>" anywhere in s, 0 if none. */
static int ordinal_before(span s, const char *suffix)
{
    const char *end = s.p + s.n, *p = s.p, *hit;
    while ((hit = find_bytes(p, (size_t)(end - p), "第")) != NULL) {
        const char *q;
        int n = bgi_cn_numeral_parse(hit + strlen("第"), end, &q);
        if (n && span_starts_with(span_from(q, end), suffix))
            return n;
        p = hit + strlen("第");
    }
    return 0;
}

/* Which national congress of the CPC the report was delivered to, 0 if it is
 * no congress report. */
static int congress_number(const opening *op)
{
    const char *note;
    int from_note = op->n ? congress_note(op->line[0], &note) : 0;
    int from_committee = 0;
    for (size_t i = 0; i < op->n; i++) {
        int n = ordinal_before(op->line[i], "次全国代表大会上的报告");
        if (n)
            return n;
        /* "我代表第十七届中央委员会向大会作报告": the outgoing committee. */
        if (!from_committee && span_has(op->line[i], "中央委员会向大会作报告")) {
            int c = ordinal_before(op->line[i], "届中央委员会");
            if (c)
                from_committee = c + 1;
        }
    }
    return from_committee ? from_committee : from_note;
}

/* ---- issuing body ---------------------------------------------------- */

/* Characters that end the name of an administrative area. */
static const char *const AREA_SUFFIXES[] = {"省", "市", "区", "县", "州", "旗", "盟", "镇", "乡"};

/* Characters that (almost) never occur in an area name but do in the prose
 * before one ("印发了…", "我们是人民政府", "各级人民政府", "2032年X市…"; 年
 * costs us 万年县). */
static const char *const NOT_IN_AREA_NAMES[] = {"的", "了", "和", "与", "及", "在", "是", "对",
                                                "为", "将", "向", "由", "各", "级", "我", "们",
                                                "作", "使", "等", "并", "年", "度"};

static bool ends_with_any(span s, const char *const *lits, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (span_ends_with(s, lits[i]))
            return true;
    return false;
}

/* Whether the CJK character at p (3 bytes, U+3400..U+9FFF) can be part of a
 * place name. */
static bool is_name_char(const char *p, const char *end)
{
    if (end - p < 3)
        return false;
    unsigned char b0 = (unsigned char)p[0];
    if (b0 < 0xE3 || b0 > 0xE9 || (b0 == 0xE3 && (unsigned char)p[1] < 0x90))
        return false;
    for (size_t i = 0; i < sizeof NOT_IN_AREA_NAMES / sizeof NOT_IN_AREA_NAMES[0]; i++)
        if (memcmp(p, NOT_IN_AREA_NAMES[i], 3) == 0)
            return false;
    return true;
}

/* The place just before the 人民政府 at gov in s ("韶关市曲江区"): the run of
 * name characters before it, which must end in an area suffix and be at
 * least three characters long. Empty if there is none. */
static span place_before(span s, const char *gov)
{
    const char *start = gov;
    while (start - s.p >= 3 && is_name_char(start - 3, gov) && gov - start < 16 * 3)
        start -= 3;
    span place = span_from(start, gov);
    size_t n_suffixes = sizeof AREA_SUFFIXES / sizeof AREA_SUFFIXES[0];
    bool is_area = ends_with_any(place, AREA_SUFFIXES, n_suffixes);
    return is_area && place.n >= 3 * 3 ? place : (span){gov, 0};
}

/* The most specific "<place>人民政府" in s (the longest place), or an empty
 * span. */
static span local_government_in(span s)
{
    span best = {s.p, 0};
    const char *end = s.p + s.n, *p = s.p, *gov;
    while ((gov = find_bytes(p, (size_t)(end - p), "人民政府")) != NULL) {
        span place = place_before(s, gov);
        if (place.n > best.n)
            best = place;
        p = gov + strlen("人民政府");
    }
    return best;
}

static span local_government(const opening *op)
{
    span best = {NULL, 0};
    for (size_t i = 0; i < op->n; i++) {
        span place = local_government_in(op->line[i]);
        if (place.n > best.n)
            best = place;
    }
    return best;
}

/* ---- detection ------------------------------------------------------- */

/* What detection found, as spans into the text (or owned fallbacks). */
typedef struct found {
    span title;
    bool title_from_text;     /* false: title is the file name */
    bool title_from_sentence; /* built from 现将…报告如下 */
    const char *body;         /* static string, or NULL when place is set */
    span place;               /* "<place>" of a local 人民政府 */
} found;

static void detect_title(found *f, const opening *op)
{
    if (op->n && looks_like_title(op->line[0])) {
        f->title = clean_title(op->line[0]);
        f->title_from_text = true;
    } else if (title_from_opening_sentence(op, &f->title)) {
        f->title_from_text = f->title_from_sentence = true;
    }
}

/* Whether one of the first n opening lines contains needle. */
static bool opening_has(const opening *op, size_t n, const char *needle)
{
    for (size_t i = 0; i < op->n && i < n; i++)
        if (span_has(op->line[i], needle))
            return true;
    return false;
}

static void detect_body(found *f, const opening *op, int congress)
{
    span place;
    if (f->title_from_text && !f->title_from_sentence && span_has(f->title, "国务院"))
        f->body = "国务院";
    else if (congress)
        f->body = "中国共产党中央委员会";
    else if (f->title_from_text && (place = local_government_in(f->title)).n)
        f->place = place;
    else if (opening_has(op, 4, "我代表国务院"))
        f->body = "国务院";
    else
        f->place = local_government(op);
}

/* The last year in a file name ("report-18th-2012.txt"): names put the
 * date at the end, after edition numbers and the like. */
static int year_in_file_name(const char *filename)
{
    const char *base = strrchr(filename, '/');
    base = base ? base + 1 : filename;
    span name = {base, strlen(base)};
    const char *end = name.p + name.n, *after;
    int last = 0;
    for (const char *p = name.p; p < end; p++) {
        int y = starts_digit_run(name, p) ? year_at(p, end, &after) : 0;
        if (y)
            last = y;
    }
    return last;
}

static int detect_year(const found *f, const opening *op, int congress, const char *filename)
{
    int y;
    if (f->title_from_text && (y = find_year(f->title, false)))
        return y;
    if ((y = year_from_opening_sentence(op)))
        return y;
    for (size_t i = 0; i < op->n && i < 10; i++)
        if (utf8_chars(op->line[i]) <= DATED_LINE_MAX_CHARS && (y = find_full_date(op->line[i])))
            return y;
    if (congress && (y = congress_year(congress)))
        return y;
    for (size_t i = 0; i < op->n && i < YEAR_FALLBACK_LINES; i++)
        if ((y = find_year(op->line[i], true)))
            return y;
    return filename ? year_in_file_name(filename) : 0;
}

/* Builds the owned title: the detected one, with the place prefixed to a
 * title built from the opening sentence ("韶关市曲江区" + "2022年度…报告"),
 * else the file name. */
static char *make_title(const found *f, const char *filename)
{
    if (!f->title_from_text)
        return filename ? base_name_without_extension(filename) : strdup("");
    if (f->title_from_sentence && f->place.n && !span_contains(f->title, f->place)) {
        char *out = malloc(f->place.n + f->title.n + 1);
        if (out) {
            memcpy(out, f->place.p, f->place.n);
            memcpy(out + f->place.n, f->title.p, f->title.n);
            out[f->place.n + f->title.n] = '\0';
        }
        return out;
    }
    return dup_span(f->title);
}

static char *make_body(const found *f)
{
    if (f->body)
        return strdup(f->body);
    if (!f->place.n)
        return strdup("");
    char *out = malloc(f->place.n + strlen("人民政府") + 1);
    if (out) {
        memcpy(out, f->place.p, f->place.n);
        strcpy(out + f->place.n, "人民政府");
    }
    return out;
}

/* ---- official documents and stated metadata ------------------------- */

/* Whether the old rules' year is the year the report is about (and must
 * not follow its date): a 政府工作报告, a congress report, a report titled
 * from its 现将…报告如下 sentence. */
static bool year_is_what_report_is_about(const found *f, int congress)
{
    return congress || f->title_from_sentence ||
           (f->title_from_text && span_has(f->title, "政府工作报告"));
}

static span trimmed(const char *s)
{
    return s ? trim_span((span){s, strlen(s)}) : (span){"", 0};
}

/* The bodies named at the start of a title, before 关于/印发/转发
 * ("中共中央办公厅 国务院办公厅关于…"), whitespace runs and 、 as one space;
 * NULL when the start names none. */
static char *bodies_from_title(const char *title)
{
    static const char *const LINKS[] = {"关于", "印发", "转发", "批转"};
    span t = trimmed(title);
    const char *cut = NULL;
    for (size_t i = 0; i < sizeof LINKS / sizeof LINKS[0]; i++) {
        const char *hit = find_bytes(t.p, t.n, LINKS[i]);
        if (hit && (!cut || hit < cut))
            cut = hit;
    }
    if (!cut)
        return NULL;
    span head = trim_span(span_from(t.p, cut));
    if (head.n < 6 || utf8_chars(head) > 40 || span_has(head, "《") || span_has(head, "，") ||
        span_has(head, "的"))
        return NULL;
    bgi_buf b = {0};
    const char *p = head.p, *end = head.p + head.n;
    bool gap = false;
    while (p < end) {
        span rest = span_from(p, end);
        size_t k = leading_space(rest);
        if (!k && span_starts_with(rest, "、"))
            k = strlen("、");
        if (k) {
            gap = true;
            p += k;
            continue;
        }
        if ((gap && b.len && bgi_buf_append(&b, " ", 1)) || bgi_buf_append(&b, p, 1)) {
            bgi_buf_free(&b);
            return NULL;
        }
        gap = false;
        p++;
    }
    /* The start must end like a body (国务院, …办公厅, …人民政府, 中共中央). */
    static const char *const ENDINGS[] = {"院", "中央", "厅", "室", "政府", "委", "部", "局",
                                          "署", "会", "行", "中心", "组", "办", "党组"};
    bool body_like = false;
    for (size_t i = 0; b.data && i < sizeof ENDINGS / sizeof ENDINGS[0]; i++)
        body_like |= span_ends_with((span){b.data, b.len}, ENDINGS[i]);
    if (!body_like) {
        bgi_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* The first plausible year in a 发文字号 ("国发〔2023〕1号" → 2023), 0 if none. */
static int year_of_docno(const char *docno)
{
    return docno ? find_year((span){docno, strlen(docno)}, false) : 0;
}

static int year_of_date(const char *date)
{
    return date ? atoi(date) : 0;
}

/* Replaces *dst by s, which is NULL when it could not be allocated. */
static int take_owned(char **dst, char *s)
{
    if (!s)
        return BG_ENOMEM;
    free(*dst);
    *dst = s;
    return 0;
}

/* Joint issuers written without the space between them, as HTML and PDF
 * readers give them when the names meet a CJK neighbour ("中共中央国务院",
 * "中共中央办公厅国务院办公厅"): a space goes where one body's name ends and
 * another's begins. Only where the name that follows starts like a body of
 * its own, so "中共中央宣传部" stays whole. */
static char *split_joint_bodies(const char *body)
{
    static const char *const ends[] = {"中央", "国务院", "办公厅", "委员会", "人民政府", "常委会",
                                       "办公室", "省委", "市委", "区委", "县委", "军委"};
    static const char *const starts[] = {"中共", "中国共产党", "国务院", "全国人大", "全国人民代表大会",
                                         "全国政协", "中央", "最高人民法院", "最高人民检察院",
                                         "中华人民共和国"};
    size_t n = strlen(body);
    char *out = malloc(2 * n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        out[o++] = body[i];
        if (i + 1 >= n || ((unsigned char)body[i + 1] & 0xC0) == 0x80 || body[i + 1] == ' ')
            continue;
        span before = {body, i + 1}, after = {body + i + 1, n - i - 1};
        bool end = false, start = false;
        for (size_t k = 0; k < sizeof ends / sizeof *ends && !end; k++)
            end = span_ends_with(before, ends[k]);
        for (size_t k = 0; end && k < sizeof starts / sizeof *starts && !start; k++)
            start = span_starts_with(after, starts[k]);
        if (end && start)
            out[o++] = ' ';
    }
    out[o] = '\0';
    return out;
}

/* Title, body, date, docno from the frame and what the source states. */
static int merge_official(bgi_meta *out, const bgi_docframe *fr, const bgi_doc_meta *stated)
{
    span st_title = trimmed(stated ? stated->title : NULL);
    span st_body = trimmed(stated ? stated->body : NULL);
    span st_docno = trimmed(stated ? stated->docno : NULL);
    char date[11] = "";
    if (stated && stated->date)
        bgi_date_normalize(date, sizeof date, stated->date, strlen(stated->date));
    if (!date[0])
        memcpy(date, fr->date, sizeof date);

    bool title_is_official = st_title.n || (fr->official && fr->title && fr->title[0]);
    if (st_title.n) {
        if (take_owned(&out->title, dup_span(st_title)))
            return BG_ENOMEM;
    } else if (fr->official && fr->title && fr->title[0]) {
        if (take_owned(&out->title, strdup(fr->title)))
            return BG_ENOMEM;
    }
    char *from_title = NULL;
    if (st_body.n) {
        if (take_owned(&out->body, dup_span(st_body)))
            return BG_ENOMEM;
    } else if (fr->signer && fr->signer[0]) {
        if (take_owned(&out->body, strdup(fr->signer)))
            return BG_ENOMEM;
    } else if (title_is_official && (from_title = bodies_from_title(out->title)) != NULL) {
        take_owned(&out->body, from_title);
    }
    if (st_docno.n) {
        if (take_owned(&out->docno, dup_span(st_docno)))
            return BG_ENOMEM;
    } else if (fr->docno && take_owned(&out->docno, strdup(fr->docno))) {
        return BG_ENOMEM;
    }
    if (date[0] && take_owned(&out->date, strdup(date)))
        return BG_ENOMEM;
    if ((fr->official || st_body.n) && out->body && take_owned(&out->body, split_joint_bodies(out->body)))
        return BG_ENOMEM;
    return 0;
}

/* Whether the old rules took a frame line for the title: an official
 * document without title lines whose first line is its 发文字号 or 版头
 * ("国发〔2023〕1号"); the file name is a better title then. */
static bool frame_line_taken_for_title(const found *f, const opening *op, const bgi_docframe *fr,
                                       const char *text, const bgi_doc_meta *stated)
{
    if (!fr->official || (fr->title && fr->title[0]) || trimmed(stated ? stated->title : NULL).n ||
        !f->title_from_text || f->title_from_sentence || !op->n)
        return false;
    size_t line = 1;
    for (const char *p = text; p < op->line[0].p; p++)
        line += *p == '\n';
    return bgi_docframe_role(fr, line) != 0;
}

static int detect_year_official(const bgi_meta *m)
{
    int y = year_of_date(m->date);
    if (!y)
        y = year_of_docno(m->docno);
    if (!y)
        y = find_year(trimmed(m->title), false);
    return y;
}

int bgi_meta_detect_doc(bgi_meta *out, const char *text, size_t len, const char *filename,
                       const bgi_doc_meta *stated, const bgi_docframe *frame, bgi_err *err)
{
    memset(out, 0, sizeof *out);
    opening op;
    read_opening(&op, text ? text : "", text ? len : 0);

    found f = {0};
    int congress = congress_number(&op);
    detect_title(&f, &op);
    detect_body(&f, &op, congress);
    out->year = detect_year(&f, &op, congress, filename);
    out->title = make_title(&f, filename);
    out->body = make_body(&f);
    if (!out->title || !out->body) {
        bgi_meta_clear(out);
        return bgi_err_set(err, BG_ENOMEM, "out of memory detecting report metadata");
    }

    /* The indexer has found the frame already (it leaves the frame's lines
     * out of the passages); callers without one have it found here. */
    bgi_docframe own = {0};
    int rc = frame ? 0 : bgi_docframe_find(&own, text, text ? len : 0, err);
    if (rc) {
        bgi_meta_clear(out);
        return rc;
    }
    const bgi_docframe *fr = frame ? frame : &own;
    rc = merge_official(out, fr, stated);
    if (!rc && frame_line_taken_for_title(&f, &op, fr, text, stated))
        rc = take_owned(&out->title, filename ? base_name_without_extension(filename) : strdup(""));
    if (!rc)
        rc = take_owned(&out->kind, strdup(bgi_doc_kind(out->title)));
    if (!rc) {
        /* A 发文字号 stated by the source makes an official document too. */
        bool official = fr->official || out->docno;
        int title_year = find_year(trimmed(out->title), false);
        if (!official && year_is_what_report_is_about(&f, congress))
            ; /* the old rules' year stands */
        else if (strcmp(out->kind, "报告") == 0 && title_year)
            out->year = title_year; /* "关于2022年度…的报告", written in 2023 */
        else if (official)
            out->year = detect_year_official(out);
        else if (out->date)
            out->year = year_of_date(out->date);
    }
    bgi_docframe_clear(&own);
    if (rc) {
        bgi_meta_clear(out);
        return bgi_err_set(err, BG_ENOMEM, "out of memory detecting report metadata");
    }
    return 0;
}

int bgi_meta_detect(bgi_meta *out, const char *text, size_t len, const char *filename, bgi_err *err)
{
    return bgi_meta_detect_doc(out, text, len, filename, NULL, NULL, err);
}

void bgi_meta_clear(bgi_meta *m)
{
    if (!m)
        return;
    free(m->title);
    free(m->body);
    free(m->date);
    free(m->docno);
    free(m->kind);
    memset(m, 0, sizeof *m);
}

/* ---- MANIFEST.tsv ---------------------------------------------------- */

typedef struct manifest_entry {
    char *file; /* base name */
    char *title;
    char *body;
    int year;     /* 0 = keep the detected year */
    char date[11]; /* "YYYY-MM-DD", "" = keep the detected date */
    char *docno;
    size_t line;  /* where the entry was, for duplicate errors */
} manifest_entry;

struct bgi_manifest {
    manifest_entry *entries; /* sorted by file once loaded */
    size_t n, cap;
};

enum { COL_FILE, COL_TITLE, COL_BODY, COL_YEAR, COL_DATE, COL_DOCNO, N_COLS };

static const char *const COLUMN_NAMES[N_COLS] = {"file", "title", "body", "year", "date", "docno"};

/* Where each known column is in a row (-1: absent). */
typedef struct columns {
    int index[N_COLS];
} columns;


/* Splits the row [p, end) at tabs into at most max trimmed fields; returns
 * how many it has (fields past max are ignored). */
static size_t split_fields(span *fields, size_t max, const char *p, const char *end)
{
    size_t n = 0;
    for (;;) {
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        const char *field_end = tab ? tab : end;
        if (n < max)
            fields[n] = trim_span(span_from(p, field_end));
        n++;
        if (!tab)
            break;
        p = tab + 1;
    }
    return n < max ? n : max;
}

#define MAX_FIELDS 32

static bool span_equals(span s, const char *lit)
{
    return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

/* The first row is a header when one of its columns is named "file" (a
 * report named "file" is not worth the ambiguity). */
static bool is_header(const span *fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (span_equals(fields[i], "file"))
            return true;
    return false;
}

static void map_header(columns *cols, const span *fields, size_t n)
{
    for (int c = 0; c < N_COLS; c++) {
        cols->index[c] = -1;
        for (size_t i = 0; i < n; i++)
            if (span_equals(fields[i], COLUMN_NAMES[c])) {
                cols->index[c] = (int)i;
                break;
            }
    }
}

static span column(const columns *cols, int c, const span *fields, size_t n)
{
    int i = cols->index[c];
    return i >= 0 && (size_t)i < n ? fields[i] : (span){"", 0};
}

/* The base name of a manifest's file column ("sub/x.txt" → "x.txt"). */
static span base_of(span s)
{
    for (size_t i = s.n; i > 0; i--)
        if (s.p[i - 1] == '/')
            return span_from(s.p + i, s.p + s.n);
    return s;
}

static int parse_year(int *year, span s, const char *path, size_t lineno, bgi_err *err)
{
    *year = 0;
    if (!s.n)
        return 0;
    for (size_t i = 0; i < s.n; i++)
        if (!is_digit(s.p[i]))
            return bgi_err_set(err, BG_EPARSE, "%s:%zu: year '%.*s' is not a number", path, lineno,
                              (int)(s.n > 40 ? 40 : s.n), s.p);
    if (s.n != 4 || s.p[0] == '0')
        return bgi_err_set(err, BG_EPARSE, "%s:%zu: year '%.*s' is not a four-digit year", path,
                          lineno, (int)(s.n > 40 ? 40 : s.n), s.p);
    *year = (s.p[0] - '0') * 1000 + (s.p[1] - '0') * 100 + (s.p[2] - '0') * 10 + (s.p[3] - '0');
    return 0;
}

static int parse_date_field(char date[11], span s, const char *path, size_t lineno, bgi_err *err)
{
    date[0] = '\0';
    if (s.n && bgi_date_normalize(date, 11, s.p, s.n))
        return bgi_err_set(err, BG_EPARSE, "%s:%zu: date '%.*s' is not a date", path, lineno,
                          (int)bgi_utf8_clip(s.p, s.n, 40), s.p);
    return 0;
}

static void free_entry(manifest_entry *e)
{
    free(e->file);
    free(e->title);
    free(e->body);
    free(e->docno);
}

/* The fields of one row. */
typedef struct row_fields {
    span file, title, body, docno;
    int year;
    char date[11];
} row_fields;

static int add_entry(bgi_manifest *mf, const row_fields *r, size_t lineno)
{
    if (bgi_grow(&mf->entries, &mf->cap, mf->n, sizeof *mf->entries, 16))
        return BG_ENOMEM;
    manifest_entry e = {dup_span(r->file), dup_span(r->title), dup_span(r->body), r->year, "",
                        dup_span(r->docno), lineno};
    memcpy(e.date, r->date, sizeof e.date);
    if (!e.file || !e.title || !e.body || !e.docno) {
        free_entry(&e);
        return BG_ENOMEM;
    }
    mf->entries[mf->n++] = e;
    return 0;
}

/* Parses one data row into an entry. */
static int parse_row(bgi_manifest *mf, const columns *cols, const span *fields, size_t n,
                     const char *path, size_t lineno, bgi_err *err)
{
    row_fields r = {.file = base_of(column(cols, COL_FILE, fields, n)),
                    .title = column(cols, COL_TITLE, fields, n),
                    .body = column(cols, COL_BODY, fields, n),
                    .docno = column(cols, COL_DOCNO, fields, n)};
    if (!r.file.n)
        return bgi_err_set(err, BG_EPARSE, "%s:%zu: no file name in the first column", path, lineno);
    int rc = parse_year(&r.year, column(cols, COL_YEAR, fields, n), path, lineno, err);
    if (!rc)
        rc = parse_date_field(r.date, column(cols, COL_DATE, fields, n), path, lineno, err);
    if (rc)
        return rc;
    rc = add_entry(mf, &r, lineno);
    return rc ? bgi_err_set(err, rc, "out of memory loading %s", path) : 0;
}

static int parse_manifest(bgi_manifest *mf, const char *text, size_t len, const char *path,
                          bgi_err *err)
{
    /* Without a header: file, title, body, year; date and docno only by name. */
    columns cols = {{COL_FILE, COL_TITLE, COL_BODY, COL_YEAR, -1, -1}};
    bool first_row = true;
    const char *p = text, *end = text + len;
    if (span_starts_with(span_from(p, end), "\xEF\xBB\xBF"))
        p += 3;
    for (size_t lineno = 1; p < end; lineno++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        span row = span_from(p, line_end);
        p = nl ? nl + 1 : end;
        if (row.n && row.p[row.n - 1] == '\r')
            row.n--;
        span fields[MAX_FIELDS];
        size_t n = split_fields(fields, MAX_FIELDS, row.p, row.p + row.n);
        bool blank = true;
        for (size_t i = 0; i < n && blank; i++)
            blank = fields[i].n == 0;
        if (blank || span_starts_with(fields[0], "#"))
            continue;
        if (first_row && is_header(fields, n)) {
            map_header(&cols, fields, n);
            first_row = false;
            continue;
        }
        first_row = false;
        int rc = parse_row(mf, &cols, fields, n, path, lineno, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int compare_entries(const void *a, const void *b)
{
    const manifest_entry *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* After sorting, equal names are neighbours: name the later line. */
static int check_duplicates(const bgi_manifest *mf, const char *path, bgi_err *err)
{
    for (size_t i = 1; i < mf->n; i++)
        if (strcmp(mf->entries[i - 1].file, mf->entries[i].file) == 0)
            return bgi_err_set(err, BG_EPARSE, "%s:%zu: '%s' is already listed on line %zu", path,
                              mf->entries[i].line, mf->entries[i].file, mf->entries[i - 1].line);
    return 0;
}

int bgi_manifest_load(bgi_manifest **out, const char *path, bgi_err *err)
{
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    int rc = bgi_read_file(&text, &len, path, err);
    if (rc)
        return rc;
    bgi_manifest *mf = calloc(1, sizeof *mf);
    if (!mf) {
        free(text);
        return bgi_err_set(err, BG_ENOMEM, "out of memory loading %s", path);
    }
    rc = parse_manifest(mf, text, len, path, err);
    free(text);
    if (!rc && mf->n > 1) {
        qsort(mf->entries, mf->n, sizeof *mf->entries, compare_entries);
        rc = check_duplicates(mf, path, err);
    }
    if (rc) {
        bgi_manifest_free(mf);
        return rc;
    }
    *out = mf;
    return 0;
}

void bgi_manifest_free(bgi_manifest *mf)
{
    if (!mf)
        return;
    for (size_t i = 0; i < mf->n; i++)
        free_entry(&mf->entries[i]);
    free(mf->entries);
    free(mf);
}

static int compare_name_to_entry(const void *key, const void *entry)
{
    return strcmp(key, ((const manifest_entry *)entry)->file);
}

/* Replaces *field by a copy of value when value is not empty. */
static void replace_field(char **field, char **copy)
{
    if (*copy) {
        free(*field);
        *field = *copy;
        *copy = NULL;
    }
}

int bgi_manifest_apply(const bgi_manifest *mf, const char *basename, bgi_meta *m)
{
    if (!mf || !basename || !m || !mf->n)
        return 0;
    const char *slash = strrchr(basename, '/');
    const char *name = slash ? slash + 1 : basename;
    const manifest_entry *e =
        bsearch(name, mf->entries, mf->n, sizeof *mf->entries, compare_name_to_entry);
    if (!e)
        return 0;
    /* Copy first, so that running out of memory leaves m as it was. */
    char *title = e->title[0] ? strdup(e->title) : NULL;
    char *body = e->body[0] ? strdup(e->body) : NULL;
    char *date = e->date[0] ? strdup(e->date) : NULL;
    char *docno = e->docno[0] ? strdup(e->docno) : NULL;
    char *kind = e->title[0] ? strdup(bgi_doc_kind(e->title)) : NULL;
    if ((e->title[0] && (!title || !kind)) || (e->body[0] && !body) || (e->date[0] && !date) ||
        (e->docno[0] && !docno)) {
        free(title);
        free(body);
        free(date);
        free(docno);
        free(kind);
        return BG_ENOMEM;
    }
    replace_field(&m->title, &title);
    replace_field(&m->body, &body);
    replace_field(&m->date, &date);
    replace_field(&m->docno, &docno);
    replace_field(&m->kind, &kind);
    if (e->year)
        m->year = e->year;
    return 1;
}
