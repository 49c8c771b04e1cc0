/* shardlist.c — what a --db path stands for, as a list of shards to search:
 * an index directory (its XAPIANDB stub lists one glass shard per year), a
 * single glass shard, or a stub file written by hand or by
 * `baogao-index --stub` that mixes local shards, other index directories and
 * remote shards (`remote HOST:PORT`, `remote :PROGRAM ARGS`).
 *
 * baogao reads stubs itself, with the syntax Xapian uses (docs/scaling.md),
 * instead of handing them to Xapian: it must know each remote shard to give
 * it a timeout, name it when it fails, and answer without it when asked to. */
#include "store.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Stubs may list stubs (an index directory is one); deeper means a loop. */
#define MAX_STUB_DEPTH 8

void bgi_shards_clear(bgi_shard_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free((char *)l->v[i].name);
        free((char *)l->v[i].path);
        free((char *)l->v[i].host);
        free((char *)l->v[i].program);
        free((char *)l->v[i].args);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

static bgx_shard *push_shard(bgi_shard_list *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        bgx_shard *p = realloc(l->v, cap * sizeof *p);
        if (!p)
            return NULL;
        l->v = p;
        l->cap = cap;
    }
    bgx_shard *s = &l->v[l->n++];
    memset(s, 0, sizeof *s);
    return s;
}

static int add_local(bgi_shard_list *l, const char *path, bgi_err *err)
{
    bgx_shard *s = push_shard(l);
    if (!s || !(s->path = bgi_strdup(path)) || !(s->name = bgi_strdup(path)))
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    return 0;
}

/* "HOST:PORT" (the last colon splits, so "[::1]:7001" and "::1:7001" work). */
static int add_tcp(bgi_shard_list *l, const char *spec, const char *where, bgi_err *err)
{
    const char *colon = strrchr(spec, ':');
    char *end = NULL;
    long port = colon ? strtol(colon + 1, &end, 10) : 0;
    if (!colon || colon == spec || !end || *end || end == colon + 1 || port < 1 || port > 65535)
        return bgi_err_set(err, BG_EPARSE, "%s: remote shard '%s' is not HOST:PORT", where, spec);
    const char *host = spec;
    size_t hlen = (size_t)(colon - spec);
    if (host[0] == '[' && hlen > 2 && host[hlen - 1] == ']') {
        host++;
        hlen -= 2;
    }
    bgx_shard *s = push_shard(l);
    if (!s || !(s->host = bgi_strndup(host, hlen)) || !(s->name = bgi_concat("remote ", spec)))
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    s->port = (unsigned)port;
    return 0;
}

/* ":PROGRAM ARGS" — a program speaking the remote protocol on stdin/stdout. */
static int add_program(bgi_shard_list *l, const char *spec, const char *where, bgi_err *err)
{
    const char *prog = spec + 1;
    size_t plen = strcspn(prog, " \t");
    if (plen == 0)
        return bgi_err_set(err, BG_EPARSE, "%s: remote shard '%s' names no program", where, spec);
    const char *args = prog + plen;
    args += strspn(args, " \t");
    bgx_shard *s = push_shard(l);
    if (!s || !(s->program = bgi_strndup(prog, plen)) || !(s->args = bgi_strdup(args))
        || !(s->name = bgi_concat("remote ", spec)))
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    return 0;
}

static int resolve(bgi_shard_list *l, const char *path, int depth, bgi_err *err);

