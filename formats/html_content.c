/* html_content.c — step 7 of the HTML reader: which element is the
 * article (boilerpipe/readability style, no site rules), and which lines in
 * it are furniture. Each line scores its non-link characters when it reads
 * like prose (sentence punctuation or length) and minus its length when it
 * is mostly links, chrome or boilerplate (版权所有, ICP备, 分享到...). Every
 * element's score is the sum over its subtree; the element with the best
 * score is the article, taken whole: widened to its parent when it is a
 * single paragraph, and to parents that add only short plain lines
 * (salutation, signature, date), never to one that adds links, chrome or
 * boilerplate. An element whose id/class names a content container
 * (TRS_Editor, UCAP-CONTENT, pages_content, zoom, content...) is preferred
 * when it holds nearly the same score, so a known container helps but is
 * never needed. */
#include <string.h>

#include "html_priv.h"

/* Boilerplate phrases mark a line only when it is this short (bytes). */
#define BOILERPLATE_MAX_BYTES 300

/* Phrases of site furniture: breadcrumbs, share and print bars, footers. */
static const char *const BOILERPLATE[] = {
    "版权所有", "ICP备", "ICP证", "网站标识码", "公网安备", "分享到", "打印本页", "关闭窗口",
    "当前位置", "您的位置", "现在的位置", "所在位置", "字体：", "字号：", "字体:", "字号:",
    "【打印】", "【关闭】", "[打印]", "[关闭]", "扫一扫", "主办单位", "承办单位", "主办：",
    "承办：", "联系我们", "网站地图", "Copyright", "COPYRIGHT", "copyright", "©", "上一篇",
    "下一篇", "技术支持", "分辨率", "返回顶部", "我要纠错", "责任编辑", "浏览次数", "点击次数",
    "阅读次数", "访问次数", "点击数：", "浏览量", "来源：", "来源:", "作者：", "作者:",
    "【收藏】", "加入收藏", "设为首页", "无障碍", "适老化",
};

/* Whether a line is site furniture by its words; prose that happens to use
 * one of the phrases is longer and has full stops. */
static bool is_boilerplate(const reader *r, const line *l)
{
    if (l->len > BOILERPLATE_MAX_BYTES)
        return false;
    const char *s = line_text(r, l);
    if (l->weight > 80 && bgi_html_mem_has(s, l->len, "。"))
        return false;
    for (size_t i = 0; i < sizeof BOILERPLATE / sizeof BOILERPLATE[0]; i++)
        if (bgi_html_mem_has(s, l->len, BOILERPLATE[i]))
            return true;
    return bgi_html_mem_has(s, l->len, "地址")
           && (bgi_html_mem_has(s, l->len, "电话") || bgi_html_mem_has(s, l->len, "邮编"));
}

static void mark_boilerplate(reader *r)
{
    for (size_t k = 0; k < r->n_lines; k++)
        r->lines[k].boilerplate = is_boilerplate(r, &r->lines[k]);
}

static bool is_bad_line(const line *l)
{
    return !(l->inh & IN_META) && ((l->inh & IN_CHROME) || is_link_dominated(l) || l->boilerplate);
}

/* What a line adds to the score of the elements around it. */
static double line_value(const line *l)
{
    double chars = l->weight / 2.0;
    if (l->inh & IN_META)
        return 0;
    if (is_bad_line(l))
        return -chars;
    double own = (l->weight - l->link_weight) / 2.0;
    if (l->punct >= 2 || own >= 40 || (l->punct == 1 && own >= 10))
        return own;
    return -0.2 * chars;  /* a short line without punctuation: menu or label */
}

static bool can_widen_to(const reader *r, uint32_t p)
{
    return p != NONE && !(r->elems[p].inh & (IN_META | IN_CHROME));
}

/* A single paragraph is never the whole article: its parent is (readability
 * scores the parents of paragraphs for the same reason), however much
 * furniture sits beside it. And an article's salutation, signature and date
 * are short lines that score a little below zero, so parents that add only
 * such lines (nothing chrome, linked or boilerplate) are taken too. */
static uint32_t widen(const reader *r, uint32_t c)
{
    if (r->elems[c].n_lines <= 1 && can_widen_to(r, r->elems[c].parent))
        c = r->elems[c].parent;
    while (can_widen_to(r, r->elems[c].parent)
           && r->elems[r->elems[c].parent].bad <= r->elems[c].bad + 1e-9)
        c = r->elems[c].parent;
    return c;
}

