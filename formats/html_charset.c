/* html_charset.c — step 1 of the HTML reader: the page's bytes as UTF-8.
 * A byte order mark, else the bytes when they are valid UTF-8 (a <meta
 * charset=gb2312> on a UTF-8 page is a common lie), else the charset a
 * <meta> or <?xml?> declaration names in the first 16 KB, else GB18030
 * (GB2312 and GBK are read as GB18030, their superset). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/ucnv.h>

#include "baogao.h"
#include "decode.h"
#include "html_priv.h"

/* A charset declaration later than this is not looked for (browsers look at
 * the first 1 KB; portals sometimes put long scripts before it). */
#define CHARSET_SNIFF_BYTES 16384

/* The charset named by a declaration in the page's head, canonicalised to
 * one of ICU's static names, or NULL. */
static const char *charset_from_name(const char *name)
{
    static const struct {
        const char *alias, *canonical;
    } KNOWN[] = {
        {"gb2312", "GB18030"},  {"gbk", "GB18030"},     {"gb18030", "GB18030"},
        {"x-gbk", "GB18030"},   {"cp936", "GB18030"},   {"euc-cn", "GB18030"},
        {"gb_2312-80", "GB18030"}, {"csgb2312", "GB18030"}, {"windows-936", "GB18030"},
        {"utf-8", "UTF-8"},     {"utf8", "UTF-8"},      {"unicode", "UTF-8"},
        {"utf-16", "UTF-8"},    {"utf-16le", "UTF-8"},  {"utf-16be", "UTF-8"},
        {"big5", "Big5"},       {"big5-hkscs", "Big5-HKSCS"},
    };
    for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++)
        if (bgi_html_ascii_ieq(name, KNOWN[i].alias))
            return KNOWN[i].canonical;
    /* Anything else ICU knows; its standard names are static data. */
    const char *std = ucnv_getStandardName(name, "IANA", &(UErrorCode){U_ZERO_ERROR});
    if (!std)
        std = ucnv_getStandardName(name, "MIME", &(UErrorCode){U_ZERO_ERROR});
    return std;
}

static bool is_charset_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
           || c == '_' || c == '.' || c == ':';
}

/* Finds "charset" (or "encoding" in <?xml ?>) followed by = and a name
 * inside the tag that starts at p, which ends at the next '>'. */
