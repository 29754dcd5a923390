/* provenance.h - what an output was made from.
 *
 * A rerun of `storymovie build` or `align --manifest` reuses the outputs
 * an earlier run left, and `link --align-dir` reads alignments made by
 * another run.  Trusting a file because it exists would reuse the
 * alignment of a screenplay that has since been corrected, or one made by
 * an older aligner.  So every output that a later run may reuse records
 * what it was made from:
 *
 *   {"type":"provenance","made_by":"align","tool":"storymovie 0.1.0",
 *    "aligner":1,"options":"min_confidence=0.5 hints=on",
 *    "inputs":[{"role":"screenplay","path":"script/tt0120338.script",
 *               "size":301234,"sha256":"9f86d0..."},
 *              {"role":"subtitles",...}]}
 *
 * the first line of an alignment (JSON Lines; "# " and the same JSON in
 * the TSV format), and a sidecar JSON file for build's outputs.  A rerun
 * compares it with the inputs as they are now (sizes first, then SHA-256
 * of the bytes), the aligner's method version and the options, and makes
 * the output again when any of them changed, saying why.  The tool's own
 * version is recorded for the reader but decides nothing: a release that
 * does not change the method keeps its alignments.  docs/provenance.md has
 * the format and the rules. */
#ifndef STORYMOVIE_PROVENANCE_H
#define STORYMOVIE_PROVENANCE_H

#include <stddef.h>
#include "error.h"
#include "json.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The tool's version, sm_version(), is in version.h. */

/* SHA-256 of bytes, as 64 hex digits and a NUL (OpenSSL's libcrypto). */
void sm_sha256_hex(const void *data, size_t n, char hex[65]);
/* SHA-256 of a file's bytes, read in blocks; its size in *size. */
int sm_sha256_file(const char *path, char hex[65], long long *size, sm_error *err);

#define SM_PROV_MAX_INPUTS 4

typedef struct sm_prov_input {
    char role[24];            /* "screenplay", "subtitles", "stories", ... */
    char path[1024];          /* as given (recorded; not compared) */
    long long size;
    char sha256[65];
} sm_prov_input;

typedef struct sm_provenance {
    char made_by[24];         /* the command: "align", "build" */
    char tool[40];            /* "storymovie 0.1.0" */
    int aligner;              /* the aligner's method version (SM_ALIGN_METHOD_VERSION) */
    char options[160];        /* the options that decide the output, as text */
    sm_prov_input inputs[SM_PROV_MAX_INPUTS];
    size_t n_inputs;
} sm_provenance;

/* An empty record of this tool's version. */
void sm_provenance_init(sm_provenance *p, const char *made_by, int aligner, const char *options);
/* Add an input file: its size and the SHA-256 of its bytes. */
int sm_provenance_add_file(sm_provenance *p, const char *role, const char *path, sm_error *err);
/* The record as one JSON object (no newline). */
void sm_provenance_json(sm_json *j, const sm_provenance *p);
/* One JSON line (a leading "# " allowed) as a record: 0, or -1 when the
 * line is not a provenance record. */
int sm_provenance_parse(const char *line, size_t len, sm_provenance *out);
/* The record on the first line of a file: 1 found, 0 the file has none
 * (an output of an older version, or of another tool), -1 the file
 * cannot be read (err set). */
int sm_provenance_read_file(const char *path, sm_provenance *out, sm_error *err);

/* What to compare. */
enum {
    SM_PROV_INPUTS = 1,       /* every input of `now` has the same size and hash in `old` */
    SM_PROV_ALIGNER = 2,      /* the same aligner version */
    SM_PROV_OPTIONS = 4,      /* the same options */
    SM_PROV_ALL = 7
};

/* Why an output recorded as `old` (NULL: it has no record) is not what
 * `now` would make: 0 and "" when it is; 1 and a short reason in why
 * ("no provenance record", "aligner version 1 -> 2", "options changed",
 * "screenplay changed", "subtitles changed"), the same words for the same
 * cause so that a summary can count them. */
int sm_provenance_stale(const sm_provenance *old, const sm_provenance *now, int what, char *why,
                        size_t size);

/* Reasons counted for a summary: "screenplay changed (2), aligner version
 * 1 -> 2 (1)".  Add each film's reason; format them in the order first
 * seen. */
typedef struct sm_reason_count {
    char reason[96];
    size_t n;
} sm_reason_count;

typedef struct sm_reasons {
    sm_reason_count items[16];
    size_t n_items;
    size_t total;
} sm_reasons;

void sm_reasons_add(sm_reasons *r, const char *reason);
void sm_reasons_format(const sm_reasons *r, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
