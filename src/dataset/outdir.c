/* outdir.c - output directories that appear whole or not at all, and the
 * hard links (or copies) that put images into them.
 *
 * A dataset is thousands of files; a killed run must not leave half of
 * them where a trainer would read them.  Everything is written into
 * DIR.tmp-PID-XXXXXX beside DIR and swapped in at the end: on Linux with
 * renameat2(RENAME_EXCHANGE), one atomic step even when DIR exists;
 * elsewhere DIR is first renamed aside (a moment without DIR, never a half
 * one).  The old tree is deleted afterwards; if that is interrupted, it is
 * a stale temporary the next run removes. */
#if defined(__linux__)
#define _GNU_SOURCE 1       /* renameat2 */
#endif
#include "dataset/dataset_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARKER ".storymovie"

char *ds_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

/* Remove every entry of the directory open as fd, then the fd is closed. */
static int remove_contents(int fd)
{
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            rc = -1;
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd(dir), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
            if (sub < 0 || remove_contents(sub) != 0)
                rc = -1;
            if (unlinkat(dirfd(dir), e->d_name, AT_REMOVEDIR) != 0)
                rc = -1;
        } else if (unlinkat(dirfd(dir), e->d_name, 0) != 0) {
            rc = -1;
        }
    }
    closedir(dir);
    return rc;
}

int ds_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    int rc = remove_contents(fd);
    if (rmdir(path) != 0)
        rc = -1;
    return rc;
}

/* DIR is ours to replace: empty, or it has our marker. */
static int replaceable(const char *path, sm_error *err)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : sm_fail(err, path, 0, "cannot read: %s", strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return sm_fail(err, path, 0, "exists and is not a directory; choose another output");
    char *marker = ds_join(path, MARKER);
    if (!marker)
        return sm_fail(err, path, 0, "out of memory");
    int ours = access(marker, F_OK) == 0;
    free(marker);
    if (ours)
        return 0;
    DIR *dir = opendir(path);
    if (!dir)
        return sm_fail(err, path, 0, "cannot read: %s", strerror(errno));
    int empty = 1;
    struct dirent *e;
    while (empty && (e = readdir(dir)) != NULL)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(dir);
    if (!empty)
        return sm_fail(err, path, 0,
                       "exists and was not written by storymovie (no " MARKER " file); "
                       "remove it or choose another output");
    return 0;
}

/* Remove DIR.tmp-PID-* whose process is gone. */
static void remove_stale(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *parent = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
    const char *base = slash ? slash + 1 : path;
    if (!parent)
        return;
    size_t nb = strlen(base);
    DIR *dir = opendir(parent);
    if (!dir) {
        free(parent);
        return;
    }
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        const char *n = e->d_name;
        if (strncmp(n, base, nb) != 0 || strncmp(n + nb, ".tmp-", 5) != 0)
            continue;
        char *end;
        long pid = strtol(n + nb + 5, &end, 10);
        if (end == n + nb + 5 || *end != '-' || !sm_process_gone(pid))
            continue;     /* still running (or not ours to judge) */
        char *victim = ds_join(parent, n);
        if (victim) {
            ds_remove_tree(victim);
            free(victim);
        }
    }
    closedir(dir);
    free(parent);
}

int ds_outdir_begin(ds_outdir *d, const char *path, const char *kind, sm_error *err)
{
    memset(d, 0, sizeof *d);
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    if (n == 0)
        return sm_fail(err, "--out", 0, "empty directory name");
    d->final = strndup(path, n);
    d->tmp = malloc(n + 64);
    if (!d->final || !d->tmp) {
        free(d->final), free(d->tmp);
        d->final = d->tmp = NULL;
        return sm_fail(err, path, 0, "out of memory");
    }
    if (replaceable(d->final, err) != 0) {
        free(d->final), free(d->tmp);
        d->final = d->tmp = NULL;
        return -1;
    }
    remove_stale(d->final);
    snprintf(d->tmp, n + 64, "%s.tmp-%ld-XXXXXX", d->final, (long)getpid());
    if (!mkdtemp(d->tmp)) {
        int e = errno;
        sm_fail(err, d->final, 0, "cannot create a directory beside it: %s", strerror(e));
        free(d->final), free(d->tmp);
        d->final = d->tmp = NULL;
        return -1;
    }
    /* mkdtemp makes it 0700; the dataset is for others to read too. */
    mode_t mask = umask(0);
    umask(mask);
    chmod(d->tmp, 0777 & ~mask);
    char *marker = ds_join(d->tmp, MARKER);
    char text[128];
    int len = snprintf(text, sizeof text, "%s\n", kind);
    if (!marker || ds_write_file(marker, text, (size_t)len, err) != 0) {
        free(marker);
        ds_outdir_abort(d);
        return marker ? -1 : sm_fail(err, path, 0, "out of memory");
    }
    free(marker);
    return 0;
}

