/* html_meta.c — the page's metadata (bgi_doc_meta): the values of the
 * metadata block first; missing fields from <meta name="ArticleTitle|
 * PubDate|ContentSource"> (ContentSource only as the body, when nothing
 * better says it), and the title last from <title> with the site name cut
 * off ("政府工作报告_中国政府网" → "政府工作报告"). */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "baogao.h"
#include "html_priv.h"

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Whether a <title> part names a site: "中国政府网", "XX市人民政府门户网站". */
static bool looks_like_site(const char *s, size_t n)
{
    static const char *const SUFFIX[] = {"网", "政府", "门户", "网站", "官网", "平台", "portal",
                                         "Portal", "PORTAL", "首页", "频道"};
    while (n && (s[n - 1] == ' '))
        n--;
    for (size_t i = 0; i < sizeof SUFFIX / sizeof SUFFIX[0]; i++)
        if (ends_with(s, n, SUFFIX[i]))
            return true;
    return bgi_html_mem_has(s, n, "www.") || bgi_html_mem_has(s, n, ".gov")
           || bgi_html_mem_has(s, n, "gov.cn");
}

/* "政府工作报告_中国政府网" → "政府工作报告". Underscores and bars are cut
 * when what follows is a site name or shorter than what precedes; dashes
 * (which titles use for year ranges and subtitles) only before a site name. */
static char *strip_site_suffix(const char *t)
{
    static const char *const SEPS[] = {"_", "|", "｜", " - ", " — ", " – ", "——", "—", "-",
                                       "–", "－"};
    size_t n = strlen(t);
    bool cut = true;
    while (cut) {
        cut = false;
        size_t best_at = 0, best_len = 0;
        for (size_t s = 0; s < sizeof SEPS / sizeof SEPS[0]; s++) {
            size_t k = strlen(SEPS[s]);
            for (size_t at = n; at-- > 0;) {
                if (at + k > n || memcmp(t + at, SEPS[s], k) != 0)
                    continue;
                if (at > best_at)
                    best_at = at, best_len = k;
                break;
            }
        }
        if (best_len == 0)
            break;
        const char *rest = t + best_at + best_len;
        size_t rest_n = n - best_at - best_len;
        bool loose_sep = t[best_at] == '_' || t[best_at] == '|' || memcmp(t + best_at, "｜", 3) == 0;
        bool site = looks_like_site(rest, rest_n);
        if (best_at > 0 && (site || (loose_sep && rest_n < best_at))) {
            n = best_at;
            cut = true;
        }
    }
    char *sq = bgi_strndup(t, n);
    if (!sq)
        return NULL;
    /* trim */
    size_t a = 0, b = strlen(sq);
    while (a < b && (sq[a] == ' '))
        a++;
    while (b > a && sq[b - 1] == ' ')
        b--;
    memmove(sq, sq + a, b - a);
    sq[b - a] = '\0';
    return sq;
}

/* Text content with whitespace collapsed; NULL when empty. */
static char *collapsed(const char *s)
{
    if (!s)
        return NULL;
    bgi_buf b = {0};
    joiner j;
    bgi_html_joiner_start(&j, &b);
    size_t n = strlen(s);
    for (size_t i = 0; i < n;)
        if (bgi_html_joiner_put(&j, bgi_html_next_cp((const unsigned char *)s, n, &i)) == BG_ENOMEM) {
            bgi_buf_free(&b);
            return NULL;
        }
    if (!b.len) {
        bgi_buf_free(&b);
        return NULL;
    }
    return b.data;
}

void bgi_html_head_meta_free(head_meta *h)
{
    free(h->title_tag);
    free(h->article_title);
    free(h->pub_date);
    free(h->content_source);
}

static void set_once(char **slot, xmlChar *v)
{
    if (!*slot)
        *slot = collapsed((const char *)v);
    xmlFree(v);
}

/* <title> and the <meta name=...> of the head; the head is walked on its
 * own (it is never numbered), and without recursion. */
void bgi_html_read_head(xmlNodePtr root, head_meta *h)
{
    xmlNodePtr n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE && n->name) {
            const char *name = (const char *)n->name;
            if (strcmp(name, "title") == 0 && !h->title_tag) {
                set_once(&h->title_tag, xmlNodeGetContent(n));
            } else if (strcmp(name, "meta") == 0) {
                xmlChar *mn = xmlGetProp(n, (const xmlChar *)"name");
                if (mn) {
                    const char *m = (const char *)mn;
                    char **slot = bgi_html_ascii_ieq(m, "ArticleTitle") ? &h->article_title
                                  : bgi_html_ascii_ieq(m, "PubDate")    ? &h->pub_date
                                  : bgi_html_ascii_ieq(m, "ContentSource") ? &h->content_source
                                                                  : NULL;
                    if (slot)
                        set_once(slot, xmlGetProp(n, (const xmlChar *)"content"));
                    xmlFree(mn);
                }
            } else if (strcmp(name, "body") == 0) {
                /* the head ends where the body starts */
                goto next_sibling;
            }
            if (n->children && strcmp(name, "script") != 0 && strcmp(name, "style") != 0) {
                n = n->children;
                continue;
            }
        }
    next_sibling:
        while (n != root && !n->next)
            n = n->parent;
        if (n == root)
            break;
        n = n->next;
    }
}

static char **meta_slot(bgi_doc_meta *m, enum meta_field f)
{
    switch (f) {
    case MF_TITLE: return &m->title;
    case MF_BODY: return &m->body;
    case MF_DATE: return &m->date;
    case MF_DOCNO: return &m->docno;
    case MF_PUBLISHED: return &m->published;
    case MF_SUBJECT: return &m->subject;
    case MF_INDEX: return &m->index_no;
    default: return NULL;
    }
}

int bgi_html_fill_meta(reader *r, bgi_doc_meta *m, head_meta *h)
{
    for (size_t i = 0; i < r->n_hits; i++) {
        meta_hit *hit = &r->hits[i];
        char **slot = meta_slot(m, bgi_html_label_field(hit->label));
        if (!slot || *slot || !hit->value.len || !(r->elems[hit->elem].inh & IN_META))
            continue;
        if (!(*slot = bgi_strdup(hit->value.data)))
            return bgi_html_oom(r);
    }
    if (!m->title && h->article_title)
        m->title = h->article_title, h->article_title = NULL;
    if (!m->title && h->title_tag && !(m->title = strip_site_suffix(h->title_tag)))
        return bgi_html_oom(r);
    if (m->title && !*m->title) {
        free(m->title);
        m->title = NULL;
    }
    if (!m->published && h->pub_date)
        m->published = h->pub_date, h->pub_date = NULL;
    if (!m->body && h->content_source)
        m->body = h->content_source, h->content_source = NULL;
    return 0;
}
