/* main.c — baogao-index: add report files (or whole folders of *.txt) to an
 * index, skip the unchanged ones, remove the ones asked for, commit. */
#include "baogao.h"
#include "cli.h"

#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const prog = "baogao-index";

static void usage(FILE *out)
{
    fputs("Usage: baogao-index [OPTION]... FILE_OR_DIR...\n"
          "Index Chinese government reports (plain text, one paragraph per line) for\n"
          "baogao-query. A directory is walked for *.txt files. Files whose content is\n"
          "unchanged since the last run are skipped; changed files replace their passages.\n"
          "\n"
          "  --db PATH        index directory (default: $BAOGAO_DB, else\n"
          "                   ~/.local/share/baogao/index)\n"
          "  --stub FILE      instead of indexing, write a stub FILE listing the shards\n"
          "                   given as arguments, to search them together with\n"
          "                   baogao-query --db FILE: index directories, shards and\n"
          "                   HOST:PORT of xapian-tcpsrv servers (docs/scaling.md)\n"
          "  --lexicon FILE   domain word list, one word per line (repeatable); default:\n"
          "                   the starter list shipped with baogao plus\n"
          "                   ~/.config/baogao/lexicon.txt if it exists\n"
          "  --remove         remove the named files from the index instead of adding them\n"
          "  --compact        after indexing, rewrite every shard compactly (roughly\n"
          "                   halves the index after a bulk build; may be given alone)\n"
          "  --sync           also remove indexed reports under the named directories\n"
          "                   whose files no longer exist\n"
          "  -j, --jobs N     index with N threads (default: the number of CPUs, at\n"
          "                   most 4); reports of different years are written in parallel\n"
          "  --wait           wait for another running indexer instead of failing\n"
          "  -q, --quiet      print only errors and the summary\n"
          "  -h, --help       show this help\n"
          "      --version    show the version\n"
          "\n"
          "Report metadata (title, issuing body, year) is detected from the text; a\n"
          "MANIFEST.tsv beside the files (columns: file, title, body, year) overrides it.\n"
          "\n"
          "Examples:\n"
          "  baogao-index corpus/\n"
          "  baogao-index --db /srv/baogao/index --sync reports/\n"
          "  baogao-index --remove reports/old-2019.txt\n"
          "  baogao-index --jobs 2 --compact reports/\n"
          "  baogao-index --stub all.stub ~/index 10.0.0.2:7001 10.0.0.3:7001\n"
          "\n"
          "Exit status: 0 all files indexed, 1 some files failed (the others are\n"
          "indexed), 2 usage error or the index could not be opened or written.\n",
          out);
}

typedef struct run_stats {
    size_t n_new, n_updated, n_unchanged, n_removed, n_failed;
    int quiet;
} run_stats;

/* Files found under a directory, sorted so runs are deterministic. */
typedef struct file_list {
    char **paths;
    size_t n, cap;
} file_list;

static file_list *walk_target;

static int push_path(file_list *fl, const char *path);

static int ends_with_txt(const char *p)
{
    size_t n = strlen(p);
    return n >= 4 && strcmp(p + n - 4, ".txt") == 0;
}

static int on_walk(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type == FTW_DNR) {
        bg_cli_error(prog, "%s: cannot read directory", path);
        return 0;
    }
    /* Symbolic links to files are followed; links to directories are not
     * (FTW_PHYS), which is also what keeps a link loop from recursing. A *.txt
     * link that leads to no file (dangling, or a loop) is listed all the same,
     * so that indexing it fails with a message saying why, instead of the
     * file vanishing silently. */
    struct stat target;
    int is_file = type == FTW_F && S_ISREG(st->st_mode);
    if (type == FTW_SL && (stat(path, &target) != 0 || S_ISREG(target.st_mode)))
        is_file = 1;
    if (!is_file || !ends_with_txt(path))
        return 0;
    return push_path(walk_target, path);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void on_added(void *ctx, const char *path, int rc, int status, size_t passages, const char *msg)
{
    static const char *const words[] = {"", "new", "updated", "unchanged"};
    run_stats *st = ctx;
    if (rc) {
        bg_cli_error(prog, "%s", msg);
        st->n_failed++;
        return;
    }
    if (status == BG_ADD_NEW)
        st->n_new++;
    else if (status == BG_ADD_UPDATED)
        st->n_updated++;
    else
        st->n_unchanged++;
    if (!st->quiet)
        printf("%-9s %s (%zu passages)\n", words[status], path, passages);
}

