/* query_lat.c — in-process query latency for the performance benchmark
 * (bench/perf/run.sh, docs/performance.md): what a program linking libbaogao
 * pays per query once the index is open, without process start-up, index
 * opening or printing. Uses only the public API (include/baogao.h).
 *
 *   usage: bench_query_lat INDEX QUERIES.tsv REPS [COUNT_BOUND]
 *     QUERIES.tsv  lines "label<TAB>kind<TAB>year<TAB>query" ('#' comments;
 *                  year "-" for none); bench/perf/queries.tsv
 *     COUNT_BOUND  bg_search_options.count_bound (default 0: the library's
 *                  default), to measure another bound than the default
 *   output: one line per query, "label<TAB>total<TAB>us,us,...<TAB>us,us,..."
 *   — total matching passages, then REPS wall-clock timings and the REPS
 *   matching CPU times (this thread's), in microseconds (the driver computes
 *   median and p99 the same way for every system). CPU time is reported
 *   because on a loaded machine wall time includes waiting for a core.
 *
 * Each timing is bg_search_run (10 hits, as baogao-query shows) plus walking
 * every hit the way a front end would: its fields, section path, match ranges
 * and a 100-character snippet. Each query runs once untimed first, so the
 * cache is warm and lazily loaded state (lexicon, shards) is in place. */
#include "baogao.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Keeps the compiler from dropping the walk over the hits. */
static volatile size_t sink;

static int run_once(size_t *total, bg_index *ix, const char *query, const bg_search_options *opts)
{
    bg_results *res = NULL;
    if (bg_search_run(&res, ix, query, opts) != 0)
        return -1;
    size_t acc = 0;
    for (size_t i = 0; i < bg_results_count(res); i++) {
        const bg_hit *h = bg_results_hit(res, i);
        acc += strlen(bg_hit_text(h)) + strlen(bg_hit_report(h)) + strlen(bg_hit_title(h))
             + strlen(bg_hit_body(h)) + bg_hit_line(h) + (size_t)bg_hit_year(h) + bg_hit_rank(h)
             + (size_t)bg_hit_kind(h) + (size_t)(bg_hit_score(h) > 0);
        for (size_t k = 0; k < bg_hit_section_count(h); k++)
            acc += strlen(bg_hit_section(h, k));
        const size_t *starts, *ends;
        acc += bg_hit_matches(h, &starts, &ends);
        char *snippet = bg_hit_snippet(h, 100, "【", "】");
        acc += snippet ? strlen(snippet) : 0;
        bg_free(snippet);
    }
    *total = bg_results_total(res);
    bg_results_free(res);
    sink += acc;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fputs("usage: bench_query_lat INDEX QUERIES.tsv REPS [COUNT_BOUND]\n", stderr);
        return 2;
    }
    int reps = atoi(argv[3]);
    if (reps < 1) {
        fputs("bench_query_lat: REPS must be at least 1\n", stderr);
        return 2;
    }
    bg_index *ix = NULL;
    if (bg_index_open(&ix, argv[1], BG_OPEN_READ) != 0) {
        fprintf(stderr, "bench_query_lat: %s\n", bg_errmsg());
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        bg_index_free(ix);
        return 2;
    }
    double *us = malloc(2 * (size_t)reps * sizeof *us);
    double *cpu = us ? us + reps : NULL;
    char line[4096];
    int rc = 0;
    while (us && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *save = NULL;
        char *label = strtok_r(line, "\t", &save);
        char *kind = strtok_r(NULL, "\t", &save);
        char *year = strtok_r(NULL, "\t", &save);
        char *query = strtok_r(NULL, "\t", &save);
        if (!label || !kind || !year || !query) {
            fprintf(stderr, "bench_query_lat: malformed line in %s\n", argv[2]);
            rc = 2;
            break;
        }
        bg_search_options opts = {.version = BG_SEARCH_OPTIONS_VERSION, .limit = 10};
        if (argc == 5)   /* another count bound than the default (0: the default) */
            opts.count_bound = strtoul(argv[4], NULL, 10);
        if (strcmp(year, "-") != 0)
            opts.year_from = opts.year_to = atoi(year);
        size_t total = 0;
        if (run_once(&total, ix, query, &opts) != 0) {
            fprintf(stderr, "bench_query_lat: %s: %s\n", query, bg_errmsg());
            rc = 2;
            break;
        }
        for (int r = 0; r < reps; r++) {
            double t0 = now_us(CLOCK_MONOTONIC), c0 = now_us(CLOCK_THREAD_CPUTIME_ID);
            run_once(&total, ix, query, &opts);
            us[r] = now_us(CLOCK_MONOTONIC) - t0;
            cpu[r] = now_us(CLOCK_THREAD_CPUTIME_ID) - c0;
        }
        printf("%s\t%zu\t", label, total);
        for (int r = 0; r < reps; r++)
            printf("%s%.1f", r ? "," : "", us[r]);
        printf("\t");
        for (int r = 0; r < reps; r++)
            printf("%s%.1f", r ? "," : "", cpu[r]);
        printf("\n");
    }
    free(us);
    fclose(f);
    bg_index_free(ix);
    return rc;
}
