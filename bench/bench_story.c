/* bench_story.c - how long reading, checking and scoring a test set takes.
 *
 * Generates 626 synthetic stories the size of StoryReasoning / StoryMovie
 * test records (13 images, about 20 KB of chain of thought and 6 KB of
 * story each) as a reference set, and a prediction set derived from it
 * (boxes jittered, rows dropped, a third of the words changed), both as
 * JSON Lines in memory.  Then, on one core, it times: reading both sets
 * (JSON + tables + tags), checking every predicted record, grounding
 * scores and language scores, and prints the figures.
 *
 * usage: bench_story [DIR]   (with DIR, also writes DIR/pred.jsonl and
 *                             DIR/ref.jsonl, to time the CLI on them) */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "storymovie/eval.h"
#include "storymovie/json.h"
#include "storymovie/story.h"
#include "storymovie/io.h"

#define STORIES 626
#define IMAGES 13

static unsigned long long rng_state = 0x853c49e6748fea9bull;

static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rng_state >> 33) % n);
}

/* A vocabulary of pronounceable words, drawn with a skew so that a few
 * are frequent, as in prose. */
static char vocab[2000][12];

static void make_vocab(void)
{
    static const char *const syl[] = {"ka", "lo", "mi", "ne", "ru", "sa", "te", "vi", "do", "pe",
                                      "ar", "en", "is", "on", "ul", "th", "st", "ch", "re", "an"};
    for (int i = 0; i < 2000; i++) {
        int n = 1 + (i % 3) + (i > 100);
        vocab[i][0] = '\0';
        for (int k = 0; k < n; k++)
            strcat(vocab[i], syl[(unsigned)(i * 7 + k * 13 + k * i) % 20]);
    }
}

static const char *word(void)
{
    unsigned r = rnd(1000);
    return vocab[r < 500 ? rnd(50) : r < 850 ? 50 + rnd(450) : 500 + rnd(1500)];
}

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void put(buf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
    }
    memcpy(b->p + b->len, s, n + 1);
    b->len += n;
}

static void putf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(buf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    put(b, tmp);
}

/* n words of text; with `noise`, each word is changed with that chance. */
static void words(buf *b, int n, unsigned *seed, int noise)
{
    unsigned long long saved = rng_state;
    rng_state = *seed;
    for (int i = 0; i < n; i++) {
        const char *w = word();
        if (noise) {
            unsigned long long keep = rng_state;
            rng_state ^= saved * 31 + (unsigned)i;
            if (rnd(3) == 0)
                w = word();
            rng_state = keep;
        }
        put(b, i ? " " : "");
        put(b, w);
    }
    *seed = (unsigned)rng_state;
    rng_state = saved;
}

typedef struct box { int x1, y1, x2, y2; } box;

/* One story's chain of thought and story text.  The reference and the
 * prediction of story k share the seed; `pred` adds the noise. */