static int push_path(file_list *fl, const char *path)
{
    if (fl->n == fl->cap) {
        size_t cap = fl->cap ? fl->cap * 2 : 64;
        char **p = realloc(fl->paths, cap * sizeof *p);
        if (!p)
            return -1;
        fl->paths = p;
        fl->cap = cap;
    }
    if (!(fl->paths[fl->n] = strdup(path)))
        return -1;
    fl->n++;
    return 0;
}

/* Adds target (a file, or a directory walked for *.txt) to the list. */
static void collect_target(file_list *fl, run_stats *st, const char *target)
{
    struct stat sb;
    if (stat(target, &sb) != 0) {
        bg_cli_error(prog, "%s: %s", target, strerror(errno));
        st->n_failed++;
        return;
    }
    if (!S_ISDIR(sb.st_mode)) {
        if (push_path(fl, target))
            st->n_failed++;
        return;
    }
    file_list found = {0};
    walk_target = &found;
    if (nftw(target, on_walk, 32, FTW_PHYS) != 0) {
        bg_cli_error(prog, "%s: cannot walk directory: %s", target, strerror(errno));
        st->n_failed++;
    }
    if (found.n)
        qsort(found.paths, found.n, sizeof *found.paths, cmp_str);
    for (size_t i = 0; i < found.n; i++) {
        if (push_path(fl, found.paths[i]))
            st->n_failed++;
        free(found.paths[i]);
    }
    free(found.paths);
}

static int remove_one(bg_index *ix, run_stats *st, const char *path)
{
    if (bg_index_remove_file(ix, path) != 0) {
        bg_cli_error(prog, "%s", bg_errmsg());
        st->n_failed++;
        return 0;
    }
    st->n_removed++;
    if (!st->quiet)
        printf("%-9s %s\n", "removed", path);
    return 0;
}

/* Indexed reports under one of the directories whose files are gone. */
typedef struct sync_ctx {
    char **dirs;
    size_t n_dirs;
    char **gone;
    size_t n_gone;
} sync_ctx;

static int under_dir(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return strncmp(path, dir, n) == 0 && path[n] == '/';
}

static int collect_gone(void *ctx, const char *path)
{
    sync_ctx *s = ctx;
    struct stat sb;
    if (stat(path, &sb) == 0)
        return 0;
    for (size_t i = 0; i < s->n_dirs; i++)
        if (under_dir(path, s->dirs[i])) {
            char **p = realloc(s->gone, (s->n_gone + 1) * sizeof *p);
            if (!p || !(p[s->n_gone] = strdup(path))) {
                s->gone = p ? p : s->gone;
                return -1;
            }
            s->gone = p;
            s->n_gone++;
            return 0;
        }
    return 0;
}

