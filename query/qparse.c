/* qparse.c — splits a query string into items and the tree of operators over
 * them (see qparse.h): tokens first (words, phrases, OR/AND/NOT, parentheses),
 * then a recursive descent. Works on UTF-8 bytes: every syntax character is
 * ASCII or a known full-width form. */
#include "qparse.h"
#include "baogao.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const char *const open_quotes[] = {"\"", "\xe2\x80\x9c" /* “ */, "\xe3\x80\x8c" /* 「 */};
static const char *const close_quotes[] = {"\"", "\xe2\x80\x9d" /* ” */, "\xe3\x80\x8d" /* 」 */};
#define N_QUOTES 3

static size_t space_len(const char *p)
{
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
        return 1;
    if (strncmp(p, "\xe3\x80\x80", 3) == 0) /* U+3000 ideographic space */
        return 3;
    return 0;
}

static size_t prefix_len(const char *p, const char *s)
{
    size_t n = strlen(s);
    return strncmp(p, s, n) == 0 ? n : 0;
}

static int push_item(bgi_qparsed *q, const char *s, size_t n, int quoted, bgi_err *err)
{
    if (q->n >= BG_QUERY_MAX_ITEMS)
        return bgi_err_set(err, BG_ETOOBIG, "query has more than %d words", BG_QUERY_MAX_ITEMS);
    bgi_qitem *items = realloc(q->items, (q->n + 1) * sizeof *items);
    if (!items)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    q->items = items;
    char *t = strndup(s, n);
    if (!t)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    q->items[q->n++] = (bgi_qitem){.text = t, .quoted = quoted};
    return 0;
}

/* ---- tokens --------------------------------------------------------------- */

enum { T_WORD, T_OR, T_AND, T_NOT, T_LP, T_RP };

typedef struct qtok {
    int type;
    int sign;          /* T_WORD, T_LP: BGI_QS_* from a leading - or + */
    int quoted;
    const char *s;     /* T_WORD: the text */
    size_t n;
} qtok;

typedef struct tokenizer {
    qtok *t;
    size_t n;
    int depth;         /* parentheses open */
    int ignored;       /* '(' past BG_QUERY_MAX_DEPTH: their ')' are ignored too */
} tokenizer;

/* A ')' closes the innermost '(' (an ignored one first); 0 when none is open
 * and the ')' is text. */
static int close_paren(tokenizer *tk)
{
    if (tk->ignored) {
        tk->ignored--;
        return 1;
    }
    if (!tk->depth)
        return 0;
    tk->depth--;
    tk->t[tk->n++] = (qtok){.type = T_RP};
    return 1;
}

/* A leading - or + (ASCII or full-width) before more text: its sign and
 * length. A lone '-' is text. */
static int read_sign(const char *p, size_t *m)
{
    int sign = BGI_QS_PLAIN;
    if ((*m = prefix_len(p, "-")) || (*m = prefix_len(p, "\xef\xbc\x8d" /* － */)))
        sign = BGI_QS_EXCLUDED;
    else if ((*m = prefix_len(p, "+")) || (*m = prefix_len(p, "\xef\xbc\x8b" /* ＋ */)))
        sign = BGI_QS_REQUIRED;
    if (sign && (!p[*m] || space_len(p + *m)))
        sign = BGI_QS_PLAIN;
    if (!sign)
        *m = 0;
    return sign;
}

/* Reads one quoted phrase at p (an opening quote); NULL when p has none. */
static const char *read_quoted(tokenizer *tk, const char *p, int sign)
{
    size_t m;
    for (int k = 0; k < N_QUOTES; k++) {
        if ((m = prefix_len(p, open_quotes[k]))) {
            const char *start = p + m;
            const char *end = strstr(start, close_quotes[k]);
            const char *stop = end ? end : start + strlen(start);
            if (stop > start)
                tk->t[tk->n++] = (qtok){.type = T_WORD, .sign = sign, .quoted = 1, .s = start,
                                        .n = (size_t)(stop - start)};
            return end ? end + strlen(close_quotes[k]) : stop;
        }
    }
    return NULL;
}

/* Reads one unquoted word at p: an operator when it is exactly OR, AND or
 * NOT without a sign; ')' at its end close open parentheses. */
static const char *read_word(tokenizer *tk, const char *p, int sign)
{
    const char *start = p;
    while (*p && !space_len(p))
        p++;
    size_t n = (size_t)(p - start), closes = 0;
    while (n && start[n - 1] == ')' && closes < (size_t)(tk->depth + tk->ignored)) {
        n--;
        closes++;
    }
    int type = T_WORD;
    if (!sign && n == 2 && strncmp(start, "OR", 2) == 0)
        type = T_OR;
    else if (!sign && n == 3 && strncmp(start, "AND", 3) == 0)
        type = T_AND;
    else if (!sign && n == 3 && strncmp(start, "NOT", 3) == 0)
        type = T_NOT;
    if (n)
        tk->t[tk->n++] = (qtok){.type = type, .sign = sign, .s = start, .n = n};
    while (closes--)
        close_paren(tk);
    return p;
}

