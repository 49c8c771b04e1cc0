/* test_decode.c — unit tests for formats/decode.c: encoding detection and
 * conversion of report files to clean UTF-8, and rejection of binary data and
 * unknown encodings.
 *
 * Inputs are built in the test (byte arrays produced once with iconv, UTF-16
 * encoded by a small encoder here) so that the expected bytes do not depend on
 * the ICU converters under test; one GBK report comes from tests/fixtures/decode
 * (see make-fixtures.sh there). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/ustring.h>

#include "baogao.h"
#include "bgi_err.h"
#include "decode.h"

static const char REPORT[] =
    "二、2022年主要举措和成效\n"
    "（一）稳增长稳就业稳物价\n"
    "一是加大宏观政策实施力度，二是稳定市场预期，三是保障重点群体就业。\n";

/* "二、2022年主要举措和成效" in GB18030 (iconv -f UTF-8 -t GB18030). */
static const unsigned char GB18030_HEADING[] = {
    0xb6, 0xfe, 0xa1, 0xa2, 0x32, 0x30, 0x32, 0x32, 0xc4, 0xea, 0xd6, 0xf7,
    0xd2, 0xaa, 0xbe, 0xd9, 0xb4, 0xeb, 0xba, 0xcd, 0xb3, 0xc9, 0xd0, 0xa7};
/* "€𠮷": € is two bytes in GB18030 (not in GBK), 𠮷 (U+20BB7) a four-byte
 * sequence. */
static const unsigned char GB18030_EURO_AND_U20BB7[] = {0xa2, 0xe3, 0x95, 0x34, 0xb2, 0x35};
/* "朱镕基 國務院" in GBK: 镕 and the traditional characters are outside GB2312. */
static const unsigned char GBK_NAMES[] = {0xd6, 0xec, 0xe9, 0x46, 0xbb, 0xf9, 0x20,
                                          0x87, 0xf8, 0x84, 0xd5, 0xd4, 0xba};

/* ---- helpers ---------------------------------------------------------- */

/* The contract every successful decode must meet: NUL-terminated valid UTF-8
 * of the stated length, without NUL bytes or a leading BOM. */
static void assert_clean_output(const bgi_decoded *d)
{
    assert_non_null(d->text);
    assert_non_null(d->encoding);
    assert_int_equal(d->text[d->len], '\0');
    assert_int_equal(strlen(d->text), d->len);
    assert_false(d->len >= 3 && memcmp(d->text, "\xEF\xBB\xBF", 3) == 0);
    UErrorCode status = U_ZERO_ERROR;
    int32_t n16 = 0;
    u_strFromUTF8(NULL, 0, &n16, d->text, (int32_t)d->len, &status);
    assert_true(status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING
                || U_SUCCESS(status));
}

static bgi_decoded decode_ok(const void *bytes, size_t n)
{
    bgi_decoded d;
    bgi_err err = {0};
    int rc = bgi_decode(&d, bytes, n, &err);
    if (rc)
        fail_msg("bgi_decode failed: %d %s", rc, err.msg);
    assert_clean_output(&d);
    return d;
}

static void assert_decodes_to(const void *bytes, size_t n, const char *encoding, const char *text)
{
    bgi_decoded d = decode_ok(bytes, n);
    assert_string_equal(d.encoding, encoding);
    assert_string_equal(d.text, text);
    assert_int_equal(d.n_replaced, 0);
    assert_int_equal(d.first_bad_line, 0);
    free(d.text);
}

/* Asserts that decoding fails with BG_EDECODE and exactly message msg. */
static void assert_rejected(const void *bytes, size_t n, const char *msg)
{
    bgi_decoded d;
    bgi_err err = {0};
    assert_int_equal(bgi_decode(&d, bytes, n, &err), BG_EDECODE);
    assert_int_equal(err.code, BG_EDECODE);
    assert_string_equal(err.msg, msg);
    assert_null(d.text);
}

/* Asserts that decoding fails with BG_EDECODE and a message starting with prefix. */
static void assert_rejected_as(const void *bytes, size_t n, const char *prefix)
{
    bgi_decoded d;
    bgi_err err = {0};
    assert_int_equal(bgi_decode(&d, bytes, n, &err), BG_EDECODE);
    if (strncmp(err.msg, prefix, strlen(prefix)) != 0)
        fail_msg("message \"%s\" does not start with \"%s\"", err.msg, prefix);
    assert_null(d.text);
}

