/* provenance.c - what an output was made from (see include/storymovie/provenance.h). */
#include "storymovie/provenance.h"
#include "storymovie/version.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

static void to_hex(const unsigned char *md, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
}

void sm_sha256_hex(const void *data, size_t n, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!EVP_Digest(data, n, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32) {
        memset(hex, '0', 64);   /* cannot happen with a working libcrypto */
        hex[64] = '\0';
        return;
    }
    to_hex(md, hex);
}

int sm_sha256_file(const char *path, char hex[65], long long *size, sm_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return sm_fail(err, path, 0, "cannot open: %s", strerror(errno));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(ctx);
        fclose(f);
        return sm_fail(err, path, 0, "cannot hash: no SHA-256 in libcrypto");
    }
    /* Blocks the size of a screenplay: one read for most inputs. */
    enum { BLOCK = 1 << 18 };
    unsigned char *buf = malloc(BLOCK);
    long long total = 0;
    int rc = buf ? 0 : sm_fail(err, path, 0, "out of memory");
    size_t got;
    while (rc == 0 && (got = fread(buf, 1, BLOCK, f)) > 0) {
        EVP_DigestUpdate(ctx, buf, got);
        total += (long long)got;
    }
    if (rc == 0 && ferror(f))
        rc = sm_fail(err, path, 0, "read error: %s", strerror(errno ? errno : EIO));
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (rc == 0 && (!EVP_DigestFinal_ex(ctx, md, &mdlen) || mdlen != 32))
        rc = sm_fail(err, path, 0, "cannot hash");
    if (rc == 0) {
        to_hex(md, hex);
        *size = total;
    }
    free(buf);
    EVP_MD_CTX_free(ctx);
    fclose(f);
    return rc;
}

void sm_provenance_init(sm_provenance *p, const char *made_by, int aligner, const char *options)
{
    memset(p, 0, sizeof *p);
    snprintf(p->made_by, sizeof p->made_by, "%s", made_by ? made_by : "");
    snprintf(p->tool, sizeof p->tool, "storymovie %s", sm_version());
    p->aligner = aligner;
    snprintf(p->options, sizeof p->options, "%s", options ? options : "");
}

int sm_provenance_add_file(sm_provenance *p, const char *role, const char *path, sm_error *err)
{
    if (p->n_inputs >= SM_PROV_MAX_INPUTS)
        return sm_fail(err, path, 0, "too many inputs for one provenance record");
    sm_prov_input *in = &p->inputs[p->n_inputs];
    memset(in, 0, sizeof *in);
    snprintf(in->role, sizeof in->role, "%s", role);
    snprintf(in->path, sizeof in->path, "%s", path);
    if (sm_sha256_file(path, in->sha256, &in->size, err) != 0)
        return -1;
    p->n_inputs++;
    return 0;
}

void sm_provenance_json(sm_json *j, const sm_provenance *p)
{
    sm_json_begin_object(j);
    sm_json_kv_string(j, "type", "provenance");
    sm_json_kv_string(j, "made_by", p->made_by);
    sm_json_kv_string(j, "tool", p->tool);
    if (p->aligner)
        sm_json_kv_int(j, "aligner", p->aligner);
    sm_json_kv_string(j, "options", p->options);
    sm_json_key(j, "inputs");
    sm_json_begin_array(j);
    for (size_t i = 0; i < p->n_inputs; i++) {
        const sm_prov_input *in = &p->inputs[i];
        sm_json_begin_object(j);
        sm_json_kv_string(j, "role", in->role);
        sm_json_kv_string(j, "path", in->path);
        sm_json_kv_int(j, "size", in->size);
        sm_json_kv_string(j, "sha256", in->sha256);
        sm_json_end_object(j);
    }
    sm_json_end_array(j);
    sm_json_end_object(j);
}

static void copy_string(char *dst, size_t size, json_t *v)
{
    snprintf(dst, size, "%s", json_is_string(v) ? json_string_value(v) : "");
}

