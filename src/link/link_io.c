/* link_io.c - what link reads (story records, frames manifests) and what
 * it reports (records in input order, the human summary). */
#define _POSIX_C_SOURCE 200809L
#include "storymovie/link.h"

#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "storymovie/io.h"

static const char *keep_message(sm_link_inputs *in, const char *fmt_src, long line, const char *what,
                                const char *detail)
{
    char buf[1400];
    if (line > 0)
        snprintf(buf, sizeof buf, "%s:%ld: %s%s%s", fmt_src, line, what, detail ? ": " : "", detail ? detail : "");
    else
        snprintf(buf, sizeof buf, "%s: %s%s%s", fmt_src, what, detail ? ": " : "", detail ? detail : "");
    if (sm_grow(&in->messages, &in->messages_cap, in->n_messages + 1, sizeof *in->messages) != 0)
        return "out of memory";
    in->messages[in->n_messages] = strdup(buf);
    return in->messages[in->n_messages] ? in->messages[in->n_messages++] : "out of memory";
}

/* The inputs of the story records just read into out->stories. */
static int inputs_of_stories(const char *path, sm_link_inputs *out, sm_error *err)
{
    out->have_stories = 1;
    sm_story_set *set = &out->stories;
    if (set->oom) {
        sm_link_inputs_free(out);
        return sm_fail(err, path, 0, "out of memory reading the stories");
    }
    out->items = calloc(set->n_items + 1, sizeof *out->items);
    if (!out->items) {
        sm_link_inputs_free(out);
        return sm_fail(err, path, 0, "out of memory");
    }
    for (size_t i = 0; i < set->n_items; i++) {
        const sm_story *s = &set->items[i];
        sm_link_input *in = &out->items[out->n++];
        in->story_id = s->story_id;
        in->images = s->images;
        in->n_images = s->n_images;
        in->story = s;
        in->source = set->name ? set->name : path;
        in->line = s->record_line;
        if (s->broken)
            in->error = keep_message(out, in->source, in->line, "not a story record",
                                     s->n_issues ? s->issues[0].message : NULL);
        else if (!s->story_id)
            in->error = keep_message(out, in->source, in->line, "story record without a story_id", NULL);
        else if (!s->has_images || s->n_images == 0)
            in->error = keep_message(out, in->source, in->line, "story record without images", s->story_id);
        else
            for (uint32_t k = 0; k < s->n_issues; k++)
                if (strcmp(s->issues[k].code, "duplicate-id") == 0) {
                    /* One context record per story: a second record with the
                     * same id would make every later reader refuse the file. */
                    in->error = keep_message(out, in->source, in->line, "not linked", s->issues[k].message);
                    break;
                }
    }
    return 0;
}

int sm_link_inputs_read_stories(const char *path, sm_link_inputs *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    if (sm_story_read_file(path, &out->stories, err) != 0)
        return -1;
    return inputs_of_stories(path, out, err);
}

int sm_link_inputs_parse_stories(const char *name, const char *data, size_t len, sm_link_inputs *out,
                                 sm_error *err)
{
    memset(out, 0, sizeof *out);
    if (sm_story_read_buffer(name, data, len, &out->stories, err) != 0)
        return -1;
    return inputs_of_stories(name, out, err);
}

int sm_link_inputs_read_frames(const char *path, sm_link_inputs *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    if (sm_manifest_read_paths(path, 3, (size_t)-1, &out->manifest, err) != 0)
        return -1;
    const sm_manifest *m = &out->manifest;
    size_t total = 0;
    for (size_t r = 0; r < m->n_rows; r++)
        total += m->rows[r].n_fields - 2;
    out->items = calloc(m->n_rows + 1, sizeof *out->items);
    out->images = calloc(total + 1, sizeof *out->images);
    if (!out->items || !out->images) {
        sm_link_inputs_free(out);
        return sm_fail(err, path, 0, "out of memory");
    }
    for (size_t r = 0; r < m->n_rows; r++) {
        const sm_manifest_row *row = &m->rows[r];
        const char *movie = row->fields[1];
        sm_link_input *in = &out->items[out->n++];
        in->story_id = row->fields[0];
        in->images = (const char *const *)&out->images[out->n_images];
        in->source = path;
        in->line = row->line;
        for (size_t f = 2; f < row->n_fields; f++) {
            const char *field = row->fields[f];
            char name[256];
            long shot, img;
            char tail;
            if (strstr(field, "shot_")) {
                snprintf(name, sizeof name, "%s", field);
            } else if (sscanf(field, "%ld/%ld%c", &shot, &img, &tail) == 2 && shot >= 0 && shot < 1000000 &&
                       img >= 0 && img <= 9) {
                snprintf(name, sizeof name, "%s/shot_%04ld_img_%ld.jpg", movie, shot, img);
            } else {
                sm_fail(err, path, row->line, "field %zu '%s' is neither SHOT/IMG (e.g. 123/1) "
                        "nor a keyframe name", f + 1, field);
                sm_link_inputs_free(out);   /* after the message: it points into the rows */
                return -1;
            }
            char *copy = strdup(name);
            if (!copy) {
                sm_fail(err, path, row->line, "out of memory");
                sm_link_inputs_free(out);
                return -1;
            }
            out->images[out->n_images++] = copy;
            in->n_images++;
        }
    }
    return 0;
}