static unsigned char *put_utf16_unit(unsigned char *w, uint32_t unit, bool big_endian)
{
    *w++ = (unsigned char)(big_endian ? unit >> 8 : unit & 0xFF);
    *w++ = (unsigned char)(big_endian ? unit & 0xFF : unit >> 8);
    return w;
}

/* Encodes valid UTF-8 as UTF-16 (a reference independent of the decoder),
 * optionally with a BOM. The caller frees the result. */
static unsigned char *utf16_encode(size_t *n, const char *utf8, bool big_endian, bool bom)
{
    const unsigned char *s = (const unsigned char *)utf8;
    size_t len = strlen(utf8);
    unsigned char *out = malloc(2 * len + 2), *w = out;
    assert_non_null(out);
    if (bom)
        w = put_utf16_unit(w, 0xFEFF, big_endian);
    for (size_t i = 0; i < len;) {
        size_t k = s[i] < 0x80 ? 1 : s[i] < 0xE0 ? 2 : s[i] < 0xF0 ? 3 : 4;
        uint32_t cp = k == 1 ? s[i] : (uint32_t)(s[i] & (0xFF >> (k + 1)));
        for (size_t j = 1; j < k; j++)
            cp = cp << 6 | (s[i + j] & 0x3F);
        i += k;
        if (cp >= 0x10000) {
            w = put_utf16_unit(w, 0xD800 | (cp - 0x10000) >> 10, big_endian);
            w = put_utf16_unit(w, 0xDC00 | ((cp - 0x10000) & 0x3FF), big_endian);
        } else {
            w = put_utf16_unit(w, cp, big_endian);
        }
    }
    *n = (size_t)(w - out);
    return out;
}

/* Reads a small fixture file, NUL-terminated; the caller frees it. */
static char *read_fixture(size_t *n, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/decode/%s", BG_TEST_FIXTURES, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    char *buf = malloc(8192 + 1);
    assert_non_null(buf);
    *n = fread(buf, 1, 8192, f);
    assert_true(feof(f));
    fclose(f);
    buf[*n] = '\0';
    return buf;
}

/* Deterministic pseudo-random bytes (xorshift32), each in [lo, 0xFF]. */
static void fill_random(unsigned char *buf, size_t n, uint32_t seed, unsigned lo)
{
    for (size_t i = 0; i < n; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        buf[i] = (unsigned char)(lo + seed % (256 - lo));
    }
}

/* ---- UTF-8 ------------------------------------------------------------ */

static void test_empty(void **state)
{
    (void)state;
    assert_decodes_to("", 0, "UTF-8", "");
    assert_decodes_to(NULL, 0, "UTF-8", "");
}

static void test_utf8_plain(void **state)
{
    (void)state;
    assert_decodes_to(REPORT, strlen(REPORT), "UTF-8", REPORT);
    assert_decodes_to("plain ASCII\n", 12, "UTF-8", "plain ASCII\n");
}

static void test_utf8_keeps_crlf(void **state)
{
    (void)state;
    const char *text = "一、总体要求\r\n坚持稳中求进。\r\n";
    assert_decodes_to(text, strlen(text), "UTF-8", text);
}

static void test_utf8_bom_is_removed(void **state)
{
    (void)state;
    char buf[512];
    int n = snprintf(buf, sizeof buf, "\xEF\xBB\xBF%s", REPORT);
    assert_decodes_to(buf, (size_t)n, "UTF-8", REPORT);
    /* Some tools add a second BOM when concatenating. */
    n = snprintf(buf, sizeof buf, "\xEF\xBB\xBF\xEF\xBB\xBF%s", REPORT);
    assert_decodes_to(buf, (size_t)n, "UTF-8", REPORT);
    assert_decodes_to("\xEF\xBB\xBF", 3, "UTF-8", "");
}

