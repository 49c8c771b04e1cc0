/* bgi_err.h — internal error reporting shared by every module.
 *
 * Internal functions return 0 or a negative BG_E* code (see include/baogao.h) and
 * describe the failure in a caller-provided bgi_err. The public API copies the
 * message into the thread's "last error" (bg_errmsg()). Keeping the message in a
 * fixed buffer means reporting an error never needs to allocate. */
#ifndef BG_ERR_H
#define BG_ERR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BG_ERRMSG_MAX 512

typedef struct bgi_err {
    int code;                  /* last BG_E* code, 0 when clear */
    char msg[BG_ERRMSG_MAX];   /* one line, no trailing newline */
} bgi_err;

/* Records code and a printf-style message in err (err may be NULL) and returns
 * code, so callers can write `return bgi_err_set(err, BG_EIO, "...")`. */
int bgi_err_set(bgi_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clears err (err may be NULL). */
void bgi_err_clear(bgi_err *err);

/* Publishes err as the calling thread's last error (what bg_errmsg() returns)
 * and returns err->code. */
int bgi_err_publish(const bgi_err *err);

#ifdef __cplusplus
}
#endif

#endif
