/* util.c — hashing, growable strings, file reading and paths (see util.h). */
#include "util.h"
#include "baogao.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

uint64_t bgi_fnv1a64(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

void bgi_hex64(char out[17], uint64_t h)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        out[i] = digits[h & 15];
        h >>= 4;
    }
    out[16] = '\0';
}

static int buf_reserve(bgi_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return BG_ENOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

int bgi_buf_append(bgi_buf *b, const char *s, size_t n)
{
    if (buf_reserve(b, n))
        return BG_ENOMEM;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int bgi_buf_puts(bgi_buf *b, const char *s)
{
    return bgi_buf_append(b, s, strlen(s));
}

int bgi_buf_printf(bgi_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_reserve(b, (size_t)n))
        return BG_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

void bgi_buf_free(bgi_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int bgi_read_file(char **data, size_t *len, const char *path, bgi_err *err)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return bgi_err_set(err, BG_EIO, "%s: cannot open: %s", path, strerror(errno));
    bgi_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (bgi_buf_append(&b, chunk, n)) {
            fclose(f);
            bgi_buf_free(&b);
            return bgi_err_set(err, BG_ENOMEM, "%s: out of memory", path);
        }
    }
    int failed = ferror(f);
    int saved = errno;
    fclose(f);
    if (failed) {
        bgi_buf_free(&b);
        return bgi_err_set(err, BG_EIO, "%s: cannot read: %s", path, strerror(saved));
    }
    if (bgi_buf_append(&b, "", 0)) {
        bgi_buf_free(&b);
        return bgi_err_set(err, BG_ENOMEM, "%s: out of memory", path);
    }
    *data = b.data;
    *len = b.len;
    return 0;
}

char *bgi_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

char *bgi_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *bgi_concat(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *p = malloc(na + nb + 1);
    if (p) {
        memcpy(p, a, na);
        memcpy(p + na, b, nb + 1);
    }
    return p;
}

char *bgi_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return bgi_strdup(".");
    return bgi_strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

char *bgi_path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    char *p = malloc(dl + nl + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    p[dl] = '/';
    memcpy(p + dl + 1, name, nl + 1);
    return p;
}

int bgi_mkdir_p(const char *dir, bgi_err *err)
{
    char *tmp = bgi_strdup(dir);
    if (!tmp)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    for (char *p = tmp + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
                int e = errno;
                int rc = bgi_err_set(err, BG_EIO, "%s: cannot create directory: %s", tmp, strerror(e));
                free(tmp);
                return rc;
            }
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
    free(tmp);
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

int bgi_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int bgi_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

size_t bgi_utf8_clip(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

int bgi_grow(void *array, size_t *cap, size_t n, size_t elem, size_t first)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : first;
    if (ncap <= n)
        ncap = n + 1;
    if (ncap > SIZE_MAX / elem)
        return BG_ENOMEM;
    void *old;
    memcpy(&old, array, sizeof old);   /* the caller's T *, whatever T is */
    void *p = realloc(old, ncap * elem);
    if (!p)
        return BG_ENOMEM;
    memcpy(array, &p, sizeof p);
    *cap = ncap;
    return 0;
}