static void make_story(int k, int pred, buf *cot, buf *story)
{
    cot->len = story->len = 0;
    put(cot, "");
    put(story, "");
    unsigned seed = 1000u + (unsigned)k * 7919u;
    unsigned long long saved = rng_state;
    rng_state = seed;
    int nchars = 2 + (int)rnd(3), nobjs = 4 + (int)rnd(3);
    box cbox[5][IMAGES], obox[7][IMAGES];
    for (int i = 0; i < IMAGES; i++) {
        for (int c = 0; c < nchars; c++) {
            int x = (int)rnd(900), y = (int)rnd(400);
            cbox[c][i] = (box){x, y, x + 80 + (int)rnd(300), y + 150 + (int)rnd(300)};
        }
        for (int o = 0; o < nobjs; o++) {
            int x = (int)rnd(1100), y = (int)rnd(600);
            obox[o][i] = (box){x, y, x + 20 + (int)rnd(150), y + 20 + (int)rnd(100)};
        }
    }
    rng_state = saved;
    static const char *const elements[] = {"Location", "Lighting", "Atmosphere", "Time Period"};
    static const char *const phases[] = {"Introduction", "Development", "Conflict", "Turning Point",
                                         "Conclusion"};
    for (int i = 0; i < IMAGES; i++) {
        putf(cot, "## Image %d\n### Characters\n", i + 1);
        put(cot, "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
                 "|---|---|---|---|---|---|---|\n");
        for (int c = 0; c < nchars; c++) {
            if (pred && rnd(8) == 0)
                continue;     /* a missed character */
            box bx = cbox[c][i];
            if (pred) {
                int dx = (int)rnd(41) - 20, dy = (int)rnd(41) - 20;
                bx.x1 += dx, bx.x2 += dx, bx.y1 += dy, bx.y2 += dy;
            }
            putf(cot, "| char%d | Name%d | ", c + 1, c + 1);
            words(cot, 8, &seed, pred);
            put(cot, " | ");
            words(cot, 2, &seed, pred);
            put(cot, " | ");
            words(cot, 5, &seed, pred);
            put(cot, " | ");
            words(cot, 4, &seed, pred);
            putf(cot, " | %d,%d,%d,%d |\n", bx.x1, bx.y1, bx.x2, bx.y2);
        }
        put(cot, "### Objects\n| Object ID | Description | Function | Interaction | Narrative Function | Bounding Box |\n"
                 "|---|---|---|---|---|---|\n");
        for (int o = 0; o < nobjs; o++) {
            if (pred && rnd(5) == 0)
                continue;
            box bx = obox[o][i];
            if (pred) {
                int dx = (int)rnd(21) - 10;
                bx.x1 += dx, bx.x2 += dx;
            }
            putf(cot, "| %s%d | ", o == nobjs - 1 ? "bg" : o == nobjs - 2 ? "lm" : "obj", o + 1);
            words(cot, 5, &seed, pred);
            put(cot, " | ");
            words(cot, 3, &seed, pred);
            put(cot, " | ");
            words(cot, 3, &seed, pred);
            put(cot, " | ");
            words(cot, 3, &seed, pred);
            putf(cot, " | %d,%d,%d,%d |\n", bx.x1, bx.y1, bx.x2, bx.y2);
        }
        put(cot, "### Setting\n| Setting Element | Description | Mood | Time | Narrative Function |\n"
                 "|---|---|---|---|---|\n");
        for (int e = 0; e < 3; e++) {
            putf(cot, "| %s | ", elements[e]);
            words(cot, 6, &seed, pred);
            put(cot, " | ");
            words(cot, 2, &seed, pred);
            put(cot, " | Night | ");
            words(cot, 4, &seed, pred);
            put(cot, " |\n");
        }
        put(cot, "\n");
    }
    put(cot, "## Narrative Structure\n| Narrative Phase | Description | Key Events | Images |\n|---|---|---|---|\n");
    for (int p = 0; p < 5; p++) {
        putf(cot, "| %s | ", phases[p]);
        words(cot, 14, &seed, pred);
        put(cot, " | ");
        words(cot, 8, &seed, pred);
        putf(cot, " | %d, %d |\n", 1 + p * 2, 2 + p * 2);
    }

    seed = 5000u + (unsigned)k * 31u;   /* the story text does not depend on dropped rows */
    for (int i = 0; i < IMAGES; i++) {
        putf(story, "%s<gdi image%d>\n", i ? "\n" : "", i + 1);
        for (int s = 0; s < 3; s++) {
            int c = (i + s) % nchars, o = (i + s) % (nobjs - 2);
            putf(story, "<gdo char%d>Name%d</gdo> <gda char%d>", c + 1, c + 1, c + 1);
            words(story, 2, &seed, pred);
            put(story, "</gda> ");
            words(story, 7, &seed, pred);
            putf(story, " <gdo obj%d>", o + 1);
            words(story, 2, &seed, pred);
            put(story, "</gdo> ");
            words(story, 4, &seed, pred);
            if (s == 1) {
                putf(story, " near the <gdl lm%d>", nobjs - 1);
                words(story, 2, &seed, pred);
                put(story, "</gdl>");
            }
            put(story, ". ");
        }
        put(story, "\n</gdi>");
    }
}

static void make_set(int pred, buf *out)
{
    buf cot = {0}, story = {0};
    sm_json j;
    sm_json_init(&j);
    out->len = 0;
    put(out, "");
    for (int k = 0; k < STORIES; k++) {
        make_story(k, pred, &cot, &story);
        char id[32], img[64];
        snprintf(id, sizeof id, "story%04d", k);
        sm_json_begin_object(&j);
        sm_json_kv_string(&j, "story_id", id);
        sm_json_key(&j, "images");
        sm_json_begin_array(&j);
        for (int i = 0; i < IMAGES; i++) {
            snprintf(img, sizeof img, "tt%07d/shot_%04d_img_%d.jpg", 100000 + k, i * 7, i % 3);
            sm_json_string(&j, img);
        }
        sm_json_end_array(&j);
        sm_json_kv_int(&j, "frame_count", IMAGES);
        sm_json_kv_string(&j, "chain_of_thought", cot.p);
        sm_json_kv_string(&j, "story", story.p);
        sm_json_end_object(&j);
        put(out, j.buf);
        put(out, "\n");
        sm_json_reset(&j);
    }
    sm_json_free(&j);
    free(cot.p);
    free(story.p);
}

