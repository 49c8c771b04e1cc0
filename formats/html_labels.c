/* html_labels.c — the labels of a portal's metadata table (索引号：,
 * 发文机关：, 标　　题：...) and the small state machine that collects their
 * values over the text nodes in document order: a value sits after its
 * label in the same text, or in the next cell. */
#include <string.h>

#include "baogao.h"
#include "html_priv.h"

/* A metadata value longer than this is not one (runaway cell). */
#define META_VALUE_MAX_BYTES 600

static const struct {
    const char *text;
    enum meta_field field;
} LABELS[] = {
    {"索引号", MF_INDEX},       {"主题分类", MF_SUBJECT},   {"发文机关", MF_BODY},
    {"发文单位", MF_BODY},      {"发布机构", MF_BODY},      {"发布机关", MF_BODY},
    {"制发机关", MF_BODY},      {"成文日期", MF_DATE},      {"生成日期", MF_DATE},
    {"印发日期", MF_DATE},      {"标题", MF_TITLE},         {"文件名称", MF_TITLE},
    {"发文字号", MF_DOCNO},     {"文件编号", MF_DOCNO},     {"文号", MF_DOCNO},
    {"发布日期", MF_PUBLISHED}, {"发布时间", MF_PUBLISHED}, {"公开日期", MF_PUBLISHED},
    {"分类", MF_SUBJECT},       {"信息分类", MF_OTHER},     {"体裁分类", MF_OTHER},
    {"组配分类", MF_OTHER},     {"服务对象", MF_OTHER},     {"信息来源", MF_OTHER},
    {"文章来源", MF_OTHER},     {"来源", MF_OTHER},         {"作者", MF_OTHER},
    {"浏览次数", MF_OTHER},     {"点击次数", MF_OTHER},     {"阅读次数", MF_OTHER},
    {"访问次数", MF_OTHER},     {"点击数", MF_OTHER},       {"字号", MF_OTHER},
    {"字体", MF_OTHER},         {"公开方式", MF_OTHER},     {"公开范围", MF_OTHER},
    {"公开形式", MF_OTHER},     {"公开时限", MF_OTHER},     {"有效性", MF_OTHER},
    {"时效性", MF_OTHER},       {"效力状态", MF_OTHER},     {"主题词", MF_OTHER},
    {"关键词", MF_OTHER},       {"责任部门", MF_OTHER},     {"责任编辑", MF_OTHER},
    {"实施日期", MF_OTHER},     {"废止日期", MF_OTHER},     {"有效期", MF_OTHER},
};
#define N_LABELS (sizeof LABELS / sizeof LABELS[0])

/* If a label starts at s[*i] (whitespace allowed between its characters,
 * as in "标　　题" and "索&nbsp;引&nbsp;号"), returns its index and moves *i
 * past it and its colon; a label without colon counts only when nothing
 * follows it (a <th>索引号</th> cell). */
static int label_at(const unsigned char *s, size_t n, size_t *i, bool at_start)
{
    size_t p0 = *i;
    while (p0 < n) {
        size_t q = p0;
        if (!bgi_html_is_space_cp(bgi_html_next_cp(s, n, &q)))
            break;
        p0 = q;
    }
    if (p0 + 1 >= n || s[p0] < 0xE0)
        return -1;
    for (size_t l = 0; l < N_LABELS; l++) {
        const unsigned char *lab = (const unsigned char *)LABELS[l].text;
        size_t llen = strlen(LABELS[l].text), li = 0, p = p0;
        if (s[p0] != lab[0] || s[p0 + 1] != lab[1])
            continue;
        bool ok = true;
        while (ok && li < llen) {
            uint32_t want = bgi_html_next_cp(lab, llen, &li), got = 0;
            do
                got = p < n ? bgi_html_next_cp(s, n, &p) : 0;
            while (bgi_html_is_space_cp(got) && p < n);
            ok = got == want;
        }
        if (!ok)
            continue;
        uint32_t c = 0;
        while (p < n && bgi_html_is_space_cp(c = bgi_html_next_cp(s, n, &p)))
            ;
        if (p <= n && (c == 0xFF1A || c == ':')) {
            *i = p;
            return (int)l;
        }
        if (at_start && (p >= n && (c == 0 || bgi_html_is_space_cp(c)))) {
            *i = n;
            return (int)l;
        }
    }
    return -1;
}

