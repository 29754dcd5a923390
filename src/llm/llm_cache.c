/* llm_cache.c - the answer cache: one SQLite row per answered request, and
 * the log that carries the live client's answers into it.
 *
 * An answer is committed the moment it arrives, before the command sees it,
 * so a run killed with kill -9 loses at most the requests that were in
 * flight, and the rerun answers everything already seen without the
 * network.  The answers the live client finds finished in one wake-up are
 * committed together by one write() to the run's log, FILE.log.PID.XXXX
 * beside the cache: a record per answer, appended (llm_cache_log.c).  Every
 * LOG_MOVE_EVERY answers, after LOG_MOVE_AFTER seconds, and at the end of
 * the run, the log goes into the table in one transaction and is emptied.
 * A run killed before that leaves its log; the next run to open the cache
 * moves it in first.  A log belongs to its run while the run holds an
 * flock() on it, which the kernel lets go when the process dies, however
 * it dies: a log nobody holds is one to move in.
 *
 * Why a log and not a commit per wake-up: an SQLite commit (its locks, its
 * WAL frames, one per page touched, each two writes) costs some 50-60 us of
 * CPU in the live client, as much as libcurl and the kernel spend on the
 * whole request (bench/bench_llm.c); a log write is one system call, and the
 * rows, moved in by the hundred, cost a few microseconds each.  The durability is the same: a
 * write() survives the process being killed, and, as with SQLite's WAL at
 * synchronous=NORMAL, only a power failure can lose the last answers (a
 * torn record at the end of a log is left out, never misread).
 *
 * The table: WAL journal, so readers never block the writer, and a second
 * run on the same cache (two shards, or a rerun started while the first is
 * still going) waits its turn for the short write lock instead of failing
 * (busy_timeout).  A run sees what other runs had moved into the table,
 * not what is still in their logs: such an answer is asked again.
 *
 * The key is custom_id + the full SHA-256 of the body: a custom_id carries
 * only 12 hex digits of it, and `llm run` accepts Batch files whose ids are
 * anyone's ("request-1"), so the whole hash must match too.
 *
 * Only answers with text (HTTP 200, whole or truncated) are kept: refusals
 * and transport failures are asked again by the next run.  Answers from the
 * responses file go straight into the table, one commit each. */
#include "llm/llm_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "common/hash.h"
#include "storymovie/io.h"

/* PRAGMA application_id: "SMLC", so a cache is recognised as ours. */
#define LLM_CACHE_APP_ID 0x534D4C43
#define LLM_CACHE_VERSION 1

/* The log goes into the table after this many answers or seconds. */
#define LOG_MOVE_EVERY 256
#define LOG_MOVE_AFTER 5.0

