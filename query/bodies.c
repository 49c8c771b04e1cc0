/* bodies.c — resolves the body filter (see bodies.h). The list of short
 * names is read when a filter needs it: it is small, and a search for a body
 * the index does not hold is rare. */
#include "bodies.h"
#include "baogao.h"
#include "scheme.h"
#include "store.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The list: one "short<TAB>full" a line; '#' starts a comment line. */
static const char *bodies_path(void)
{
    return bgi_ix_file_exists(BAOGAO_BODIES_INSTALLED) ? BAOGAO_BODIES_INSTALLED : BAOGAO_BODIES_SOURCE;
}

char *bgi_body_full_name(const char *path, const char *short_name)
{
    char *data = NULL;
    size_t len = 0;
    bgi_err ignored = {0};
    if (bgi_read_file(&data, &len, path ? path : bodies_path(), &ignored) != 0)
        return NULL;
    char *full = NULL;
    size_t sl = strlen(short_name);
    for (char *p = data, *end = data + len; p < end && !full;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char *tab = memchr(p, '\t', ll);
        if (p[0] != '#' && tab && (size_t)(tab - p) == sl && memcmp(p, short_name, sl) == 0) {
            size_t fl = ll - sl - 1;
            while (fl && (tab[fl] == '\r' || tab[fl] == ' '))
                fl--;
            full = fl ? bgi_strndup(tab + 1, fl) : NULL;
        }
        p += ll + 1;
    }
    free(data);
    return full;
}

/* Every body whose name starts with name: the XB terms with that prefix. */
static bgx_query *prefix_query(const char *name)
{
    char term[BG_TERM_MAX];
    size_t n = bgi_term_body(term, name);
    return bgx_query_wildcard(term, n, 0);
}

int bgi_body_filter(bgx_query **out, bgx_reader *reader, const char *body, bgi_err *err)
{
    char term[BG_TERM_MAX];
    size_t tn = bgi_term_body(term, body);
    uint32_t freq = 0;
    int rc = reader ? bgx_reader_termfreq(reader, term, &freq, err) : 0;
    if (rc)
        return rc;
    char *full = freq ? NULL : bgi_body_full_name(NULL, body);
    if (freq)
        *out = bgx_query_term(term, tn, 1, 0);
    else if (full) {
        bgx_query *pair[2] = {bgx_query_term(term, tn, 1, 0), prefix_query(full)};
        *out = pair[0] && pair[1] ? bgx_query_combine(BGX_OP_OR, pair, 2, 0) : NULL;
        bgx_query_free(pair[0]);
        bgx_query_free(pair[1]);
    } else
        *out = prefix_query(body);
    free(full);
    return *out ? 0 : bgi_err_set(err, BG_ENOMEM, "out of memory");
}
