/* io.c - whole inputs and atomic output files (see include/storymovie/io.h). */
#define _POSIX_C_SOURCE 200809L
#include "storymovie/io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "common/array.h"

int sm_read_stream(FILE *f, const char *name, size_t max, char **data, size_t *len, sm_error *err)
{
    char *buf = NULL;
    size_t n = 0, cap = 0;
    *data = NULL;
    *len = 0;
    for (;;) {
        /* 64 KiB reads at the least; the + 1 keeps room for the NUL. */
        if (sm_grow(&buf, &cap, n + 65536 + 1, 1) != 0) {
            free(buf);
            return sm_fail(err, name, 0, "out of memory");
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n > max) {
            free(buf);
            return sm_fail(err, name, 0, "file is larger than %zu MiB", max >> 20);
        }
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        return sm_fail(err, name, 0, "read error: %s", strerror(e ? e : EIO));
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

int sm_read_file(const char *path, size_t max, char **data, size_t *len, sm_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *data = NULL;
        *len = 0;
        return sm_fail(err, path, 0, "cannot open: %s", strerror(errno));
    }
    int rc = sm_read_stream(f, path, max, data, len, err);
    fclose(f);
    return rc;
}

int sm_output_open(sm_output *o, const char *path, sm_error *err)
{
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->fp = stdout;
        o->name = "standard output";
        return 0;
    }
    o->name = path;
    /* Only a regular file can be replaced atomically.  A device, a FIFO or a
     * terminal (-o /dev/null, -o /dev/stdout, a named pipe) is written in
     * place: renaming a temporary over it would replace the device itself. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode))
            return sm_fail(err, path, 0, "is a directory");
        o->fp = fopen(path, "wb");
        if (!o->fp)
            return sm_fail(err, path, 0, "cannot write: %s", strerror(errno));
        o->direct = 1;
        return 0;
    }
    size_t n = strlen(path);
    o->path = strdup(path);
    o->tmp_path = malloc(n + 32);
    if (!o->path || !o->tmp_path) {
        free(o->path);
        free(o->tmp_path);
        return sm_fail(err, path, 0, "out of memory");
    }
    /* The temporary lives beside the target so rename() stays atomic
     * (same filesystem); the pid keeps parallel writers apart. */
    snprintf(o->tmp_path, n + 32, "%s.tmp.%ld", path, (long)getpid());
    o->fp = fopen(o->tmp_path, "wb");
    if (!o->fp) {
        int e = errno;
        free(o->path);
        free(o->tmp_path);
        o->path = o->tmp_path = NULL;
        return sm_fail(err, path, 0, "cannot write: %s", strerror(e));
    }
    return 0;
}

int sm_output_commit(sm_output *o, sm_error *err)
{
    if (!o->fp)
        return sm_fail(err, o->path ? o->path : "-", 0, "output not open");
    if (!o->path) {
        if (o->direct) {
            int bad = ferror(o->fp) != 0;
            if (fclose(o->fp) != 0)
                bad = 1;
            o->fp = NULL;
            o->direct = 0;
            return bad ? sm_fail(err, "-o", 0, "write error: %s", strerror(errno)) : 0;
        }
        if (fflush(o->fp) != 0)
            return sm_fail(err, "-", 0, "write error on standard output: %s", strerror(errno));
        o->fp = NULL;
        return 0;
    }
    int failed = ferror(o->fp) != 0;
    if (fflush(o->fp) != 0)
        failed = 1;
    if (!failed && fsync(fileno(o->fp)) != 0 && errno != EINVAL)
        failed = 1;
    int e = errno;
    if (fclose(o->fp) != 0)
        failed = 1;
    o->fp = NULL;
    if (failed || rename(o->tmp_path, o->path) != 0) {
        if (!failed)
            e = errno;
        unlink(o->tmp_path);
        sm_fail(err, o->path, 0, "cannot write: %s", strerror(e));
        free(o->path);
        free(o->tmp_path);
        o->path = o->tmp_path = NULL;
        return -1;
    }
    free(o->path);
    free(o->tmp_path);
    o->path = o->tmp_path = NULL;
    return 0;
}

void sm_output_abort(sm_output *o)
{
    if (o->fp && o->direct)
        fclose(o->fp);
    o->direct = 0;
    if (o->fp && o->path) {
        fclose(o->fp);
        unlink(o->tmp_path);
    }
    o->fp = NULL;
    free(o->path);
    free(o->tmp_path);
    o->path = o->tmp_path = NULL;
}

int sm_output_fail(sm_output *o, sm_error *err)
{
    int e = errno ? errno : EIO;
    const char *name = o->name ? o->name : "standard output";
    sm_output_abort(o);
    return sm_fail(err, name, 0, "cannot write: %s", strerror(e));
}

int sm_mkdir_p(const char *path, sm_error *err)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf)
        return sm_fail(err, path, 0, "bad directory name");
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return sm_fail(err, buf, 0, "cannot create directory: %s", strerror(errno));
            buf[i] = c;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return sm_fail(err, path, 0, "not a directory");
    return 0;
}

void sm_process_init(void)
{
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

char *sm_path_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}
