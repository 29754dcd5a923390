/* io.c - whole inputs and atomic output files (see include/storymovie/io.h). */
#define _POSIX_C_SOURCE 200809L
#include "storymovie/io.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
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

int sm_fail_write(sm_error *err, const char *name, int errnum)
{
    return sm_fail(err, name ? name : "standard output", 0, "cannot write: %s",
                   strerror(errnum ? errnum : EIO));
}

/* ---- temporary files of killed runs ----
 *
 * A run killed with SIGKILL (or by the machine going down) cannot delete its
 * temporary files: TARGET.tmp.HOST.PID stays beside the target.  The next
 * run that writes into the same directory removes those whose process is
 * gone.  Only files of this host are judged (a shard on another node of a
 * cluster writing to the same shared directory has a PID we cannot check),
 * and each directory is looked at once per process. */

static char host_name[64];

static const char *this_host(void)
{
    if (!host_name[0]) {
        char h[64];
        if (gethostname(h, sizeof h) != 0 || !h[0])
            snprintf(h, sizeof h, "localhost");
        h[sizeof h - 1] = '\0';
        /* The name goes into file names: keep it to safe characters. */
        for (char *p = h; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
                *p = '-';
        memcpy(host_name, h, sizeof h);
    }
    return host_name;
}

int sm_process_gone(long pid)
{
    if (pid <= 0 || pid == (long)getpid())
        return 0;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* "NAME.tmp.HOST.PID" of this host whose process is gone.  (Older versions
 * wrote NAME.tmp.PID: too like a name a user might choose to delete it
 * unasked.) */
static int stale_temp(const char *name)
{
    const char *host = this_host();
    size_t nh = strlen(host);
    for (const char *t = strstr(name, ".tmp."); t; t = strstr(t + 1, ".tmp.")) {
        const char *rest = t + 5;
        if (strncmp(rest, host, nh) != 0 || rest[nh] != '.')
            continue;
        const char *digits = rest + nh + 1;
        if (*digits && strspn(digits, "0123456789") == strlen(digits) && strlen(digits) < 12)
            return sm_process_gone(strtol(digits, NULL, 10));
    }
    return 0;
}

static pthread_mutex_t cleaned_lock = PTHREAD_MUTEX_INITIALIZER;
static char **cleaned;
static size_t n_cleaned, cleaned_cap;

static void remove_stale_temps(const char *path)
{
    char *dir = sm_path_dir(path);
    if (!dir)
        return;
    pthread_mutex_lock(&cleaned_lock);
    for (size_t i = 0; i < n_cleaned; i++)
        if (strcmp(cleaned[i], dir) == 0) {
            pthread_mutex_unlock(&cleaned_lock);
            free(dir);
            return;
        }
    /* Remembered when there is memory for it; else cleaned again next time,
     * no harm. */
    int kept = sm_grow(&cleaned, &cleaned_cap, n_cleaned + 1, sizeof *cleaned) == 0;
    if (kept)
        cleaned[n_cleaned++] = dir;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (!stale_temp(e->d_name))
            continue;
        char victim[4096];
        struct stat st;
        if (snprintf(victim, sizeof victim, "%s/%s", dir, e->d_name) < (int)sizeof victim &&
            lstat(victim, &st) == 0 && S_ISREG(st.st_mode))
            unlink(victim);
    }
    if (d)
        closedir(d);
    if (!kept)
        free(dir);
    pthread_mutex_unlock(&cleaned_lock);
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
            return sm_fail_write(err, path, errno);
        o->direct = 1;
        return 0;
    }
    remove_stale_temps(path);
    size_t n = strlen(path) + strlen(this_host()) + 40;
    o->path = strdup(path);
    o->tmp_path = malloc(n);
    if (!o->path || !o->tmp_path) {
        free(o->path);
        free(o->tmp_path);
        return sm_fail(err, path, 0, "out of memory");
    }
    /* The temporary lives beside the target so rename() stays atomic
     * (same filesystem); the pid keeps parallel writers apart. */
    snprintf(o->tmp_path, n, "%s.tmp.%s.%ld", path, this_host(), (long)getpid());
    o->fp = fopen(o->tmp_path, "wb");
    if (!o->fp) {
        int e = errno;
        free(o->path);
        free(o->tmp_path);
        o->path = o->tmp_path = NULL;
        return sm_fail_write(err, path, e);
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
            return bad ? sm_fail_write(err, o->name, errno) : 0;
        }
        if (fflush(o->fp) != 0 || ferror(o->fp))
            return sm_fail_write(err, "standard output", errno);
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
        sm_fail_write(err, o->path, e);
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
    return sm_fail_write(err, name, e);
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
