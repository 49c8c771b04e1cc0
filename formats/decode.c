/* decode.c — works out how a report file is encoded and turns it into clean UTF-8.
 *
 * The evidence is weighed from the most explicit to the weakest: byte order
 * marks, then the high-byte pattern of BOM-less UTF-16, then signs of binary
 * data, then UTF-8 (strict, then "mostly valid"), and GB18030 last.
 *
 * UTF-16 is only guessed for input with NUL bytes, which every other path
 * rejects as binary, so a wrong guess cannot hide a text's real encoding.
 * Mostly-valid UTF-8 is tried before GB18030 on purpose: GB18030 maps almost
 * every byte pair, so a UTF-8 text with one corrupted byte often still parses
 * as (meaningless) GB18030, whereas a real GB18030 text is essentially never
 * 95% valid UTF-8.
 *
 * UTF-16 and GB18030 are converted by ICU with the STOP callback so that bytes
 * that are not really in that encoding fail instead of being silently
 * substituted; UTF-16 is also checked here first, to name the offset of an
 * unpaired surrogate. UTF-8 is validated here because the replacement of bad
 * sequences must be counted and located for the caller's warning. */
#include "decode.h"
#include "baogao.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/utypes.h>

/* Only the start is sniffed for UTF-16: 4 KB gives a stable ratio cheaply. */
#define UTF16_SNIFF_BYTES 4096
/* UTF-16 without a BOM is recognised by its high bytes, in one of two ways.
 * Latin-heavy text: at least this percentage of the code units have a zero
 * high byte (ASCII, digits, newlines)... */
#define UTF16_MIN_ZERO_HIGH_PERCENT 30
/* ...and zero low bytes are rare in comparison (at most this percentage of the
 * zero high bytes). They cannot be required to be absent: common CJK characters
 * such as 一 (U+4E00) and 最 (U+6700) have a zero low byte. */
#define UTF16_MAX_ZERO_LOW_PERCENT 10
/* Chinese text has too few ASCII characters for that (2-10% in real reports),
 * but nearly all its high bytes fall in a few blocks (see is_common_high_byte):
 * at least this percentage of them, against ~40% of the low bytes and well
 * under half for UTF-8 or GB18030 read two bytes at a time... */
#define UTF16_MIN_COMMON_HIGH_PERCENT 95
/* ...and the low bytes must not look the same, or the order is unclear. */
#define UTF16_MAX_COMMON_LOW_PERCENT 75
/* More C0 controls (other than \t \n \r \f) than this percentage of the
 * characters means binary data; a few stray ones are tolerated. */
#define BINARY_MAX_CONTROL_PERCENT 1
/* Invalid UTF-8 is repaired (U+FFFD) only when at least this percentage of the
 * non-ASCII sequences are valid: damage, not another encoding. */
#define MOSTLY_UTF8_MIN_PERCENT 95
/* ICU takes int32_t lengths and the UTF-8 output can be 1.5 times the input;
 * no report comes near this. */
#define DECODE_MAX_BYTES ((size_t)1 << 30)

/* Internal result of a try_* function: the input is not in that encoding and
 * the next candidate should be tried (err is left alone). */
#define NOT_THIS_ENCODING 1

#define NO_OFFSET SIZE_MAX

static const unsigned char UTF8_BOM[] = {0xEF, 0xBB, 0xBF};
static const unsigned char UTF16LE_BOM[] = {0xFF, 0xFE};
static const unsigned char UTF16BE_BOM[] = {0xFE, 0xFF};
static const unsigned char UTF32LE_BOM[] = {0xFF, 0xFE, 0x00, 0x00};
static const unsigned char UTF32BE_BOM[] = {0x00, 0x00, 0xFE, 0xFF};

typedef enum byte_order { ORDER_NONE, ORDER_LE, ORDER_BE } byte_order;

/* What the binary-data check needs to know about a text's characters. */
typedef struct control_scan {
    const char *nul_name;  /* "NUL byte" or "NUL character", for the message */
    size_t first_nul;      /* file offset, or NO_OFFSET */
    size_t n_controls;     /* C0 controls other than \t \n \r \f (NUL excluded) */
    size_t first_control;  /* file offset of the first of them */
    unsigned first_control_value;
    size_t n_chars;        /* bytes or UTF-16 code units seen */
} control_scan;

