/* synonyms.c — the list of full and short names (see synonyms.h). It is read
 * once per process, the first time a search needs it, and kept read-only:
 * searches on many threads share it without locks. */
#include "synonyms.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The file, each name NUL-terminated in place; names[group[g] .. group[g+1])
 * are the names of group g. */
typedef struct synonym_list {
    char *data;
    size_t len;
    char **names;
    size_t *group;
    size_t n_names, n_groups;
} synonym_list;

static synonym_list list;
static pthread_once_t list_once = PTHREAD_ONCE_INIT;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Cuts l->data into names and groups: one group a line, '#' a comment. */
static int split(synonym_list *l)
{
    l->names = malloc((l->len / 2 + 1) * sizeof *l->names);
    l->group = malloc((l->len / 2 + 2) * sizeof *l->group);
    if (!l->names || !l->group)
        return -1;
    for (char *p = l->data, *end = l->data + l->len; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        size_t first = l->n_names;
        for (char *q = p; *p != '#' && q < le;) {
            while (q < le && is_space(*q))
                q++;
            char *name = q;
            while (q < le && !is_space(*q))
                q++;
            if (q > name)
                l->names[l->n_names++] = name;
            if (q < end)
                *q++ = '\0';
        }
        if (l->n_names - first >= 2)
            l->group[l->n_groups++] = first;
        else
            l->n_names = first;   /* a name alone has no other way */
        p = le + 1;
    }
    l->group[l->n_groups] = l->n_names;
    return 0;
}

/* The installed list, else the source tree's (running from a build). */
static void read_list(void)
{
    const char *path = access(BAOGAO_SYNONYMS_INSTALLED, R_OK) == 0 ? BAOGAO_SYNONYMS_INSTALLED
                                                                       : BAOGAO_SYNONYMS_SOURCE;
    bgi_err ignored = {0};
    if (bgi_read_file(&list.data, &list.len, path, &ignored) == 0 && split(&list) != 0) {
        free(list.data);
        free(list.names);
        free(list.group);
        list = (synonym_list){0};
    }
}

size_t bgi_synonym_find(size_t *at, size_t *len, const char **alts, size_t max, const char *text)
{
    pthread_once(&list_once, read_list);
    size_t best = SIZE_MAX, best_group = 0;
    *at = *len = 0;
    for (size_t g = 0; g < list.n_groups; g++)
        for (size_t i = list.group[g]; i < list.group[g + 1]; i++) {
            const char *hit = strstr(text, list.names[i]);
            size_t off = hit ? (size_t)(hit - text) : 0, nl = strlen(list.names[i]);
            if (hit && (best == SIZE_MAX || off < *at || (off == *at && nl > *len))) {
                best = i, best_group = g;
                *at = off, *len = nl;
            }
        }
    size_t n = 0;
    for (size_t i = best == SIZE_MAX ? 0 : list.group[best_group]; best != SIZE_MAX && i < list.group[best_group + 1]
                                                                   && n < max; i++)
        if (i != best)
            alts[n++] = list.names[i];
    return n;
}
