/* charclass.h — internal to analysis/: which normalised code points are
 * indexable (letters, digits, ideographs) and which are Han.
 *
 * Called for every code point of every text, so the two classes that make up
 * nearly all of a Chinese report (ASCII and the common Han block) are decided
 * without asking ICU. */
#ifndef BG_CHARCLASS_H
#define BG_CHARCLASS_H

#include <unicode/uchar.h>
#include <unicode/uscript.h>

enum {
    BG_CC_INDEX = 1,  /* letter, digit or ideograph: becomes a CHAR token */
    BG_CC_CJK = 2,    /* Han (or another ideographic script) */
};

/* u_isalnum() misses ideographic numbers such as 〇 (二〇二二年), which
 * UCHAR_IDEOGRAPHIC covers. */
static inline int bgi_char_class_slow(UChar32 c)
{
    int ideo = u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC);
    if (!ideo && !u_isalnum(c))
        return 0;
    UErrorCode st = U_ZERO_ERROR;
    int han = ideo || uscript_getScript(c, &st) == USCRIPT_HAN;
    return BG_CC_INDEX | (han ? BG_CC_CJK : 0);
}

static inline int bgi_char_class(UChar32 c)
{
    if (c < 0x80) {
        int alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        return alnum ? BG_CC_INDEX : 0;
    }
    if (c >= 0x4E00 && c <= 0x9FFF)
        return BG_CC_INDEX | BG_CC_CJK;
    return bgi_char_class_slow(c);
}

#endif