static void test_invalid_utf8_is_replaced(void **state)
{
    (void)state;
    /* A good report with, on line 3, a stray 0xFF and a character cut after
     * its second byte (E4 B8, then "X"). */
    const char *damaged =
        "二、2022年主要举措和成效\n"
        "（一）稳增长稳就业稳物价\n"
        "一是加大宏观\xFF政策实施力度，二是稳定\xE4\xB8X市场预期。\n"
        "三是保障重点群体就业。\n";
    const char *repaired =
        "二、2022年主要举措和成效\n"
        "（一）稳增长稳就业稳物价\n"
        "一是加大宏观\xEF\xBF\xBD政策实施力度，二是稳定\xEF\xBF\xBDX市场预期。\n"
        "三是保障重点群体就业。\n";
    bgi_decoded d = decode_ok(damaged, strlen(damaged));
    assert_string_equal(d.encoding, "UTF-8");
    assert_string_equal(d.text, repaired);
    assert_int_equal(d.n_replaced, 2);
    assert_int_equal(d.first_bad_line, 3);
    free(d.text);
}

static void test_truncated_last_character_is_replaced(void **state)
{
    (void)state;
    char buf[512];
    int n = snprintf(buf, sizeof buf, "%s\xE6\x88", REPORT);
    bgi_decoded d = decode_ok(buf, (size_t)n);
    assert_int_equal(d.n_replaced, 1);
    assert_int_equal(d.first_bad_line, 4);
    assert_int_equal(d.len, strlen(REPORT) + 3);
    assert_memory_equal(d.text + strlen(REPORT), "\xEF\xBF\xBD", 3);
    free(d.text);
}

/* These bytes (UTF-8 with one damaged character) also parse as GB18030 —
 * which maps almost every byte pair — so GB18030 must not be tried before
 * mostly-valid UTF-8. */
static void test_damaged_utf8_is_not_taken_for_gb18030(void **state)
{
    (void)state;
    const char *damaged = "二是稳定市场预期\n"
                          "加\xE5\xA4" "A宏观政策力度\n"
                          "推动经济运行整体好转\n"
                          "年度主要目标任务\n";
    UErrorCode status = U_ZERO_ERROR;
    UConverter *gb = ucnv_open("GB18030", &status);
    ucnv_setToUCallBack(gb, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &status);
    UChar u16[256];
    ucnv_toUChars(gb, u16, 256, damaged, (int32_t)strlen(damaged), &status);
    ucnv_close(gb);
    assert_true(U_SUCCESS(status)); /* the premise of this test */

    bgi_decoded d = decode_ok(damaged, strlen(damaged));
    assert_string_equal(d.encoding, "UTF-8");
    assert_int_equal(d.n_replaced, 1);
    assert_int_equal(d.first_bad_line, 2);
    assert_non_null(strstr(d.text, "加\xEF\xBF\xBD" "A宏观政策力度\n"));
    free(d.text);
}

static void test_utf8_bom_with_garbage_is_rejected(void **state)
{
    (void)state;
    unsigned char buf[1024] = {0xEF, 0xBB, 0xBF};
    fill_random(buf + 3, sizeof buf - 3, 7, 0x80);
    assert_rejected(buf, sizeof buf, "not UTF-8 text despite its UTF-8 byte order mark");
}

/* ---- UTF-16 ----------------------------------------------------------- */

static void check_utf16(const char *text, bool big_endian, bool bom)
{
    size_t n;
    unsigned char *bytes = utf16_encode(&n, text, big_endian, bom);
    assert_decodes_to(bytes, n, big_endian ? "UTF-16BE" : "UTF-16LE", text);
    free(bytes);
}

static void test_utf16le_bom(void **state)
{
    (void)state;
    check_utf16(REPORT, false, true);
    check_utf16("𠮷 (U+20BB7) needs a surrogate pair\r\n", false, true);
    check_utf16("", false, true);
}

static void test_utf16be_bom(void **state)
{
    (void)state;
    check_utf16(REPORT, true, true);
    check_utf16("𠮷 (U+20BB7) needs a surrogate pair\r\n", true, true);
    check_utf16("", true, true);
}

/* Without a BOM, UTF-16 shows in its high bytes: zero for ASCII-heavy text,
 * in a few CJK blocks for Chinese text. */
static void test_utf16_without_bom(void **state)
{
    (void)state;
    const char *latin = "1. 2022年GDP增长3.0%\n2. CPI上涨2.0%\n3. 一是 one, 二是 two\n";
    check_utf16(latin, false, false);
    check_utf16(latin, true, false);
    check_utf16(REPORT, false, false);
    check_utf16(REPORT, true, false);
}

