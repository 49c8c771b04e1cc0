/* html_reader.c — the HTML reader's state shared by its steps: growing its
 * arrays, reporting that memory ran out, freeing it all. */
#include <stdlib.h>

#include "baogao.h"
#include "html_priv.h"

int bgi_html_oom(reader *r)
{
    return bgi_err_set(r->err, BG_ENOMEM, "out of memory");
}

int bgi_html_grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 256;
    while (ncap < need)
        ncap *= 2;
    void *p = realloc(*arr, ncap * size);
    if (!p)
        return BG_ENOMEM;
    *arr = p;
    *cap = ncap;
    return 0;
}

void bgi_html_reader_free(reader *r)
{
    free(r->elems);
    for (size_t i = 0; i < r->n_hits; i++)
        bgi_buf_free(&r->hits[i].value);
    free(r->hits);
    bgi_buf_free(&r->text);
    free(r->lines);
}
