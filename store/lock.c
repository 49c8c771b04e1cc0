/* lock.c — one writer per index: an open-file-description lock (Linux's
 * F_OFD_SETLK) on INDEX/LOCK, which holds the writer's pid so a second
 * indexer can say who holds it. The kernel drops the lock when the process
 * dies, so a killed indexer never leaves it stale. Unlike a classic fcntl
 * lock, which belongs to the process, it belongs to the open file: a second
 * writer handle in the same process is refused too, and closing it cannot
 * release the first handle's lock. The two kinds conflict with each other,
 * so older baogao writers are still kept out. */
#include "store.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The pid the holder wrote (the kernel gives none for OFD locks). */
static long lock_holder_pid(int fd)
{
    char buf[32] = "";
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    return n > 0 ? strtol(buf, NULL, 10) : 0;
}

int bgi_lock_take(int *out_fd, const char *index_path, int wait, bgi_err *err)
{
    *out_fd = -1;
    char *path = bgi_path_join(index_path, "LOCK");
    if (!path)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        int rc = bgi_err_set(err, BG_EIO, "%s: cannot open lock file: %s", path, strerror(errno));
        free(path);
        return rc;
    }
    free(path);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_pid = 0};
    while (fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl) != 0) {
        if (errno == EINTR)
            continue;
        long pid = lock_holder_pid(fd);
        close(fd);
        return bgi_err_set(err, BG_ELOCKED, "%s: index is locked by another indexer (pid %ld)",
                          index_path, pid);
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        /* The pid is informative only; the lock is what counts. */
    }
    *out_fd = fd;
    return 0;
}

void bgi_lock_release(int fd)
{
    if (fd >= 0)
        close(fd);
}
