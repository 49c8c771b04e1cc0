/* util.h — small helpers shared by the modules: hashing, growable strings,
 * whole-file reading and path handling. */
#ifndef BG_UTIL_H
#define BG_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "bgi_err.h"

/* FNV-1a, 64 bits: content fingerprints and file identities (not security). */
#define BG_FNV_INIT UINT64_C(0xcbf29ce484222325)
uint64_t bgi_fnv1a64(uint64_t h, const void *data, size_t len);

/* Writes h as 16 lower-case hex digits plus NUL into out[17]. */
void bgi_hex64(char out[17], uint64_t h);

/* A growable byte string, always NUL-terminated once anything was appended. */
typedef struct bgi_buf {
    char *data;
    size_t len, cap;
} bgi_buf;

int bgi_buf_append(bgi_buf *b, const char *s, size_t n);   /* 0 or BG_ENOMEM */
int bgi_buf_puts(bgi_buf *b, const char *s);
int bgi_buf_printf(bgi_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bgi_buf_free(bgi_buf *b);

/* Reads a whole file into *data (malloc'ed, NUL-terminated). Errors name the
 * file: "PATH: cannot open: Permission denied". */
int bgi_read_file(char **data, size_t *len, const char *path, bgi_err *err);

/* Makes room in a growable array for element n: *(T **)array (its address
 * passed as array) is reallocated to hold twice *cap elements of elem bytes
 * (first when empty) once n reaches *cap. 0 or BG_ENOMEM (the array is then
 * unchanged). */
int bgi_grow(void *array, size_t *cap, size_t n, size_t elem, size_t first);

/* strdup that returns NULL for NULL. */
char *bgi_strdup(const char *s);

/* The first n bytes of s (n <= strlen(s)), NUL-terminated; malloc'ed. */
char *bgi_strndup(const char *s, size_t n);

/* a followed by b; malloc'ed. */
char *bgi_concat(const char *a, const char *b);

/* The directory part of path ("." when it has none); malloc'ed. */
char *bgi_dirname(const char *path);

/* Joins dir and name with one '/'; malloc'ed. */
char *bgi_path_join(const char *dir, const char *name);

/* Creates dir and its parents (mode 0755). 0 or BG_EIO. */
int bgi_mkdir_p(const char *dir, bgi_err *err);

/* Removes path and, when it is a directory, everything under it (symbolic
 * links are removed, not followed). 0 also when path does not exist; -1 with
 * errno set otherwise. */
int bgi_remove_tree(const char *path);

/* fsync()s a directory, so that renames and creations in it survive a power
 * cut. 0, or -1 with errno set. */
int bgi_fsync_dir(const char *dir);

/* Length of the longest prefix of s[0..len) not longer than max bytes that
 * ends on a UTF-8 character boundary. */
size_t bgi_utf8_clip(const char *s, size_t len, size_t max);

#endif
