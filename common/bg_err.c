/* bg_err.c — error messages: per-call bg_err buffers and the thread's last error. */
#include "bg_err.h"
#include "baogao.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local bg_err last_error;

int bg_err_set(bg_err *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    /* Format into a copy first: callers may pass err->msg itself as an
     * argument to prefix it with a file name. */
    char msg[BG_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    memcpy(err->msg, msg, sizeof msg);
    /* Messages are one line by contract: callers print them after "baogao: ". */
    for (char *p = err->msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    err->code = code;
    return code;
}

void bg_err_clear(bg_err *err)
{
    if (err) {
        err->code = 0;
        err->msg[0] = '\0';
    }
}

int bg_err_publish(const bg_err *err)
{
    if (err != &last_error)
        last_error = *err;
    return err->code;
}

const char *bg_errmsg(void)
{
    return last_error.msg[0] ? last_error.msg : "no error";
}

int bg_errcode(void)
{
    return last_error.code;
}
