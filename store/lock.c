/* lock.c — one writer per index: an fcntl lock on INDEX/LOCK that holds the
 * writer's pid, so a second indexer can say who holds it. The kernel drops the
 * lock when the process dies, so a killed indexer never leaves it stale. */
#include "store.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long lock_holder_pid(int fd)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
        return (long)fl.l_pid;
    return 0;
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
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    while (fcntl(fd, wait ? F_SETLKW : F_SETLK, &fl) != 0) {
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
        /* The pid is informative only; the fcntl lock is what counts. */
    }
    *out_fd = fd;
    return 0;
}

void bgi_lock_release(int fd)
{
    if (fd >= 0)
        close(fd);
}
