/* figures.c — finds the figures of a passage and their clauses (see
 * figures.h for what counts as a figure). A hand-written scanner rather than
 * a regular expression: units, magnitudes and bounds are short lists of
 * Chinese strings, and the rules that keep years and ordinals out look at the
 * character before a number. */
#include "figures.h"
#include "baogao.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Longest first where one is a prefix of another is not needed: match_any()
 * takes the longest match. */
static const char *const units[] = {
    "%", "％", "‰", "个百分点", "百分点", "倍",
    "平方公里", "平方千米", "平方米", "立方米", "公里", "千米", "公顷", "亩", "米",
    "吨", "千克", "公斤", "斤", "千瓦时", "千瓦",
    "元", "美元", "欧元",
    "人次", "人", "名", "位", "户", "家", "个月", "个", "项", "件", "所", "座", "条", "套",
    "辆", "台", "部", "只", "头", "张", "批", "场次", "场", "次", "处", "种", "类", "篇",
    "份", "艘", "架", "间", "册", "株", "棵", "岁", "天", "小时", "例", "宗", "笔", "支",
    NULL,
};
static const char *const magnitudes[] = {"万亿", "千亿", "百亿", "亿", "千万", "百万", "万", "千", "百", NULL};
static const char *const approx[] = {"多", "余", NULL};
static const char *const bounds[] = {"以上", "以内", "以下", "左右", "上下", "之内", NULL};
static const char *const decimal_marks[] = {".", "．", NULL};
static const char *const range_marks[] = {"-", "－", "—", "～", "~", "至", "到", NULL};
static const char *const clause_marks[] = {"，", "。", "；", "：", "！", "？",
                                           ",", ";", ":", "!", "?", "\n", "\r", NULL};
static const char *const clause_trim[] = {" ", "\t", "\u3000", "—", "－", NULL};

/* Chinese numerals: a number starts with a digit (一…九, 十, 两) and may hold
 * zeros and magnitudes after it. */
static const uint32_t cn_start[] = {0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D,
                                    0x5341, 0x4E24, 0};
static const uint32_t cn_more[] = {0x3007, 0x96F6, 0x767E, 0x5343, 0x4E07, 0x4EBF, 0};
static const uint32_t cn_magnitude[] = {0x767E, 0x5343, 0x4E07, 0x4EBF, 0};
#define CP_DI 0x7B2C   /* 第: an ordinal follows */

/* Decodes the code point at s[i] into *cp; returns its length (1 for a stray
 * byte, decoded as U+FFFD). */
