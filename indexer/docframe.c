/* docframe.c — finds the GB/T 9704 frame of an official document (title,
 * 发文字号, 主送, signature, 成文日期, 附注, attachments, 抄送/印发, page
 * numbers) in a text of one paragraph per line; see docframe.h.
 *
 * The frame is found from the layout alone: where a line is (at the top,
 * right above the end of the main text, at the very end) and what it looks
 * like as a whole. A date or document number inside a paragraph is never
 * part of the frame: what the text mentions is not what it states about
 * itself. All matching is on UTF-8 bytes. */
#include "docframe.h"
#include "cn_numeral.h"
#include "util.h"
#include "span.h"
#include "utf8.h"
#include "baogao.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Title lines of the standard are short; a longer line is prose. */
#define TITLE_LINE_MAX_CHARS 60
#define TITLE_MAX_LINES 3
/* How many non-blank lines from the top may hold 版头, title, 发文字号, 主送. */
#define TOP_LINES 12
#define ADDRESSEE_MAX_CHARS 100
#define SIGNATURE_MAX_CHARS 30
#define SIGNATURE_MAX_LINES 3
#define NOTE_MAX_CHARS 40
/* 抄送 may wrap over a few lines above the 印发 line. */
#define CC_MAX_LINES 5


/* ---- byte and UTF-8 helpers ------------------------------------------ */







/* The code point at *p (advancing *p), -1 for a malformed sequence (one byte
 * skipped). */