typedef struct utf8_scan {
    size_t n_multibyte;    /* valid non-ASCII sequences */
    size_t n_invalid;      /* maximal ill-formed subparts (each becomes one U+FFFD) */
    size_t invalid_bytes;  /* bytes in those subparts */
    size_t first_invalid;  /* offset of the first one, or NO_OFFSET */
} utf8_scan;

static bool starts_with(const unsigned char *b, size_t n, const unsigned char *prefix, size_t len)
{
    return n >= len && memcmp(b, prefix, len) == 0;
}

static void set_result(bgi_decoded *out, char *text, size_t len, const char *encoding)
{
    out->text = text;
    out->len = len;
    out->encoding = encoding;
}

static int out_of_memory(bgi_err *err)
{
    return bgi_err_set(err, BG_ENOMEM, "out of memory");
}

/* A BOM can survive conversion (GB18030's is 84 31 95 33, and some tools
 * write two), but the contract is that text never starts with one. */
static void drop_leading_boms(char *text, size_t *len)
{
    size_t skip = 0;
    while (starts_with((const unsigned char *)text + skip, *len - skip, UTF8_BOM, sizeof UTF8_BOM))
        skip += sizeof UTF8_BOM;
    if (skip) {
        memmove(text, text + skip, *len - skip + 1);
        *len -= skip;
    }
}

static size_t line_of_offset(const unsigned char *b, size_t offset)
{
    size_t line = 1;
    for (size_t i = 0; i < offset; i++)
        line += b[i] == '\n';
    return line;
}

/* ---- binary data ------------------------------------------------------ */

static void control_scan_init(control_scan *cs, const char *nul_name)
{
    *cs = (control_scan){.nul_name = nul_name, .first_nul = NO_OFFSET, .first_control = NO_OFFSET};
}

static bool is_suspicious_control(unsigned c)
{
    return c > 0 && c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f';
}

static void control_scan_note(control_scan *cs, unsigned c, size_t offset)
{
    cs->n_chars++;
    if (c == 0 && cs->first_nul == NO_OFFSET)
        cs->first_nul = offset;
    if (is_suspicious_control(c) && cs->n_controls++ == 0) {
        cs->first_control = offset;
        cs->first_control_value = c;
    }
}

/* Returns 0, or BG_EDECODE with the reason when the scanned text is binary.
 * Text output must never contain NUL, so even one NUL is decisive. */
static int reject_if_binary(const control_scan *cs, bgi_err *err)
{
    if (cs->first_nul != NO_OFFSET)
        return bgi_err_set(err, BG_EDECODE, "binary data (%s at offset %zu)", cs->nul_name,
                          cs->first_nul);
    if (cs->n_controls * 100 > cs->n_chars * BINARY_MAX_CONTROL_PERCENT)
        return bgi_err_set(err, BG_EDECODE, "binary data (control character 0x%02X at offset %zu)",
                          cs->first_control_value, cs->first_control);
    return 0;
}

/* b[0..n) sits at file offset base (after a BOM, say); offsets in messages
 * are file offsets. */
static int reject_binary_bytes(const unsigned char *b, size_t n, size_t base, bgi_err *err)
{
    control_scan cs;
    control_scan_init(&cs, "NUL byte");
    for (size_t i = 0; i < n; i++)
        control_scan_note(&cs, b[i], base + i);
    return reject_if_binary(&cs, err);
}

/* ---- ICU conversions -------------------------------------------------- */

static bool is_invalid_input(UErrorCode status)
{
    return status == U_ILLEGAL_CHAR_FOUND || status == U_INVALID_CHAR_FOUND
           || status == U_TRUNCATED_CHAR_FOUND;
}

/* Converts src[0..n) from charset to NUL-terminated UTF-8 in a new buffer.
 * The STOP callback makes illegal or unassigned input an error (reported as
 * U_ILLEGAL_CHAR_FOUND and the like) rather than U+FFFD. */
