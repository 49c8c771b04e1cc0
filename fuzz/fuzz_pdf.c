/* fuzz_pdf.c — libFuzzer target for the PDF reader (bgi_read_pdf,
 * formats/pdf.c and formats/pdf_lines.c): any bytes either read to
 * well-formed UTF-8 without NUL of the stated length, one paragraph entry per
 * line, pages from 1 to n_pages never going back — or are refused with a
 * negative code and a one-line message. Seeds in fuzz/corpus/pdf/ are small
 * hand-written PDFs (text, fake bold, radicals, a scan) so mutations start
 * inside poppler's parser rather than at the header check. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "document.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bgi_document doc;
    bgi_err err = {0};
    int rc = bgi_read_pdf(&doc, (const char *)data, size, &err);
    if (rc == 0) {
        if (!doc.text || doc.text[doc.len] != '\0' || strlen(doc.text) != doc.len
            || !fz_utf8_ok((const unsigned char *)doc.text, doc.len, 0) || !doc.paras)
            abort();
        size_t lines = 1;
        for (size_t i = 0; i < doc.len; i++)
            lines += doc.text[i] == '\n';
        if (lines != doc.n_paras)
            abort();
        for (size_t i = 0; i < doc.n_paras; i++) {
            int page = doc.paras[i].page;
            if (page < 1 || (size_t)page > doc.n_pages || (i && page < doc.paras[i - 1].page))
                abort();
        }
        bgi_document_clear(&doc);
    } else if (rc >= 0 || !err.msg[0] || strchr(err.msg, '\n') || doc.text || doc.paras) {
        abort();
    }
    return 0;
}
