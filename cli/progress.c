/* progress.c — the progress line (see progress.h). */
#include "progress.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct progress {
    FILE *out;
    size_t n_files, done_files;
    uint64_t total_bytes, done_bytes;
    double start, drawn;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

progress *progress_new(FILE *out, size_t n_files, uint64_t total_bytes)
{
    if (!isatty(fileno(out)) || n_files == 0)
        return NULL;
    progress *p = calloc(1, sizeof *p);
    if (p)
        *p = (progress){.out = out, .n_files = n_files, .total_bytes = total_bytes, .start = now()};
    return p;
}

static void draw(progress *p)
{
    double t = now(), elapsed = t - p->start;
    double rate = elapsed > 0 ? (double)p->done_bytes / 1e6 / elapsed : 0;
    fprintf(p->out, "\r\033[K%zu/%zu files  %.1f/%.1f MB  %.1f MB/s", p->done_files, p->n_files,
            (double)p->done_bytes / 1e6, (double)p->total_bytes / 1e6, rate);
    if (rate > 0 && p->done_bytes < p->total_bytes)
        fprintf(p->out, "  about %.0f s left", (double)(p->total_bytes - p->done_bytes) / 1e6 / rate);
    fflush(p->out);
    p->drawn = t;
}

void progress_step(progress *p, uint64_t bytes)
{
    if (!p)
        return;
    p->done_files++;
    p->done_bytes += bytes;
    if (now() - p->drawn >= 0.1 || p->done_files == p->n_files)
        draw(p);
}

void progress_clear(progress *p)
{
    if (p && p->drawn > 0) {
        fputs("\r\033[K", p->out);
        fflush(p->out);
        p->drawn = 0;
    }
}

void progress_free(progress *p)
{
    progress_clear(p);
    free(p);
}