static long next_cp(const char **p, const char *end)
{
    const unsigned char *s = (const unsigned char *)*p;
    size_t avail = (size_t)(end - *p);
    if (s[0] < 0x80) {
        *p += 1;
        return s[0];
    }
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (!len || len > avail) {
        *p += 1;
        return -1;
    }
    long cp = s[0] & (0x3F >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *p += 1;
            return -1;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *p += len;
    return cp;
}

static bool is_space_cp(long cp)
{
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x3000 || cp == 0xA0 || cp == 0xFEFF;
}

/* Byte length of the whitespace character at p, 0 if none. */
static size_t space_at(const char *p, const char *end)
{
    const char *q = p;
    return p < end && is_space_cp(next_cp(&q, end)) ? (size_t)(q - p) : 0;
}

static span trim(span s)
{
    size_t k;
    while (s.n && (k = space_at(s.p, s.p + s.n)) > 0) {
        s.p += k;
        s.n -= k;
    }
    while (s.n) {
        /* Whitespace characters are 1 to 3 bytes long. */
        size_t back = 0;
        for (size_t b = 1; b <= 3 && b <= s.n; b++)
            if (space_at(s.p + s.n - b, s.p + s.n) == b) {
                back = b;
                break;
            }
        if (!back)
            break;
        s.n -= back;
    }
    return s;
}

static bool is_cjk(long cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
}

/* An ASCII or full-width digit's value, -1 otherwise. */
static int digit_value(long cp)
{
    if (cp >= '0' && cp <= '9')
        return (int)(cp - '0');
    if (cp >= 0xFF10 && cp <= 0xFF19)
        return (int)(cp - 0xFF10);
    return -1;
}

/* Skips whitespace at *p. */
static void skip_spaces(const char **p, const char *end)
{
    size_t k;
    while ((k = space_at(*p, end)) > 0)
        *p += k;
}

/* A run of 1..max_digits digits (ASCII or full-width) at *p, advancing *p;
 * -1 if there is none or it is longer. */
static int number_at(const char **p, const char *end, int max_digits)
{
    const char *q = *p;
    int value = 0, count = 0;
    while (q < end) {
        const char *r = q;
        int d = digit_value(next_cp(&r, end));
        if (d < 0)
            break;
        if (++count > max_digits)
            return -1;
        value = value * 10 + d;
        q = r;
    }
    if (!count)
        return -1;
    *p = q;
    return value;
}

static bool take_lit(const char **p, const char *end, const char *lit)
{
    if (!span_starts_with(span_from(*p, end), lit))
        return false;
    *p += strlen(lit);
    return true;
}

/* ---- dates ----------------------------------------------------------- */

static int days_in_month(int y, int m)
{
    static const int DAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : DAYS[m - 1];
}

/* A digit of a year written in Chinese numerals (二〇二三), -1 otherwise. */
static int cn_year_digit(const char **p, const char *end)
{
    static const char *const ZEROS[] = {"〇", "○", "零", "O", "o", "0", "０", "◯"};
    static const char *const DIGITS[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九"};
    for (size_t i = 0; i < sizeof ZEROS / sizeof ZEROS[0]; i++)
        if (take_lit(p, end, ZEROS[i]))
            return 0;
    for (int d = 0; d < 9; d++)
        if (take_lit(p, end, DIGITS[d]))
            return d + 1;
    return -1;
}

static int cn_year_at(const char **p, const char *end)
{
    const char *q = *p;
    int y = 0;
    for (int i = 0; i < 4; i++) {
        int d = cn_year_digit(&q, end);
        if (d < 0)
            return -1;
        y = y * 10 + d;
    }
    *p = q;
    return y;
}

/* A number written in digits or in Chinese numerals (三, 十二, 三十一). */
static int small_number_at(const char **p, const char *end)
{
    int n = number_at(p, end, 2);
    if (n >= 0)
        return n;
    const char *q;
    n = bgi_cn_numeral_parse(*p, end, &q);
    if (!n)
        return -1;
    *p = q;
    return n;
}

/* "YYYY年M月D日" (digits or Chinese numerals, spaces allowed between the
 * parts), leaving *p after it. */
static bool written_date_at(const char **p, const char *end, int *y, int *m, int *d)
{
    const char *q = *p;
    *y = number_at(&q, end, 4);
    if (*y < 0 && (*y = cn_year_at(&q, end)) < 0)
        return false;
    skip_spaces(&q, end);
    if (!take_lit(&q, end, "年"))
        return false;
    skip_spaces(&q, end);
    *m = small_number_at(&q, end);
    skip_spaces(&q, end);
    if (*m < 0 || !take_lit(&q, end, "月"))
        return false;
    skip_spaces(&q, end);
    *d = small_number_at(&q, end);
    skip_spaces(&q, end);
    if (*d < 0 || !(take_lit(&q, end, "日") || take_lit(&q, end, "号")))
        return false;
    *p = q;
    return true;
}

/* "YYYY-MM-DD", "YYYY/M/D", "YYYY.M.D", leaving *p after it. */
static bool numeric_date_at(const char **p, const char *end, int *y, int *m, int *d)
{
    const char *q = *p;
    *y = number_at(&q, end, 4);
    if (*y < 0 || q >= end)
        return false;
    char sep = *q;
    if (sep != '-' && sep != '/' && sep != '.')
        return false;
    q++;
    *m = number_at(&q, end, 2);
    if (*m < 0 || q >= end || *q != sep)
        return false;
    q++;
    *d = number_at(&q, end, 2);
    if (*d < 0)
        return false;
    *p = q;
    return true;
}

/* Whether [p, end) is empty or a time of day ("10:30", "T10:30:00"). */
static bool only_time_left(const char *p, const char *end)
{
    skip_spaces(&p, end);
    if (p < end && *p == 'T')
        p++;
    for (; p < end; p++)
        if (!((*p >= '0' && *p <= '9') || *p == ':' || *p == ' '))
            return false;
    return true;
}

static bool valid_date(int y, int m, int d)
{
    return y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

static void format_date(char out[11], int y, int m, int d)
{
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
}

/* The date that s is as a whole into out[11]; false if it is none. */
static bool parse_date(span s, char out[11])
{
    s = trim(s);
    const char *p = s.p, *end = s.p + s.n;
    int y, m, d;
    bool ok = false;
    if (written_date_at(&p, end, &y, &m, &d))
        ok = trim(span_from(p, end)).n == 0;
    else if ((p = s.p, numeric_date_at(&p, end, &y, &m, &d)))
        ok = only_time_left(p, end);
    if (!ok || !valid_date(y, m, d))
        return false;
    format_date(out, y, m, d);
    return true;
}

int bgi_date_normalize(char *out, size_t cap, const char *in, size_t n)
{
    char date[11];
    if (cap)
        out[0] = '\0';
    if (!in || !parse_date((span){in, n}, date))
        return BG_EINVAL;
    if (cap < sizeof date)
        return BG_ETOOBIG;
    memcpy(out, date, sizeof date);
    return 0;
}

/* ---- document numbers ------------------------------------------------ */

static bool is_open_bracket(long cp)
{
    return cp == 0x3014 || cp == '[' || cp == 0xFF3B || cp == 0xFF08 || cp == '(' ||
           cp == 0x3010 || cp == 0xFE5D;
}

static bool is_close_bracket(long cp)
{
    return cp == 0x3015 || cp == ']' || cp == 0xFF3D || cp == 0xFF09 || cp == ')' ||
           cp == 0x3011 || cp == 0xFE5E;
}

/* A 发文字号 at p: 1-12 CJK characters, a bracketed year, a number and 号
 * ("国办函〔2021〕88号"), spaces allowed between the parts; its end in
 * *after. */
static bool docno_at(const char *p, const char *end, const char **after)
{
    const char *q = p, *r;
    size_t prefix = 0;
    while (q < end && (r = q, is_cjk(next_cp(&r, end))) && prefix < 12) {
        q = r;
        prefix++;
    }
    if (!prefix)
        return false;
    skip_spaces(&q, end);
    r = q;
    if (q >= end || !is_open_bracket(next_cp(&r, end)))
        return false;
    q = r;
    skip_spaces(&q, end);
    int year = number_at(&q, end, 4);
    if (year < 1949 || year > 2099)
        return false;
    skip_spaces(&q, end);
    r = q;
    if (q >= end || !is_close_bracket(next_cp(&r, end)))
        return false;
    q = r;
    skip_spaces(&q, end);
    if (number_at(&q, end, 5) < 0)
        return false;
    skip_spaces(&q, end);
    if (!take_lit(&q, end, "号"))
        return false;
    *after = q;
    return true;
}

/* Whether line s is a 发文字号 line; the number as written in *docno. The
 * 签发人 of a report to a higher body may follow on the same line. */
static bool docno_line(span s, span *docno)
{
    const char *after;
    if (!s.n || !docno_at(s.p, s.p + s.n, &after))
        return false;
    span rest = trim(span_from(after, s.p + s.n));
    if (rest.n && !span_starts_with(rest, "签发人"))
        return false;
    *docno = span_from(s.p, after);
    return true;
}

/* ---- kinds of document ----------------------------------------------- */

/* Longer words first where one ends another (命令 before 令). */
static const char *const KINDS[] = {
    "命令", "报告", "意见", "通知", "通报", "决定", "批复", "公告", "通告", "规划", "纲要",
    "方案", "办法", "规定", "条例", "细则", "决议", "公报", "纪要", "议案", "请示", "讲话",
    "计划", "规则", "要点", "指南", "答复", "函",   "令",
};

/* s without trailing notes in brackets ("（试行）", "（2021—2035年）"). */
static span strip_trailing_notes(span s)
{
    for (int round = 0; round < 3; round++) {
        s = trim(s);
        const char *open = NULL;
        if (span_ends_with(s, "）"))
            open = "（";
        else if (span_ends_with(s, ")"))
            open = "(";
        if (!open)
            break;
        const char *hit = NULL, *p = s.p;
        const char *h;
        while ((h = find_bytes(p, (size_t)(s.p + s.n - p), open)) != NULL) {
            hit = h;
            p = h + 1;
        }
        if (!hit || hit == s.p)
            break;
        s = span_from(s.p, hit);
    }
    return s;
}

static const char *kind_of(span title)
{
    span s = strip_trailing_notes(title);
    for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
        if (span_ends_with(s, KINDS[i]))
            return KINDS[i];
    return "";
}

const char *bgi_doc_kind(const char *title)
{
    return title ? kind_of((span){title, strlen(title)}) : "";
}

/* ---- what lines look like -------------------------------------------- */

static bool has_sentence_punct(span s)
{
    static const char *const PUNCT[] = {"。", "！", "？", "；", ";", "!", "?"};
    return span_has_any(s, PUNCT, sizeof PUNCT / sizeof PUNCT[0]);
}

static bool has_clause_punct(span s)
{
    static const char *const PUNCT[] = {"，", ",", "：", ":"};
    return span_has_any(s, PUNCT, sizeof PUNCT / sizeof PUNCT[0]);
}

/* 一、 （一） 1． 第一章 第三条: an outline heading or an article. */
static bool starts_like_heading(span s)
{
    const char *end = s.p + s.n, *q;
    if (bgi_cn_numeral_parse(s.p, end, &q) && span_starts_with(span_from(q, end), "、"))
        return true;
    q = s.p;
    if (number_at(&q, end, 3) >= 0)
        return true;
    if (span_starts_with(s, "第") && bgi_cn_numeral_parse(s.p + strlen("第"), end, &q))
        return span_starts_with(span_from(q, end), "章") || span_starts_with(span_from(q, end), "条") ||
               span_starts_with(span_from(q, end), "节") || span_starts_with(span_from(q, end), "部分");
    return false;
}

/* A bracketed note that may end a title: "（2021—2035年）", "（试行）";
 * not a dated note ("（2019年3月2日修订）"), which tells the history. */
static bool title_note_line(span s)
{
    return (span_starts_with(s, "（") && span_ends_with(s, "）") && utf8_chars(s) <= 20 &&
            !has_clause_punct(s) && !has_sentence_punct(s) && !span_has(s, "日"));
}

static bool is_date_line(span s)
{
    char date[11];
    return parse_date(s, date);
}

/* One line of a title: short, no sentence, not a heading, date or number;
 * a bracketed note only after the first line. */
static bool title_fragment(span s, bool first)
{
    span docno;
    if (!s.n || utf8_chars(s) > TITLE_LINE_MAX_CHARS || has_sentence_punct(s))
        return false;
    if (!first && title_note_line(s))
        return true;
    /* A later line may start inside brackets when the title wraps there
     * ("国务院关于同意设立中国" / "（云南省）自由贸易试验区的批复"). */
    bool wrapped_bracket = !first && span_starts_with(s, "（") && !span_ends_with(s, "）");
    if ((span_starts_with(s, "（") && !wrapped_bracket) || span_starts_with(s, "(") ||
        span_starts_with(s, "——") || span_starts_with(s, "-") || span_starts_with(s, "附件") ||
        (first && (span_starts_with(s, "—") || span_starts_with(s, "《"))))
        return false;
    /* A title wraps after 、 ("…提高产品、" / "工程和服务质量的意见"). */
    static const char *const OPEN_ENDS[] = {"：", ":", "，", ","};
    for (size_t i = 0; i < sizeof OPEN_ENDS / sizeof OPEN_ENDS[0]; i++)
        if (span_ends_with(s, OPEN_ENDS[i]))
            return false;
    return !starts_like_heading(s) && !is_date_line(s) && !docno_line(s, &docno);
}

/* Endings of the names of issuing bodies (国务院, 国务院办公厅, 中共中央,
 * 广东省人民政府, 国家发展和改革委员会, 海关总署, 中国人民银行, …). */
static const char *const BODY_ENDINGS[] = {"院", "中央", "厅", "室", "政府", "委", "部", "局",
                                           "署", "会", "行", "中心", "组", "处", "社", "军",
                                           "办", "党组"};

static bool names_one_body(span s, void *ctx)
{
    (void)ctx;
    if (s.n < 6 || utf8_chars(s) > 20)
        return false;
    return span_ends_with_any(s, BODY_ENDINGS, sizeof BODY_ENDINGS / sizeof BODY_ENDINGS[0]);
}

/* Calls each(part, ctx) for the parts of s separated by whitespace or 、;
 * returns how many parts there were, or 0 as soon as each() says no. */
static size_t each_part(span s, bool (*each)(span part, void *ctx), void *ctx)
{
    const char *p = s.p, *end = s.p + s.n;
    size_t parts = 0;
    while (p < end) {
        skip_spaces(&p, end);
        while (take_lit(&p, end, "、"))
            skip_spaces(&p, end);
        const char *start = p;
        while (p < end && !space_at(p, end) && !span_starts_with(span_from(p, end), "、")) {
            const char *q = p;
            next_cp(&q, end);
            p = q;
        }
        if (p > start) {
            if (!each(span_from(start, p), ctx))
                return 0;
            parts++;
        }
    }
    return parts;
}

/* A line naming one or more issuing bodies ("中共中央 国务院"). */
static bool names_bodies(span s)
{
    if (!s.n || utf8_chars(s) > SIGNATURE_MAX_CHARS || has_sentence_punct(s) ||
        has_clause_punct(s) || starts_like_heading(s) || span_starts_with(s, "附件"))
        return false;
    return each_part(s, names_one_body, NULL) > 0;
}

static bool is_dash_cp(long cp)
{
    return cp == '-' || cp == 0x2014 || cp == 0x2013 || cp == 0x2015 || cp == 0xFF0D ||
           cp == 0x2500 || cp == 0x2212;
}

/* "— 3 —", "- 3 -", "－3－", "第3页", "第 3 页 共 12 页". */
static bool is_page_number(span s)
{
    if (!s.n || s.n > 40)
        return false;
    const char *p = s.p, *end = s.p + s.n, *q;
    if (take_lit(&p, end, "第")) {
        skip_spaces(&p, end);
        if (number_at(&p, end, 4) < 0)
            return false;
        skip_spaces(&p, end);
        if (!take_lit(&p, end, "页"))
            return false;
        skip_spaces(&p, end);
        if (take_lit(&p, end, "共")) {
            skip_spaces(&p, end);
            if (number_at(&p, end, 4) < 0)
                return false;
            skip_spaces(&p, end);
            if (!take_lit(&p, end, "页"))
                return false;
        }
        return p == end;
    }
    int dashes = 0;
    while (p < end && (q = p, is_dash_cp(next_cp(&q, end)))) {
        p = q;
        dashes++;
    }
    skip_spaces(&p, end);
    if (!dashes || number_at(&p, end, 4) < 0)
        return false;
    skip_spaces(&p, end);
    int closing = 0;
    while (p < end && (q = p, is_dash_cp(next_cp(&q, end)))) {
        p = q;
        closing++;
    }
    return closing && p == end;
}

/* 份号 ("000123"), 密级 ("机密★1年"), 紧急程度 ("特急"). */
static bool is_copy_or_level_mark(span s)
{
    static const char *const LEVELS[] = {"特急", "加急", "特提", "平急", "急件"};
    if (s.n == 6) {
        bool digits = true;
        for (size_t i = 0; i < 6 && digits; i++)
            digits = s.p[i] >= '0' && s.p[i] <= '9';
        if (digits)
            return true;
    }
    if (utf8_chars(s) <= 12 && (span_has(s, "秘密") || span_has(s, "机密") || span_has(s, "绝密")))
        return true;
    for (size_t i = 0; i < sizeof LEVELS / sizeof LEVELS[0]; i++)
        if (s.n == strlen(LEVELS[i]) && memcmp(s.p, LEVELS[i], s.n) == 0)
            return true;
    return false;
}

/* 发文机关标志: "国务院文件", "中共中央办公厅 国务院办公厅文件". */
static bool is_issuer_mark(span s)
{
    return span_ends_with(s, "文件") && utf8_chars(s) <= 24 && !has_sentence_punct(s) &&
           !has_clause_punct(s);
}

/* 主送机关: a short line ending in ：that is no salutation. */
static bool is_addressee(span s)
{
    if (!(span_ends_with(s, "：") || span_ends_with(s, ":")) || utf8_chars(s) > ADDRESSEE_MAX_CHARS ||
        has_sentence_punct(s) || utf8_chars(s) < 3)
        return false;
    /* 各位代表：, 同志们：, 女士们、先生们：, 尊敬的…： open speeches. */
    return !span_starts_with(s, "各位") && !span_has(s, "们") && !span_starts_with(s, "尊敬") &&
           !span_starts_with(s, "亲爱");
}

/* 附注 after the date: "（此件公开发布）", "（本文有删减）", "（联系人：…）". */
static bool is_note(span s)
{
    if (!((span_starts_with(s, "（") && span_ends_with(s, "）")) || (span_starts_with(s, "(") && span_ends_with(s, ")"))))
        return false;
    if (utf8_chars(s) > NOTE_MAX_CHARS)
        return false;
    static const char *const WORDS[] = {"此件", "本件", "本文", "联系人", "删减", "公开"};
    return span_has_any(s, WORDS, sizeof WORDS / sizeof WORDS[0]);
}

/* "附件", "附件1", "附件 2", "附件一", "附件1：" alone on a line. */
static bool is_attachment_start(span s)
{
    const char *p = s.p, *end = s.p + s.n, *q;
    if (!take_lit(&p, end, "附件"))
        return false;
    skip_spaces(&p, end);
    if (number_at(&p, end, 2) < 0 && bgi_cn_numeral_parse(p, end, &q))
        p = q;
    skip_spaces(&p, end);
    if (!take_lit(&p, end, "："))
        take_lit(&p, end, ":");
    return p == end;
}

/* "附件：1．…" (or "附件：…" for one attachment). */
static bool is_attachment_note_head(span s)
{
    return (span_starts_with(s, "附件：") || span_starts_with(s, "附件:")) && utf8_chars(s) <= 80 &&
           !has_sentence_punct(s);
}

/* "2．…", "3.…", "4、…": a later item of the attachment note. */
static bool is_attachment_note_item(span s)
{
    const char *p = s.p, *end = s.p + s.n;
    if (number_at(&p, end, 2) < 0)
        return false;
    if (!(take_lit(&p, end, "．") || take_lit(&p, end, ".") || take_lit(&p, end, "、")))
        return false;
    return utf8_chars(s) <= 80 && !has_sentence_punct(s);
}

/* "国务院办公厅 2023年3月7日印发". */
static bool is_printed_line(span s)
{
    if (!span_ends_with(s, "印发") || utf8_chars(s) > 50)
        return false;
    span rest = span_from(s.p, s.p + s.n - strlen("印发"));
    /* The date ends the rest; find where it starts. */
    for (const char *p = rest.p; p < rest.p + rest.n; p++) {
        char date[11];
        if (((unsigned char)*p & 0xC0) != 0x80 && parse_date(span_from(p, rest.p + rest.n), date))
            return true;
    }
    return false;
}

static bool is_cc_head(span s)
{
    return span_starts_with(s, "抄送：") || span_starts_with(s, "抄送:") || span_starts_with(s, "抄报：") ||
           span_starts_with(s, "抄报:");
}

/* "国务院 2023年3月5日": bodies and the date on one line; the bodies in
 * *bodies, the date in date. */
static bool signature_and_date_line(span s, span *bodies, char date[11])
{
    const char *end = s.p + s.n;
    for (const char *p = s.p; p < end; p++) {
        if (((unsigned char)*p & 0xC0) == 0x80 || !space_at(p, end))
            continue;
        span left = trim(span_from(s.p, p));
        if (left.n && parse_date(span_from(p, end), date) && names_bodies(left)) {
            *bodies = left;
            return true;
        }
    }
    return false;
}

/* ---- the text as lines ----------------------------------------------- */

typedef struct lines {
    span *line; /* line[i] is 1-based line i + 1, trimmed */
    size_t n;
    unsigned char *role; /* bgi_frame_role per line, 0 = content */
} lines;

static int split_lines(lines *ls, const char *text, size_t len)
{
    size_t count = 1;
    for (size_t i = 0; i < len; i++)
        count += text[i] == '\n';
    if (len && text[len - 1] == '\n')
        count--;
    ls->line = malloc((count ? count : 1) * sizeof *ls->line);
    ls->role = calloc(count ? count : 1, 1);
    if (!ls->line || !ls->role)
        return BG_ENOMEM;
    ls->n = 0;
    const char *p = text, *end = text + len;
    while (ls->n < count) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        ls->line[ls->n++] = trim(span_from(p, line_end));
        p = nl ? nl + 1 : end;
    }
    return 0;
}

/* A line that carries text (not blank, not a page number). */
static bool is_text_line(const lines *ls, size_t i)
{
    return ls->line[i].n && ls->role[i] != BG_FRAME_PAGENO;
}

/* The next text line at or after i (ls->n if none). */
static size_t next_text(const lines *ls, size_t i)
{
    while (i < ls->n && !is_text_line(ls, i))
        i++;
    return i;
}

/* The previous text line at or before i, (size_t)-1 if none. */
static size_t prev_text(const lines *ls, size_t i, size_t floor)
{
    while (i != (size_t)-1 && i >= floor && !is_text_line(ls, i))
        i--;
    return i != (size_t)-1 && i >= floor ? i : (size_t)-1;
}

#define NONE ((size_t)-1)

/* What the scans found, as line indexes (0-based) and spans. */
typedef struct scan {
    size_t marks[TOP_LINES];
    size_t n_marks;
    size_t docno_line;
    span docno;
    size_t title[TITLE_MAX_LINES];
    size_t n_title;
    size_t addressee;
    size_t top_end;             /* first line after the top frame */
    size_t cc_first;            /* 版记 start (ls->n when none) */
    size_t main_end;            /* end of the main text: first attachment or 版记 */
    size_t date_line;
    char date[11];
    size_t sig_first, sig_last; /* signature lines; NONE when none */
    span joined_sig;            /* bodies on the date line */
    size_t note_first, note_last;
    size_t att_note_first, att_note_last;
} scan;

/* ---- the top: 版头, title, 发文字号, 主送 -------------------------------- */

static void scan_top(scan *sc, const lines *ls)
{
    size_t k = next_text(ls, 0);
    size_t seen = 0;
    sc->docno_line = sc->addressee = NONE;
    /* 份号, 密级, 紧急程度, 发文机关标志 and a 发文字号 before the title. */
    while (k < ls->n && seen < TOP_LINES) {
        span s = ls->line[k];
        size_t next = next_text(ls, k + 1);
        span dn;
        if (sc->n_marks < TOP_LINES &&
            (is_copy_or_level_mark(s) ||
             (is_issuer_mark(s) && next < ls->n && docno_line(ls->line[next], &dn)))) {
            sc->marks[sc->n_marks++] = k;
        } else if (sc->docno_line == NONE && docno_line(s, &sc->docno)) {
            sc->docno_line = k;
        } else {
            break;
        }
        k = next;
        seen++;
    }
    /* The title: up to three title lines before a boundary. */
    size_t t = k, n = 0;
    while (t < ls->n && n <= TITLE_MAX_LINES && title_fragment(ls->line[t], n == 0)) {
        if (n < TITLE_MAX_LINES)
            sc->title[n] = t;
        n++;
        t = next_text(ls, t + 1);
    }
    if (n > TITLE_MAX_LINES) {
        n = 0;
        t = k;
    }
    sc->n_title = n;
    k = t;
    span dn;
    if (sc->docno_line == NONE && k < ls->n && docno_line(ls->line[k], &dn)) {
        sc->docno = dn;
        sc->docno_line = k;
        k = next_text(ls, k + 1);
    }
    if (k < ls->n && is_addressee(ls->line[k])) {
        sc->addressee = k;
        k = next_text(ls, k + 1);
    }
    sc->top_end = k;
}

/* ---- the end: 版记, attachments, signature, date, notes ------------------ */

static void scan_cc(scan *sc, const lines *ls, size_t floor)
{
    sc->cc_first = ls->n;
    size_t last = prev_text(ls, ls->n - 1, floor);
    if (last == NONE)
        return;
    size_t first = NONE;
    if (is_printed_line(ls->line[last]))
        first = last;
    /* 抄送 right above the 印发 line, or ending the text, may wrap. */
    size_t i = last;
    for (int up = 0; up < CC_MAX_LINES && i != NONE; up++) {
        if (is_cc_head(ls->line[i])) {
            first = i;
            break;
        }
        i = i ? prev_text(ls, i - 1, floor) : NONE;
    }
    if (first != NONE)
        sc->cc_first = first;
}

static void scan_attachments(size_t *starts, size_t *n, size_t max, const lines *ls, size_t from,
                             size_t to)
{
    *n = 0;
    for (size_t i = from; i < to && *n < max; i++) {
        if (!is_text_line(ls, i) || !is_attachment_start(ls->line[i]))
            continue;
        size_t title = next_text(ls, i + 1);
        if (title < to && title_fragment(ls->line[title], true))
            starts[(*n)++] = i;
    }
}

/* Signature, date and notes at the end of the main text [from, to). */
static void scan_signature(scan *sc, const lines *ls, size_t from, size_t to)
{
    sc->date_line = sc->sig_first = sc->sig_last = NONE;
    sc->note_first = sc->note_last = NONE;
    sc->date[0] = '\0';
    if (to <= from)
        return;
    size_t i = prev_text(ls, to - 1, from);
    while (i != NONE && is_note(ls->line[i])) {
        sc->note_first = i;
        if (sc->note_last == NONE)
            sc->note_last = i;
        i = i > from ? prev_text(ls, i - 1, from) : NONE;
    }
    if (i == NONE)
        return;
    span bodies;
    if (parse_date(ls->line[i], sc->date)) {
        sc->date_line = i;
    } else if (signature_and_date_line(ls->line[i], &bodies, sc->date)) {
        sc->date_line = i;
        sc->joined_sig = bodies;
        return;
    } else {
        /* No date: bodies ending the main text may still sign it; the caller
         * takes them only for an official document. */
        i++;
    }
    for (int up = 0; up < SIGNATURE_MAX_LINES && i > from; up++) {
        i = prev_text(ls, i - 1, from);
        if (i == NONE || !names_bodies(ls->line[i]))
            break;
        sc->sig_first = i;
        if (sc->sig_last == NONE)
            sc->sig_last = i;
    }
}

/* An official document whose main text does not end in its signature: an
 * 印发 notice followed by what it issues, printed without "附件" ("…印发给
 * 你们。" / "国务院" / "2024年5月23日" / "（此件公开发布）" / "XX方案" /
 * …). The first date line right under bodies in [from, to) is taken for
 * the signature; the title line after it and its notes, when there is one,
 * is returned as the start of an attachment (NONE otherwise). */
static size_t scan_inner_signature(scan *sc, const lines *ls, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        if (!is_text_line(ls, i) || !parse_date(ls->line[i], sc->date))
            continue;
        size_t above = i > from ? prev_text(ls, i - 1, from) : NONE;
        if (above == NONE || !names_bodies(ls->line[above]))
            continue;
        sc->date_line = i;
        sc->sig_last = above;
        sc->note_first = sc->note_last = NONE;
        for (size_t up = 0, j = above; up < SIGNATURE_MAX_LINES && j != NONE; up++) {
            if (!names_bodies(ls->line[j]))
                break;
            sc->sig_first = j;
            j = j > from ? prev_text(ls, j - 1, from) : NONE;
        }
        size_t next = next_text(ls, i + 1);
        while (next < to && is_note(ls->line[next])) {
            if (sc->note_first == NONE)
                sc->note_first = next;
            sc->note_last = next;
            next = next_text(ls, next + 1);
        }
        return next < to && title_fragment(ls->line[next], true) ? next : NONE;
    }
    sc->date[0] = '\0';
    return NONE;
}

/* 附件：1．… and its items right above the signature (or the end of the
 * main text). */
static void scan_attachment_note(scan *sc, const lines *ls, size_t from, size_t above)
{
    sc->att_note_first = sc->att_note_last = NONE;
    if (above <= from)
        return;
    size_t i = prev_text(ls, above - 1, from), last = i;
    while (i != NONE && is_attachment_note_item(ls->line[i]))
        i = i > from ? prev_text(ls, i - 1, from) : NONE;
    if (i != NONE && is_attachment_note_head(ls->line[i])) {
        sc->att_note_first = i;
        sc->att_note_last = last;
    }
}

/* ---- output ---------------------------------------------------------- */

static void mark(lines *ls, size_t first, size_t last, bgi_frame_role role)
{
    if (first == NONE || last == NONE)
        return;
    for (size_t i = first; i <= last && i < ls->n; i++)
        if (is_text_line(ls, i))
            ls->role[i] = (unsigned char)role;
}

static bool ends_open(span s)
{
    static const char *const OPEN[] = {"的", "关于", "和", "与", "及", "、"};
    return span_ends_with_any(s, OPEN, sizeof OPEN / sizeof OPEN[0]);
}

/* Whether s starts with the name of a body followed by 关于/印发/转发
 * ("国务院办公厅关于…"), not with the rest of a name cut by the line break
 * ("办公厅关于…", "公厅关于…"). */
static bool starts_with_body(span s)
{
    static const char *const LINKS[] = {"关于", "印发", "转发"};
    static const char *const NAME_TAILS[] = {"办", "公", "厅", "室", "院", "委", "部", "局",
                                             "署", "会", "行", "员", "府", "政", "央"};
    for (size_t i = 0; i < sizeof NAME_TAILS / sizeof NAME_TAILS[0]; i++)
        if (span_starts_with(s, NAME_TAILS[i]))
            return false;
    const char *cut = NULL;
    for (size_t i = 0; i < sizeof LINKS / sizeof LINKS[0]; i++) {
        const char *hit = find_bytes(s.p, s.n, LINKS[i]);
        if (hit && (!cut || hit < cut))
            cut = hit;
    }
    return cut && names_bodies(span_from(s.p, cut));
}

/* Appends a title line, collapsing whitespace runs to one space. A line of
 * bodies alone before another body ("中共中央办公厅" / "国务院办公厅关于…")
 * keeps them apart by a space. */
static int append_title_line(bgi_buf *b, span prev, span s)
{
    bool gap = prev.n && names_bodies(prev) && starts_with_body(s);
    if (gap && bgi_buf_append(b, " ", 1))
        return BG_ENOMEM;
    const char *p = s.p, *end = s.p + s.n;
    while (p < end) {
        size_t k = space_at(p, end);
        if (k) {
            skip_spaces(&p, end);
            if (bgi_buf_append(b, " ", 1))
                return BG_ENOMEM;
            continue;
        }
        const char *q = p;
        next_cp(&q, end);
        if (bgi_buf_append(b, p, (size_t)(q - p)))
            return BG_ENOMEM;
        p = q;
    }
    return 0;
}

static char *join_lines(const lines *ls, const size_t *idx, size_t n)
{
    bgi_buf b = {0};
    span prev = {"", 0};
    for (size_t i = 0; i < n; i++) {
        if (append_title_line(&b, prev, ls->line[idx[i]])) {
            bgi_buf_free(&b);
            return NULL;
        }
        prev = ls->line[idx[i]];
    }
    if (!b.data)
        return calloc(1, 1);
    return b.data;
}

static bool add_part(span part, void *ctx)
{
    bgi_buf *b = ctx;
    return !((b->len && bgi_buf_append(b, " ", 1)) || bgi_buf_append(b, part.p, part.n));
}

/* The bodies of the signature lines, one space between them. */
static char *join_bodies(const lines *ls, size_t first, size_t last, span extra)
{
    bgi_buf b = {0};
    bool ok = true;
    for (size_t i = first; ok && first != NONE && i <= last; i++)
        if (is_text_line(ls, i))
            ok = each_part(ls->line[i], add_part, &b) > 0;
    if (ok && extra.n)
        ok = each_part(extra, add_part, &b) > 0;
    if (!ok) {
        bgi_buf_free(&b);
        return NULL;
    }
    return b.data ? b.data : calloc(1, 1);
}

/* Runs of lines with one role become one range. */
static int make_ranges(bgi_docframe *fr, const lines *ls)
{
    size_t cap = 0;
    for (size_t i = 0; i < ls->n; i++) {
        if (!ls->role[i])
            continue;
        bgi_frame_range *last = fr->n_ranges ? &fr->ranges[fr->n_ranges - 1] : NULL;
        /* last->last is 1-based: line i (0-based) follows it when equal. */
        if (last && last->last == i && last->role == ls->role[i]) {
            last->last = i + 1;
            continue;
        }
        if (fr->n_ranges == cap) {
            cap = cap ? cap * 2 : 16;
            bgi_frame_range *bigger = realloc(fr->ranges, cap * sizeof *bigger);
            if (!bigger)
                return BG_ENOMEM;
            fr->ranges = bigger;
        }
        fr->ranges[fr->n_ranges++] = (bgi_frame_range){i + 1, i + 1, (bgi_frame_role)ls->role[i]};
    }
    return 0;
}

#define MAX_ATTACHMENTS 64

/* The attachment titles: the line after "附件N" (or the start itself for an
 * attachment printed without one), and the next one when the first ends
 * open ("…的") or the next is a note ("（试行）"). */
static int make_attachments(bgi_docframe *fr, lines *ls, const size_t *starts, size_t n,
                            size_t end)
{
    if (!n)
        return 0;
    fr->attachments = calloc(n, sizeof *fr->attachments);
    if (!fr->attachments)
        return BG_ENOMEM;
    for (size_t a = 0; a < n; a++) {
        size_t idx[2], k = 0;
        bool labelled = is_attachment_start(ls->line[starts[a]]);
        idx[k++] = labelled ? next_text(ls, starts[a] + 1) : starts[a];
        size_t next = next_text(ls, idx[0] + 1);
        size_t limit = a + 1 < n ? starts[a + 1] : end;
        if (next < limit && title_fragment(ls->line[next], false) &&
            (ends_open(ls->line[idx[0]]) || span_starts_with(ls->line[next], "的") ||
             title_note_line(ls->line[next])))
            idx[k++] = next;
        bgi_frame_attachment *at = &fr->attachments[fr->n_attachments++];
        at->start = starts[a] + 1;
        at->title_first = idx[0] + 1;
        at->title_last = idx[k - 1] + 1;
        at->title = join_lines(ls, idx, k);
        if (!at->title)
            return BG_ENOMEM;
        if (labelled)
            mark(ls, starts[a], starts[a], BG_FRAME_ATTACHMENT_START);
        mark(ls, idx[0], idx[k - 1], BG_FRAME_ATTACHMENT_TITLE);
    }
    return 0;
}

/* Whether the top is an official frame; see docframe.h. */
static bool top_is_official(const scan *sc, span title, bool signed_date)
{
    if (sc->docno_line != NONE)
        return true;
    if (!sc->n_title || !*kind_of(title))
        return false;
    return span_has(title, "关于") || sc->addressee != NONE || signed_date;
}

static int find_frame(bgi_docframe *fr, lines *ls)
{
    scan sc = {0};
    for (size_t i = 0; i < ls->n; i++)
        if (is_page_number(ls->line[i]))
            ls->role[i] = BG_FRAME_PAGENO;
    scan_top(&sc, ls);

    scan_cc(&sc, ls, sc.top_end);
    /* starts[0] is kept free for an attachment without a label. */
    size_t starts[MAX_ATTACHMENTS + 1], n_starts;
    scan_attachments(starts + 1, &n_starts, MAX_ATTACHMENTS, ls, sc.top_end, sc.cc_first);
    sc.main_end = n_starts ? starts[1] : sc.cc_first;
    scan_signature(&sc, ls, sc.top_end, sc.main_end);

    bool signed_date = sc.date_line != NONE && (sc.sig_first != NONE || sc.joined_sig.n);
    /* Whether the text ends in a signature: without a date only an official
     * document's. */
    char *title = sc.n_title ? join_lines(ls, sc.title, sc.n_title) : NULL;
    if (sc.n_title && !title)
        return BG_ENOMEM;
    fr->official = top_is_official(&sc, title ? (span){title, strlen(title)} : (span){"", 0},
                                   signed_date);
    if (!fr->official && !signed_date) {
        free(title);
        return make_ranges(fr, ls);
    }
    size_t *first_start = starts + 1;
    if (fr->official && sc.date_line == NONE && sc.sig_first == NONE) {
        size_t unlabelled = scan_inner_signature(&sc, ls, sc.top_end, sc.main_end);
        if (unlabelled != NONE) {
            starts[0] = unlabelled;
            first_start = starts;
            n_starts++;
        }
    }
    if (fr->official) {
        fr->title = title;
        title = NULL;
        if (sc.n_title) {
            fr->title_first = sc.title[0] + 1;
            fr->title_last = sc.title[sc.n_title - 1] + 1;
            mark(ls, sc.title[0], sc.title[sc.n_title - 1], BG_FRAME_TITLE);
        }
        for (size_t i = 0; i < sc.n_marks; i++)
            mark(ls, sc.marks[i], sc.marks[i], BG_FRAME_MARK);
        mark(ls, sc.docno_line, sc.docno_line, BG_FRAME_DOCNO);
        mark(ls, sc.addressee, sc.addressee, BG_FRAME_ADDRESSEE);
        if (sc.docno_line != NONE && !(fr->docno = bgi_strndup(sc.docno.p, sc.docno.n)))
            return BG_ENOMEM;
        if (n_starts && make_attachments(fr, ls, first_start, n_starts, sc.cc_first))
            return BG_ENOMEM;
        mark(ls, sc.cc_first, ls->n - 1, BG_FRAME_CC);
    }
    free(title);
    size_t content_end = sc.sig_first != NONE ? sc.sig_first
                         : sc.date_line != NONE ? sc.date_line
                         : sc.note_first != NONE ? sc.note_first : sc.main_end;
    if (fr->official) {
        scan_attachment_note(&sc, ls, sc.top_end, content_end);
        mark(ls, sc.att_note_first, sc.att_note_last, BG_FRAME_ATTACHMENT_NOTE);
    }
    if (sc.date_line != NONE) {
        memcpy(fr->date, sc.date, sizeof fr->date);
        mark(ls, sc.date_line, sc.date_line, BG_FRAME_DATE);
    }
    if (sc.date_line != NONE || fr->official) {
        mark(ls, sc.sig_first, sc.sig_last, BG_FRAME_SIGNATURE);
        mark(ls, sc.note_first, sc.note_last, BG_FRAME_NOTE);
        if (sc.sig_first != NONE || sc.joined_sig.n) {
            fr->signer = join_bodies(ls, sc.sig_first, sc.sig_last, sc.joined_sig);
            if (!fr->signer)
                return BG_ENOMEM;
        }
    }
    return make_ranges(fr, ls);
}

int bgi_docframe_find(bgi_docframe *out, const char *text, size_t len, bgi_err *err)
{
    memset(out, 0, sizeof *out);
    lines ls = {0};
    int rc = split_lines(&ls, text ? text : "", text ? len : 0);
    if (!rc)
        rc = find_frame(out, &ls);
    free(ls.line);
    free(ls.role);
    if (rc) {
        bgi_docframe_clear(out);
        return bgi_err_set(err, rc, "out of memory finding the frame of an official document");
    }
    return 0;
}

bgi_frame_role bgi_docframe_role(const bgi_docframe *fr, size_t line)
{
    size_t lo = 0, hi = fr ? fr->n_ranges : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (fr->ranges[mid].last < line)
            lo = mid + 1;
        else if (fr->ranges[mid].first > line)
            hi = mid;
        else
            return fr->ranges[mid].role;
    }
    return (bgi_frame_role)0;
}

const char *bgi_frame_role_name(bgi_frame_role role)
{
    static const char *const NAMES[] = {"",         "mark",      "title",    "docno",
                                        "addressee", "attachment-note", "signature", "date",
                                        "note",      "attachment-start", "attachment-title",
                                        "cc",        "pageno"};
    return (size_t)role < sizeof NAMES / sizeof NAMES[0] ? NAMES[role] : "";
}

void bgi_docframe_clear(bgi_docframe *fr)
{
    if (!fr)
        return;
    free(fr->ranges);
    for (size_t i = 0; i < fr->n_attachments; i++)
        free(fr->attachments[i].title);
    free(fr->attachments);
    free(fr->title);
    free(fr->docno);
    free(fr->signer);
    memset(fr, 0, sizeof *fr);
}
