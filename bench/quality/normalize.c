/* normalize.c — prints each line of stdin in baogao's normalised form (the
 * analyser's bgi_normalize: punctuation variants, NFKC_Casefold, OpenCC t2s),
 * so the quality benchmark decides "this passage contains the query" with
 * exactly the normalisation the index uses, not a re-implementation of it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

int main(void)
{
    bgi_analyzer *an = NULL;
    bgi_err err = {0};
    if (bgi_analyzer_new(&an, NULL, &err) != 0) {
        fprintf(stderr, "bgq-normalize: %s\n", err.msg);
        return 1;
    }
    bgi_normtext nt = {0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        size_t len = (size_t)n;
        if (len && line[len - 1] == '\n')
            len--;
        if (bgi_normalize(an, line, len, &nt, &err) != 0) {
            fprintf(stderr, "bgq-normalize: %s\n", err.msg);
            rc = 1;
            break;
        }
        /* One output line per input line, whatever the text holds. */
        for (size_t i = 0; i < nt.len; i++)
            if (nt.text[i] == '\n' || nt.text[i] == '\r')
                nt.text[i] = ' ';
        fwrite(nt.text, 1, nt.len, stdout);
        putchar('\n');
    }
    if (fflush(stdout) != 0)
        rc = 1;
    free(line);
    bgi_normtext_clear(&nt);
    bgi_analyzer_free(an);
    return rc;
}