static UErrorCode icu_to_utf8(char **text, size_t *len, const char *charset,
                              const unsigned char *src, size_t n)
{
    UErrorCode status = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open(charset, &status);
    if (U_FAILURE(status))
        return status;
    ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &status);
    /* Each 2-byte unit becomes at most 3 UTF-8 bytes; 1- and 4-byte units do
     * not grow. */
    size_t cap = n + n / 2 + 1;
    char *buf = U_SUCCESS(status) ? malloc(cap) : NULL;
    if (U_SUCCESS(status) && !buf)
        status = U_MEMORY_ALLOCATION_ERROR;
    int32_t got = 0;
    if (U_SUCCESS(status))
        got = ucnv_toAlgorithmic(UCNV_UTF8, cnv, buf, (int32_t)cap, (const char *)src,
                                 (int32_t)n, &status);
    ucnv_close(cnv);
    if (U_SUCCESS(status) && (size_t)got >= cap)
        status = U_BUFFER_OVERFLOW_ERROR;
    if (U_FAILURE(status)) {
        free(buf);
        return status;
    }
    buf[got] = '\0';
    *text = buf;
    *len = (size_t)got;
    return U_ZERO_ERROR;
}

/* Returns 0 with out filled, NOT_THIS_ENCODING when the input is invalid in
 * charset, or a BG_E* error. */
static int try_icu_conversion(bgi_decoded *out, const char *charset, const unsigned char *src,
                              size_t n, bgi_err *err)
{
    char *text = NULL;
    size_t len = 0;
    UErrorCode status = icu_to_utf8(&text, &len, charset, src, n);
    if (is_invalid_input(status))
        return NOT_THIS_ENCODING;
    if (status == U_MEMORY_ALLOCATION_ERROR)
        return out_of_memory(err);
    if (U_FAILURE(status))
        return bgi_err_set(err, BG_EDECODE, "cannot convert from %s: %s", charset,
                          u_errorName(status));
    drop_leading_boms(text, &len);
    set_result(out, text, len, charset);
    return 0;
}

/* ---- UTF-16 ----------------------------------------------------------- */

static const char *utf16_name(byte_order order)
{
    return order == ORDER_LE ? "UTF-16LE" : "UTF-16BE";
}

static unsigned utf16_unit_at(const unsigned char *p, byte_order order)
{
    return order == ORDER_LE ? (unsigned)p[0] | (unsigned)p[1] << 8
                             : (unsigned)p[0] << 8 | (unsigned)p[1];
}

/* Whether a UTF-16 high byte is one of the blocks Chinese reports are made of:
 * Latin/Greek/Cyrillic, general punctuation to CJK compatibility (—“”…℃①■、。
 * 《》㎡), CJK unified ideographs, and the fullwidth and small forms (，：（）). */
static bool is_common_high_byte(unsigned char hi)
{
    return hi <= 0x04 || (hi >= 0x20 && hi <= 0x33) || (hi >= 0x4E && hi <= 0x9F) || hi >= 0xFE;
}

/* Byte statistics of the even and odd offsets of the sniffed sample. */
typedef struct utf16_sniff {
    size_t units;
    size_t zero[2];    /* [0] even offsets, [1] odd offsets */
    size_t common[2];  /* bytes for which is_common_high_byte() holds */
} utf16_sniff;

/* Whether the bytes at one parity (hi) look like the high bytes of UTF-16
 * text and those at the other (lo) like the low bytes. A zero high byte is
 * required in either case: input without any NUL is left to the UTF-8 and
 * GB18030 checks, so guessing UTF-16 can only ever rescue a file that would
 * otherwise be rejected as binary. */
static bool high_bytes_at(const utf16_sniff *s, int hi, int lo)
{
    if (s->zero[hi] == 0)
        return false;
    bool latin = s->zero[hi] * 100 >= s->units * UTF16_MIN_ZERO_HIGH_PERCENT
                 && s->zero[lo] * 100 <= s->zero[hi] * UTF16_MAX_ZERO_LOW_PERCENT;
    bool cjk = s->common[hi] * 100 >= s->units * UTF16_MIN_COMMON_HIGH_PERCENT
               && s->common[lo] * 100 <= s->units * UTF16_MAX_COMMON_LOW_PERCENT;
    return latin || cjk;
}

/* The byte order of BOM-less UTF-16, judged from the first bytes, or
 * ORDER_NONE when they do not look like UTF-16. */
static byte_order guess_utf16_order(const unsigned char *b, size_t n)
{
    size_t sample = n < UTF16_SNIFF_BYTES ? n : UTF16_SNIFF_BYTES;
    utf16_sniff s = {.units = sample / 2};
    for (size_t i = 0; i < 2 * s.units; i++) {
        s.zero[i % 2] += b[i] == 0;
        s.common[i % 2] += is_common_high_byte(b[i]);
    }
    if (s.units == 0)
        return ORDER_NONE;
    if (high_bytes_at(&s, 1, 0))
        return ORDER_LE;
    if (high_bytes_at(&s, 0, 1))
        return ORDER_BE;
    return ORDER_NONE;
}

