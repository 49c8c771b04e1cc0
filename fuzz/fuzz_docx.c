/* fuzz_docx.c — libFuzzer target for bgi_read_docx (formats/docx.c): any
 * bytes must either read to a document whose text is well-formed UTF-8
 * without NUL, with one paragraph info per line (no empty line, no page,
 * a level 0..3), or be refused with a negative code, a one-line message and
 * nothing left allocated in the document.
 *
 * Mutating a ZIP rarely gets past its CRCs, so an input that is not a ZIP or
 * an OLE2 file is also read as the XML of a package built around it (stored,
 * so building costs little): it becomes word/document.xml and
 * word/footnotes.xml beside a fixed styles.xml whose styles chain, loop and
 * name headings. Built by fuzz/run.sh; tests/test_fuzz_regressions.c replays
 * the seeds and past crashes through the same function. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "document.h"
#include "fuzz_util.h"

static const char docx_fuzz_styles[] =
    "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"a\"><w:name w:val=\"Normal\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"a\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"2\"><w:name w:val=\"标题 2\"/><w:basedOn w:val=\"3\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"3\"><w:basedOn w:val=\"2\"/>"
    "<w:pPr><w:outlineLvl w:val=\"2\"/></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"H\"><w:rPr><w:b/><w:rFonts w:eastAsia=\"黑体\"/></w:rPr></w:style>"
    "<w:style w:type=\"character\" w:styleId=\"K\"><w:rPr><w:rFonts w:ascii=\"楷体_GB2312\"/></w:rPr></w:style>"
    "</w:styles>";

static int docx_fuzz_is_container(const uint8_t *data, size_t size)
{
    return size >= 2 && ((data[0] == 'P' && data[1] == 'K') || (data[0] == 0xD0 && data[1] == 0xCF));
}

/* A stored ZIP of the input as document.xml and footnotes.xml; NULL when
 * libzip cannot build it. */
static char *docx_fuzz_wrap(const uint8_t *data, size_t size, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *dst = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_error_fini(&ze);
    if (!dst)
        return NULL;
    zip_source_keep(dst);
    zip_t *za = zip_open_from_source(dst, ZIP_TRUNCATE, NULL);
    const char *names[] = {"word/document.xml", "word/footnotes.xml", "word/styles.xml"};
    const void *bodies[] = {data, data, docx_fuzz_styles};
    size_t sizes[] = {size, size, sizeof docx_fuzz_styles - 1};
    for (int i = 0; za && i < 3; i++) {
        zip_source_t *s = zip_source_buffer(za, bodies[i], sizes[i], 0);
        zip_int64_t idx = s ? zip_file_add(za, names[i], s, 0) : -1;
        if (idx < 0) {
            zip_source_free(s);
            zip_discard(za);
            za = NULL;
        } else {
            zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
        }
    }
    char *out = NULL;
    if (za && zip_close(za) == 0 && zip_source_open(dst) == 0) {
        zip_source_seek(dst, 0, SEEK_END);
        zip_int64_t n = zip_source_tell(dst);
        zip_source_seek(dst, 0, SEEK_SET);
        out = n > 0 ? malloc((size_t)n) : NULL;
        if (out && zip_source_read(dst, out, (zip_uint64_t)n) == n) {
            *len = (size_t)n;
        } else {
            free(out);
            out = NULL;
        }
        zip_source_close(dst);
    } else if (za) {
        zip_discard(za);
    }
    zip_source_free(dst);
    return out;
}

static void docx_fuzz_check(const char *bytes, size_t n)
{
    bgi_document doc;
    bgi_err err = {0};
    int rc = bgi_read_docx(&doc, bytes, n, &err);
    if (rc == 0) {
        if (doc.format != BG_FORMAT_DOCX || !doc.text || doc.text[doc.len] != '\0'
            || !fz_utf8_ok((const unsigned char *)doc.text, doc.len, 0) || !doc.paras
            || doc.len == 0 || doc.text[0] == '\n' || doc.text[doc.len - 1] == '\n'
            || strstr(doc.text, "\n\n"))
            abort();
        size_t lines = 1;
        for (size_t i = 0; i < doc.len; i++)
            lines += doc.text[i] == '\n';
        if (lines != doc.n_paras)
            abort();
        for (size_t i = 0; i < doc.n_paras; i++)
            if (doc.paras[i].page != 0 || doc.paras[i].level < 0 || doc.paras[i].level > 3)
                abort();
        bgi_document_clear(&doc);
    } else if (rc >= 0 || !err.msg[0] || strchr(err.msg, '\n') || doc.text || doc.paras
               || doc.meta.title) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    docx_fuzz_check((const char *)data, size);
    if (!docx_fuzz_is_container(data, size) && size < (1 << 20)) {
        size_t n = 0;
        char *zip = docx_fuzz_wrap(data, size, &n);
        if (zip)
            docx_fuzz_check(zip, n);
        free(zip);
    }
    return 0;
}
