/* read.c — one entry point for every format: plain text is decoded and taken
 * line by line; the others go to their readers. */
#include "decode.h"
#include "document.h"
#include "baogao.h"

#include <stdlib.h>
#include <string.h>

static int read_text(bg_document *out, const char *bytes, size_t n, bg_err *err)
{
    bg_decoded dec = {0};
    int rc = bg_decode(&dec, bytes, n, err);
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

int bg_read_document(bg_document *out, bg_format f, const char *bytes, size_t n, bg_err *err)
{
    memset(out, 0, sizeof *out);
    int rc;
    switch (f) {
    case BG_FORMAT_TXT: rc = read_text(out, bytes, n, err); break;
    case BG_FORMAT_HTML: rc = bg_read_html(out, bytes, n, err); break;
    case BG_FORMAT_PDF: rc = bg_read_pdf(out, bytes, n, err); break;
    case BG_FORMAT_DOCX: rc = bg_read_docx(out, bytes, n, err); break;
    case BG_FORMAT_DOC:
    case BG_FORMAT_WPS: rc = bg_read_legacy(out, f, bytes, n, err); break;
    default: return bg_err_set(err, BG_ESKIPPED, "unsupported file type");
    }
    if (rc) {
        bg_document_clear(out);
        return rc;
    }
    out->format = f;
    return 0;
}
