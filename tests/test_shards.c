/* test_shards.c — stub files that list shards (store/shardlist.c,
 * bg_stub_create, docs/scaling.md), without any shard server: how stubs are
 * read (relative paths, nesting, remote lines, errors naming file and line),
 * that a stub of the year shards in another order searches exactly like the
 * index, that a stub cannot be written, and what a remote shard nobody
 * listens for does — a BG_EUNAVAILABLE error naming it, or, with partial
 * answers allowed, the answer of the other shards with the shard named in
 * every result and JSON document. Served shards: tests/remote_test.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baogao.h"
#include "store.h"

static const int fixture_years[] = {2017, 2019, 2021, 2023};
#define N_YEARS 4

typedef struct fixture {
    char dir[64];
    char index[96];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/bg_test_shards_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->index, sizeof f->index, "%s/index", f->dir);
    bg_index *w = NULL;
    int rc = bg_index_open(&w, f->index, BG_OPEN_WRITE | BG_OPEN_CREATE);
    for (size_t i = 0; rc == 0 && i < N_YEARS; i++) {
        char p[256];
        snprintf(p, sizeof p, "%s/years/city-gov-%d.txt", BG_TEST_FIXTURES, fixture_years[i]);
        rc = bg_index_add_file(NULL, NULL, w, p, NULL);
    }
    if (rc == 0)
        rc = bg_index_commit(w);
    if (rc)
        fprintf(stderr, "%s\n", bg_errmsg());
    bg_index_free(w);
    *state = f;
    return rc;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

/* A loopback port nobody listens on (bound, then closed). */
static unsigned closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

/* The search's JSON over db, or NULL when the search fails (rc gets the code). */
static char *search_json(int *rc, const char *db, const char *query, unsigned timeout_ms, int partial)
{
    bg_index *ix = NULL;
    bg_results *res = NULL;
    char *json = NULL;
    *rc = bg_index_open(&ix, db, BG_OPEN_READ);
    if (*rc == 0 && timeout_ms)
        *rc = bg_index_set_remote(ix, timeout_ms, partial);
    if (*rc == 0)
        *rc = bg_search_run(&res, ix, query, &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .limit = 50});
    if (*rc == 0)
        json = bg_results_json(res);
    bg_results_free(res);
    bg_index_free(ix);
    return json;
}

static void test_resolve_index_directory(void **state)
{
    const fixture *f = *state;
    bgi_shard_list l;
    bgi_err err = {0};
    assert_int_equal(bgi_shards_resolve(&l, f->index, &err), 0);
    assert_int_equal(l.n, N_YEARS);
    for (size_t i = 0; i < l.n; i++) {
        char want[160];
        snprintf(want, sizeof want, "%s/shards/%d", f->index, fixture_years[i]);
        assert_string_equal(l.v[i].path, want);
        assert_null(l.v[i].host);
    }
    bgi_shards_clear(&l);
    /* One shard on its own is an index too. */
    char shard[160];
    snprintf(shard, sizeof shard, "%s/shards/2019", f->index);
    assert_int_equal(bgi_shards_resolve(&l, shard, &err), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].path, shard);
    bgi_shards_clear(&l);
}