static size_t cp_at(const char *s, size_t len, size_t i, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s + i;
    size_t left = len - i, n;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if ((u[0] & 0xE0) == 0xC0) {
        n = 2;
        *cp = u[0] & 0x1F;
    } else if ((u[0] & 0xF0) == 0xE0) {
        n = 3;
        *cp = u[0] & 0x0F;
    } else if ((u[0] & 0xF8) == 0xF0) {
        n = 4;
        *cp = u[0] & 0x07;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (n > left) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t k = 1; k < n; k++) {
        if ((u[k] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        *cp = (*cp << 6) | (u[k] & 0x3F);
    }
    return n;
}

/* The code point ending just before byte i (0 at the start). */
static uint32_t cp_before(const char *s, size_t i)
{
    if (i == 0)
        return 0;
    size_t j = i - 1;
    while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80 && i - j < 4)
        j--;
    uint32_t cp;
    return cp_at(s, i, j, &cp) == i - j ? cp : 0xFFFD;
}

static int in_set(uint32_t cp, const uint32_t *set)
{
    for (; *set; set++)
        if (*set == cp)
            return 1;
    return 0;
}

/* Length of the longest string of list found at s[i], 0 if none. */
static size_t match_any(const char *s, size_t len, size_t i, const char *const *list)
{
    size_t best = 0;
    for (; *list; list++) {
        size_t n = strlen(*list);
        if (n > best && n <= len - i && memcmp(s + i, *list, n) == 0)
            best = n;
    }
    return best;
}

/* Length of the Arabic digit (ASCII or full-width) at s[i], 0 if none. */
static size_t digit_at(const char *s, size_t len, size_t i)
{
    if (i >= len)
        return 0;
    if (s[i] >= '0' && s[i] <= '9')
        return 1;
    uint32_t cp;
    size_t n = cp_at(s, len, i, &cp);
    return cp >= 0xFF10 && cp <= 0xFF19 ? n : 0;
}

static size_t digits_end(const char *s, size_t len, size_t i)
{
    size_t n;
    while ((n = digit_at(s, len, i)))
        i += n;
    return i;
}

/* End of the Arabic number starting at s[i]: digits, a decimal part, and
 * thousands groups ("1,000"). */
static size_t arabic_end(const char *s, size_t len, size_t i)
{
    i = digits_end(s, len, i);
    for (;;) {
        size_t sep = match_any(s, len, i, decimal_marks);
        if (i < len && s[i] == ',') {
            size_t e = digits_end(s, len, i + 1);
            if (e == i + 4 && !digit_at(s, len, e)) {
                i = e;
                continue;
            }
        }
        if (sep && digit_at(s, len, i + sep)) {
            i = digits_end(s, len, i + sep);
            continue;
        }
        return i;
    }
}

/* End of the Chinese number starting at s[i]; *magnitude says whether it
 * holds 百, 千, 万 or 亿. */
static size_t chinese_end(const char *s, size_t len, size_t i, int *magnitude)
{
    uint32_t cp;
    *magnitude = 0;
    while (i < len) {
        size_t n = cp_at(s, len, i, &cp);
        if (!in_set(cp, cn_start) && !in_set(cp, cn_more))
            break;
        *magnitude |= in_set(cp, cn_magnitude);
        i += n;
    }
    return i;
}

typedef struct tail {
    size_t end;        /* end of the figure, 0 when the number is bare */
    int unit;          /* a unit (or percent sign) was found */
} tail;

/* What follows a number: magnitudes, 多/余, a unit, a bound. had_magnitude
 * is set for Chinese numbers, whose magnitudes are part of the number. */
static tail number_tail(const char *s, size_t len, size_t i, int had_magnitude)
{
    tail t = {0, 0};
    int magnitude = had_magnitude;
    size_t good = had_magnitude ? i : 0, n;
    while (i < len) {
        if ((n = match_any(s, len, i, units))) {
            good = i += n;
            t.unit = 1;
            break;
        }
        if ((n = match_any(s, len, i, magnitudes))) {
            good = i += n;
            magnitude = 1;
        } else if ((n = match_any(s, len, i, approx))) {
            i += n;
            if (magnitude)
                good = i;
        } else {
            break;
        }
    }
    if (good && (n = match_any(s, len, good, bounds)))
        good += n;
    t.end = good;
    return t;
}

/* Letters, digits and 第 before a number make it part of a name (G20, PM2.5)
 * or an ordinal (第14个): not a figure. */
static int blocks_number(uint32_t before)
{
    return (before >= '0' && before <= '9') || (before >= 'A' && before <= 'Z') || (before >= 'a' && before <= 'z')
        || before == '.' || before == '/' || before == '_' || (before >= 0xFF10 && before <= 0xFF19)
        || (before >= 0xFF21 && before <= 0xFF3A) || (before >= 0xFF41 && before <= 0xFF5A) || before == CP_DI;
}

/* The figure starting at s[i], as its end; 0 when there is none. */
static size_t figure_at(const char *s, size_t len, size_t i)
{
    uint32_t cp, before = cp_before(s, i);
    cp_at(s, len, i, &cp);
    if (in_set(cp, cn_start)) {
        if (before == CP_DI || in_set(before, cn_start) || in_set(before, cn_more))
            return 0;
        int magnitude;
        size_t e = chinese_end(s, len, i, &magnitude);
        tail t = magnitude ? number_tail(s, len, e, 1) : (tail){0, 0};
        return t.unit ? t.end : 0;
    }
    if (!digit_at(s, len, i) || blocks_number(before))
        return 0;
    tail t = number_tail(s, len, arabic_end(s, len, i), 0);
    /* A range: "6%－6.5%", "6-6.5%", "3至5个". */
    size_t from = t.end ? t.end : arabic_end(s, len, i);
    size_t mark = match_any(s, len, from, range_marks);
    if (mark && digit_at(s, len, from + mark)) {
        tail second = number_tail(s, len, arabic_end(s, len, from + mark), 0);
        if (second.end)
            return second.end;
    }
    return t.end;
}

static size_t clause_mark_at(const char *s, size_t len, size_t i)
{
    size_t n = match_any(s, len, i, clause_marks);
    /* A comma between digits groups thousands. */
    if (n == 1 && s[i] == ',' && i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9' && digit_at(s, len, i + 1))
        return 0;
    return n;
}

static bgi_clause trimmed(const char *s, bgi_clause c)
{
    size_t n;
    while (c.start < c.end && (n = match_any(s, c.end, c.start, clause_trim)))
        c.start += n;
    while (c.end > c.start && (s[c.end - 1] == ' ' || s[c.end - 1] == '\t'))
        c.end--;
    while (c.end >= c.start + 3 && memcmp(s + c.end - 3, "\u3000", 3) == 0)
        c.end -= 3;
    return c;
}

bgi_clause bgi_clause_at(const char *text, size_t len, size_t pos)
{
    bgi_clause c = {0, len};
    uint32_t cp;
    for (size_t i = 0; i < len;) {
        size_t n = clause_mark_at(text, len, i);
        if (n && i >= pos) {
            c.end = i;
            break;
        }
        if (n)
            c.start = i + n;
        i += n ? n : cp_at(text, len, i, &cp);
    }
    return trimmed(text, c);
}

bgi_clause bgi_clause_after(const char *text, size_t len, bgi_clause c)
{
    uint32_t cp;
    for (size_t i = c.end; i < len;) {
        size_t n = clause_mark_at(text, len, i);
        if (n)
            return i + n < len ? bgi_clause_at(text, len, i + n) : (bgi_clause){len, len};
        i += cp_at(text, len, i, &cp);
    }
    return (bgi_clause){len, len};
}

int bgi_find_figures(bgi_figure_span **out, size_t *n, const char *text, size_t len)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    uint32_t cp;
    for (size_t i = 0; i < len;) {
        size_t end = figure_at(text, len, i);
        if (!end) {
            i += cp_at(text, len, i, &cp);
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            bgi_figure_span *p = realloc(*out, cap * sizeof *p);
            if (!p) {
                free(*out);
                *out = NULL;
                *n = 0;
                return BG_ENOMEM;
            }
            *out = p;
        }
        (*out)[(*n)++] = (bgi_figure_span){i, end, bgi_clause_at(text, len, i)};
        i = end;
    }
    return 0;
}

int bgi_add_figures_json(cJSON *o, const char *text, size_t len)
{
    bgi_figure_span *f = NULL;
    size_t n = 0;
    cJSON *arr = cJSON_AddArrayToObject(o, "figures");
    int ok = arr && bgi_find_figures(&f, &n, text, len) == 0;
    for (size_t i = 0; ok && i < n; i++) {
        const double v[4] = {(double)f[i].value_start, (double)f[i].value_end, (double)f[i].clause.start,
                             (double)f[i].clause.end};
        cJSON *span = cJSON_CreateDoubleArray(v, 4);
        ok = span && cJSON_AddItemToArray(arr, span);
    }
    free(f);
    return ok;
}