/* Checks that b[start..n) is well-formed UTF-16 (even length, surrogates
 * paired) and records its controls. On malformed input returns false with
 * *bad at the offending file offset (NO_OFFSET for an odd length). */
static bool scan_utf16(const unsigned char *b, size_t n, size_t start, byte_order order,
                       control_scan *cs, size_t *bad)
{
    control_scan_init(cs, "NUL character");
    *bad = NO_OFFSET;
    if ((n - start) % 2)
        return false;
    for (size_t i = start; i < n; i += 2) {
        unsigned u = utf16_unit_at(b + i, order);
        bool high = u >= 0xD800 && u <= 0xDBFF, low = u >= 0xDC00 && u <= 0xDFFF;
        if (low || (high && (i + 2 >= n || (utf16_unit_at(b + i + 2, order) & 0xFC00) != 0xDC00))) {
            *bad = i;
            return false;
        }
        control_scan_note(cs, u, i);
        i += high ? 2 : 0;
    }
    return true;
}

/* Decodes b[start..n) as UTF-16. When the byte order was only guessed
 * (!declared), malformed input is NOT_THIS_ENCODING rather than an error. */
static int try_utf16(bgi_decoded *out, const unsigned char *b, size_t n, size_t start,
                     byte_order order, bool declared, bgi_err *err)
{
    control_scan cs;
    size_t bad;
    if (!scan_utf16(b, n, start, order, &cs, &bad)) {
        if (!declared)
            return NOT_THIS_ENCODING;
        if (bad == NO_OFFSET)
            return bgi_err_set(err, BG_EDECODE, "invalid %s (odd number of bytes)",
                              utf16_name(order));
        return bgi_err_set(err, BG_EDECODE, "invalid %s (unpaired surrogate at offset %zu)",
                          utf16_name(order), bad);
    }
    int rc = reject_if_binary(&cs, err);
    if (rc)
        return rc;
    rc = try_icu_conversion(out, utf16_name(order), b + start, n - start, err);
    if (rc == NOT_THIS_ENCODING) /* cannot happen after scan_utf16, but never report success */
        return bgi_err_set(err, BG_EDECODE, "invalid %s", utf16_name(order));
    return rc;
}

/* ---- UTF-8 ------------------------------------------------------------ */

/* Whether the sequence at s[0..n) is well-formed UTF-8 (Unicode Table 3-7: no
 * overlongs, surrogates or values above U+10FFFF). *len is its length, or for
 * an ill-formed one the length of its maximal subpart, which is what one
 * U+FFFD replaces (Unicode's recommended practice, as in ICU and browsers). */
