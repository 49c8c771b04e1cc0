/* baogao-index.c — baogao-index: add report files (or whole folders of
 * them: text, HTML, PDF, DOCX) to an index, skip the unchanged ones, remove
 * the ones asked for, commit; say what was skipped and why. */
#include "baogao.h"
#include "cli.h"
#include "progress.h"

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
          "Index Chinese government reports for baogao-query: plain text (one paragraph\n"
          "per line, any Chinese encoding), HTML pages saved from portals, PDF and DOCX;\n"
          "legacy .doc/.wps when antiword, catdoc or LibreOffice is installed. The type\n"
          "is read from the content. A directory is walked for .txt .htm .html .shtml\n"
          ".xhtml .pdf .docx .doc .wps files (any case; hidden directories are left out)\n"
          "and the summary names what it skipped. Files whose content is unchanged\n"
          "since the last run are skipped; changed files replace their passages.\n"
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
          "  --keep-missing   keep indexed reports under the named directories whose\n"
          "                   files no longer exist (by default they are removed, as\n"
          "                   omindex does; --sync, which asked for that, is the default)\n"
          "  --repair         check every year shard; move each damaged one aside and\n"
          "                   index its reports again from their files (may be given\n"
          "                   alone)\n"
          "  -j, --jobs N     index with N threads (default: the number of CPUs, at\n"
          "                   most 4); reports of different years are written in parallel\n"
          "  --wait           wait for another running indexer instead of failing\n"
          "  -q, --quiet      print only errors and the summary (no progress line)\n"
          "  -v, --verbose    also print a line for each file: new, updated, unchanged,\n"
          "                   removed, or skipped and why\n"
          "  -h, --help       show this help\n"
          "      --version    show the version\n"
          "\n"
          "Report metadata (title, issuing body, year) is detected from the text; a\n"
          "MANIFEST.tsv beside the files (columns: file, title, body, year) overrides it.\n"
          "\n"
          "Examples:\n"
          "  baogao-index corpus/\n"
          "  baogao-index --db /srv/baogao/index -v reports/\n"
          "  baogao-index --remove reports/old-2019.txt\n"
          "  baogao-index --jobs 2 --compact reports/\n"
          "  baogao-index --stub all.stub ~/index 10.0.0.2:7001 10.0.0.3:7001\n"
          "\n"
          "Exit status: 0 all files indexed, 1 some files failed (the others are\n"
          "indexed; a file named on the command line that holds nothing to index\n"
          "counts as failed, one found in a directory as skipped), 2 usage error or the\n"
          "index could not be opened or written.\n",
          out);
}

/* Why files were skipped: one reason, how many, and (for -v) which. */
typedef struct skip_reason {
    char *why;
    size_t n;
} skip_reason;

/* Files found under a directory, sorted so runs are deterministic. */
typedef struct file_list {
    char **paths;
    size_t n, cap;
} file_list;

typedef struct run_stats {
    size_t n_new, n_updated, n_unchanged, n_removed, n_failed, n_skipped;
    int quiet, verbose;
    progress *progress;       /* the line on a terminal, or NULL */
    skip_reason *reasons;     /* "scanned PDF without a text layer …" */
    size_t n_reasons;
    file_list unsupported_exts;   /* ".xls", ".zip", … once each */
    size_t n_unsupported;
    file_list named;          /* files named on the command line (sorted) */
} run_stats;

static file_list *walk_target;
static run_stats *walk_stats;

static int push_path(file_list *fl, const char *path);

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_has(const file_list *fl, const char *s)
{
    for (size_t i = 0; i < fl->n; i++)
        if (strcmp(fl->paths[i], s) == 0)
            return 1;
    return 0;
}

static void note_unsupported(run_stats *st, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strcmp(base, "MANIFEST.tsv") == 0)
        return;   /* read for the files beside it, not a report */
    const char *dot = strrchr(base, '.');
    char ext[32];
    snprintf(ext, sizeof ext, "%s", dot && dot != base ? dot : "no extension");
    for (char *p = ext; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    if (!list_has(&st->unsupported_exts, ext))
        push_path(&st->unsupported_exts, ext);
    st->n_unsupported++;
    st->n_skipped++;
    if (st->verbose)
        printf("%-9s %s (unsupported type %s)\n", "skipped", path, ext);
}

