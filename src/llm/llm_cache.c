/* llm_cache.c - the answer cache: one SQLite row per answered request.
 *
 * A row is written and committed the moment an answer arrives, before the
 * command sees it, so a run killed with kill -9 loses at most the requests
 * that were in flight, and the rerun answers everything already seen without
 * the network.  WAL journal: readers never block the writer, and a second run
 * on the same cache (two shards, or a rerun started while the first is still
 * going) waits its turn for the short write lock instead of failing
 * (busy_timeout).  synchronous=NORMAL: a commit survives the process being
 * killed; only a power failure can lose the last few commits, never the
 * file's consistency.
 *
 * A commit (its locks, its WAL frames) costs some 50 us of CPU, a fifth of
 * what the client spends on a live request, so the answers the live client
 * receives in one wake-up (every transfer libcurl finished since the last)
 * are written in one transaction, committed at the end of that wake-up
 * before any of them goes on (llm_cache_hold / llm_cache_release).  An
 * answer is never handed on uncommitted; a run killed between an arrival
 * and that commit (the time to read that wake-up's answers) loses those
 * answers as it would lose requests in flight.  Answers from the responses
 * file are committed one by one.
 *
 * The key is custom_id + the full SHA-256 of the body: a custom_id carries
 * only 12 hex digits of it, and `llm run` accepts Batch files whose ids are
 * anyone's ("request-1"), so the whole hash must match too.
 *
 * Only answers with text (HTTP 200, whole or truncated) are kept: refusals
 * and transport failures are asked again by the next run. */
#include "llm/llm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

/* PRAGMA application_id: "SMLC", so a cache is recognised as ours. */
#define LLM_CACHE_APP_ID 0x534D4C43
#define LLM_CACHE_VERSION 1

struct llm_cache {
    sqlite3 *db;
    sqlite3_stmt *get, *put;
    sqlite3_stmt *begin, *commit, *rollback;
    int holding;              /* llm_cache_hold: puts join one transaction */
    int in_txn;               /* that transaction is open */
    char *path;
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

llm_cache *llm_cache_open(const char *path, sm_error *err)
{
    llm_cache *c = calloc(1, sizeof *c);
    if (!c || !(c->path = strdup(path))) {
        free(c);
        sm_fail(err, path, 0, "out of memory");
        return NULL;
    }
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
        sqlite3_prepare_v2(c->db, "ROLLBACK", -1, &c->rollback, NULL) != SQLITE_OK) {
        db_fail(c, err, "cannot prepare");
        llm_cache_close(c);
        return NULL;
    }
    return c;
}

int llm_cache_get(llm_cache *c, const sm_llm_request *r, llm_cached *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
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
    const unsigned char *resp = sqlite3_column_text(c->get, 1);
    size_t n = (size_t)sqlite3_column_bytes(c->get, 1);
    out->latency = sqlite3_column_double(c->get, 2);
    out->response = malloc(n + 1);
    if (!out->response) {
        sqlite3_reset(c->get);
        return sm_fail(err, c->path, 0, "out of memory");
    }
    if (n)
        memcpy(out->response, resp, n);
    out->response[n] = '\0';
    out->response_len = n;
    sqlite3_reset(c->get);
    return 1;
}

static int step_once(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc;
}

void llm_cache_hold(llm_cache *c)
{
    if (c)
        c->holding = 1;
}

int llm_cache_release(llm_cache *c, sm_error *err)
{
    if (!c)
        return 0;
    c->holding = 0;
    if (!c->in_txn)
        return 0;
    c->in_txn = 0;
    if (step_once(c->commit) == SQLITE_DONE)
        return 0;
    db_fail(c, err, "cannot write");
    if (!sqlite3_get_autocommit(c->db))
        step_once(c->rollback);
    return -1;
}

int llm_cache_put(llm_cache *c, const sm_llm_request *r, const sm_llm_answer *a, const char *source,
                  sm_error *err)
{
    /* Held: the answers of one wake-up of the client share a transaction
     * (one WAL commit, one round of locks), committed by llm_cache_release
     * before any of them is handed on. */
    if (c->holding && !c->in_txn) {
        if (step_once(c->begin) != SQLITE_DONE)
            return db_fail(c, err, "cannot write");
        c->in_txn = 1;
    }
    char when[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    sqlite3_stmt *st = c->put;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, r->custom_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->sha256, 64, SQLITE_STATIC);
    if (r->model)
        sqlite3_bind_text(st, 3, r->model, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_int64(st, 4, a->http_status);
    sqlite3_bind_text(st, 5, a->response ? a->response : "", (int)a->response_len, SQLITE_STATIC);
    if (a->prompt_tokens >= 0)
        sqlite3_bind_int64(st, 6, a->prompt_tokens);
    else
        sqlite3_bind_null(st, 6);
    if (a->completion_tokens >= 0)
        sqlite3_bind_int64(st, 7, a->completion_tokens);
    else
        sqlite3_bind_null(st, 7);
    sqlite3_bind_double(st, 8, a->latency);
    sqlite3_bind_text(st, 9, when, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 10, source, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : db_fail(c, err, "cannot write");
}

void llm_cache_close(llm_cache *c)
{
    if (!c)
        return;
    if (c->in_txn)
        step_once(c->rollback);   /* only after a failure: release commits */
    sqlite3_finalize(c->get);
    sqlite3_finalize(c->put);
    sqlite3_finalize(c->begin);
    sqlite3_finalize(c->commit);
    sqlite3_finalize(c->rollback);
    sqlite3_close(c->db);
    free(c->path);
    free(c);
}
