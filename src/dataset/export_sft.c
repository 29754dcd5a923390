/* export_sft.c - storymovie export sft: a dataset directory -> the SFT rows
 * TRL or LLaMA-Factory read (docs/export.md).
 *
 *   TRL            OUT/{train,test}/metadata.jsonl + OUT/{train,test}/images/:
 *                  itself an ImageFolder dataset, so `load_dataset(OUT)`
 *                  gives `images` + `messages` and the trainer's script
 *                  loads it by path.
 *   LLaMA-Factory  OUT/dataset_info.json, OUT/NAME_{train,test}.jsonl and
 *                  OUT/{train,test}/images/ (paths relative to OUT, the
 *                  trainer's dataset_dir and default media_dir).
 *
 * Images are hard links into the dataset (copies where links fail), so the
 * export is self-contained and costs no space on the same filesystem. */
#include "dataset/export.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "storymovie/text.h"

void sm_export_options_init(sm_export_options *o)
{
    memset(o, 0, sizeof *o);
    o->pick = SM_PICK_EVEN;
    o->min_margin = 0.1;
}

char *sm_export_read_prompt(const char *path, sm_error *err)
{
    sm_text t;
    if (sm_text_read_file(path, &t, err) != 0)
        return NULL;
    while (t.len && (t.data[t.len - 1] == '\n' || t.data[t.len - 1] == '\r'))
        t.data[--t.len] = '\0';
    return t.data;
}

const char *const ds_split_names[2] = {"train", "test"};

int ds_export_prompt(const sm_export_options *o, ds_prompt *p, sm_error *err)
{
    p->system = o->system_prompt ? o->system_prompt : sm_storyteller_system_prompt;
    p->instruction = o->instruction ? o->instruction : sm_storyteller_instruction;
    const char *mark;
    if ((mark = ds_placeholder_in(p->system, strlen(p->system))) != NULL)
        return sm_fail(err, "--system-prompt", 0, "contains \"%s\", which LLaMA-Factory counts as a "
                       "media placeholder", mark);
    if ((mark = ds_placeholder_in(p->instruction, strlen(p->instruction))) != NULL)
        return sm_fail(err, "--instruction", 0, "contains \"%s\", which LLaMA-Factory counts as a "
                       "media placeholder", mark);
    return 0;
}

int ds_export_open(ds_export *x, const sm_export_options *o, const char *kind, sm_error *err)
{
    memset(x, 0, sizeof *x);
    x->format = o->format;
    x->copy = o->copy;
    char marker[96];
    snprintf(marker, sizeof marker, "storymovie export %s %s", kind,
             o->format == SM_EXPORT_TRL ? "trl" : "llamafactory");
    if (ds_outdir_begin(&x->dir, o->out, marker, err) != 0)
        return -1;
    sm_json_init(&x->json);
    return 0;
}

