/* utf8.h — the one set of UTF-8 helpers every layer uses: decoding one
 * code point (invalid bytes become U+FFFD, one per byte), encoding one,
 * checking a string is well-formed, counting characters. */
#ifndef BGI_UTF8_H
#define BGI_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the code point at s[i] (i < n) into *c and returns its byte length
 * (>= 1). Invalid or truncated sequences, overlong forms, surrogates and
 * values above U+10FFFF yield U+FFFD and a length of 1, so every bad byte
 * counts as one replacement character. */
static inline size_t bgi_utf8_decode(const unsigned char *s, size_t n, size_t i, int32_t *c)
{
    unsigned b = s[i];
    if (b < 0x80) {
        *c = (int32_t)b;
        return 1;
    }
    size_t k;
    int32_t v, min;
    if (b >= 0xC2 && b <= 0xDF) {
        k = 2, v = b & 0x1F, min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        k = 3, v = b & 0x0F, min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        k = 4, v = b & 0x07, min = 0x10000;
    } else {
        *c = 0xFFFD;
        return 1;
    }
    if (n - i < k) {
        *c = 0xFFFD;
        return 1;
    }
    for (size_t j = 1; j < k; j++) {
        unsigned t = s[i + j];
        if ((t & 0xC0) != 0x80) {
            *c = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (int32_t)(t & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *c = 0xFFFD;
        return 1;
    }
    *c = v;
    return k;
}

/* Encodes c (a valid scalar value) as UTF-8 into out[0..4); returns the length. */
static inline size_t bgi_utf8_encode(int32_t c, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (c < 0x80) {
        o[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (unsigned char)(0xC0 | (c >> 6));
        o[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (c >> 12));
        o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (c >> 18));
    o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

/* Whether s[0..n) is well-formed UTF-8 (no overlong forms, surrogates or
 * values above U+10FFFF). */
static inline int bgi_utf8_valid(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        int32_t c;
        size_t k = bgi_utf8_decode(u, n, i, &c);
        if (c == 0xFFFD && k == 1 && u[i] >= 0x80)
            return 0;
        i += k;
    }
    return 1;
}

/* The number of characters of s[0..n): bytes that start one. */
static inline size_t bgi_utf8_count(const char *s, size_t n)
{
    size_t chars = 0;
    for (size_t i = 0; i < n; i++)
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    return chars;
}

#endif