/* A relative path in a stub is relative to the directory holding the stub. */
static char *stub_relative(const char *stub_dir, const char *p)
{
    return p[0] == '/' ? bgi_strdup(p) : bgi_path_join(stub_dir, p);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* One line of a stub: "TYPE WHERE". */
static int parse_line(bgi_shard_list *l, char *line, const char *stub_dir, const char *where, int depth, bgi_err *err)
{
    char *p = trim(line);
    if (!*p || *p == '#')
        return 0;
    size_t tlen = strcspn(p, " \t");
    char *arg = p + tlen;
    if (*arg)
        *arg++ = '\0';
    arg = trim(arg);
    if (!*arg)
        return bgi_err_set(err, BG_EPARSE, "%s: '%s' needs a path or an address", where, p);
    if (strcmp(p, "remote") == 0)
        return arg[0] == ':' ? add_program(l, arg, where, err) : add_tcp(l, arg, where, err);
    if (strcmp(p, "auto") != 0 && strcmp(p, "glass") != 0)
        return bgi_err_set(err, BG_EPARSE, "%s: unsupported shard type '%s' (auto, glass or remote)", where, p);
    char *full = stub_relative(stub_dir, arg);
    if (!full)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    int rc = strcmp(p, "glass") == 0 ? add_local(l, full, err) : resolve(l, full, depth + 1, err);
    free(full);
    return rc;
}

static int read_stub(bgi_shard_list *l, const char *stub, const char *stub_dir, int depth, bgi_err *err)
{
    FILE *f = fopen(stub, "r");
    if (!f)
        return bgi_err_set(err, errno == ENOENT ? BG_ENOTFOUND : BG_EIO, "%s: cannot read: %s", stub, strerror(errno));
    char line[4096];
    size_t lineno = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        char where[4200];
        snprintf(where, sizeof where, "%s:%zu", stub, lineno);
        if (!strchr(line, '\n') && !feof(f))
            rc = bgi_err_set(err, BG_EPARSE, "%s: line too long", where);
        else
            rc = parse_line(l, line, stub_dir, where, depth, err);
    }
    if (rc == 0 && ferror(f))
        rc = bgi_err_set(err, BG_EIO, "%s: cannot read: %s", stub, strerror(errno));
    fclose(f);
    return rc;
}

static int is_dir_with(const char *dir, const char *name)
{
    char *p = bgi_path_join(dir, name);
    struct stat st;
    int yes = p && stat(p, &st) == 0;
    free(p);
    return yes;
}

/* path: an index directory (or any directory holding a XAPIANDB stub), a stub
 * file, or a glass database. */
static int resolve(bgi_shard_list *l, const char *path, int depth, bgi_err *err)
{
    if (depth > MAX_STUB_DEPTH)
        return bgi_err_set(err, BG_EPARSE, "%s: stubs nested more than %d deep (a stub that lists itself?)", path,
                          MAX_STUB_DEPTH);
    struct stat st;
    if (stat(path, &st) != 0)
        return bgi_err_set(err, BG_ENOTFOUND, "%s: no index here (run baogao-index first)", path);
    if (!S_ISDIR(st.st_mode)) {
        char *dir = bgi_dirname(path);
        int rc = dir ? read_stub(l, path, dir, depth, err) : bgi_err_set(err, BG_ENOMEM, "out of memory");
        free(dir);
        return rc;
    }
    if (is_dir_with(path, "XAPIANDB")) {
        char *stub = bgi_path_join(path, "XAPIANDB");
        int rc = stub ? read_stub(l, stub, path, depth, err) : bgi_err_set(err, BG_ENOMEM, "out of memory");
        free(stub);
        return rc;
    }
    if (is_dir_with(path, "iamglass"))
        return add_local(l, path, err);
    return bgi_err_set(err, BG_ENOTFOUND, "%s: no index here (run baogao-index first)", path);
}

int bgi_shards_resolve(bgi_shard_list *out, const char *db_path, bgi_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = resolve(out, db_path, 0, err);
    if (rc)
        bgi_shards_clear(out);
    return rc;
}

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int bgi_shards_equal(const bgi_shard_list *a, const bgi_shard_list *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        const bgx_shard *x = &a->v[i], *y = &b->v[i];
        if (!same_str(x->path, y->path) || !same_str(x->host, y->host) || x->port != y->port
            || !same_str(x->program, y->program) || !same_str(x->args, y->args))
            return 0;
    }
    return 1;
}
