/* legacy.c — Word 97–2003 .doc and WPS .wps files, which no Debian library
 * reads from C: they go through a converter program when one is installed
 * (antiword or catdoc for .doc, LibreOffice for both), and otherwise are
 * skipped with one line naming the package that would read them. */
#include "decode.h"
#include "document.h"
#include "util.h"
#include "baogao.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define LEGACY_MAX_TEXT ((size_t)64 << 20)

static int on_path(const char *prog)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char *copy = bgi_strdup(path), *save = NULL;
    int found = 0;
    for (char *dir = copy ? strtok_r(copy, ":", &save) : NULL; dir && !found; dir = strtok_r(NULL, ":", &save)) {
        char *full = bgi_path_join(dir, prog);
        found = full && access(full, X_OK) == 0;
        free(full);
    }
    free(copy);
    return found;
}

/* Runs argv with stdout into *out (at most LEGACY_MAX_TEXT bytes) and
 * stderr discarded; 0 when it exited 0. */
static int run_capture(bgi_buf *out, char *const argv[])
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fd[1], 1);
        FILE *null = freopen("/dev/null", "w", stderr);
        (void)null;
        close(fd[0]);
        close(fd[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    char buf[65536];
    ssize_t k;
    int rc = 0;
    while ((k = read(fd[0], buf, sizeof buf)) > 0)
        if (out->len + (size_t)k > LEGACY_MAX_TEXT || bgi_buf_append(out, buf, (size_t)k))
            rc = -1;
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int convert(bgi_buf *text, bgi_format f, const char *file, const char *tmpdir)
{
    if (f == BG_FORMAT_DOC && on_path("antiword")) {
        char *argv[] = {"antiword", "-w", "0", "-m", "UTF-8.txt", (char *)file, NULL};
        if (run_capture(text, argv) == 0)
            return 0;
        text->len = 0;
    }
    if (f == BG_FORMAT_DOC && on_path("catdoc")) {
        char *argv[] = {"catdoc", "-w", "-d", "utf-8", (char *)file, NULL};
        if (run_capture(text, argv) == 0)
            return 0;
        text->len = 0;
    }
    if (on_path("soffice")) {
        char *argv[] = {"soffice", "--headless", "--cat", (char *)file, NULL};
        (void)tmpdir;
        if (run_capture(text, argv) == 0)
            return 0;
    }
    return -1;
}

int bgi_read_legacy(bgi_document *out, bgi_format f, const char *bytes, size_t n, bgi_err *err)
{
    const char *what = f == BG_FORMAT_WPS ? "WPS .wps" : "Word 97-2003 .doc";
    if (!(f == BG_FORMAT_DOC && (on_path("antiword") || on_path("catdoc"))) && !on_path("soffice"))
        return bgi_err_set(err, BG_ESKIPPED, "%s file: install %s to index it", what,
                          f == BG_FORMAT_WPS ? "libreoffice-writer" : "antiword (or catdoc, or libreoffice-writer)");
    char dir[] = "/tmp/baogao-legacy-XXXXXX";
    if (!mkdtemp(dir))
        return bgi_err_set(err, BG_EIO, "cannot make a temporary directory");
    char *file = bgi_path_join(dir, f == BG_FORMAT_WPS ? "in.wps" : "in.doc");
    FILE *fp = file ? fopen(file, "wb") : NULL;
    int ok = fp && fwrite(bytes, 1, n, fp) == n;
    if (fp && fclose(fp) != 0)
        ok = 0;
    bgi_buf text = {0};
    int rc = ok ? 0 : bgi_err_set(err, BG_EIO, "cannot write a temporary copy");
    if (rc == 0 && convert(&text, f, file, dir) != 0)
        rc = bgi_err_set(err, BG_EDECODE, "%s file could not be converted (damaged or encrypted?)", what);
    if (file)
        unlink(file);
    free(file);
    rmdir(dir);
    if (rc == 0) {
        bgi_decoded dec = {0};
        rc = bgi_decode(&dec, text.data ? text.data : "", text.len, err);
        out->text = dec.text;
        out->len = dec.len;
    }
    bgi_buf_free(&text);
    if (rc == 0 && out->len == 0)
        rc = bgi_err_set(err, BG_ESKIPPED, "%s file without text", what);
    return rc;
}