/* Splits query into tokens (tk->t holds room for one per byte, plus one). */
static void tokenize(tokenizer *tk, const char *p)
{
    while (*p) {
        size_t m = space_len(p);
        if (m) {
            p += m;
            continue;
        }
        if (*p == ')' && close_paren(tk)) {
            p++;
            continue;
        }
        int sign = read_sign(p, &m);
        p += m;
        if (*p == '(') {
            p++;
            if (tk->depth < BG_QUERY_MAX_DEPTH) {
                tk->t[tk->n++] = (qtok){.type = T_LP, .sign = sign};
                tk->depth++;
            } else {
                tk->ignored++;
            }
            continue;
        }
        const char *q = read_quoted(tk, p, sign);
        p = q ? q : read_word(tk, p, sign);
    }
}

/* ---- the tree --------------------------------------------------------------
 *
 *   seq   := or+               implicit AND (loosest)
 *   or    := and (OR and)*
 *   and   := unary ((AND | NOT) unary)*
 *   unary := [NOT] (word | '(' seq ')')     a word or '(' may carry - or +
 */

typedef struct parser {
    bgi_qparsed *q;
    const qtok *t;
    size_t n, pos;
    bgi_err *err;
    int rc;
} parser;

static int at(const parser *ps, int type)
{
    return ps->pos < ps->n && ps->t[ps->pos].type == type;
}

static int at_end(const parser *ps)
{
    return ps->pos >= ps->n || ps->t[ps->pos].type == T_RP;
}

/* The nodes array holds room for every token, plus the root. */
static int new_node(parser *ps, int op, int item)
{
    int k = (int)ps->q->n_nodes++;
    ps->q->nodes[k] = (bgi_qnode){.op = op, .item = item, .child = -1, .last = -1, .next = -1};
    return k;
}

/* Appends child to list; a plain list of the same operator is spliced in
 * ((a b) c is a b c). */
static void list_add(parser *ps, int list, int child)
{
    bgi_qnode *nd = ps->q->nodes;
    int first = child, last = child;
    if (nd[child].op == nd[list].op && nd[child].sign == BGI_QS_PLAIN) {
        if (nd[child].child < 0)
            return;
        first = nd[child].child;
        last = nd[child].last;
    }
    if (nd[list].last < 0)
        nd[list].child = first;
    else
        nd[nd[list].last].next = first;
    nd[list].last = last;
}

/* The stronger of two signs: excluded over required over plain. */
static int combine_sign(int a, int b)
{
    if (a == BGI_QS_EXCLUDED || b == BGI_QS_EXCLUDED)
        return BGI_QS_EXCLUDED;
    return a == BGI_QS_REQUIRED || b == BGI_QS_REQUIRED ? BGI_QS_REQUIRED : BGI_QS_PLAIN;
}

static int parse_seq(parser *ps);

static int parse_unary(parser *ps)
{
    int sign = BGI_QS_PLAIN;
    while (!ps->rc && !at_end(ps)) {
        const qtok *t = &ps->t[ps->pos++];
        if (t->type == T_OR || t->type == T_AND)
            continue;                      /* an operator without a left side */
        if (t->type == T_NOT) {
            sign = BGI_QS_EXCLUDED;        /* NOT b alone: without b */
            continue;
        }
        int k;
        if (t->type == T_LP) {
            k = parse_seq(ps);
            if (at(ps, T_RP))
                ps->pos++;
            const bgi_qnode *g = &ps->q->nodes[k];
            if (g->child < 0)
                return -1;
            if (g->child == g->last)       /* (a) is a */
                k = g->child;
        } else {
            if ((ps->rc = push_item(ps->q, t->s, t->n, t->quoted, ps->err)))
                return -1;
            k = new_node(ps, BGI_QN_ITEM, (int)ps->q->n - 1);
        }
        ps->q->nodes[k].sign = combine_sign(ps->q->nodes[k].sign, combine_sign(sign, t->sign));
        return k;
    }
    return -1;
}

/* Adds right to the binary list op started by *left (made on first use). */
static void join(parser *ps, int op, int *left, int *list, int right)
{
    if (right < 0)
        return;
    if (*left < 0) {
        *left = right;
        return;
    }
    if (*list < 0) {
        *list = new_node(ps, op, -1);
        list_add(ps, *list, *left);
    }
    list_add(ps, *list, right);
}