static void test_utf16_report_file_without_bom(void **state)
{
    (void)state;
    size_t n_utf8;
    char *utf8 = read_fixture(&n_utf8, "report-utf8.txt");
    check_utf16(utf8, false, false);
    check_utf16(utf8, true, false);
    free(utf8);
}

/* UTF-16 is guessed only for input that has NUL bytes: "國務" in GBK (87 F8
 * 84 D5) has CJK-like high bytes at the even offsets, and would decode as
 * UTF-16BE (U+87F8 U+84D5), but it is GBK. */
static void test_text_without_nul_is_never_guessed_utf16(void **state)
{
    (void)state;
    const unsigned char gbk[] = {0x87, 0xf8, 0x84, 0xd5};
    assert_decodes_to(gbk, sizeof gbk, "GB18030", "國務");
}

static void test_malformed_utf16_is_rejected(void **state)
{
    (void)state;
    /* BOM, "A", then a lone low surrogate at offset 4. */
    const unsigned char lone_low[] = {0xFF, 0xFE, 0x41, 0x00, 0x00, 0xDC, 0x42, 0x00};
    assert_rejected(lone_low, sizeof lone_low,
                    "invalid UTF-16LE (unpaired surrogate at offset 4)");
    /* BOM, a high surrogate at offset 2 followed by "A". */
    const unsigned char lone_high[] = {0xFE, 0xFF, 0xD8, 0x42, 0x00, 0x41};
    assert_rejected(lone_high, sizeof lone_high,
                    "invalid UTF-16BE (unpaired surrogate at offset 2)");
    const unsigned char high_at_end[] = {0xFF, 0xFE, 0x41, 0x00, 0x3D, 0xD8};
    assert_rejected(high_at_end, sizeof high_at_end,
                    "invalid UTF-16LE (unpaired surrogate at offset 4)");
    const unsigned char odd[] = {0xFF, 0xFE, 0x41, 0x00, 0x42};
    assert_rejected(odd, sizeof odd, "invalid UTF-16LE (odd number of bytes)");
}

static void test_utf16_with_nul_is_binary(void **state)
{
    (void)state;
    const unsigned char bytes[] = {0xFF, 0xFE, 0x41, 0x00, 0x00, 0x00, 0x42, 0x00};
    assert_rejected(bytes, sizeof bytes, "binary data (NUL character at offset 4)");
}

static void test_utf32_is_rejected(void **state)
{
    (void)state;
    const unsigned char bytes[] = {0xFF, 0xFE, 0x00, 0x00, 0x41, 0x00, 0x00, 0x00};
    assert_rejected(bytes, sizeof bytes, "unsupported encoding UTF-32 (convert the file to UTF-8)");
}

/* ---- GB18030 / GBK ---------------------------------------------------- */

static void test_gb18030(void **state)
{
    (void)state;
    assert_decodes_to(GB18030_HEADING, sizeof GB18030_HEADING, "GB18030",
                      "二、2022年主要举措和成效");
    assert_decodes_to(GB18030_EURO_AND_U20BB7, sizeof GB18030_EURO_AND_U20BB7, "GB18030",
                      "€𠮷");
}

static void test_gb18030_bom_is_removed(void **state)
{
    (void)state;
    unsigned char buf[64] = {0x84, 0x31, 0x95, 0x33}; /* U+FEFF in GB18030 */
    memcpy(buf + 4, GB18030_HEADING, sizeof GB18030_HEADING);
    assert_decodes_to(buf, 4 + sizeof GB18030_HEADING, "GB18030",
                      "二、2022年主要举措和成效");
}

static void test_gbk(void **state)
{
    (void)state;
    assert_decodes_to(GBK_NAMES, sizeof GBK_NAMES, "GB18030", "朱镕基 國務院");
}

static void test_gbk_report_file(void **state)
{
    (void)state;
    size_t n_gbk, n_utf8;
    char *gbk = read_fixture(&n_gbk, "report-gbk.txt");
    char *utf8 = read_fixture(&n_utf8, "report-utf8.txt");
    bgi_decoded d = decode_ok(gbk, n_gbk);
    assert_string_equal(d.encoding, "GB18030");
    assert_int_equal(d.len, n_utf8);
    assert_memory_equal(d.text, utf8, n_utf8); /* CRLF kept */
    free(d.text);
    free(gbk);
    free(utf8);
}

