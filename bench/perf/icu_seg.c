/* icu_seg.c — the performance benchmark's first "limit" (bench/perf/run.sh,
 * docs/performance.md): how fast raw ICU word segmentation (UBRK_WORD, locale
 * zh, the dictionary-based break iterator baogao's analyser uses) walks the
 * corpus. Nothing else is done with the text — no normalisation, no terms, no
 * Xapian — so no indexer built on ICU word break can be faster than this on
 * one core.
 *
 *   usage: bench_icu_seg FILE_OR_DIR...   (a directory is read for *.txt)
 *   output (key<TAB>value lines): bytes, files, seconds (wall), cpu_seconds,
 *   boundaries, words
 *
 * All files are read into memory first; only the segmentation is timed. The
 * break iterator is opened once (as baogao opens one per analyser) and
 * pointed at each file in turn with ubrk_setUText. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <unicode/ubrk.h>
#include <unicode/utext.h>

typedef struct text {
    char *data;
    size_t len;
} text;

typedef struct texts {
    text *v;
    size_t n, cap;
    size_t bytes;
} texts;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_icu_seg: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(2);
}

static void read_file(texts *t, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open", path);
    struct stat st;
    if (fstat(fileno(f), &st) != 0)
        die("cannot stat", path);
    size_t len = (size_t)st.st_size;
    char *buf = malloc(len ? len : 1);
    if (!buf || fread(buf, 1, len, f) != len)
        die("cannot read", path);
    fclose(f);
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->v = realloc(t->v, t->cap * sizeof *t->v);
        if (!t->v)
            die("out of memory", NULL);
    }
    t->v[t->n++] = (text){buf, len};
    t->bytes += len;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads dir's *.txt in name order, so runs are repeatable. */
static void read_dir(texts *t, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        die("cannot open directory", dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 4, ".txt") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                die("out of memory", NULL);
        }
        size_t plen = strlen(dir) + 1 + len + 1;
        names[n] = malloc(plen);
        if (!names[n])
            die("out of memory", NULL);
        snprintf(names[n], plen, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        read_file(t, names[i]);
        free(names[i]);
    }
    free(names);
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: bench_icu_seg FILE_OR_DIR...\n", stderr);
        return 2;
    }
    texts t = {0};
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0)
            die("cannot stat", argv[i]);
        if (S_ISDIR(st.st_mode))
            read_dir(&t, argv[i]);
        else
            read_file(&t, argv[i]);
    }

    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &status);
    if (U_FAILURE(status))
        die("ubrk_open", u_errorName(status));
    UText *ut = NULL;
    size_t boundaries = 0, words = 0;

    /* CPU time too: on a shared, loaded machine it is steadier than wall
     * time (the driver reports both). */
    double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    for (size_t i = 0; i < t.n; i++) {
        ut = utext_openUTF8(ut, t.v[i].data, (int64_t)t.v[i].len, &status);
        ubrk_setUText(bi, ut, &status);
        if (U_FAILURE(status))
            die("utext_openUTF8/ubrk_setUText", u_errorName(status));
        /* The rule status is read too, because an indexer must know whether
         * the piece before a boundary is a word or punctuation/space. */
        for (int32_t b = ubrk_first(bi); b != UBRK_DONE; b = ubrk_next(bi)) {
            boundaries++;
            if (ubrk_getRuleStatus(bi) >= UBRK_WORD_NONE_LIMIT)
                words++;
        }
    }
    double t1 = clock_s(CLOCK_MONOTONIC), c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);

    utext_close(ut);
    ubrk_close(bi);
    printf("bytes\t%zu\nfiles\t%zu\nseconds\t%.6f\ncpu_seconds\t%.6f\nboundaries\t%zu\nwords\t%zu\n", t.bytes,
           t.n, t1 - t0, c1 - c0, boundaries, words);
    for (size_t i = 0; i < t.n; i++)
        free(t.v[i].data);
    free(t.v);
    return 0;
}
