/* fuzz_html.c — libFuzzer target for bgi_read_html (formats/html.c): any
 * bytes must either read as a document whose text is well-formed UTF-8
 * without NUL, of the stated length, with one bgi_para_info per line and no
 * empty line, or be refused with a negative code and a one-line message.
 * Built by fuzz/run.sh; tests/test_fuzz_regressions.c replays the seeds and
 * past crashes through the same function. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "document.h"
#include "fuzz_util.h"

static void html_fuzz_check(const bgi_document *d)
{
    if (!d->text || d->text[d->len] != '\0' || strlen(d->text) != d->len
        || !fz_utf8_ok((const unsigned char *)d->text, d->len, 0) || !d->paras)
        abort();
    size_t lines = 1;
    for (size_t i = 0; i < d->len; i++)
        if (d->text[i] == '\n') {
            if (i == 0 || d->text[i - 1] == '\n' || i + 1 == d->len)
                abort();  /* an empty paragraph */
            lines++;
        }
    if (d->len == 0 || lines != d->n_paras)
        abort();
    for (size_t i = 0; i < d->n_paras; i++)
        if (d->paras[i].page != 0 || d->paras[i].level < 0 || d->paras[i].level > 3)
            abort();
    const char *meta[] = {d->meta.title, d->meta.body, d->meta.date, d->meta.docno,
                          d->meta.published, d->meta.subject, d->meta.index_no};
    for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++)
        if (meta[i] && (!fz_utf8_ok((const unsigned char *)meta[i], strlen(meta[i]), 0)
                        || strchr(meta[i], '\n')))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bgi_document doc;
    bgi_err err = {0};
    int rc = bgi_read_html(&doc, (const char *)data, size, &err);
    if (rc == 0) {
        html_fuzz_check(&doc);
        bgi_document_clear(&doc);
    } else if (rc >= 0 || !err.msg[0] || strchr(err.msg, '\n') || doc.text) {
        abort();
    }
    return 0;
}
