/* punct.c — canonical forms for the punctuation variants of Chinese text that
 * NFKC leaves distinct.
 *
 * NFKC already folds the full-width forms (，；：（）！？～ → ASCII) and the
 * presentation forms (﹁ → 「, ︵ → (, … → ...). What remains are variants that
 * are separate characters in Unicode but the same mark to a reader; mapping them
 * to one form keeps a document typed with 【】 and a query typed with () (or
 * “” and 「」) segmenting the same way. The table is looked up after
 * NFKC_Casefold, so it only lists the NFKC outputs. */
#include "normalize.h"

#include <stdlib.h>

typedef struct punct_map {
    UChar32 cp;
    const char *to;
} punct_map;

/* Sorted by cp (binary search). Single quotes become the ASCII apostrophe, not
 * '"': an apostrophe inside a Latin word (China’s) must stay part of the word,
 * exactly as the ASCII one typed in a query does. */
static const punct_map table[] = {
    {0x00AB, "\""},      /* « */
    {0x00BB, "\""},      /* » */
    {0x2010, "-"},       /* ‐ hyphen (NFKC target of U+2011) */
    {0x2012, "-"},       /* ‒ figure dash */
    {0x2013, "-"},       /* – en dash */
    {0x2014, "-"},       /* — em dash; ——items become "--" */
    {0x2015, "-"},       /* ― horizontal bar */
    {0x2018, "'"},       /* ‘ */
    {0x2019, "'"},       /* ’ */
    {0x201A, "'"},       /* ‚ */
    {0x201B, "'"},       /* ‛ */
    {0x201C, "\""},      /* “ */
    {0x201D, "\""},      /* ” */
    {0x201E, "\""},      /* „ */
    {0x201F, "\""},      /* ‟ */
    {0x2022, "\u00B7"},  /* • bullet */
    {0x2027, "\u00B7"},  /* ‧ hyphenation point (Taiwanese middle dot) */
    {0x2039, "\""},      /* ‹ */
    {0x203A, "\""},      /* › */
    {0x2212, "-"},       /* − minus sign */
    {0x2219, "\u00B7"},  /* ∙ bullet operator */
    {0x2236, ":"},       /* ∶ ratio, often typed for a colon */
    {0x22C5, "\u00B7"},  /* ⋅ dot operator */
    {0x22EF, "..."},     /* ⋯ midline ellipsis, as NFKC does for … */
    {0x2500, "-"},       /* ─ box drawing, used as a dash in pasted text */
    {0x25CB, "\u3007"},  /* ○ white circle, typed for 〇 in dates (二○二○年) */
    {0x25EF, "\u3007"},  /* ◯ large circle, likewise */
    {0x2985, "("},       /* ⦅ (NFKC target of ｟) */
    {0x2986, ")"},       /* ⦆ */
    {0x2E3A, "-"},       /* ⸺ two-em dash */
    {0x2E3B, "-"},       /* ⸻ three-em dash */
    {0x3001, ","},       /* 、 enumeration comma */
    {0x300C, "\""},      /* 「 */
    {0x300D, "\""},      /* 」 */
    {0x300E, "\""},      /* 『 */
    {0x300F, "\""},      /* 』 */
    {0x3010, "("},       /* 【 */
    {0x3011, ")"},       /* 】 */
    {0x3014, "("},       /* 〔 */
    {0x3015, ")"},       /* 〕 */
    {0x3016, "("},       /* 〖 */
    {0x3017, ")"},       /* 〗 */
    {0x3018, "("},       /* 〘 */
    {0x3019, ")"},       /* 〙 */
    {0x301A, "("},       /* 〚 */
    {0x301B, ")"},       /* 〛 */
    {0x301C, "~"},       /* 〜 wave dash, as NFKC does for ～ */
    {0x301D, "\""},      /* 〝 */
    {0x301E, "\""},      /* 〞 */
    {0x301F, "\""},      /* 〟 */
    {0x30FB, "\u00B7"},  /* ・ katakana middle dot (NFKC target of ･) */
};

static int cmp_cp(const void *key, const void *elem)
{
    UChar32 k = *(const UChar32 *)key;
    UChar32 e = ((const punct_map *)elem)->cp;
    return (k > e) - (k < e);
}

const char *bgi_punct_canonical(UChar32 c)
{
    if (c < table[0].cp || c > table[sizeof table / sizeof table[0] - 1].cp)
        return NULL;
    const punct_map *m = bsearch(&c, table, sizeof table / sizeof table[0], sizeof table[0], cmp_cp);
    return m ? m->to : NULL;
}
