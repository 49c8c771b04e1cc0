/* search.c — the smallest useful program on libbaogao's public API: search an
 * index and print each hit as a reader would cite it.
 *
 *   cc search.c $(pkg-config --cflags --libs baogao) -o search
 *   ./search ~/.local/share/baogao/index 电子证照
 *
 * Every query word after the index path is joined into one query, so both
 * `search DB 电子证照 公证` and `search DB "电子证照 公证"` work. */
#include <baogao.h>

#include <stdio.h>
#include <string.h>

#define SNIPPET_CHARS 80

static void print_hit(const bg_hit *h)
{
    printf("%zu. %d %s", bg_hit_rank(h), bg_hit_year(h), bg_hit_title(h));
    for (size_t i = 0; i < bg_hit_section_count(h); i++)
        printf(" › %s", bg_hit_section(h, i));
    char *snippet = bg_hit_snippet(h, SNIPPET_CHARS, "【", "】");
    printf("\n   %s\n   %s:%zu\n", snippet ? snippet : bg_hit_text(h), bg_hit_report(h), bg_hit_line(h));
    bg_free(snippet);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s INDEX QUERY...\n", argv[0]);
        return 2;
    }
    char query[1025] = "";  /* the library's own limit is 1024 bytes */
    for (int i = 2; i < argc; i++) {
        if (strlen(query) + strlen(argv[i]) + 2 > sizeof query) {
            fprintf(stderr, "%s: query too long\n", argv[0]);
            return 2;
        }
        if (i > 2)
            strcat(query, " ");
        strcat(query, argv[i]);
    }
    bg_index *ix = NULL;
    bg_results *res = NULL;
    if (bg_index_open(&ix, argv[1], BG_OPEN_READ) != BG_OK || bg_search_run(&res, ix, query, NULL) != BG_OK) {
        fprintf(stderr, "%s: %s\n", argv[0], bg_errmsg());
        bg_index_free(ix);
        return 2;
    }
    printf("%zu passages match (libbaogao %s)\n", bg_results_total(res), bg_version());
    for (size_t i = 0; i < bg_results_count(res); i++)
        print_hit(bg_results_hit(res, i));
    int found = bg_results_count(res) > 0;
    bg_results_free(res);
    bg_index_free(ix);
    return found ? 0 : 1;
}