int sm_provenance_parse(const char *line, size_t len, sm_provenance *out)
{
    memset(out, 0, sizeof *out);
    if (len >= 2 && line[0] == '#' && line[1] == ' ') {
        line += 2;
        len -= 2;
    }
    json_t *o = json_loadb(line, len, 0, NULL);
    json_t *type = o ? json_object_get(o, "type") : NULL;
    if (!json_is_object(o) || !json_is_string(type) || strcmp(json_string_value(type), "provenance") != 0) {
        json_decref(o);
        return -1;
    }
    copy_string(out->made_by, sizeof out->made_by, json_object_get(o, "made_by"));
    copy_string(out->tool, sizeof out->tool, json_object_get(o, "tool"));
    copy_string(out->options, sizeof out->options, json_object_get(o, "options"));
    json_t *aligner = json_object_get(o, "aligner");
    out->aligner = json_is_integer(aligner) ? (int)json_integer_value(aligner) : 0;
    json_t *inputs = json_object_get(o, "inputs");
    size_t i;
    json_t *in;
    json_array_foreach(inputs, i, in) {
        if (out->n_inputs >= SM_PROV_MAX_INPUTS)
            break;
        sm_prov_input *d = &out->inputs[out->n_inputs++];
        copy_string(d->role, sizeof d->role, json_object_get(in, "role"));
        copy_string(d->path, sizeof d->path, json_object_get(in, "path"));
        copy_string(d->sha256, sizeof d->sha256, json_object_get(in, "sha256"));
        json_t *size = json_object_get(in, "size");
        d->size = json_is_integer(size) ? (long long)json_integer_value(size) : -1;
    }
    json_decref(o);
    return 0;
}

int sm_provenance_read_file(const char *path, sm_provenance *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return sm_fail(err, path, 0, "cannot open: %s", strerror(errno));
    /* Only the first line is read: a record is short, the file may not be. */
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return sm_fail(err, path, 0, "read error");
    buf[n] = '\0';
    char *nl = memchr(buf, '\n', n);
    if (!nl)
        return 0;
    return sm_provenance_parse(buf, (size_t)(nl - buf), out) == 0 ? 1 : 0;
}

static const sm_prov_input *find_input(const sm_provenance *p, const char *role)
{
    for (size_t i = 0; i < p->n_inputs; i++)
        if (strcmp(p->inputs[i].role, role) == 0)
            return &p->inputs[i];
    return NULL;
}

int sm_provenance_stale(const sm_provenance *old, const sm_provenance *now, int what, char *why,
                        size_t size)
{
    if (size)
        why[0] = '\0';
    if (!old) {
        snprintf(why, size, "no provenance record");
        return 1;
    }
    /* The method before the inputs: when the aligner changed every film is
     * made again, and that is the reason worth counting. */
    if ((what & SM_PROV_ALIGNER) && old->aligner != now->aligner) {
        snprintf(why, size, "aligner version %d -> %d", old->aligner, now->aligner);
        return 1;
    }
    if ((what & SM_PROV_OPTIONS) && strcmp(old->options, now->options) != 0) {
        snprintf(why, size, "options changed");
        return 1;
    }
    if (what & SM_PROV_INPUTS)
        for (size_t i = 0; i < now->n_inputs; i++) {
            const sm_prov_input *n = &now->inputs[i], *o = find_input(old, n->role);
            if (!o || o->size != n->size || strcmp(o->sha256, n->sha256) != 0) {
                snprintf(why, size, "%s changed", n->role);
                return 1;
            }
        }
    return 0;
}

void sm_reasons_add(sm_reasons *r, const char *reason)
{
    r->total++;
    size_t last = sizeof r->items / sizeof r->items[0] - 1;
    for (size_t i = 0; i < r->n_items; i++)
        if (strcmp(r->items[i].reason, reason) == 0) {
            r->items[i].n++;
            return;
        }
    if (r->n_items == last + 1) {   /* full: the last one counts the rest */
        snprintf(r->items[last].reason, sizeof r->items[last].reason, "other reasons");
        r->items[last].n++;
        return;
    }
    sm_reason_count *c = &r->items[r->n_items++];
    snprintf(c->reason, sizeof c->reason, "%s", reason);
    c->n = 1;
}

void sm_reasons_format(const sm_reasons *r, char *buf, size_t size)
{
    size_t at = 0;
    if (size)
        buf[0] = '\0';
    for (size_t i = 0; i < r->n_items && at < size; i++) {
        int w = snprintf(buf + at, size - at, "%s%s (%zu)", i ? ", " : "", r->items[i].reason, r->items[i].n);
        if (w < 0)
            break;
        at += (size_t)w;
    }
}