int sm_link_inputs_read(const char *stories, const char *frames, sm_link_inputs *out, sm_error *err)
{
    return stories ? sm_link_inputs_read_stories(stories, out, err) : sm_link_inputs_read_frames(frames, out, err);
}

void sm_link_inputs_free(sm_link_inputs *in)
{
    if (in->have_stories)
        sm_story_set_free(&in->stories);
    sm_manifest_free(&in->manifest);
    for (size_t i = 0; i < in->n_images; i++)
        free(in->images[i]);
    free(in->images);
    for (size_t i = 0; i < in->n_messages; i++)
        free(in->messages[i]);
    free(in->messages);
    free(in->items);
    memset(in, 0, sizeof *in);
}

int sm_link_write_records(const sm_link_job *job, FILE *f, size_t *written)
{
    size_t n = 0;
    for (size_t i = 0; i < job->n_inputs; i++) {
        if (!job->records[i])
            continue;
        if (fputs(job->records[i], f) == EOF || fputc('\n', f) == EOF)
            return -1;
        n++;
    }
    if (written)
        *written = n;
    return 0;
}

int sm_link_write_context(const sm_link_job *job, const char *path, sm_error *err)
{
    sm_output o;
    if (sm_output_open(&o, path, err) != 0)
        return -1;
    if (sm_link_write_records(job, o.fp, NULL) != 0)
        return sm_output_fail(&o, err);
    return sm_output_commit(&o, err);
}

static int film_of_shard(const sm_link_job *job, size_t f)
{
    return !job->batch.status || job->batch.status[f] != SM_ITEM_NOT_MINE;
}

int sm_link_write_failures(const sm_link_job *job, const char *path, sm_error *err)
{
    sm_output o;
    if (sm_output_open(&o, path, err) != 0)
        return -1;
    fputs("kind\tid\treason\n", o.fp);
    for (size_t f = 0; f < job->n_films; f++) {
        const sm_link_film *film = &job->films[f];
        if (!film_of_shard(job, f))
            continue;
        if (film->reason)
            fprintf(o.fp, "film\t%s\t%s\n", film->id, film->reason);
        for (size_t p = 0; p < film->n_problems; p++)
            fprintf(o.fp, "film_piece\t%s\t%s\n", film->id, film->problems[p]);
    }
    for (size_t i = 0; i < job->n_inputs; i++)
        if (!job->records[i] && job->errors[i])
            fprintf(o.fp, "story\t%s\t%s\n", job->inputs[i].story_id ? job->inputs[i].story_id : "",
                    job->errors[i]);
    return sm_output_commit(&o, err);
}

int sm_link_write_summary(const sm_link_job *job, const char *label, const char *path, sm_error *err)
{
    sm_output o;
    if (sm_output_open(&o, path, err) != 0)
        return -1;
    sm_link_print_summary(job, label, o.fp);
    return sm_output_commit(&o, err);
}