static const char *charset_in_tag(const char *p, const char *end, const char *key)
{
    size_t klen = strlen(key);
    const char *gt = memchr(p, '>', (size_t)(end - p));
    if (!gt)
        gt = end;
    for (const char *q = p; q + klen < gt; q++) {
        if (strncasecmp(q, key, klen) != 0)
            continue;
        const char *v = q + klen;
        while (v < gt && (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r'))
            v++;
        if (v >= gt || *v != '=')
            continue;
        v++;
        while (v < gt && (*v == ' ' || *v == '"' || *v == '\'' || *v == '\t'))
            v++;
        char name[48];
        size_t k = 0;
        while (v < gt && is_charset_char(*v) && k + 1 < sizeof name)
            name[k++] = *v++;
        name[k] = '\0';
        if (k)
            return charset_from_name(name);
    }
    return NULL;
}

static const char *sniff_declared_charset(const char *b, size_t n)
{
    const char *end = b + (n < CHARSET_SNIFF_BYTES ? n : CHARSET_SNIFF_BYTES);
    for (const char *p = b; p + 5 < end; p++) {
        if (*p != '<')
            continue;
        const char *cs = NULL;
        if (strncasecmp(p + 1, "meta", 4) == 0)
            cs = charset_in_tag(p, end, "charset");
        else if (strncmp(p + 1, "?xml", 4) == 0)
            cs = charset_in_tag(p, end, "encoding");
        if (cs)
            return cs;
    }
    return NULL;
}

static bool is_valid_utf8(const char *b, size_t n)
{
    const unsigned char *s = (const unsigned char *)b;
    for (size_t i = 0; i < n;) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t before = i;
        if (bgi_html_next_cp(s, n, &i) == 0xFFFD && i == before + 1)
            return false;
    }
    return true;
}

/* Converts with ICU's default substitution (U+FFFD for what cannot be read):
 * a page with a few damaged bytes is still worth reading. */
static int convert_lenient(char **out, size_t *out_len, const char *charset, const char *b,
                           size_t n, bgi_err *err)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t need = ucnv_convert("UTF-8", charset, NULL, 0, b, (int32_t)n, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return bgi_err_set(err, BG_EDECODE, "cannot convert the page from %s", charset);
    char *text = malloc((size_t)need + 1);
    if (!text)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    st = U_ZERO_ERROR;
    ucnv_convert("UTF-8", charset, text, need + 1, b, (int32_t)n, &st);
    if (U_FAILURE(st)) {
        free(text);
        return bgi_err_set(err, BG_EDECODE, "cannot convert the page from %s", charset);
    }
    text[need] = '\0';
    *out = text;
    *out_len = (size_t)need;
    return 0;
}

/* Only a declared multibyte charset (Big5, Shift_JIS, EUC-KR...) is
 * believed over the bytes: a Chinese page that says ISO-8859-1 or
 * windows-1252 is in practice GBK with a template's default header. */
static bool is_multibyte_charset(const char *name)
{
    UErrorCode st = U_ZERO_ERROR;
    UConverter *c = ucnv_open(name, &st);
    if (U_FAILURE(st))
        return false;
    bool multi = ucnv_getMaxCharSize(c) > 1;
    ucnv_close(c);
    return multi;
}

/* The page as UTF-8, and the name of the charset it was in. *owned is the
 * converted copy to free, or NULL when *text points into b: a page that is
 * already valid UTF-8 is not copied once more. */
int bgi_html_decode_page(const char **text, char **owned, size_t *len, const char **encoding,
                        const char *b, size_t n, bgi_err *err)
{
    static const char UTF8_BOM[] = "\xEF\xBB\xBF";
    *owned = NULL;
    size_t skip = 0;
    while (n - skip >= 3 && memcmp(b + skip, UTF8_BOM, 3) == 0)
        skip += 3;
    if (!memchr(b, '\0', n) && is_valid_utf8(b + skip, n - skip)) {
        const char *declared = sniff_declared_charset(b, n);
        bool ascii = true;
        for (size_t i = skip; i < n && ascii; i++)
            ascii = (unsigned char)b[i] < 0x80;
        /* nothing contradicts a declaration on a plain ASCII page */
        *encoding = ascii && declared && !skip ? declared : "UTF-8";
        *text = b + skip;
        *len = n - skip;
        return 0;
    }
    bool bom = (n >= 3 && memcmp(b, UTF8_BOM, 3) == 0)
               || (n >= 2 && ((unsigned char)b[0] == 0xFF || (unsigned char)b[0] == 0xFE)
                   && ((unsigned char)b[1] ^ (unsigned char)b[0]) == 0x01);
    const char *declared = bom ? NULL : sniff_declared_charset(b, n);
    bool declared_other = declared && strcmp(declared, "UTF-8") != 0
                          && strcmp(declared, "GB18030") != 0 && is_multibyte_charset(declared);
    if (declared_other && !memchr(b, '\0', n)) {
        *encoding = declared;
        int rc = convert_lenient(owned, len, declared, b, n, err);
        *text = *owned;
        return rc;
    }
    /* bgi_decode weighs UTF-8 (strict, then mostly valid) against GB18030,
     * which settles both a lying declaration and a missing one. */
    bgi_decoded d;
    int rc = bgi_decode(&d, b, n, err);
    if (rc == 0) {
        *text = *owned = d.text;
        *len = d.len;
        *encoding = d.encoding;
        return 0;
    }
    if (rc == BG_ENOMEM || memchr(b, '\0', n))
        return rc;
    /* Neither clean UTF-8 nor clean GB18030: a GBK page with damaged bytes,
     * or control characters in it. Read it as GB18030 with substitutes. */
    bgi_err_clear(err);
    *encoding = "GB18030";
    rc = convert_lenient(owned, len, "GB18030", b, n, err);
    *text = *owned;
    return rc;
}