static bool utf8_next(const unsigned char *s, size_t n, size_t *len)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t need;
    if (c < 0x80) {
        *len = 1;
        return true;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        *len = 1;
        return false;
    }
    for (size_t k = 1; k <= need; k++) {
        if (k >= n || s[k] < lo || s[k] > hi) {
            *len = k;
            return false;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    *len = need + 1;
    return true;
}

static void scan_utf8(const unsigned char *s, size_t n, utf8_scan *us)
{
    *us = (utf8_scan){.first_invalid = NO_OFFSET};
    for (size_t i = 0, len; i < n; i += len) {
        if (utf8_next(s + i, n - i, &len)) {
            us->n_multibyte += len > 1;
            continue;
        }
        if (us->n_invalid++ == 0)
            us->first_invalid = i;
        us->invalid_bytes += len;
    }
}

static bool is_mostly_utf8(const utf8_scan *us)
{
    return us->n_invalid == 0
           || us->n_multibyte * 100 >= (us->n_multibyte + us->n_invalid) * MOSTLY_UTF8_MIN_PERCENT;
}

/* Copies s[0..n) with each ill-formed subpart replaced by U+FFFD. */
static int decode_utf8(bgi_decoded *out, const unsigned char *s, size_t n, const utf8_scan *us,
                       bgi_err *err)
{
    static const char replacement[] = "\xEF\xBF\xBD";
    size_t cap = n - us->invalid_bytes + us->n_invalid * (sizeof replacement - 1) + 1;
    char *text = malloc(cap), *w = text;
    if (!text)
        return out_of_memory(err);
    for (size_t i = 0, len; i < n; i += len) {
        if (utf8_next(s + i, n - i, &len)) {
            memcpy(w, s + i, len);
            w += len;
        } else {
            memcpy(w, replacement, sizeof replacement - 1);
            w += sizeof replacement - 1;
        }
    }
    *w = '\0';
    set_result(out, text, (size_t)(w - text), "UTF-8");
    out->n_replaced = us->n_invalid;
    out->first_bad_line = us->n_invalid ? line_of_offset(s, us->first_invalid) : 0;
    return 0;
}

/* ---- the decision ----------------------------------------------------- */

static int decode_empty(bgi_decoded *out, bgi_err *err)
{
    char *text = calloc(1, 1);
    if (!text)
        return out_of_memory(err);
    set_result(out, text, 0, "UTF-8");
    return 0;
}

/* A UTF-8 BOM is taken at its word: the rest is repaired as UTF-8 if mostly
 * valid, and never reinterpreted as another encoding. */
static int decode_declared_utf8(bgi_decoded *out, const unsigned char *b, size_t n, bgi_err *err)
{
    size_t start = 0;
    while (starts_with(b + start, n - start, UTF8_BOM, sizeof UTF8_BOM))
        start += sizeof UTF8_BOM;
    int rc = reject_binary_bytes(b + start, n - start, start, err);
    if (rc)
        return rc;
    utf8_scan us;
    scan_utf8(b + start, n - start, &us);
    if (!is_mostly_utf8(&us))
        return bgi_err_set(err, BG_EDECODE, "not UTF-8 text despite its UTF-8 byte order mark");
    return decode_utf8(out, b + start, n - start, &us, err);
}

/* Text without a BOM or UTF-16 pattern: UTF-8, damaged UTF-8 or GB18030. */
static int decode_undeclared_8bit(bgi_decoded *out, const unsigned char *b, size_t n, bgi_err *err)
{
    int rc = reject_binary_bytes(b, n, 0, err);
    if (rc)
        return rc;
    utf8_scan us;
    scan_utf8(b, n, &us);
    if (is_mostly_utf8(&us))
        return decode_utf8(out, b, n, &us, err);
    /* Invalid UTF-8 without NUL implies bytes >= 0x80, so plain ASCII never
     * gets here and never reports GB18030. */
    rc = try_icu_conversion(out, "GB18030", b, n, err);
    if (rc != NOT_THIS_ENCODING)
        return rc;
    return bgi_err_set(err, BG_EDECODE, "not UTF-8, UTF-16 or GB18030 text");
}

int bgi_decode(bgi_decoded *out, const char *bytes, size_t n, bgi_err *err)
{
    if (!out || (!bytes && n > 0))
        return bgi_err_set(err, BG_EINVAL, "bgi_decode: no output or no input");
    memset(out, 0, sizeof *out);
    const unsigned char *b = (const unsigned char *)bytes;
    if (n == 0)
        return decode_empty(out, err);
    if (n > DECODE_MAX_BYTES)
        return bgi_err_set(err, BG_EDECODE, "too large to decode (%zu bytes, the limit is %zu)", n,
                          DECODE_MAX_BYTES);
    if (starts_with(b, n, UTF8_BOM, sizeof UTF8_BOM))
        return decode_declared_utf8(out, b, n, err);
    /* Checked before UTF-16LE, whose BOM is a prefix of UTF-32LE's. */
    if (starts_with(b, n, UTF32LE_BOM, sizeof UTF32LE_BOM)
        || starts_with(b, n, UTF32BE_BOM, sizeof UTF32BE_BOM))
        return bgi_err_set(err, BG_EDECODE,
                          "unsupported encoding UTF-32 (convert the file to UTF-8)");
    if (starts_with(b, n, UTF16LE_BOM, sizeof UTF16LE_BOM))
        return try_utf16(out, b, n, sizeof UTF16LE_BOM, ORDER_LE, true, err);
    if (starts_with(b, n, UTF16BE_BOM, sizeof UTF16BE_BOM))
        return try_utf16(out, b, n, sizeof UTF16BE_BOM, ORDER_BE, true, err);
    byte_order guessed = guess_utf16_order(b, n);
    if (guessed != ORDER_NONE) {
        int rc = try_utf16(out, b, n, 0, guessed, false, err);
        if (rc != NOT_THIS_ENCODING)
            return rc;
    }
    return decode_undeclared_8bit(out, b, n, err);
}