int ds_outdir_commit(ds_outdir *d, sm_error *err)
{
    struct stat st;
    int exists = lstat(d->final, &st) == 0;
    if (!exists) {
        if (rename(d->tmp, d->final) != 0) {
            sm_fail(err, d->final, 0, "cannot create: %s", strerror(errno));
            ds_outdir_abort(d);
            return -1;
        }
    } else {
        int swapped = 0;
#if defined(__linux__) && defined(RENAME_EXCHANGE)
        swapped = renameat2(AT_FDCWD, d->tmp, AT_FDCWD, d->final, RENAME_EXCHANGE) == 0;
#endif
        if (!swapped) {
            /* Aside under a temporary name, so that an interruption here
             * leaves something the next run knows to clean up. */
            char *aside = malloc(strlen(d->final) + 64);
            if (!aside) {
                ds_outdir_abort(d);
                return sm_fail(err, d->final, 0, "out of memory");
            }
            sprintf(aside, "%s.tmp-%ld-old", d->final, (long)getpid());
            ds_remove_tree(aside);
            if (rename(d->final, aside) != 0 || rename(d->tmp, d->final) != 0) {
                int e = errno;
                if (access(d->final, F_OK) != 0)
                    rename(aside, d->final);
                free(aside);
                ds_outdir_abort(d);
                return sm_fail(err, d->final, 0, "cannot replace: %s", strerror(e));
            }
            free(d->tmp);
            d->tmp = aside;
        }
        /* d->tmp now holds the old tree. */
        ds_remove_tree(d->tmp);
    }
    free(d->final), free(d->tmp);
    d->final = d->tmp = NULL;
    return 0;
}

void ds_outdir_abort(ds_outdir *d)
{
    if (d->tmp)
        ds_remove_tree(d->tmp);
    free(d->final), free(d->tmp);
    d->final = d->tmp = NULL;
}

int ds_make_dir(const char *path, sm_error *err)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return sm_fail(err, path, 0, "cannot create directory: %s", strerror(errno));
    return 0;
}

int ds_write_file(const char *path, const char *data, size_t len, sm_error *err)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return sm_fail_write(err, path, errno);
    int bad = len && fwrite(data, 1, len, f) != len;
    if (fclose(f) != 0)
        bad = 1;
    return bad ? sm_fail_write(err, path, errno) : 0;
}

static int copy_file(const char *src, const char *dst, sm_error *err)
{
    int in = open(src, O_RDONLY);
    if (in < 0)
        return sm_fail(err, src, 0, "cannot read: %s", strerror(errno));
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (out < 0) {
        int e = errno;
        close(in);
        return sm_fail_write(err, dst, e);
    }
    char buf[1 << 16];
    int rc = 0;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = sm_fail(err, src, 0, "cannot read: %s", strerror(errno));
            break;
        }
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                rc = sm_fail_write(err, dst, errno);
                break;
            }
            done += w;
        }
        if (rc)
            break;
    }
    close(in);
    if (close(out) != 0 && rc == 0)
        rc = sm_fail_write(err, dst, errno);
    return rc;
}

int ds_link_or_copy(const char *src, const char *dst, int copy, size_t *copied, sm_error *err)
{
    if (!copy) {
        /* AT_SYMLINK_FOLLOW: link the image a symbolic link names, not the
         * link itself (MovieNet mirrors are often trees of links). */
        if (linkat(AT_FDCWD, src, AT_FDCWD, dst, AT_SYMLINK_FOLLOW) == 0)
            return 0;
        if (errno == ENOENT)
            return sm_fail(err, src, 0, "image not found");
        if (errno != EXDEV && errno != EPERM && errno != EMLINK && errno != ENOTSUP &&
            errno != EACCES && errno != ENOSYS && errno != EOPNOTSUPP)
            return sm_fail(err, dst, 0, "cannot link %s: %s", src, strerror(errno));
    }
    if (copy_file(src, dst, err) != 0)
        return -1;
    (*copied)++;
    return 0;
}