/* The split's directory, its images/ and its rows file, on first use. */
int ds_export_split(ds_export *x, int split, const char *name, sm_error *err)
{
    if (x->rows[split])
        return 0;
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", x->dir.tmp, ds_split_names[split]);
    if (ds_make_dir(path, err) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/%s/images", x->dir.tmp, ds_split_names[split]);
    if (ds_make_dir(path, err) != 0)
        return -1;
    if (x->format == SM_EXPORT_TRL)
        snprintf(path, sizeof path, "%s/%s/metadata.jsonl", x->dir.tmp, ds_split_names[split]);
    else
        snprintf(path, sizeof path, "%s/%s_%s.jsonl", x->dir.tmp, name, ds_split_names[split]);
    x->rows[split] = fopen(path, "wb");
    if (!x->rows[split])
        return sm_fail_write(err, path, errno);
    return 0;
}

/* Link src into SPLIT/images/DIRNAME/NNN.ext; the path written in the row
 * (relative to the rows file) goes to rel. */
int ds_export_image(ds_export *x, int split, const char *dirname, int index, const char *src,
                    char *rel, size_t relsize, sm_error *err)
{
    char dir[8192], dst[sizeof dir + 64];
    snprintf(dir, sizeof dir, "%s/%s/images/%s", x->dir.tmp, ds_split_names[split], dirname);
    if (index == 1 && ds_make_dir(dir, err) != 0)
        return -1;
    const char *ext = ds_image_ext(src);
    snprintf(dst, sizeof dst, "%s/%03d%s", dir, index, ext);
    if (ds_link_or_copy(src, dst, x->copy, &x->copied, err) != 0)
        return -1;
    x->images++;
    if (x->format == SM_EXPORT_TRL)
        snprintf(rel, relsize, "images/%s/%03d%s", dirname, index, ext);
    else
        snprintf(rel, relsize, "%s/images/%s/%03d%s", ds_split_names[split], dirname, index, ext);
    return 0;
}

int ds_export_row(ds_export *x, int split, sm_error *err)
{
    if (x->json.failed || sm_json_flush_line(&x->json, x->rows[split]) != 0)
        return x->json.failed ? sm_fail(err, x->dir.final, 0, "out of memory") : sm_fail_write(err, x->dir.final, errno);
    return 0;
}

int ds_export_finish(ds_export *x, const char *name, int ranking, sm_error *err)
{
    int rc = 0;
    for (int k = 0; k < 2; k++)
        if (x->rows[k]) {
            if (fclose(x->rows[k]) != 0 && rc == 0)
                rc = sm_fail_write(err, x->dir.final, errno);
            x->rows[k] = NULL;
            x->present[k] = 1;
        }
    if (rc == 0 && x->format == SM_EXPORT_LLAMAFACTORY) {
        sm_json_reset(&x->json);
        sm_json_begin_object(&x->json);
        for (int k = 0; k < 2; k++) {
            if (!x->present[k])
                continue;
            char entry[256], file[300];
            snprintf(entry, sizeof entry, "%s_%s", name, ds_split_names[k]);
            snprintf(file, sizeof file, "%s.jsonl", entry);
            ds_write_dataset_info_entry(&x->json, entry, file, ranking);
        }
        sm_json_end_object(&x->json);
        char *path = ds_join(x->dir.tmp, "dataset_info.json");
        FILE *f = path && !x->json.failed ? fopen(path, "wb") : NULL;
        if (!f || sm_json_flush_line(&x->json, f) != 0)
            rc = sm_fail_write(err, x->dir.final, errno);
        if (f && fclose(f) != 0 && rc == 0)
            rc = sm_fail_write(err, x->dir.final, errno);
        free(path);
    }
    sm_json_free(&x->json);
    if (rc == 0)
        rc = ds_outdir_commit(&x->dir, err);
    else
        ds_outdir_abort(&x->dir);
    return rc;
}

void ds_export_abort(ds_export *x)
{
    for (int k = 0; k < 2; k++)
        if (x->rows[k])
            fclose(x->rows[k]);
    sm_json_free(&x->json);
    ds_outdir_abort(&x->dir);
}

/* ---- sft ----------------------------------------------------------------- */

typedef struct sft_item {
    int *keep;                  /* frames kept (indices into file_names) */
    int nkeep;
    char *answer;               /* "<think>\n...</think>\nstory" */
    size_t answer_len;
} sft_item;

/* Everything is prepared (and every row checked) before the output exists. */
static int prepare(const ds_rows *rows, const sm_export_options *o, sft_item *items,
                   sm_export_summary *sum, sm_error *err)
{
    for (size_t i = 0; i < rows->n_items; i++) {
        const ds_row *r = &rows->items[i];
        sft_item *it = &items[i];
        int n = (int)r->nfiles;
        it->keep = malloc(((size_t)n + 1) * sizeof *it->keep);
        if (!it->keep)
            return sm_fail(err, rows->dir, 0, "out of memory");
        it->nkeep = sm_pick_frames(n, o->max_images, o->pick, it->keep);
        const char *cot = r->cot, *story = r->story;
        size_t cot_len = r->cot_len, story_len = r->story_len;
        sm_trimmed t = {0};
        if (it->nkeep < n) {
            sm_story_set set;
            memset(&set, 0, sizeof set);
            sm_story *s = sm_story_add(&set, r->story_id, r->cot, r->cot_len, r->story, r->story_len);
            if (!s) {
                sm_story_set_free(&set);
                return sm_fail(err, rows->dir, 0, "out of memory");
            }
            s->has_images = 1;
            s->n_images = (uint32_t)n;
            int rc = sm_story_trim(s, it->keep, it->nkeep, &t, err);
            sm_story_set_free(&set);
            if (rc != 0) {
                char why[512];
                snprintf(why, sizeof why, "%s", err->message);
                return sm_fail(err, rows->dir, 0, "%s/metadata.jsonl:%ld: story %s: %s",
                               ds_split_names[r->split], r->line, r->story_id, why);
            }
            cot = t.cot, cot_len = t.cot_len, story = t.story, story_len = t.story_len;
            sum->trimmed++;
            sum->tags_narrowed += t.tags_narrowed;
            sum->tags_unwrapped += t.tags_unwrapped;
        }
        it->answer = ds_answer_text(cot, cot_len, story, story_len, &it->answer_len);
        sm_trimmed_free(&t);
        if (!it->answer)
            return sm_fail(err, rows->dir, 0, "out of memory");
        const char *mark = o->format == SM_EXPORT_LLAMAFACTORY
                         ? ds_placeholder_in(it->answer, it->answer_len) : NULL;
        if (mark)
            return sm_fail(err, rows->dir, 0, "%s/metadata.jsonl:%ld: story %s: its text contains "
                           "\"%s\", which LLaMA-Factory would count as a media placeholder",
                           ds_split_names[r->split], r->line, r->story_id, mark);
    }
    return 0;
}

int sm_export_sft(const sm_export_options *o, sm_export_summary *sum, sm_error *err)
{
    memset(sum, 0, sizeof *sum);
    ds_prompt prompt;
    if (ds_export_prompt(o, &prompt, err) != 0)
        return -1;
    if (o->max_images < 0)
        return sm_fail(err, "--max-images", 0, "must be 1 or more");
    ds_rows rows;
    if (ds_rows_read(o->dataset, &rows, err) != 0)
        return -1;
    sft_item *items = calloc(rows.n_items + 1, sizeof *items);
    int rc = items ? prepare(&rows, o, items, sum, err) : sm_fail(err, o->dataset, 0, "out of memory");
    const char *name = o->name ? o->name : "storymovie_sft";
    ds_export x;
    if (rc == 0)
        rc = ds_export_open(&x, o, "sft", err);
    int opened = rc == 0;
    char rel[8192], src[8192];
    char **paths = NULL;
    size_t maxf = 1;
    for (size_t i = 0; i < rows.n_items; i++)
        if (rows.items[i].nfiles > maxf)
            maxf = rows.items[i].nfiles;
    if (rc == 0 && !(paths = calloc(maxf, sizeof *paths)))
        rc = sm_fail(err, o->out, 0, "out of memory");
    for (size_t i = 0; rc == 0 && i < rows.n_items; i++) {
        const ds_row *r = &rows.items[i];
        const sft_item *it = &items[i];
        rc = ds_export_split(&x, r->split, name, err);
        for (int k = 0; rc == 0 && k < it->nkeep; k++) {
            snprintf(src, sizeof src, "%s/%s/%s", rows.dir, ds_split_names[r->split],
                     r->file_names[it->keep[k]]);
            rc = ds_export_image(&x, r->split, r->story_id, k + 1, src, rel, sizeof rel, err);
            if (rc == 0 && !(paths[k] = strdup(rel)))
                rc = sm_fail(err, o->out, 0, "out of memory");
        }
        if (rc != 0)
            break;
        sm_json *j = &x.json;
        sm_json_begin_object(j);
        if (o->format == SM_EXPORT_TRL) {
            ds_write_string_list(j, "file_names", (const char *const *)paths, (size_t)it->nkeep);
            sm_json_kv_string(j, "story_id", r->story_id);
        }
        sm_json_key(j, "messages");
        sm_json_begin_array(j);
        ds_write_prompt_messages(j, o->format, &prompt, (size_t)it->nkeep);
        ds_write_assistant(j, o->format, it->answer, it->answer_len);
        sm_json_end_array(j);
        if (o->format == SM_EXPORT_LLAMAFACTORY) {
            ds_write_string_list(j, "images", (const char *const *)paths, (size_t)it->nkeep);
            sm_json_kv_string(j, "story_id", r->story_id);
        }
        sm_json_end_object(j);
        rc = ds_export_row(&x, r->split, err);
        for (int k = 0; k < it->nkeep; k++) {
            free(paths[k]);
            paths[k] = NULL;
        }
        if (r->split)
            sum->test_rows++;
        else
            sum->train_rows++;
    }
    free(paths);
    if (rc == 0) {
        sum->images = x.images;
        sum->copied = x.copied;
        sum->linked = x.images - x.copied;
        rc = ds_export_finish(&x, name, 0, err);
    } else if (opened) {
        ds_export_abort(&x);
    }
    for (size_t i = 0; items && i < rows.n_items; i++) {
        free(items[i].keep);
        free(items[i].answer);
    }
    free(items);
    ds_rows_free(&rows);
    return rc;
}
