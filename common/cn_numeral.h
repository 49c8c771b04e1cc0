/* cn_numeral.h — Chinese numerals 一 … 九十九, as they number sections
 * (一、 （十二）), measures (三是) and congresses (十八大). */
#ifndef BG_CN_NUMERAL_H
#define BG_CN_NUMERAL_H

#include <stddef.h>

/* Parses the numeral at p (not reading past end). Returns its value 1..99
 * and sets *after to the byte after it, or returns 0 when p does not start
 * with one. */
int bgi_cn_numeral_parse(const char *p, const char *end, const char **after);

/* Writes the numeral for value 1..99 into buf (size >= 10 bytes). */
void bgi_cn_numeral_format(int value, char *buf, size_t size);

#endif