void sm_link_count(const sm_link_job *job, sm_link_totals *t)
{
    memset(t, 0, sizeof *t);
    for (size_t f = 0; f < job->n_films; f++) {
        const sm_link_film *film = &job->films[f];
        if (!film_of_shard(job, f)) {
            t->films_other_shards++;
            t->stories_other_shards += film->n_stories;
            continue;
        }
        t->films++;
        if (film->align == SM_FILM_ALIGN_DONE)
            t->films_aligned++;
        else if (film->align == SM_FILM_ALIGN_REUSED)
            t->films_reused++;
        if (film->failed || film->align == SM_FILM_ALIGN_FAILED)
            t->films_failed++;
        if (film->n_problems > 0 || film->reason)
            t->films_with_problems++;
    }
    for (size_t i = 0; i < job->n_inputs; i++) {
        if (job->records[i]) {
            t->stories++;
            t->stories_linked++;
            const sm_link_stats *s = &job->stats[i];
            t->sum.frames += s->frames;
            t->sum.frames_with_dialogue += s->frames_with_dialogue;
            t->sum.dialogue_lines += s->dialogue_lines;
            t->sum.attributed_lines += s->attributed_lines;
            t->sum.characters += s->characters;
            t->sum.characters_named += s->characters_named;
            t->sum.synopsis += s->synopsis;
        } else if (job->errors[i]) {
            t->stories++;
            t->stories_failed++;
        }
    }
}

static double pct(size_t a, size_t b)
{
    return b ? 100.0 * (double)a / (double)b : 0.0;
}

void sm_link_print_summary(const sm_link_job *job, const char *label, FILE *f)
{
    sm_link_totals t;
    sm_link_count(job, &t);
    if (job->align_dir && !job->write_align)
        fprintf(f, "%s: %zu films: %zu alignments read from %s, %zu with failures", label, t.films,
                t.films_reused, job->align_dir, t.films_failed);
    else if (job->align_dir)
        fprintf(f, "%s: %zu films: %zu aligned, %zu reused (unchanged since an earlier run), %zu with failures",
                label, t.films, t.films_aligned, t.films_reused, t.films_failed);
    else
        fprintf(f, "%s: %zu films: %zu aligned, %zu with failures", label, t.films, t.films_aligned,
                t.films_failed);
    if (t.films_other_shards)
        fprintf(f, " (%zu films of other shards)", t.films_other_shards);
    fputc('\n', f);
    sm_reasons redone;
    memset(&redone, 0, sizeof redone);
    for (size_t i = 0; i < job->n_films; i++)
        if (film_of_shard(job, i) && job->films[i].redone)
            sm_reasons_add(&redone, job->films[i].redone);
    if (redone.total) {
        char buf[1024];
        sm_reasons_format(&redone, buf, sizeof buf);
        fprintf(f, "%s: re-aligned %zu film%s whose earlier alignment is out of date: %s\n", label,
                redone.total, redone.total == 1 ? "" : "s", buf);
    }
    fprintf(f, "%s: %zu stories: %zu linked, %zu failed\n", label, t.stories, t.stories_linked,
            t.stories_failed);
    fprintf(f, "%s: frames: %zu timed, %zu with dialogue on their shot (%.1f%%)\n", label,
            t.sum.frames, t.sum.frames_with_dialogue, pct(t.sum.frames_with_dialogue, t.sum.frames));
    fprintf(f, "%s: dialogue: %zu subtitle lines in story windows, %zu with a speaker (%.1f%%)\n",
            label, t.sum.dialogue_lines, t.sum.attributed_lines,
            pct(t.sum.attributed_lines, t.sum.dialogue_lines));
    fprintf(f, "%s: names: %zu of %zu chain-of-thought characters named (%.1f%%)\n", label,
            t.sum.characters_named, t.sum.characters, pct(t.sum.characters_named, t.sum.characters));
    if (t.films_with_problems) {
        fprintf(f, "%s: films with problems (%zu):\n", label, t.films_with_problems);
        for (size_t i = 0; i < job->n_films; i++) {
            const sm_link_film *film = &job->films[i];
            if (!film_of_shard(job, i))
                continue;
            if (!film->reason && film->n_problems == 0)
                continue;
            fprintf(f, "  %s: %s\n", film->id, film->reason ? film->reason
                    : "usable, with missing or broken pieces:");
            for (size_t p = 0; p < film->n_problems; p++)
                fprintf(f, "    - %s\n", film->problems[p]);
        }
    }
    if (t.stories_failed) {
        fprintf(f, "%s: stories not linked (%zu):\n", label, t.stories_failed);
        for (size_t i = 0; i < job->n_inputs; i++)
            if (!job->records[i] && job->errors[i])
                fprintf(f, "  %s\n", job->errors[i]);
    }
}