struct llm_cache {
    sqlite3 *db;
    sqlite3_stmt *get, *put;
    sqlite3_stmt *begin, *commit, *rollback, *begin_read;
    int reading;              /* a read transaction is open for lookups */
    double read_since;
    char *path;
    int holding;              /* llm_cache_hold: puts go to the log */
    int log_fd;               /* this run's log, opened at its first answer; -1 */
    char *log_path;
    llm_buf pending;          /* the log's records since it was last moved in */
    size_t written;           /* how much of pending is in the log file */
    llm_table pending_ids;    /* custom_id -> 1 + where its newest record starts in pending */
    double first_at;          /* when the oldest of them arrived */
    time_t when_t;            /* `created` of the last second, formatted once */
    char when[24];
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS answers (\n"
    "  custom_id         TEXT PRIMARY KEY,\n"
    "  body_sha256       TEXT NOT NULL,\n"
    "  model             TEXT,\n"
    "  status            INTEGER NOT NULL,\n"
    "  response          TEXT NOT NULL,\n"
    "  prompt_tokens     INTEGER,\n"
    "  completion_tokens INTEGER,\n"
    "  latency           REAL,\n"
    "  created           TEXT NOT NULL,\n"
    "  source            TEXT NOT NULL\n"
    ") WITHOUT ROWID";

static int db_fail(llm_cache *c, sm_error *err, const char *what)
{
    return sm_fail(err, c->path, 0, "cache: %s: %s", what, c->db ? sqlite3_errmsg(c->db) : "no database");
}

static int exec(llm_cache *c, const char *sql, sm_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        sm_fail(err, c->path, 0, "cache: %s", msg ? msg : sqlite3_errmsg(c->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static long pragma_int(llm_cache *c, const char *sql)
{
    sqlite3_stmt *st;
    long v = -1;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* An existing database must be ours: an empty one becomes ours. */
static int check_or_init(llm_cache *c, sm_error *err)
{
    long tables = pragma_int(c, "SELECT count(*) FROM sqlite_master");
    if (tables < 0)
        return db_fail(c, err, "not an SQLite database");
    long app = pragma_int(c, "PRAGMA application_id");
    if (tables > 0 && app != LLM_CACHE_APP_ID)
        return sm_fail(err, c->path, 0, "not a storymovie LLM cache (an SQLite file of something else)");
    if (tables > 0 && pragma_int(c, "PRAGMA user_version") > LLM_CACHE_VERSION)
        return sm_fail(err, c->path, 0, "cache: made by a newer storymovie (schema version %ld)",
                       pragma_int(c, "PRAGMA user_version"));
    char sql[160];
    snprintf(sql, sizeof sql, "PRAGMA application_id=%d; PRAGMA user_version=%d", LLM_CACHE_APP_ID,
             LLM_CACHE_VERSION);
    if (exec(c, schema, err) || exec(c, sql, err))
        return -1;
    return 0;
}

static int step_once(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc;
}

/* One row into the table, in whatever transaction is open. */
static int put_row(llm_cache *c, const llm_row *row)
{
    sqlite3_stmt *st = c->put;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, row->custom_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, row->sha256, 64, SQLITE_STATIC);
    if (row->model)
        sqlite3_bind_text(st, 3, row->model, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_int64(st, 4, row->status);
    sqlite3_bind_text(st, 5, row->response, (int)row->response_len, SQLITE_STATIC);
    if (row->prompt_tokens >= 0)
        sqlite3_bind_int64(st, 6, row->prompt_tokens);
    else
        sqlite3_bind_null(st, 6);
    if (row->completion_tokens >= 0)
        sqlite3_bind_int64(st, 7, row->completion_tokens);
    else
        sqlite3_bind_null(st, 7);
    sqlite3_bind_double(st, 8, row->latency);
    sqlite3_bind_text(st, 9, row->created, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, row->source, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Lookups share one read transaction: outside one, each SELECT takes and
 * lets go the file's locks and checks the WAL, which costs more than the
 * lookup.  It ends before every write, and after LOG_MOVE_AFTER seconds,
 * so that the writes of other runs are seen soon and their WAL can be
 * checkpointed. */
static void end_read(llm_cache *c)
{
    if (c->reading) {
        step_once(c->commit);
        c->reading = 0;
    }
}

/* Every whole record of data[0..n) into the table, in one transaction. */
static int move_in(llm_cache *c, const char *data, size_t n, sm_error *err)
{
    if (n == 0)
        return 0;
    end_read(c);
    if (step_once(c->begin) != SQLITE_DONE)
        return db_fail(c, err, "cannot write");
    llm_row row;
    size_t at = 0, used;
    while (at < n && llm_log_next(data + at, n - at, &used, &row)) {
        if (put_row(c, &row)) {
            db_fail(c, err, "cannot write");
            step_once(c->rollback);
            return -1;
        }
        at += used;
    }
    if (step_once(c->commit) != SQLITE_DONE) {
        db_fail(c, err, "cannot write");
        if (!sqlite3_get_autocommit(c->db))
            step_once(c->rollback);
        return -1;
    }
    return 0;
}

/* A log beside the cache that no run holds: its run died before moving it
 * in.  Moved in, then removed; a log whose run is alive is left alone. */
static int adopt_log(llm_cache *c, const char *path, sm_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;   /* gone meanwhile: its run moved it in */
    FILE *f = flock(fd, LOCK_EX | LOCK_NB) == 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        close(fd);
        return 0;
    }
    char *data;
    size_t len;
    int rc = sm_read_stream(f, path, SIZE_MAX / 2, &data, &len, err);
    /* a run dies at worst in its first write, which starts with the mark */
    if (rc == 0 && memcmp(data, LOG_RECORD_MARK, len < 4 ? len : 4) != 0)
        rc = sm_fail(err, path, 0, "cache: not a log of this cache's runs (its records start with %s); "
                                   "move it away", LOG_RECORD_MARK);
    if (rc == 0 && (rc = move_in(c, data, len, err)) == 0)
        unlink(path);
    free(data);
    fclose(f);   /* lets the lock go */
    return rc;
}

/* A log a run was making when it died, before it could rename it: empty
 * (nothing is written before the rename), removed unless held. */
static void remove_unborn_log(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
        unlink(path);
    close(fd);
}

/* name is PREFIX then PID.TAG as open_log makes them (digits, a dot, 8 hex
 * digits): files of other names beside the cache are never touched. */
static int log_tail(const char *name, const char *prefix, size_t plen)
{
    if (strncmp(name, prefix, plen) != 0)
        return 0;
    const char *p = name + plen, *digits = p;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p == digits || *p++ != '.')
        return 0;
    size_t hex = strspn(p, "0123456789abcdef");
    return hex == 8 && p[hex] == '\0';
}

static int adopt_logs(llm_cache *c, sm_error *err)
{
    const char *slash = strrchr(c->path, '/');
    const char *base = slash ? slash + 1 : c->path;
    char prefix[512], unborn[512];
    if (snprintf(prefix, sizeof prefix, "%s.log.", base) >= (int)sizeof prefix ||
        snprintf(unborn, sizeof unborn, "%s.new-log.", base) >= (int)sizeof unborn)
        return 0;
    char *dir = sm_path_dir(c->path);
    if (!dir)
        return sm_fail(err, c->path, 0, "out of memory");
    DIR *d = opendir(dir);
    if (!d) {
        free(dir);
        return 0;
    }
    size_t plen = strlen(prefix), ulen = strlen(unborn);
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        int log = log_tail(e->d_name, prefix, plen);
        if (!log && !log_tail(e->d_name, unborn, ulen))
            continue;
        char path[8192];
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
            continue;
        if (log)
            rc = adopt_log(c, path, err);
        else
            remove_unborn_log(path);
    }
    closedir(d);
    free(dir);
    return rc;
}

llm_cache *llm_cache_open(const char *path, sm_error *err)
{
    llm_cache *c = calloc(1, sizeof *c);
    if (!c || !(c->path = strdup(path))) {
        free(c);
        sm_fail(err, path, 0, "out of memory");
        return NULL;
    }
    c->log_fd = -1;
    if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        db_fail(c, err, "cannot open");
        llm_cache_close(c);
        return NULL;
    }
    sqlite3_busy_timeout(c->db, 30000);
    /* journal_mode answers with the mode now in force; a file system that
     * cannot do WAL (some network file systems) keeps the rollback journal,
     * which is slower but as safe. */
    if (exec(c, "PRAGMA journal_mode=WAL", err) || exec(c, "PRAGMA synchronous=NORMAL", err) ||
        check_or_init(c, err)) {
        llm_cache_close(c);
        return NULL;
    }
    if (sqlite3_prepare_v2(c->db,
                           "SELECT status, response, latency FROM answers "
                           "WHERE custom_id = ?1 AND body_sha256 = ?2",
                           -1, &c->get, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db,
                           "INSERT OR REPLACE INTO answers (custom_id, body_sha256, model, status, response, "
                           "prompt_tokens, completion_tokens, latency, created, source) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                           -1, &c->put, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db, "BEGIN IMMEDIATE", -1, &c->begin, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db, "COMMIT", -1, &c->commit, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db, "ROLLBACK", -1, &c->rollback, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db, "BEGIN", -1, &c->begin_read, NULL) != SQLITE_OK) {
        db_fail(c, err, "cannot prepare");
        llm_cache_close(c);
        return NULL;
    }
    if (adopt_logs(c, err)) {
        llm_cache_close(c);
        return NULL;
    }
    return c;
}

static int copy_response(llm_cache *c, const char *resp, size_t n, llm_cached *out, sm_error *err)
{
    out->response = malloc(n + 1);
    if (!out->response)
        return sm_fail(err, c->path, 0, "out of memory");
    if (n)
        memcpy(out->response, resp, n);
    out->response[n] = '\0';
    out->response_len = n;
    return 1;
}

/* This run's answers not yet in the table: as in the table, the newest
 * answer for a custom_id is the one kept. */
static int get_pending(llm_cache *c, const sm_llm_request *r, llm_cached *out, sm_error *err)
{
    size_t at = (size_t)(uintptr_t)llm_table_get(&c->pending_ids, r->custom_id);
    llm_row row;
    size_t used;
    if (at-- == 0 || !llm_log_next(c->pending.data + at, c->pending.len - at, &used, &row) ||
        memcmp(row.sha256, r->sha256, 64) != 0)
        return 0;
    out->status = row.status;
    out->latency = row.latency;
    return copy_response(c, row.response, row.response_len, out, err);
}

int llm_cache_get(llm_cache *c, const sm_llm_request *r, llm_cached *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    if (c->pending.len) {
        int found = get_pending(c, r, out, err);
        if (found)
            return found;
    }
    if (c->reading && llm_now() - c->read_since >= LOG_MOVE_AFTER)
        end_read(c);
    if (!c->reading) {
        if (step_once(c->begin_read) != SQLITE_DONE)
            return db_fail(c, err, "cannot read");
        c->reading = 1;
        c->read_since = llm_now();
    }
    sqlite3_reset(c->get);
    sqlite3_bind_text(c->get, 1, r->custom_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(c->get, 2, r->sha256, 64, SQLITE_STATIC);
    int rc = sqlite3_step(c->get);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(c->get);
        return 0;
    }
    if (rc != SQLITE_ROW) {
        db_fail(c, err, "cannot read");
        sqlite3_reset(c->get);
        return -1;
    }
    out->status = (long)sqlite3_column_int64(c->get, 0);
    const char *resp = (const char *)sqlite3_column_text(c->get, 1);
    size_t n = (size_t)sqlite3_column_bytes(c->get, 1);
    out->latency = sqlite3_column_double(c->get, 2);
    int found = copy_response(c, resp ? resp : "", n, out, err);
    sqlite3_reset(c->get);
    return found;
}

/* This run's log: created at its first answer, held with flock() for as
 * long as the run lives.  It is made under another name and renamed once
 * held, so that no other run can take it for a dead run's log.  The name is
 * unique among the runs of all hosts that share the directory (pid, time,
 * address). */
static int open_log(llm_cache *c, sm_error *err)
{
    size_t n = strlen(c->path) + 64;
    char *tmp = malloc(n);
    if (!tmp || !(c->log_path = malloc(n))) {
        free(tmp);
        return sm_fail(err, c->path, 0, "out of memory");
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t tag = sm_fnv1a(&ts, sizeof ts) ^ (uint64_t)(uintptr_t)c;
    snprintf(c->log_path, n, "%s.log.%ld.%08llx", c->path, (long)getpid(), (unsigned long long)(tag & 0xffffffffu));
    snprintf(tmp, n, "%s.new-log.%ld.%08llx", c->path, (long)getpid(), (unsigned long long)(tag & 0xffffffffu));
    c->log_fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    int ok = c->log_fd >= 0 && flock(c->log_fd, LOCK_EX | LOCK_NB) == 0 && rename(tmp, c->log_path) == 0;
    int e = errno;
    if (!ok && c->log_fd >= 0) {
        close(c->log_fd);
        c->log_fd = -1;
        unlink(tmp);
    }
    free(tmp);
    if (!ok) {
        sm_fail(err, c->log_path, 0, "cache: cannot create the run's log: %s", strerror(e));
        free(c->log_path);
        c->log_path = NULL;
        return -1;
    }
    return 0;
}

static void format_created(llm_cache *c)
{
    time_t t = time(NULL);
    if (t == c->when_t && c->when[0])
        return;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(c->when, sizeof c->when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    c->when_t = t;
}

int llm_cache_put(llm_cache *c, const sm_llm_request *r, const sm_llm_answer *a, const char *source,
                  sm_error *err)
{
    format_created(c);
    llm_row row = {r->custom_id, r->sha256, r->model, c->when, source, a->response ? a->response : "",
                   a->response ? a->response_len : 0, a->http_status, a->prompt_tokens,
                   a->completion_tokens, a->latency};
    if (!c->holding) {
        /* one by one (the responses file): after the log, so that the
         * table's last word for a custom_id is the newest answer */
        if (llm_cache_flush(c, err))
            return -1;
        end_read(c);
        return put_row(c, &row) ? db_fail(c, err, "cannot write") : 0;
    }
    if (c->log_fd < 0 && open_log(c, err))
        return -1;
    size_t at = c->pending.len;
    if (llm_log_append(&c->pending, &row) ||
        llm_table_put(&c->pending_ids, r->custom_id, (void *)(uintptr_t)(at + 1))) {
        c->pending.len = at;
        if (c->pending.data)
            c->pending.data[at] = '\0';
        return sm_fail(err, c->path, 0, "cache: out of memory for an answer of %zu bytes", row.response_len);
    }
    if (at == 0)
        c->first_at = llm_now();
    return 0;
}

void llm_cache_hold(llm_cache *c)
{
    if (c)
        c->holding = 1;
}

static int write_log(llm_cache *c, sm_error *err)
{
    while (c->written < c->pending.len) {
        ssize_t n = write(c->log_fd, c->pending.data + c->written, c->pending.len - c->written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return sm_fail(err, c->log_path, 0, "cache: cannot write the run's log: %s",
                           n < 0 ? strerror(errno) : "no space written");
        c->written += (size_t)n;
    }
    return 0;
}

int llm_cache_flush(llm_cache *c, sm_error *err)
{
    if (!c || c->pending.len == 0)
        return 0;
    if (write_log(c, err) || move_in(c, c->pending.data, c->pending.len, err))
        return -1;
    /* In the table now: the log starts again.  Killed between the commit
     * and here, the next run moves the same rows in again, which changes
     * nothing. */
    if (ftruncate(c->log_fd, 0) != 0)
        return sm_fail(err, c->log_path, 0, "cache: cannot empty the run's log: %s", strerror(errno));
    c->pending.len = 0;
    c->written = 0;
    llm_table_free(&c->pending_ids, NULL);
    return 0;
}

int llm_cache_release(llm_cache *c, sm_error *err)
{
    if (!c)
        return 0;
    c->holding = 0;
    if (c->pending.len == 0)
        return 0;
    if (write_log(c, err))
        return -1;
    if (c->pending_ids.n_keys >= LOG_MOVE_EVERY || llm_now() - c->first_at >= LOG_MOVE_AFTER)
        return llm_cache_flush(c, err);
    return 0;
}

void llm_cache_close(llm_cache *c)
{
    if (!c)
        return;
    if (c->log_fd >= 0) {
        sm_error e;
        /* moved in, the log goes; if it cannot be, it stays for the next
         * run to move in (sm_llm_close has reported why) */
        if (llm_cache_flush(c, &e) == 0)
            unlink(c->log_path);
        close(c->log_fd);
    }
    end_read(c);
    sqlite3_finalize(c->get);
    sqlite3_finalize(c->put);
    sqlite3_finalize(c->begin);
    sqlite3_finalize(c->commit);
    sqlite3_finalize(c->rollback);
    sqlite3_finalize(c->begin_read);
    sqlite3_close(c->db);
    llm_buf_free(&c->pending);
    llm_table_free(&c->pending_ids, NULL);
    free(c->log_path);
    free(c->path);
    free(c);
}