static int sync_removed(bg_index *ix, run_stats *st, char **targets, size_t n)
{
    sync_ctx s = {.dirs = targets, .n_dirs = n};
    int rc = bg_index_foreach_report(ix, collect_gone, &s);
    for (size_t i = 0; i < s.n_gone; i++) {
        if (rc == 0)
            remove_one(ix, st, s.gone[i]);
        free(s.gone[i]);
    }
    free(s.gone);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},     {"lexicon", required_argument, 0, 'l'},
        {"remove", no_argument, 0, 'r'},       {"sync", no_argument, 0, 's'},
        {"wait", no_argument, 0, 'w'},         {"quiet", no_argument, 0, 'q'},
        {"jobs", required_argument, 0, 'j'},   {"compact", no_argument, 0, 'c'},
        {"help", no_argument, 0, 'h'},         {"version", no_argument, 0, 'V'},
        {"stub", required_argument, 0, 'S'},   {0, 0, 0, 0},
    };
    const char *db = NULL, *stub = NULL;
    const char **lexicons = calloc((size_t)argc, sizeof *lexicons);
    size_t n_lexicons = 0;
    int remove = 0, sync = 0, wait = 0, compact = 0;
    run_stats st = {0};
    int c;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t jobs = cpus < 1 ? 1 : cpus > 4 ? 4 : (size_t)cpus;
    while ((c = getopt_long(argc, argv, "qhj:", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            if (bg_cli_parse_size(&jobs, optarg, 16) || jobs == 0) {
                bg_cli_error(prog, "--jobs: '%s' is not a number from 1 to 16", optarg);
                free(lexicons);
                return 2;
            }
            break;
        case 'd': db = optarg; break;
        case 'S': stub = optarg; break;
        case 'l': lexicons[n_lexicons++] = optarg; break;
        case 'r': remove = 1; break;
        case 'c': compact = 1; break;
        case 's': sync = 1; break;
        case 'w': wait = 1; break;
        case 'q': st.quiet = 1; break;
        case 'h': usage(stdout); free(lexicons); return 0;
        case 'V': printf("baogao-index %s\n", bg_version()); free(lexicons); return 0;
        default:
            fprintf(stderr, "Try 'baogao-index --help' for more information.\n");
            free(lexicons);
            return 2;
        }
    }
    if (stub) {
        free(lexicons);
        if (db || remove || sync || compact || n_lexicons) {
            bg_cli_error(prog, "--stub takes only shards (no --db, --remove, --sync, --compact, --lexicon)");
            return 2;
        }
        if (bg_stub_create(stub, (const char *const *)argv + optind, (size_t)(argc - optind)) != 0) {
            bg_cli_error(prog, "%s", bg_errmsg());
            return 2;
        }
        if (!st.quiet)
            printf("wrote %s: %d entr%s\n", stub, argc - optind, argc - optind == 1 ? "y" : "ies");
        return 0;
    }
    if (optind >= argc && !compact) {
        bg_cli_error(prog, "no files or directories given (try --help)");
        free(lexicons);
        return 2;
    }
    char *db_default = db ? NULL : bg_default_index_path();
    bg_index *ix = NULL;
    unsigned flags = BG_OPEN_WRITE | (remove ? 0 : BG_OPEN_CREATE) | (wait ? BG_OPEN_WAIT : 0);
    if (bg_index_open(&ix, db ? db : db_default, flags) != 0
        || (n_lexicons && bg_index_set_lexicon(ix, lexicons, n_lexicons) != 0)) {
        bg_cli_error(prog, "%s", bg_errmsg());
        bg_index_free(ix);
        free(db_default);
        free(lexicons);
        return 2;
    }
    int fatal = 0;
    if (remove) {
        for (int i = optind; i < argc; i++)
            remove_one(ix, &st, argv[i]);
    } else {
        file_list fl = {0};
        for (int i = optind; i < argc; i++)
            collect_target(&fl, &st, argv[i]);
        if (bg_index_add_files(ix, (const char *const *)fl.paths, fl.n, (unsigned)jobs, on_added, &st) != 0) {
            bg_cli_error(prog, "%s", bg_errmsg());
            fatal = 1;
        }
        for (size_t i = 0; i < fl.n; i++)
            free(fl.paths[i]);
        free(fl.paths);
    }
    if (!fatal && sync && !remove)
        fatal = sync_removed(ix, &st, argv + optind, (size_t)(argc - optind)) < 0;
    if (!fatal && bg_index_commit(ix) != 0) {
        bg_cli_error(prog, "%s", bg_errmsg());
        fatal = 1;
    }
    uint64_t before = 0, after = 0;
    if (!fatal && compact) {
        if (bg_index_compact(ix, &before, &after) != 0) {
            bg_cli_error(prog, "%s", bg_errmsg());
            fatal = 1;
        } else {
            printf("compacted: %.1f MB -> %.1f MB\n", before / 1e6, after / 1e6);
        }
    }
    printf("%zu new, %zu updated, %zu unchanged, %zu removed, %zu failed%s\n", st.n_new, st.n_updated,
           st.n_unchanged, st.n_removed, st.n_failed, fatal ? " (index left at its last commit)" : "");
    bg_index_free(ix);
    free(db_default);
    free(lexicons);
    return fatal ? 2 : st.n_failed ? 1 : 0;
}