/* Where the next label with a colon starts after whitespace in s[from..n),
 * or n. */
static size_t next_label_start(const unsigned char *s, size_t n, size_t from)
{
    bool after_space = false;
    for (size_t i = from; i < n;) {
        size_t at = i;
        uint32_t cp = bgi_html_next_cp(s, n, &i);
        if (bgi_html_is_space_cp(cp)) {
            after_space = true;
            continue;
        }
        if (after_space) {
            size_t probe = at;
            if (label_at(s, n, &probe, false) >= 0)
                return at;
        }
        after_space = false;
    }
    return n;
}

static int add_hit(reader *r, int label, uint32_t e)
{
    if (bgi_html_grow((void **)&r->hits, &r->cap_hits, r->n_hits + 1, sizeof *r->hits))
        return bgi_html_oom(r);
    r->hits[r->n_hits++] = (meta_hit){.label = label, .elem = e};
    r->mhit = r->n_hits - 1;
    r->mstate = MS_AWAIT;
    r->mrow = r->elems[r->elems[e].raw_block].parent;
    return 0;
}

static int add_value(reader *r, const unsigned char *s, size_t n, uint32_t cell)
{
    meta_hit *hit = &r->hits[r->mhit];
    if (hit->value.len + n > META_VALUE_MAX_BYTES) {
        r->mstate = MS_NONE;
        return 0;
    }
    joiner j;
    bgi_html_joiner_start(&j, &hit->value);
    /* a value split over text nodes ("国发〔2023〕<span>1</span>号") joins
     * by the same rule as any paragraph */
    j.last_cp = hit->last_cp;
    j.pending_space = hit->last_cp != 0;
    for (size_t i = 0; i < n;)
        if (bgi_html_joiner_put(&j, bgi_html_next_cp(s, n, &i)) == BG_ENOMEM)
            return bgi_html_oom(r);
    hit->last_cp = j.last_cp;
    r->mstate = MS_VALUE;
    r->mcell = cell;
    return 0;
}

/* Runs the label/value state machine over one short text node; returns the
 * characters that were label or value. */
int bgi_html_scan_labels(reader *r, const unsigned char *s, size_t n, uint32_t e, uint32_t *meta)
{
    uint32_t cell = r->elems[e].raw_block;
    size_t i = 0;
    bool first = true;
    while (i < n) {
        size_t at = i;
        int l = label_at(s, n, &i, first);
        first = false;
        if (l >= 0) {
            *meta += bgi_html_count_chars(s + at, i - at, NULL);
            r->elems[e].labels |= UINT64_C(1) << l;
            if (add_hit(r, l, e))
                return BG_ENOMEM;
        }
        size_t stop = next_label_start(s, n, i);
        uint32_t seg = bgi_html_count_chars(s + i, stop - i, NULL);
        if (seg && r->mstate != MS_NONE) {
            if (add_value(r, s + i, stop - i, cell))
                return BG_ENOMEM;
            *meta += seg;
        } else if (seg) {
            r->mstate = MS_NONE;
        }
        if (stop == i && l < 0)
            break;
        i = stop;
    }
    return 0;
}

uint64_t bgi_html_main_label_mask(void)
{
    uint64_t m = 0;
    for (size_t l = 0; l < N_LABELS; l++)
        if (LABELS[l].field != MF_OTHER)
            m |= UINT64_C(1) << l;
    return m;
}

enum meta_field bgi_html_label_field(int label)
{
    return LABELS[label].field;
}