static void test_resolve_stub_lines(void **state)
{
    const fixture *f = *state;
    char sub[96], stub[128], text[512];
    snprintf(sub, sizeof sub, "%s/sub", f->dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(stub, sizeof stub, "%s/a.stub", sub);
    snprintf(text, sizeof text,
             "# shards of the province\n"
             "\n"
             "auto ../index\n"
             "  glass   ../index/shards/2019  \n"
             "remote 10.0.0.1:7001\n"
             "remote [::1]:7002\n"
             "remote :xapian-progsrv /srv/idx --quiet\n");
    write_file(stub, text);
    bgi_shard_list l;
    bgi_err err = {0};
    assert_int_equal(bgi_shards_resolve(&l, stub, &err), 0);
    assert_int_equal(l.n, N_YEARS + 4);
    char want[160];
    snprintf(want, sizeof want, "%s/../index/shards/2017", sub);
    assert_string_equal(l.v[0].path, want);
    snprintf(want, sizeof want, "%s/../index/shards/2019", sub);
    assert_string_equal(l.v[N_YEARS].path, want);
    const bgx_shard *r = &l.v[N_YEARS + 1];
    assert_null(r->path);
    assert_string_equal(r->host, "10.0.0.1");
    assert_int_equal(r->port, 7001);
    assert_string_equal(r->name, "remote 10.0.0.1:7001");
    assert_string_equal(l.v[N_YEARS + 2].host, "::1");
    assert_int_equal(l.v[N_YEARS + 2].port, 7002);
    assert_string_equal(l.v[N_YEARS + 2].name, "remote [::1]:7002");
    assert_string_equal(l.v[N_YEARS + 3].program, "xapian-progsrv");
    assert_string_equal(l.v[N_YEARS + 3].args, "/srv/idx --quiet");
    bgi_shard_list again;
    assert_int_equal(bgi_shards_resolve(&again, stub, &err), 0);
    assert_true(bgi_shards_equal(&l, &again));
    bgi_shards_clear(&again);
    bgi_shards_clear(&l);
}

/* The error of resolving a stub holding text, which must contain want. */
static void expect_stub_error(const fixture *f, const char *text, int code, const char *want)
{
    char stub[128];
    snprintf(stub, sizeof stub, "%s/bad.stub", f->dir);
    write_file(stub, text);
    bgi_shard_list l;
    bgi_err err = {0};
    assert_int_equal(bgi_shards_resolve(&l, stub, &err), code);
    assert_int_equal(l.n, 0);
    if (!strstr(err.msg, want))
        fail_msg("'%s' does not say '%s'", err.msg, want);
}

static void test_resolve_errors(void **state)
{
    const fixture *f = *state;
    expect_stub_error(f, "auto index\nchert /x\n", BG_EPARSE, "bad.stub:2: unsupported shard type 'chert'");
    expect_stub_error(f, "glass\n", BG_EPARSE, "bad.stub:1: 'glass' needs a path or an address");
    expect_stub_error(f, "remote example.org\n", BG_EPARSE, "'example.org' is not HOST:PORT");
    expect_stub_error(f, "remote example.org:99999\n", BG_EPARSE, "is not HOST:PORT");
    expect_stub_error(f, "remote :\n", BG_EPARSE, "names no program");
    expect_stub_error(f, "auto no-such-dir\n", BG_ENOTFOUND, "no-such-dir: no index here");
    expect_stub_error(f, "auto bad.stub\n", BG_EPARSE, "nested more than 8 deep");
    bgi_shard_list l;
    bgi_err err = {0};
    char empty[96];
    snprintf(empty, sizeof empty, "%s/empty-dir", f->dir);
    assert_int_equal(mkdir(empty, 0755), 0);
    assert_int_equal(bgi_shards_resolve(&l, empty, &err), BG_ENOTFOUND);
}

static void test_stub_searches_like_the_index(void **state)
{
    const fixture *f = *state;
    char stub[128], s[4][160];
    snprintf(stub, sizeof stub, "%s/reversed.stub", f->dir);
    const char *shards[4];
    for (int i = 0; i < 4; i++) {
        snprintf(s[i], sizeof s[i], "%s/shards/%d", f->index, fixture_years[3 - i]);
        shards[i] = s[i];
    }
    assert_int_equal(bg_stub_create(stub, shards, 4), 0);
    static const char *const queries[] = {"就业", "城镇新增就业", "政府 -就业", "发展 OR 改革", "\"营商环境\"", "业"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        int rc1, rc2;
        char *want = search_json(&rc1, f->index, queries[i], 0, 0);
        char *got = search_json(&rc2, stub, queries[i], 0, 0);
        assert_int_equal(rc1, rc2);
        if (want || got)
            assert_string_equal(got, want);
        bg_free(want);
        bg_free(got);
    }
    /* The catalogue too. */
    bg_index *a = NULL, *b = NULL;
    assert_int_equal(bg_index_open(&a, f->index, BG_OPEN_READ), 0);
    assert_int_equal(bg_index_open(&b, stub, BG_OPEN_READ), 0);
    char *ca = bg_index_reports_json(a), *cb = bg_index_reports_json(b);
    assert_non_null(ca);
    assert_non_null(cb);
    assert_string_equal(ca, cb);
    bg_free(ca);
    bg_free(cb);
    bg_index_free(a);
    bg_index_free(b);
}

static void test_stub_is_read_only(void **state)
{
    const fixture *f = *state;
    char stub[128];
    snprintf(stub, sizeof stub, "%s/ro.stub", f->dir);
    const char *shards[] = {f->index};
    assert_int_equal(bg_stub_create(stub, shards, 1), 0);
    bg_index *ix = NULL;
    assert_int_equal(bg_index_open(&ix, stub, BG_OPEN_WRITE), BG_EINVAL);
    assert_null(ix);
    assert_non_null(strstr(bg_errmsg(), "a stub file can be searched but not written"));
}

static void test_stub_create_checks(void **state)
{
    const fixture *f = *state;
    char stub[128], missing[128];
    snprintf(stub, sizeof stub, "%s/new.stub", f->dir);
    snprintf(missing, sizeof missing, "%s/nothing-here", f->dir);
    const char *bad[] = {f->index, missing};
    assert_int_equal(bg_stub_create(stub, bad, 2), BG_ENOTFOUND);
    assert_non_null(strstr(bg_errmsg(), "nothing-here: no index here"));
    assert_int_equal(access(stub, F_OK), -1);
    assert_int_equal(bg_stub_create(stub, bad, 0), BG_EINVAL);
    assert_int_equal(bg_stub_create(f->dir, bad, 1), BG_EINVAL);
    const char *good[] = {f->index, "10.0.0.9:7001", ":xapian-progsrv /srv/x"};
    assert_int_equal(bg_stub_create(stub, good, 3), 0);
    bgi_shard_list l;
    bgi_err err = {0};
    assert_int_equal(bgi_shards_resolve(&l, stub, &err), 0);
    assert_int_equal(l.n, N_YEARS + 2);
    assert_string_equal(l.v[N_YEARS].name, "remote 10.0.0.9:7001");
    assert_string_equal(l.v[N_YEARS + 1].program, "xapian-progsrv");
    bgi_shards_clear(&l);
}

static void test_remote_shard_down(void **state)
{
    const fixture *f = *state;
    char stub[128], remote[64], name[80];
    unsigned port = closed_port();
    snprintf(stub, sizeof stub, "%s/down.stub", f->dir);
    snprintf(remote, sizeof remote, "127.0.0.1:%u", port);
    snprintf(name, sizeof name, "remote 127.0.0.1:%u", port);
    const char *shards[] = {remote, f->index};
    assert_int_equal(bg_stub_create(stub, shards, 2), 0);

    int rc;
    char *json = search_json(&rc, stub, "就业", 1000, 0);
    assert_int_equal(rc, BG_EUNAVAILABLE);
    assert_null(json);
    char want[160];
    snprintf(want, sizeof want, "shard %s is unavailable", name);
    if (!strstr(bg_errmsg(), want))
        fail_msg("'%s' does not say '%s'", bg_errmsg(), want);

    /* Partial: the local shards' answer, the remote one named. */
    bg_index *ix = NULL, *whole = NULL;
    assert_int_equal(bg_index_open(&ix, stub, BG_OPEN_READ), 0);
    assert_int_equal(bg_index_set_remote(ix, 0, 1), BG_EINVAL);
    assert_int_equal(bg_index_set_remote(ix, 1000, 1), 0);
    assert_int_equal(bg_index_open(&whole, f->index, BG_OPEN_READ), 0);
    bg_results *res = NULL, *ref = NULL;
    assert_int_equal(bg_search_run(&res, ix, "就业", NULL), 0);
    assert_int_equal(bg_search_run(&ref, whole, "就业", NULL), 0);
    assert_int_equal(bg_results_missing_count(res), 1);
    assert_string_equal(bg_results_missing(res, 0), name);
    assert_null(bg_results_missing(res, 1));
    assert_int_equal(bg_results_missing_count(ref), 0);
    assert_string_equal(bg_missing_name(bg_results_missing_shards(res), 0), name);
    assert_int_equal(bg_missing_count(bg_results_missing_shards(ref)), 0);
    assert_int_equal(bg_results_total(res), bg_results_total(ref));
    assert_true(bg_results_total(res) > 0);
    json = bg_results_json(res);
    snprintf(want, sizeof want, "\"missing_shards\":[\"%s\"]", name);
    assert_non_null(strstr(json, want));
    bg_free(json);
    bg_results_free(res);
    bg_results_free(ref);

    bg_byyear *by = NULL;
    assert_int_equal(bg_search_by_year(&by, ix, "就业", &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .per_year = 2}), 0);
    assert_int_equal(bg_byyear_missing_count(by), 1);
    assert_string_equal(bg_byyear_missing(by, 0), name);
    /* One accessor for every kind of answer. */
    assert_int_equal(bg_missing_count(bg_byyear_missing_shards(by)), 1);
    assert_string_equal(bg_missing_name(bg_byyear_missing_shards(by), 0), name);
    assert_null(bg_missing_name(bg_byyear_missing_shards(by), 1));

    json = bg_byyear_json(by);
    assert_non_null(strstr(json, want));
    bg_free(json);
    bg_byyear_free(by);

    bg_figures *fig = NULL;
    assert_int_equal(bg_search_figures(&fig, ix, "城镇新增就业", NULL), 0);
    assert_int_equal(bg_figures_missing_count(fig), 1);
    assert_string_equal(bg_figures_missing(fig, 0), name);
    bg_figures_free(fig);

    char *cat = bg_index_reports_json(ix);
    assert_non_null(cat);
    assert_non_null(strstr(cat, want));
    bg_free(cat);
    uint64_t rev = 0;
    assert_int_equal(bg_index_revision(&rev, ix), 0);
    char *status = bg_index_status_json(ix);
    assert_non_null(status);
    char want_status[256];
    snprintf(want_status, sizeof want_status,
             "{\"status\":\"degraded\",\"revision\":%llu,\"shards\":%d,\"missing_shards\":[\"%s\"],\"damaged_shards\":[]}",
             (unsigned long long)rev, N_YEARS + 1, name);
    assert_string_equal(status, want_status);
    bg_free(status);
    status = bg_index_status_json(whole);
    assert_non_null(strstr(status, "\"status\":\"ok\""));
    assert_non_null(strstr(status, "\"missing_shards\":[]"));
    bg_free(status);

    /* Without partial answers again: the error is back. */
    assert_int_equal(bg_index_set_remote(ix, 1000, 0), 0);
    assert_int_equal(bg_search_run(&res, ix, "就业", NULL), BG_EUNAVAILABLE);
    assert_null(bg_index_reports_json(ix));
    assert_int_equal(bg_errcode(), BG_EUNAVAILABLE);
    assert_null(bg_index_status_json(ix));
    assert_int_equal(bg_errcode(), BG_EUNAVAILABLE);
    bg_index_free(ix);
    bg_index_free(whole);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve_index_directory),
        cmocka_unit_test(test_resolve_stub_lines),
        cmocka_unit_test(test_resolve_errors),
        cmocka_unit_test(test_stub_searches_like_the_index),
        cmocka_unit_test(test_stub_is_read_only),
        cmocka_unit_test(test_stub_create_checks),
        cmocka_unit_test(test_remote_shard_down),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
