/* util.h — small helpers shared by the modules: hashing, growable strings,
 * whole-file reading and path handling. */
#ifndef BG_UTIL_H
#define BG_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "bg_err.h"

/* FNV-1a, 64 bits: content fingerprints and file identities (not security). */
#define BG_FNV_INIT UINT64_C(0xcbf29ce484222325)
uint64_t bg_fnv1a64(uint64_t h, const void *data, size_t len);

/* Writes h as 16 lower-case hex digits plus NUL into out[17]. */
void bg_hex64(char out[17], uint64_t h);

/* A growable byte string, always NUL-terminated once anything was appended. */
typedef struct bg_buf {
    char *data;
    size_t len, cap;
} bg_buf;

int bg_buf_append(bg_buf *b, const char *s, size_t n);   /* 0 or BG_ENOMEM */
int bg_buf_puts(bg_buf *b, const char *s);
int bg_buf_printf(bg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bg_buf_free(bg_buf *b);

/* Reads a whole file into *data (malloc'ed, NUL-terminated). Errors name the
 * file: "PATH: cannot open: Permission denied". */
int bg_read_file(char **data, size_t *len, const char *path, bg_err *err);

/* strdup that returns NULL for NULL. */
char *bg_strdup(const char *s);

/* The first n bytes of s (n <= strlen(s)), NUL-terminated; malloc'ed. */
char *bg_strndup(const char *s, size_t n);

/* a followed by b; malloc'ed. */
char *bg_concat(const char *a, const char *b);

/* The directory part of path ("." when it has none); malloc'ed. */
char *bg_dirname(const char *path);

/* Joins dir and name with one '/'; malloc'ed. */
char *bg_path_join(const char *dir, const char *name);

/* Creates dir and its parents (mode 0755). 0 or BG_EIO. */
int bg_mkdir_p(const char *dir, bg_err *err);

/* Removes path and, when it is a directory, everything under it (symbolic
 * links are removed, not followed). 0 also when path does not exist; -1 with
 * errno set otherwise. */
int bg_remove_tree(const char *path);

/* fsync()s a directory, so that renames and creations in it survive a power
 * cut. 0, or -1 with errno set. */
int bg_fsync_dir(const char *dir);

/* Length of the longest prefix of s[0..len) not longer than max bytes that
 * ends on a UTF-8 character boundary. */
size_t bg_utf8_clip(const char *s, size_t len, size_t max);

#endif
