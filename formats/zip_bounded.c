/* zip_bounded.c — bounded reading of a ZIP in memory with libzip: a part is
 * refused when its declared size, or the bytes actually inflated, pass the
 * cap (256 MB), when it inflates past the size its headers declare (a
 * crafted bomb lies there), or when past 16 MB it inflates more than 500
 * times its compressed size (no real XML part does; a zip bomb does). */
#include "zip_bounded.h"

#include <stdlib.h>

#include "baogao.h"

#define RATIO_FROM ((zip_uint64_t)16 << 20)   /* ratio checked once this much is out */
#define RATIO_MAX 500
#define READ_CHUNK 65536
#define ZIP_EOCD_MIN 22   /* the smallest ZIP: an end-of-central-directory record;
                             libzip would open an empty input as an empty archive */

static int too_big(const char *name, bgi_err *err)
{
    return bgi_err_set(err, BG_ETOOBIG, "DOCX part %s inflates past 256 MB (zip bomb?)", name);
}

static int zip_failed(zip_error_t *ze, const char *name, bgi_err *err)
{
    int code = zip_error_code_zip(ze);
    if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP)
        return bgi_err_set(err, BG_EDECODE, "encrypted DOCX (password required)");
    if (code == ZIP_ER_MEMORY)
        return bgi_err_set(err, BG_ENOMEM, "out of memory reading DOCX part %s", name);
    return bgi_err_set(err, BG_EDECODE, "damaged DOCX: part %s: %s", name, zip_error_strerror(ze));
}

/* Inflates entry idx into *data (malloc'ed, NUL-terminated), at most cap
 * bytes whatever the archive declares. */
static int inflate_entry(zip_t *za, zip_int64_t idx, const char *name, zip_uint64_t cap,
                         char **data, size_t *len, bgi_err *err)
{
    zip_stat_t st;
    zip_stat_init(&st);
    zip_uint64_t comp = 0, declared = cap;
    if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) == 0) {
        if ((st.valid & ZIP_STAT_SIZE) && st.size > cap)
            return too_big(name, err);
        if (st.valid & ZIP_STAT_SIZE)
            declared = st.size;
        if (st.valid & ZIP_STAT_COMP_SIZE)
            comp = st.comp_size;
    }
    zip_file_t *f = zip_fopen_index(za, (zip_uint64_t)idx, 0);
    if (!f)
        return zip_failed(zip_get_error(za), name, err);
    char *buf = NULL;
    size_t n = 0, size = 0;
    int rc = 0;
    for (;;) {
        if (size - n < READ_CHUNK + 1) {
            size_t want = size ? size * 2 : READ_CHUNK * 4;
            if (want > cap + READ_CHUNK + 1)
                want = cap + READ_CHUNK + 1;
            char *p = realloc(buf, want);
            if (!p) {
                rc = bgi_err_set(err, BG_ENOMEM, "out of memory reading DOCX part %s", name);
                break;
            }
            buf = p;
            size = want;
        }
        zip_int64_t got = zip_fread(f, buf + n, READ_CHUNK);
        if (got < 0) {
            rc = zip_failed(zip_file_get_error(f), name, err);
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > cap) {
            rc = too_big(name, err);
            break;
        }
        if (n > declared) {
            /* libzip inflates until the stream ends, whatever the headers say */
            rc = bgi_err_set(err, BG_ETOOBIG,
                            "DOCX part %s inflates past its declared size (zip bomb?)", name);
            break;
        }
        if (n > RATIO_FROM && comp && n / comp > RATIO_MAX) {
            rc = bgi_err_set(err, BG_ETOOBIG,
                            "DOCX part %s inflates more than %d times its size (zip bomb?)", name,
                            RATIO_MAX);
            break;
        }
    }
    zip_fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

/* Reads part name (OPC part names are case-insensitive); *data stays NULL
 * when the archive has no such part. */
int bgi_zip_read_part(zip_t *za, const char *name, zip_uint64_t cap, char **data, size_t *len,
                     bgi_err *err)
{
    *data = NULL;
    *len = 0;
    zip_int64_t idx = zip_name_locate(za, name, ZIP_FL_NOCASE);
    if (idx < 0)
        return 0;
    return inflate_entry(za, idx, name, cap, data, len, err);
}

zip_t *bgi_zip_open(const char *bytes, size_t n, bgi_err *err, int *rc)
{
    if (n < ZIP_EOCD_MIN) {
        *rc = bgi_err_set(err, BG_EDECODE, "not a DOCX (not a ZIP archive)");
        return NULL;
    }
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(bytes, n, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (!za) {
        if (src)
            zip_source_free(src);
        int code = zip_error_code_zip(&ze);
        *rc = code == ZIP_ER_MEMORY ? bgi_err_set(err, BG_ENOMEM, "out of memory opening DOCX")
              : code == ZIP_ER_NOZIP || code == ZIP_ER_INCONS
                  ? bgi_err_set(err, BG_EDECODE, "not a DOCX (not a ZIP archive)")
                  : bgi_err_set(err, BG_EDECODE, "damaged DOCX: %s", zip_error_strerror(&ze));
    }
    zip_error_fini(&ze);
    return za;
}

