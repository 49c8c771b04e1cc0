/* progress.h — baogao-index's progress line on a terminal: files and MB done
 * of the total, the rate and the time left, redrawn in place at most ten
 * times a second. Nothing is drawn when the stream is not a terminal. */
#ifndef BG_CLI_PROGRESS_H
#define BG_CLI_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

typedef struct progress progress;

/* A line for n_files files of total_bytes on out, or NULL when out is not a
 * terminal (or out of memory): the other calls accept NULL. */
progress *progress_new(FILE *out, size_t n_files, uint64_t total_bytes);

/* One more file done, of bytes bytes. */
void progress_step(progress *p, uint64_t bytes);

/* Erases the line (before other output, and at the end) and frees p. */
void progress_clear(progress *p);
void progress_free(progress *p);

#endif
