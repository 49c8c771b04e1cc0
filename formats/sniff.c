/* sniff.c — what format a file is, from its bytes first and its name second:
 * a report saved from a portal may be called .htm, .shtml, .aspx or nothing
 * at all, and a PDF may have lost its extension on the way. */
#include "document.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

static const char *extension(const char *name)
{
    if (!name)
        return "";
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash + 1 : name, '.');
    return dot ? dot : "";
}

static int ext_is(const char *name, const char *const *exts)
{
    const char *e = extension(name);
    for (; *exts; exts++)
        if (strcasecmp(e, *exts) == 0)
            return 1;
    return 0;
}

/* A directory walk takes the first four; pages saved from dynamic portals
 * keep their server's extension, which counts when such a file is named. */
static const char *const html_exts[] = {".htm", ".html", ".shtml", ".xhtml", NULL};

static int has(const char *b, size_t n, const char *needle)
{
    return memmem(b, n, needle, strlen(needle)) != NULL;
}

/* Markup a page starts with (after a BOM, blanks and comments), any case. */
static int looks_like_html(const char *b, size_t n)
{
    size_t lim = n < 4096 ? n : 4096;
    static const char *const tags[] = {"<!doctype html", "<html", "<head", "<body", "<meta ", "<title", NULL};
    for (size_t i = 0; i < lim; i++) {
        if (b[i] != '<')
            continue;
        for (const char *const *t = tags; *t; t++) {
            size_t k = strlen(*t);
            if (i + k <= n && strncasecmp(b + i, *t, k) == 0)
                return 1;
        }
    }
    return 0;
}

bgi_format bgi_format_detect(const char *bytes, size_t n, const char *name)
{
    static const unsigned char ole2[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    size_t head = n < 1024 ? n : 1024;
    if (has(bytes, head, "%PDF-"))
        return BG_FORMAT_PDF;
    if (n >= 4 && memcmp(bytes, "PK\x03\x04", 4) == 0)
        return has(bytes, n, "word/document.xml") ? BG_FORMAT_DOCX : BG_FORMAT_UNKNOWN;
    if (n >= 8 && memcmp(bytes, ole2, 8) == 0) {
        static const char *const wps[] = {".wps", ".wpt", NULL}, *const docx[] = {".docx", NULL};
        if (ext_is(name, wps))
            return BG_FORMAT_WPS;
        if (ext_is(name, docx))    /* an encrypted DOCX is an OLE2 file: its reader says so */
            return BG_FORMAT_DOCX;
        /* "WordDocument", the main stream of a Word file, in UTF-16LE. */
        static const char word_stream[] = "W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0";
        return memmem(bytes, n, word_stream, sizeof word_stream - 1) ? BG_FORMAT_DOC : BG_FORMAT_UNKNOWN;
    }
    if (looks_like_html(bytes, n))
        return BG_FORMAT_HTML;
    bgi_format by_name = bgi_format_from_name(name);
    /* A .doc or .wps without the OLE2 signature is damaged, or text renamed. */
    return by_name == BG_FORMAT_UNKNOWN || by_name == BG_FORMAT_DOC || by_name == BG_FORMAT_WPS ? BG_FORMAT_TXT
                                                                                              : by_name;
}

bgi_format bgi_format_from_name(const char *name)
{
    static const char *const txt[] = {".txt", NULL}, *const pdf[] = {".pdf", NULL},
                             *const docx[] = {".docx", NULL}, *const doc[] = {".doc", NULL},
                             *const wps[] = {".wps", NULL};
    if (ext_is(name, txt))
        return BG_FORMAT_TXT;
    if (ext_is(name, html_exts))
        return BG_FORMAT_HTML;
    if (ext_is(name, pdf))
        return BG_FORMAT_PDF;      /* without its signature: the reader calls it damaged */
    if (ext_is(name, docx))
        return BG_FORMAT_DOCX;
    if (ext_is(name, doc))
        return BG_FORMAT_DOC;
    if (ext_is(name, wps))
        return BG_FORMAT_WPS;
    return BG_FORMAT_UNKNOWN;
}

int bgi_format_supported_name(const char *name)
{
    return bgi_format_from_name(name) != BG_FORMAT_UNKNOWN;
}

const char *bgi_format_name(bgi_format f)
{
    switch (f) {
    case BG_FORMAT_TXT: return "txt";
    case BG_FORMAT_HTML: return "html";
    case BG_FORMAT_PDF: return "pdf";
    case BG_FORMAT_DOCX: return "docx";
    case BG_FORMAT_DOC: return "doc";
    case BG_FORMAT_WPS: return "wps";
    default: return "unknown";
    }
}