static void note_skipped(run_stats *st, const char *path, const char *msg)
{
    /* msg is "PATH: why"; the reason is what the files share. */
    size_t pl = strlen(path);
    const char *why = strncmp(msg, path, pl) == 0 && msg[pl] == ':' ? msg + pl + 2 : msg;
    st->n_skipped++;
    if (st->verbose)
        printf("%-9s %s (%s)\n", "skipped", path, why);
    for (size_t i = 0; i < st->n_reasons; i++)
        if (strcmp(st->reasons[i].why, why) == 0) {
            st->reasons[i].n++;
            return;
        }
    skip_reason *r = realloc(st->reasons, (st->n_reasons + 1) * sizeof *r);
    if (!r)
        return;
    st->reasons = r;
    if ((r[st->n_reasons].why = strdup(why)))
        r[st->n_reasons++].n = 1;
}

/* "3 skipped: 2 unsupported (.xls, .zip), 1 scanned PDF without a text layer" */
static void print_skipped(const run_stats *st)
{
    if (!st->n_skipped)
        return;
    printf("%zu skipped:", st->n_skipped);
    const char *sep = " ";
    if (st->n_unsupported) {
        printf("%s%zu unsupported (", sep, st->n_unsupported);
        for (size_t i = 0; i < st->unsupported_exts.n; i++)
            printf("%s%s", i ? ", " : "", st->unsupported_exts.paths[i]);
        printf(")");
        sep = ", ";
    }
    for (size_t i = 0; i < st->n_reasons; i++, sep = ", ")
        printf("%s%zu %s", sep, st->reasons[i].n, st->reasons[i].why);
    printf("\n");
}

static void run_stats_free(run_stats *st)
{
    for (size_t i = 0; i < st->n_reasons; i++)
        free(st->reasons[i].why);
    free(st->reasons);
    for (size_t i = 0; i < st->unsupported_exts.n; i++)
        free(st->unsupported_exts.paths[i]);
    free(st->unsupported_exts.paths);
    for (size_t i = 0; i < st->named.n; i++)
        free(st->named.paths[i]);
    free(st->named.paths);
}

static int on_walk(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    if (type == FTW_DNR) {
        bgi_cli_error(prog, "%s: cannot read directory", path);
        return FTW_CONTINUE;
    }
    /* Hidden files and directories (.git, .cache, editors' backups) are not
     * reports; the starting directory itself is whatever the user named. */
    if (ftw->level > 0 && path[ftw->base] == '.')
        return type == FTW_D ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
    /* Symbolic links to files are followed; links to directories are not
     * (FTW_PHYS), which is also what keeps a link loop from recursing. A *.txt
     * link that leads to no file (dangling, or a loop) is listed all the same,
     * so that indexing it fails with a message saying why, instead of the
     * file vanishing silently. */
    struct stat target;
    int is_file = type == FTW_F && S_ISREG(st->st_mode);
    if (type == FTW_SL && (stat(path, &target) != 0 || S_ISREG(target.st_mode)))
        is_file = 1;
    if (!is_file)
        return FTW_CONTINUE;
    if (!bg_file_format(path)) {
        note_unsupported(walk_stats, path);
        return FTW_CONTINUE;
    }
    return push_path(walk_target, path) ? FTW_STOP : FTW_CONTINUE;
}

