/* zip_bounded.h — parts of a ZIP archive held in memory, read with bounds
 * that a zip bomb cannot get past (libzip). Used by the DOCX reader, whose
 * names its messages use. Internal to formats/. */
#ifndef BG_ZIP_BOUNDED_H
#define BG_ZIP_BOUNDED_H

#include <stddef.h>

#include <zip.h>

#include "bgi_err.h"

/* The most a part may inflate to; .rels and core properties get less. */
#define BG_ZIP_PART_CAP ((zip_uint64_t)256 << 20)
#define BG_ZIP_SMALL_PART_CAP ((zip_uint64_t)4 << 20) /* .rels files */

/* Opens bytes[0..n) (not copied: they must outlive the archive) as a ZIP;
 * NULL with *rc set and err filled when it is none or is damaged. Close with
 * zip_discard(). */
zip_t *bgi_zip_open(const char *bytes, size_t n, bgi_err *err, int *rc);

/* Reads part name (OPC part names are case-insensitive) into *data
 * (malloc'ed, NUL-terminated, *len bytes), at most cap bytes whatever the
 * archive declares; *data stays NULL when the archive has no such part.
 * BG_ETOOBIG past cap, past the part's declared size, or (past 16 MB) more
 * than 500 times its compressed size. */
int bgi_zip_read_part(zip_t *za, const char *name, zip_uint64_t cap, char **data, size_t *len,
                     bgi_err *err);

#endif
