/* fuzz_query.c — libFuzzer target for query parsing and building
 * (bgi_query_parse, query/qparse.c; bgi_qplan_build, query/qbuild.c): any
 * bytes as a query give either an error with a one-line message or a plan
 * with a Xapian query, within the limits of qparse.h. No index is needed:
 * the plan is built, described and freed. Built by fuzz/run.sh;
 * tests/test_fuzz_regressions.c replays the seeds and past crashes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "baogao.h"
#include "qbuild.h"
#include "qparse.h"

static bgi_analyzer *fz_q_analyzer(void)
{
    static bgi_analyzer *an;
    if (!an) {
        /* Lexicon words make the superword expansion (qbuild.c) run. */
        static const char lex[] = "电子证照\n法治政府\n法治政府建设\n政府工作报告\n营商环境\n";
        bgi_analyzer_options o = {.lexicon_text = lex, .lexicon_text_len = sizeof lex - 1};
        bgi_err err = {0};
        if (bgi_analyzer_new(&an, &o, &err) != 0)
            abort();
    }
    return an;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *q = malloc(size + 1);
    if (!q)
        return 0;
    memcpy(q, data, size);
    q[size] = '\0';
    bgi_err err = {0};
    bgi_qparsed parsed;
    int rc = bgi_query_parse(&parsed, q, &err);
    if (rc == 0) {
        if (parsed.n == 0 || parsed.n > BG_QUERY_MAX_ITEMS)
            abort();
        bgi_qplan plan;
        rc = bgi_qplan_build(&plan, fz_q_analyzer(), NULL, &parsed, size % 2, &err);   /* strict or not */
        if (rc == 0) {
            if (!plan.query)
                abort();
            char *d = bgx_query_describe(plan.query);
            free(d);
            bgi_qplan_clear(&plan);
        }
        bgi_qparsed_clear(&parsed);
    }
    if (rc && (rc != BG_EQUERY && rc != BG_ETOOBIG && rc != BG_ENOMEM))
        abort();
    if (rc && (!err.msg[0] || strchr(err.msg, '\n')))
        abort();
    free(q);
    return 0;
}