static void on_added(void *ctx, const char *path, int rc, int status, size_t passages, const char *msg)
{
    static const char *const words[] = {"", "new", "updated", "unchanged"};
    run_stats *st = ctx;
    struct stat sb;
    progress_step(st->progress, stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0);
    if (rc && rc != BG_ESKIPPED)
        progress_clear(st->progress);   /* the error gets a line of its own */
    /* A file found in a directory that holds nothing to index is skipped; one
     * the user named is a failure, as they asked for it. */
    int named = st->named.n && bsearch(&path, st->named.paths, st->named.n, sizeof *st->named.paths, cmp_str);
    if (rc == BG_ESKIPPED && !named) {
        note_skipped(st, path, msg);
        return;
    }
    if (rc) {
        bgi_cli_error(prog, "%s", msg);
        st->n_failed++;
        return;
    }
    if (status == BG_ADD_NEW)
        st->n_new++;
    else if (status == BG_ADD_UPDATED)
        st->n_updated++;
    else
        st->n_unchanged++;
    if (st->verbose)
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

/* Adds target (a file, or a directory walked for reports) to the list. */
static void collect_target(file_list *fl, run_stats *st, const char *target)
{
    struct stat sb;
    if (stat(target, &sb) != 0) {
        bgi_cli_error(prog, "%s: %s", target, strerror(errno));
        st->n_failed++;
        return;
    }
    if (!S_ISDIR(sb.st_mode)) {
        if (push_path(fl, target) || push_path(&st->named, target))
            st->n_failed++;
        return;
    }
    file_list found = {0};
    walk_target = &found;
    walk_stats = st;
    if (nftw(target, on_walk, 32, FTW_PHYS | FTW_ACTIONRETVAL) != 0) {
        bgi_cli_error(prog, "%s: cannot walk directory: %s", target, strerror(errno));
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
        bgi_cli_error(prog, "%s", bg_errmsg());
        st->n_failed++;
        return 0;
    }
    st->n_removed++;
    if (st->verbose)
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

/* What the command line asks for. */
typedef struct index_cli {
    const char *db, *stub;
    const char **lexicons;    /* argc entries at most */
    size_t n_lexicons, jobs;
    int remove, keep_missing, wait, compact, repair, quiet, verbose;
    char **targets;           /* files and directories, or shards for --stub */
    size_t n_targets;
} index_cli;

/* Parses argv into *o: 0 to run, 1 when done (help, version), 2 on a usage
 * error (already reported). */
static int parse_options(index_cli *o, int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},     {"lexicon", required_argument, 0, 'l'},
        {"remove", no_argument, 0, 'r'},       {"sync", no_argument, 0, 's'},
        {"wait", no_argument, 0, 'w'},         {"quiet", no_argument, 0, 'q'},
        {"jobs", required_argument, 0, 'j'},   {"compact", no_argument, 0, 'c'},
        {"help", no_argument, 0, 'h'},         {"version", no_argument, 0, 'V'},
        {"stub", required_argument, 0, 'S'},   {"verbose", no_argument, 0, 'v'},
        {"repair", no_argument, 0, 'R'},       {"keep-missing", no_argument, 0, 'k'},
        {0, 0, 0, 0},
    };
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = cpus < 1 ? 1 : cpus > 4 ? 4 : (size_t)cpus;
    if (!(o->lexicons = calloc((size_t)argc, sizeof *o->lexicons))) {
        bgi_cli_error(prog, "out of memory");
        return 2;
    }
    int c;
    while ((c = getopt_long(argc, argv, "qvhj:", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            if (bgi_cli_parse_size(&o->jobs, optarg, 16) || o->jobs == 0) {
                bgi_cli_error(prog, "--jobs: '%s' is not a number from 1 to 16", optarg);
                return 2;
            }
            break;
        case 'd': o->db = optarg; break;
        case 'S': o->stub = optarg; break;
        case 'l': o->lexicons[o->n_lexicons++] = optarg; break;
        case 'r': o->remove = 1; break;
        case 'c': o->compact = 1; break;
        case 'R': o->repair = 1; break;
        case 's': break;   /* --sync: what a run does now unless --keep-missing */
        case 'k': o->keep_missing = 1; break;
        case 'w': o->wait = 1; break;
        case 'q': o->quiet = 1; break;
        case 'v': o->verbose = 1; break;
        case 'h': usage(stdout); return 1;
        case 'V': printf("baogao-index %s\n", bg_version()); return 1;
        default:
            fprintf(stderr, "Try 'baogao-index --help' for more information.\n");
            return 2;
        }
    }
    o->targets = argv + optind;
    o->n_targets = (size_t)(argc - optind);
    if (o->stub && (o->db || o->remove || o->keep_missing || o->compact || o->repair || o->n_lexicons)) {
        bgi_cli_error(prog, "--stub takes only shards (no --db, --remove, --keep-missing, --compact, --repair, "
                      "--lexicon)");
        return 2;
    }
    if (o->repair && o->remove) {
        bgi_cli_error(prog, "--repair adds files; it cannot be combined with --remove");
        return 2;
    }
    if (!o->stub && o->n_targets == 0 && !o->compact && !o->repair) {
        bgi_cli_error(prog, "no files or directories given (try --help)");
        return 2;
    }
    return 0;
}

static int write_stub(const index_cli *o)
{
    if (bg_stub_create(o->stub, (const char *const *)o->targets, o->n_targets) != 0) {
        bgi_cli_error(prog, "%s", bg_errmsg());
        return 2;
    }
    if (!o->quiet)
        printf("wrote %s: %zu entr%s\n", o->stub, o->n_targets, o->n_targets == 1 ? "y" : "ies");
    return 0;
}

/* --repair: each damaged shard is named with what became of it; the reports
 * it held are indexed again (the summary counts them as new). */
typedef struct repair_ctx {
    file_list files;
    size_t n_shards;
    int failed;
} repair_ctx;

static void on_repair(void *ctx, const char *shard, const char *file, const char *note)
{
    repair_ctx *rc = ctx;
    if (file) {
        rc->failed |= push_path(&rc->files, file) != 0;
        return;
    }
    rc->n_shards += strncmp(note, "damaged", 7) == 0;
    printf("%-9s %s: %s\n", "repair", shard, note);
}

/* 0, or 1 when the index failed (as update_index). */
static int repair_index(bg_index *ix, const index_cli *o, run_stats *st)
{
    repair_ctx rc = {0};
    int fatal = 0;
    if (bg_index_repair(ix, on_repair, &rc) < 0 || rc.failed) {
        bgi_cli_error(prog, "%s", rc.failed ? "out of memory" : bg_errmsg());
        fatal = 1;
    } else {
        printf("%zu damaged shard%s, %zu report%s to index again\n", rc.n_shards, rc.n_shards == 1 ? "" : "s",
               rc.files.n, rc.files.n == 1 ? "" : "s");
    }
    if (!fatal && rc.files.n
        && bg_index_add_files(ix, (const char *const *)rc.files.paths, rc.files.n, (unsigned)o->jobs, on_added, st)) {
        bgi_cli_error(prog, "%s", bg_errmsg());
        fatal = 1;
    }
    for (size_t i = 0; i < rc.files.n; i++)
        free(rc.files.paths[i]);
    free(rc.files.paths);
    return fatal;
}

/* Adds (or removes) the targets, syncs, commits and compacts; 1 when the
 * index itself failed before its changes were committed (it stays at its
 * last commit), 2 when only the compaction after the commit failed. */
static int update_index(bg_index *ix, const index_cli *o, run_stats *st)
{
    int fatal = o->repair ? repair_index(ix, o, st) : 0;
    if (o->remove) {
        for (size_t i = 0; i < o->n_targets; i++)
            remove_one(ix, st, o->targets[i]);
    } else {
        file_list fl = {0};
        for (size_t i = 0; i < o->n_targets; i++)
            collect_target(&fl, st, o->targets[i]);
        if (st->named.n)
            qsort(st->named.paths, st->named.n, sizeof *st->named.paths, cmp_str);
        uint64_t bytes = 0;
        struct stat sb;
        for (size_t i = 0; i < fl.n; i++)
            bytes += stat(fl.paths[i], &sb) == 0 ? (uint64_t)sb.st_size : 0;
        if (!o->quiet && !o->verbose)
            st->progress = progress_new(stderr, fl.n, bytes);
        if (bg_index_add_files(ix, (const char *const *)fl.paths, fl.n, (unsigned)o->jobs, on_added, st) != 0) {
            progress_clear(st->progress);
            bgi_cli_error(prog, "%s", bg_errmsg());
            fatal = 1;
        }
        progress_free(st->progress);
        st->progress = NULL;
        for (size_t i = 0; i < fl.n; i++)
            free(fl.paths[i]);
        free(fl.paths);
    }
    /* Reports whose files are gone from a directory named go too (omindex). */
    if (!fatal && !o->keep_missing && !o->remove)
        fatal = sync_removed(ix, st, o->targets, o->n_targets) < 0;
    if (!fatal && bg_index_commit(ix) != 0) {
        bgi_cli_error(prog, "%s", bg_errmsg());
        fatal = 1;
    }
    uint64_t before = 0, after = 0;
    if (!fatal && o->compact) {
        if (bg_index_compact(ix, &before, &after) != 0) {
            bgi_cli_error(prog, "%s", bg_errmsg());
            fatal = 2;
        } else {
            printf("compacted: %.1f MB -> %.1f MB\n", before / 1e6, after / 1e6);
        }
    }
    return fatal;
}

static int count_one(void *ctx, const char *path)
{
    (void)path;
    (*(size_t *)ctx)++;
    return 0;
}

/* The reports a reader of path sees: what is committed (0 when there is no
 * index yet, or it cannot be read). */
static size_t committed_reports(const char *path)
{
    bg_index *ix = NULL;
    size_t n = 0;
    if (bg_index_open(&ix, path, BG_OPEN_READ) == 0)
        bg_index_foreach_report(ix, count_one, &n);
    bg_index_free(ix);
    return n;
}

/* The summary of a run whose index failed: only what was committed counts
 * (the files read after the last commit are lost with it), so it says how
 * many reports a reader sees now against before the run, not what was read.
 * Batches committed during the run are the only part that can have stayed. */
static void print_failed_summary(const run_stats *st, const char *path, size_t before)
{
    size_t after = committed_reports(path), read = st->n_new + st->n_updated + st->n_removed;
    if (after == before)
        printf("nothing of this run was committed: the index is as it was before it (%zu report%s); "
               "%zu file%s read or removed, %zu failed\n",
               after, after == 1 ? "" : "s", read, read == 1 ? "" : "s", st->n_failed);
    else
        printf("part of this run was committed in earlier batches: the index now holds %zu report%s (%zu before); "
               "the rest of the %zu file%s read or removed was not; %zu failed\n",
               after, after == 1 ? "" : "s", before, read, read == 1 ? "" : "s", st->n_failed);
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb, (void)type, (void)ftw;
    return remove(path) == 0 ? 0 : -1;
}

/* A run that created the index directory and committed no report to it
 * leaves nothing behind (--db x /nonexistent created an empty index). */
static void remove_if_left_empty(const char *path, int existed)
{
    if (!existed && committed_reports(path) == 0)
        nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int run(const index_cli *o)
{
    if (o->stub)
        return write_stub(o);
    char *db_default = o->db ? NULL : bg_default_index_path();
    struct stat sb;
    int existed = db_default || o->db ? stat(o->db ? o->db : db_default, &sb) == 0 : 1;
    bg_index *ix = NULL;
    unsigned flags = BG_OPEN_WRITE | (o->remove ? 0 : BG_OPEN_CREATE) | (o->wait ? BG_OPEN_WAIT : 0);
    if (bg_index_open(&ix, o->db ? o->db : db_default, flags) != 0
        || (o->n_lexicons && bg_index_set_lexicon(ix, o->lexicons, o->n_lexicons) != 0)) {
        bgi_cli_error(prog, "%s", bg_errmsg());
        bg_index_free(ix);
        free(db_default);
        return 2;
    }
    const char *path = o->db ? o->db : db_default;
    size_t before = committed_reports(path);
    run_stats st = {.quiet = o->quiet, .verbose = o->verbose};
    int fatal = update_index(ix, o, &st);
    if (fatal == 1) {
        /* Its uncommitted changes go with the writer, before counting. */
        bg_index_free(ix);
        ix = NULL;
        print_failed_summary(&st, path, before);
    } else if (o->n_targets || o->repair) {   /* --compact alone says only what it compacted */
        printf("%zu new, %zu updated, %zu unchanged, %zu removed, %zu failed%s\n", st.n_new, st.n_updated,
               st.n_unchanged, st.n_removed, st.n_failed, fatal ? " (committed; the compaction failed)" : "");
    }
    print_skipped(&st);
    bg_index_free(ix);
    remove_if_left_empty(path, existed);
    free(db_default);
    int rc = fatal ? 2 : st.n_failed ? 1 : 0;
    run_stats_free(&st);
    return rc;
}

int main(int argc, char **argv)
{
    index_cli o = {0};
    int rc = parse_options(&o, argc, argv);
    if (rc == 0)
        rc = run(&o);
    else if (rc == 1)
        rc = 0;
    free(o.lexicons);
    return rc;
}
