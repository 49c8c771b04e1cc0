/* bgi_err.c — error messages: per-call bgi_err buffers and the thread's last error. */
#include "bgi_err.h"
#include "baogao.h"

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>

static _Thread_local bgi_err last_error;

int bgi_err_set(bgi_err *err, int code, const char *fmt, ...)
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

void bgi_err_clear(bgi_err *err)
{
    if (err) {
        err->code = 0;
        err->msg[0] = '\0';
    }
}

int bgi_err_publish(const bgi_err *err)
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

const char *bg_strerror(int code)
{
    switch (code) {
    case BG_OK: return "no error";
    case BG_EINVAL: return "invalid argument or option";
    case BG_ENOMEM: return "out of memory";
    case BG_EIO: return "cannot read or write a file";
    case BG_EDECODE: return "file is damaged or in no supported encoding";
    case BG_EPARSE: return "malformed input";
    case BG_ENOTFOUND: return "no such index, report or passage";
    case BG_ELOCKED: return "index is locked by another writer";
    case BG_EXAPIAN: return "the Xapian database reported an error";
    case BG_EQUERY: return "the query is empty or invalid";
    case BG_ETOOBIG: return "a size limit was exceeded";
    case BG_EUNAVAILABLE: return "a remote shard is down or did not answer in time";
    case BG_ESKIPPED: return "nothing to index in this file";
    default: return "unknown error";
    }
}

int bg_search_options_init(bg_search_options *opts, unsigned int version)
{
    if (!opts || (version != 1 && version != BG_SEARCH_OPTIONS_VERSION))
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "bg_search_options version is not 1 or 2"});
    const bg_search_options defaults = BG_SEARCH_OPTIONS_INIT;
    /* A version 1 struct ends before exact: only its fields are written. */
    memcpy(opts, &defaults, version == 1 ? offsetof(bg_search_options, exact) : sizeof defaults);
    opts->version = version;
    return 0;
}

int bg_report_info_init(bg_report_info *info, unsigned int version)
{
    if (!info || version != BG_REPORT_INFO_VERSION)
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "bg_report_info version is not 1"});
    *info = (bg_report_info)BG_REPORT_INFO_INIT;
    return 0;
}
