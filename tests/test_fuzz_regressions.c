/* test_fuzz_regressions.c — replays the fuzz seeds (fuzz/corpus/<target>/)
 * and every input that once crashed a fuzz target (fuzz/regressions/<target>/)
 * through the targets' own code, in every ctest run: in the normal build,
 * and in the ASan+UBSan build, where a regression shows as a sanitizer
 * report. The targets (fuzz/fuzz_*.c) are compiled in here with their entry
 * points renamed, so this needs neither clang nor libFuzzer; a target that
 * finds its invariants broken aborts, which fails the test. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LLVMFuzzerTestOneInput fuzz_decode_input
#include "../fuzz/fuzz_decode.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_structure_input
#include "../fuzz/fuzz_structure.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_analyze_input
#include "../fuzz/fuzz_analyze.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_query_input
#include "../fuzz/fuzz_query.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_pdf_input
#include "../fuzz/fuzz_pdf.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_docx_input
#include "../fuzz/fuzz_docx.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_html_input
#include "../fuzz/fuzz_html.c"
#undef LLVMFuzzerTestOneInput

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    size_t cap = 0;
    *n = 0;
    for (;;) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4096;
            unsigned char *p = realloc(buf, cap);
            if (!p)
                break;
            buf = p;
        }
        size_t got = fread(buf + *n, 1, cap - *n, f);
        if (got == 0)
            break;
        *n += got;
    }
    fclose(f);
    return buf;
}

/* Feeds every regular file of dir to fn; returns how many. */
static size_t replay_dir(const char *dir, fuzz_fn fn)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t n = 0;
        unsigned char *data = slurp(path, &n);
        if (!data)
            continue;
        print_message("  %s (%zu bytes)\n", path + strlen(BG_SOURCE_DIR) + 1, n);
        fn(data, n);
        free(data);
        count++;
    }
    closedir(d);
    return count;
}

static void replay(const char *target, fuzz_fn fn)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/fuzz/corpus/%s", BG_SOURCE_DIR, target);
    size_t seeds = replay_dir(dir, fn);
    snprintf(dir, sizeof dir, "%s/fuzz/regressions/%s", BG_SOURCE_DIR, target);
    replay_dir(dir, fn);
    assert_true(seeds > 0);   /* the seeds are part of the repository */
    /* And the degenerate inputs no corpus bothers to hold. */
    fn((const uint8_t *)"", 0);
    fn((const uint8_t *)"\n", 1);
}

static void test_decode(void **state)
{
    (void)state;
    replay("decode", fuzz_decode_input);
}

static void test_structure(void **state)
{
    (void)state;
    replay("structure", fuzz_structure_input);
}

static void test_analyze(void **state)
{
    (void)state;
    replay("analyze", fuzz_analyze_input);
}

static void test_query(void **state)
{
    (void)state;
    replay("query", fuzz_query_input);
}

static void test_pdf(void **state)
{
    (void)state;
    replay("pdf", fuzz_pdf_input);
}

static void test_docx(void **state)
{
    (void)state;
    replay("docx", fuzz_docx_input);
}

static void test_html(void **state)
{
    (void)state;
    replay("html", fuzz_html_input);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_pdf),
        cmocka_unit_test(test_docx),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_analyze),
        cmocka_unit_test(test_query),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
