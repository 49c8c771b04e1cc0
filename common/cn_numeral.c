/* cn_numeral.c — Chinese numerals 1..99 (see cn_numeral.h). */
#include "cn_numeral.h"

#include <stdio.h>
#include <string.h>

static const char *const CN_DIGITS[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九"};
#define CN_TEN "十"

static int starts_with(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* The value 1..9 of the digit at p (its bytes in *len), 0 if none. */
static int digit_at(const char *p, const char *end, size_t *len)
{
    for (int d = 0; d < 9; d++)
        if (starts_with(p, end, CN_DIGITS[d])) {
            *len = strlen(CN_DIGITS[d]);
            return d + 1;
        }
    return 0;
}

int bgi_cn_numeral_parse(const char *p, const char *end, const char **after)
{
    size_t n = 0;
    int value = digit_at(p, end, &n);
    p += n;
    if (starts_with(p, end, CN_TEN)) {
        value = (value ? value : 1) * 10;
        p += strlen(CN_TEN);
        int units = digit_at(p, end, &n);
        if (units) {
            value += units;
            p += n;
        }
    }
    if (value)
        *after = p;
    return value;
}

void bgi_cn_numeral_format(int value, char *buf, size_t size)
{
    int tens = value / 10, units = value % 10;
    snprintf(buf, size, "%s%s%s", tens > 1 ? CN_DIGITS[tens - 1] : "", tens ? CN_TEN : "",
             units ? CN_DIGITS[units - 1] : "");
}