static int parse_and(parser *ps)
{
    int left = parse_unary(ps), list = -1;
    while (!ps->rc && (at(ps, T_AND) || at(ps, T_NOT))) {
        int without = at(ps, T_NOT);
        ps->pos++;
        if (at_end(ps) || at(ps, T_OR))
            break;                         /* a trailing operator */
        int right = parse_unary(ps);
        if (right >= 0 && without)
            ps->q->nodes[right].sign = BGI_QS_EXCLUDED;
        join(ps, BGI_QN_AND, &left, &list, right);
    }
    return list >= 0 ? list : left;
}

static int parse_or(parser *ps)
{
    int left = parse_and(ps), list = -1;
    while (!ps->rc && at(ps, T_OR)) {
        ps->pos++;
        if (!at_end(ps))
            join(ps, BGI_QN_OR, &left, &list, parse_and(ps));
    }
    return list >= 0 ? list : left;
}

static int parse_seq(parser *ps)
{
    int list = new_node(ps, BGI_QN_AND, -1);
    while (!ps->rc && !at_end(ps)) {
        int k = parse_or(ps);
        if (k >= 0)
            list_add(ps, list, k);
    }
    return list;
}

/* Marks the items under node k: their top-level group, and negated when an
 * exclusion stands above them. */
static void mark_items(bgi_qparsed *q, int k, int group, int excluded)
{
    const bgi_qnode *nd = &q->nodes[k];
    excluded |= nd->sign == BGI_QS_EXCLUDED;
    if (nd->op == BGI_QN_ITEM) {
        q->items[nd->item].group = group;
        q->items[nd->item].negated = excluded;
        return;
    }
    for (int c = nd->child; c >= 0; c = q->nodes[c].next)
        mark_items(q, c, group, excluded);
}

/* Tokenizes and parses query into out's items and tree. */
static int parse_tree(bgi_qparsed *out, const char *query, bgi_err *err)
{
    size_t len = strlen(query);
    tokenizer tk = {.t = calloc(len + 1, sizeof *tk.t)};
    out->nodes = calloc(len + 2, sizeof *out->nodes);
    if (!tk.t || !out->nodes) {
        free(tk.t);
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    }
    tokenize(&tk, query);
    parser ps = {.q = out, .t = tk.t, .n = tk.n, .err = err};
    out->root = parse_seq(&ps);
    /* A safety net: every ')' token closes a '(' one, so parse_seq only
     * stops early inside parentheses. */
    while (!ps.rc && ps.pos < ps.n) {
        ps.pos++;
        int k = parse_seq(&ps);
        list_add(&ps, out->root, k);
    }
    free(tk.t);
    if (ps.rc)
        return ps.rc;
    int g = 0;
    for (int c = out->nodes[out->root].child; c >= 0; c = out->nodes[c].next)
        mark_items(out, c, ++g, 0);
    out->n_groups = g;
    return 0;
}

/* Offset of the first byte of s that does not start a well-formed UTF-8
 * sequence (no overlongs, surrogates or values above U+10FFFF), or -1. */
static long invalid_utf8_at(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; p[i];) {
        unsigned char c = p[i], lo = 0x80, hi = 0xBF;
        size_t need = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2
                    : c >= 0xF0 && c <= 0xF4 ? 3 : 4;
        if (need == 4)
            return (long)i;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
        else if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
        for (size_t k = 1; k <= need; k++, lo = 0x80, hi = 0xBF)
            if (p[i + k] < lo || p[i + k] > hi)
                return (long)i;
        i += need + 1;
    }
    return -1;
}

int bgi_query_parse(bgi_qparsed *out, const char *query, bgi_err *err)
{
    memset(out, 0, sizeof *out);
    if (!query)
        return bgi_err_set(err, BG_EQUERY, "empty query");
    if (strlen(query) > BG_QUERY_MAX_BYTES)
        return bgi_err_set(err, BG_ETOOBIG, "query is longer than %d bytes", BG_QUERY_MAX_BYTES);
    /* Results echo the query in JSON, which must be UTF-8; a query with
     * broken bytes is refused rather than searched half-understood. */
    long bad = invalid_utf8_at(query);
    if (bad >= 0)
        return bgi_err_set(err, BG_EQUERY, "query is not valid UTF-8 (byte 0x%02X at offset %ld)",
                          (unsigned char)query[bad], bad);
    int rc = parse_tree(out, query, err);
    if (rc == 0 && out->n == 0)
        rc = bgi_err_set(err, BG_EQUERY, "empty query");
    if (rc)
        bgi_qparsed_clear(out);
    return rc;
}

void bgi_qparsed_clear(bgi_qparsed *q)
{
    for (size_t i = 0; i < q->n; i++)
        free(q->items[i].text);
    free(q->items);
    free(q->nodes);
    memset(q, 0, sizeof *q);
}