/* ---- rejections ------------------------------------------------------- */

static void test_binary_with_nul_is_rejected(void **state)
{
    (void)state;
    assert_rejected("hello world\n\0\x01\x02\x03", 16, "binary data (NUL byte at offset 12)");
    const unsigned char png[] = {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A,
                                 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52};
    assert_rejected(png, sizeof png, "binary data (NUL byte at offset 8)");
    /* Valid UTF-8 is still binary when it contains NUL. */
    char buf[512];
    int n = snprintf(buf, sizeof buf, "%s", REPORT);
    buf[30] = '\0';
    assert_rejected(buf, (size_t)n, "binary data (NUL byte at offset 30)");
}

static void test_control_characters_are_binary(void **state)
{
    (void)state;
    assert_rejected("abc\x01\x02\x03" "def", 9,
                    "binary data (control character 0x01 at offset 3)");
    assert_rejected("\xEF\xBB\xBF" "a\x1B" "b", 6,
                    "binary data (control character 0x1B at offset 4)");
}

static void test_stray_control_character_is_kept(void **state)
{
    (void)state;
    char buf[512];
    int n = snprintf(buf, sizeof buf, "%s\f\v%s", REPORT, REPORT);
    assert_decodes_to(buf, (size_t)n, "UTF-8", buf);
}

static void test_random_bytes_are_rejected(void **state)
{
    (void)state;
    unsigned char buf[4096];
    for (uint32_t seed = 1; seed <= 20; seed++) {
        fill_random(buf, sizeof buf, seed, 0);
        assert_rejected_as(buf, sizeof buf, "binary data (");
        /* Without NULs and controls it is still in no supported encoding. */
        fill_random(buf, sizeof buf, seed, 0x20);
        assert_rejected(buf, sizeof buf, "not UTF-8, UTF-16 or GB18030 text");
    }
}

static void test_latin1_is_rejected(void **state)
{
    (void)state;
    const char *latin1 = "Le caf\xE9 na\xEFve, r\xE9sum\xE9 \xE0 la cr\xE8me.\n";
    assert_rejected(latin1, strlen(latin1), "not UTF-8, UTF-16 or GB18030 text");
}

static void test_null_output_is_invalid(void **state)
{
    (void)state;
    bgi_err err = {0};
    assert_int_equal(bgi_decode(NULL, "x", 1, &err), BG_EINVAL);
    bgi_decoded d;
    assert_int_equal(bgi_decode(&d, NULL, 1, NULL), BG_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_utf8_plain),
        cmocka_unit_test(test_utf8_keeps_crlf),
        cmocka_unit_test(test_utf8_bom_is_removed),
        cmocka_unit_test(test_invalid_utf8_is_replaced),
        cmocka_unit_test(test_truncated_last_character_is_replaced),
        cmocka_unit_test(test_damaged_utf8_is_not_taken_for_gb18030),
        cmocka_unit_test(test_utf8_bom_with_garbage_is_rejected),
        cmocka_unit_test(test_utf16le_bom),
        cmocka_unit_test(test_utf16be_bom),
        cmocka_unit_test(test_utf16_without_bom),
        cmocka_unit_test(test_utf16_report_file_without_bom),
        cmocka_unit_test(test_text_without_nul_is_never_guessed_utf16),
        cmocka_unit_test(test_malformed_utf16_is_rejected),
        cmocka_unit_test(test_utf16_with_nul_is_binary),
        cmocka_unit_test(test_utf32_is_rejected),
        cmocka_unit_test(test_gb18030),
        cmocka_unit_test(test_gb18030_bom_is_removed),
        cmocka_unit_test(test_gbk),
        cmocka_unit_test(test_gbk_report_file),
        cmocka_unit_test(test_binary_with_nul_is_rejected),
        cmocka_unit_test(test_control_characters_are_binary),
        cmocka_unit_test(test_stray_control_character_is_kept),
        cmocka_unit_test(test_random_bytes_are_rejected),
        cmocka_unit_test(test_latin1_is_rejected),
        cmocka_unit_test(test_null_output_is_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