/* CPU time of this process: on a shared, loaded machine the wall clock
 * measures the neighbours; the CPU clock measures us (one thread). */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void write_file(const char *dir, const char *name, const buf *b)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b->p, 1, b->len, f) != b->len || fclose(f) != 0) {
        fprintf(stderr, "bench_story: cannot write %s\n", path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    sm_process_init();   /* as the storymovie command does */
    make_vocab();
    buf ref = {0}, pred = {0};
    make_set(0, &ref);
    make_set(1, &pred);
    if (argc > 1) {
        write_file(argv[1], "ref.jsonl", &ref);
        write_file(argv[1], "pred.jsonl", &pred);
    }

    double w0 = wall(), t0 = now();
    sm_story_set rs, ps;
    sm_error err;
    if (sm_story_read_buffer("ref.jsonl", ref.p, ref.len, &rs, &err) != 0 ||
        sm_story_read_buffer("pred.jsonl", pred.p, pred.len, &ps, &err) != 0) {
        fprintf(stderr, "bench_story: %s\n", err.message);
        return 1;
    }
    double t1 = now();
    size_t problems = 0;
    for (size_t i = 0; i < ps.n_items; i++) {
        sm_story_check(&ps, &ps.items[i], NULL);
        problems += ps.items[i].n_issues;
    }
    for (size_t i = 0; i < rs.n_items; i++) {
        sm_story_check(&rs, &rs.items[i], NULL);
        problems += rs.items[i].n_issues;
    }
    double t2 = now();
    sm_grounding_summary gs;
    memset(&gs, 0, sizeof gs);
    size_t detections = 0;
    for (size_t i = 0; i < ps.n_items; i++) {
        sm_detection *cd, *rd;
        size_t nc = sm_grounding_detections(&ps.items[i], NULL, &cd);
        size_t nr = sm_grounding_detections(&rs.items[i], NULL, &rd);
        sm_grounding_story g;
        if (nc == (size_t)-1 || nr == (size_t)-1 ||
            sm_grounding_score(cd, nc, rd, nr, SM_GROUNDING_PER_IMAGE, &g) != 0) {
            fprintf(stderr, "bench_story: out of memory\n");
            return 1;
        }
        sm_grounding_summary_add(&gs, &g);
        detections += nc + nr;
        free(cd);
        free(rd);
    }
    sm_grounding_summary_finish(&gs);
    double t3 = now();
    sm_vocab *v = sm_vocab_new();
    sm_words cw = {0}, rw = {0};
    sm_bleu bleu;
    memset(&bleu, 0, sizeof bleu);
    double rouge = 0, meteor = 0;
    char *plain = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < ps.n_items; i++) {
        const sm_story *p = &ps.items[i], *r = &rs.items[i];
        size_t need = (p->text_len > r->text_len ? p->text_len : r->text_len) + 1;
        if (need > cap)
            free(plain), plain = malloc(cap = need);
        cw.n_ids = rw.n_ids = 0;
        sm_words_tokenize(v, plain, sm_story_plain_text(p->text, p->text_len, plain), &cw);
        sm_words_tokenize(v, plain, sm_story_plain_text(r->text, r->text_len, plain), &rw);
        sm_bleu_add(&bleu, &cw, &rw);
        rouge += sm_rouge_l(&cw, &rw, 1.2);
        meteor += sm_meteor(v, &cw, &rw, &sm_meteor_default, NULL);
    }
    double b[4];
    sm_bleu_score(&bleu, b);
    double t4 = now(), w4 = wall();

    size_t cot_bytes = 0, story_bytes = 0;
    for (size_t i = 0; i < rs.n_items; i++)
        cot_bytes += rs.items[i].cot_len, story_bytes += rs.items[i].text_len;
    printf("bench_story: %zu stories x 2 files (%d images; mean chain of thought %.1f KB, "
           "story %.1f KB; %.1f MB of JSON Lines)\n",
           rs.n_items, IMAGES, cot_bytes / 1024.0 / (double)rs.n_items,
           story_bytes / 1024.0 / (double)rs.n_items, (ref.len + pred.len) / 1048576.0);
    printf("  CPU seconds, one thread:\n");
    printf("  read (JSON + tables + tags), both files  %8.3f s\n", t1 - t0);
    printf("  check, both files                        %8.3f s   (%zu problems)\n", t2 - t1, problems);
    printf("  grounding P/R/F1/mAP                     %8.3f s   (%zu detections; F1 %.4f, mAP %.4f)\n",
           t3 - t2, detections, gs.f1, gs.map);
    printf("  language BLEU/ROUGE-L/METEOR             %8.3f s   (%.0f + %.0f tokens; BLEU-4 %.4f, "
           "ROUGE-L %.4f, METEOR %.4f)\n",
           t4 - t3, bleu.cand_len, bleu.ref_len, b[3], rouge / (double)ps.n_items,
           meteor / (double)ps.n_items);
    printf("  total                                    %8.3f s   (wall clock %.3f s)\n", t4 - t0, w4 - w0);

    free(plain);
    sm_words_free(&cw);
    sm_words_free(&rw);
    sm_vocab_free(v);
    sm_story_set_free(&rs);
    sm_story_set_free(&ps);
    free(ref.p);
    free(pred.p);
    return 0;
}