uint32_t bgi_html_pick_container(reader *r)
{
    mark_boilerplate(r);
    for (size_t k = 0; k < r->n_lines; k++) {
        double v = line_value(&r->lines[k]);
        elem *e = &r->elems[r->lines[k].owner];
        e->n_lines++;
        if (is_bad_line(&r->lines[k]))
            e->bad -= v;
        e->score += v;
        if (v > 0)
            e->pos += v;
        else
            e->neg -= v;
    }
    for (size_t k = r->n_elems; k-- > 1;) {
        elem *e = &r->elems[k], *p = &r->elems[e->parent];
        p->score += e->score;
        p->pos += e->pos;
        p->neg += e->neg;
        p->bad += e->bad;
        p->n_lines += e->n_lines;
    }
    uint32_t best = NONE;
    for (size_t k = 0; k < r->n_elems; k++) {
        const elem *e = &r->elems[k];
        if (e->inh & (IN_META | IN_CHROME))
            continue;
        /* ties go to the descendant: the same text with less around it */
        if (best == NONE || e->score > r->elems[best].score
            || (e->score == r->elems[best].score && contains(r, best, (uint32_t)k)))
            best = (uint32_t)k;
    }
    if (best == NONE || r->elems[best].score <= 0)
        return NONE;
    /* A named content container with nearly the same score is the article
     * as its site meant it: narrow to the best such one inside, else widen
     * to the closest one around (when what it adds is mostly not chrome). */
    const elem *b = &r->elems[best];
    uint32_t narrower = NONE, wider = NONE;
    for (size_t k = 0; k < r->n_elems; k++) {
        const elem *e = &r->elems[k];
        if (!(e->flags & EF_KNOWN) || (e->inh & (IN_META | IN_CHROME)))
            continue;
        if (contains(r, best, (uint32_t)k) && e->score >= 0.9 * b->score
            && (narrower == NONE || e->score > r->elems[narrower].score))
            narrower = (uint32_t)k;
        else if (contains(r, (uint32_t)k, best) && e->score >= 0.85 * b->score
                 && e->neg <= 0.25 * e->pos)
            wider = (uint32_t)k;  /* pre-order: the last one is the closest */
    }
    return widen(r, narrower != NONE ? narrower : wider != NONE ? wider : best);
}

static bool looks_like_attachment(const reader *r, const line *l)
{
    static const char *const EXT[] = {".doc", ".pdf", ".xls", ".wps", ".zip", ".rar", ".ofd",
                                      ".et", ".DOC", ".PDF", ".XLS"};
    const char *s = line_text(r, l);
    if (l->len >= 6 && memcmp(s, "附件", 6) == 0)
        return true;
    for (size_t i = 0; i < sizeof EXT / sizeof EXT[0]; i++)
        if (bgi_html_mem_has(s, l->len, EXT[i]))
            return true;
    return false;
}

/* The source/date/font-size line under a title, a share bar, a list of
 * related links: not the article even when inside its container. */
void bgi_html_drop_furniture(reader *r, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++) {
        line *l = &r->lines[k];
        if ((l->inh & (IN_META | IN_CHROME)) || l->boilerplate)
            l->drop = true;
        else if (is_link_dominated(l) && !looks_like_attachment(r, l)) {
            bool prev = k > from && is_link_dominated(&r->lines[k - 1]);
            bool next = k + 1 < to && is_link_dominated(&r->lines[k + 1]);
            if (l->n_links >= 2 || prev || next)
                l->drop = true;
        }
    }
    /* a short heading over a dropped list of links ("相关链接") goes too */
    for (size_t k = from; k + 1 < to; k++) {
        line *l = &r->lines[k];
        const char *s = line_text(r, l);
        bool list_heading = (l->len >= 6 && memcmp(s, "相关", 6) == 0)
                            || (l->len >= 12 && (memcmp(s, "延伸阅读", 12) == 0
                                                 || memcmp(s, "推荐阅读", 12) == 0));
        if (!l->drop && r->lines[k + 1].drop && l->weight <= 20 && list_heading)
            l->drop = true;
    }
}
