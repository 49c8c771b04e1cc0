/* read.c — one entry point for every format: plain text is decoded and taken
 * line by line; the others go to their readers. */
#include "decode.h"
#include "document.h"
#include "baogao.h"

#include <stdlib.h>
#include <string.h>

static int read_text(bgi_document *out, const char *bytes, size_t n, bgi_err *err)
{
    bgi_decoded dec = {0};
    int rc = bgi_decode(&dec, bytes, n, err);
    if (rc)
        return rc;
    out->format = BG_FORMAT_TXT;
    out->text = dec.text;
    out->len = dec.len;
    out->encoding = dec.encoding;
    out->n_replaced = dec.n_replaced;
    out->first_bad_line = dec.first_bad_line;
    return 0;
}

int bgi_read_document(bgi_document *out, bgi_format f, const char *bytes, size_t n, bgi_err *err)
{
    memset(out, 0, sizeof *out);
    int rc;
    switch (f) {
    case BG_FORMAT_TXT: rc = read_text(out, bytes, n, err); break;
    case BG_FORMAT_HTML: rc = bgi_read_html(out, bytes, n, err); break;
    case BG_FORMAT_PDF: rc = bgi_read_pdf(out, bytes, n, err); break;
    case BG_FORMAT_DOCX: rc = bgi_read_docx(out, bytes, n, err); break;
    case BG_FORMAT_DOC:
    case BG_FORMAT_WPS: rc = bgi_read_legacy(out, f, bytes, n, err); break;
    default: return bgi_err_set(err, BG_ESKIPPED, "unsupported file type");
    }
    if (rc) {
        bgi_document_clear(out);
        return rc;
    }
    out->format = f;
    return 0;
}
