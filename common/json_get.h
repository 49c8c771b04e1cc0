/* json_get.h — reading fields of the JSON objects baogao stores (document
 * data, report records), with a fallback for missing or mistyped fields. */
#ifndef BG_JSON_GET_H
#define BG_JSON_GET_H

#include <cjson/cJSON.h>

/* The string field key of o, or "" when absent or not a string. */
const char *bgi_json_str(const cJSON *o, const char *key);

/* The number field key of o, or fallback when absent or not a number. */
double bgi_json_num(const cJSON *o, const char *key, double fallback);

#endif
