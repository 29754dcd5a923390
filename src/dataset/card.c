/* card.c - the dataset card (README.md with a YAML header, as the Hugging
 * Face Hub and `datasets` read it) and LICENSE.md of a dataset directory.
 *
 * Everything in the card is computed from the records, so two runs over the
 * same input write the same bytes: no dates, no paths of this machine. */
#include "dataset/card.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct code_count {
    const char *code;
    size_t n;
} code_count;

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_code(const void *a, const void *b)
{
    const code_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->code, y->code);
}

static const char *size_category(size_t n)
{
    if (n < 1000)
        return "n<1K";
    if (n < 10000)
        return "1K<n<10K";
    if (n < 100000)
        return "10K<n<100K";
    if (n < 1000000)
        return "100K<n<1M";
    return "1M<n<10M";
}

/* The bundled sample's invented ids (sample/README.md). */
static int is_sample_film(const char *movie) { return strncmp(movie, "tt99999", 7) == 0; }

static void feature(FILE *f, const char *name, const char *kind, const char *type)
{
    fprintf(f, "  - name: %s\n    %s: %s\n", name, kind, type);
}

static void write_yaml(FILE *f, const ds_card_info *info)
{
    const sm_dataset_summary *sum = info->summary;
    unsigned x = info->input->extras;
    fputs("---\n"
          "pretty_name: storymovie visual stories\n"
          "license: other\n"
          "license_name: mixed-source-terms\n"
          "license_link: LICENSE.md\n"
          "language:\n- en\n"
          "task_categories:\n- image-text-to-text\n"
          "tags:\n- visual-storytelling\n- grounding\n- movies\n", f);
    fprintf(f, "size_categories:\n- %s\n", size_category(sum->stories));
    fputs("configs:\n- config_name: default\n  data_files:\n", f);
    if (sum->train_stories)
        fputs("  - split: train\n    path: train/**\n", f);
    if (sum->test_stories)
        fputs("  - split: test\n    path: test/**\n", f);
    fputs("dataset_info:\n  features:\n", f);
    feature(f, "images", "list", "image");
    feature(f, "story_id", "dtype", "string");
    feature(f, "movie", "dtype", "string");
    feature(f, "frame_count", "dtype", "int64");
    feature(f, "chain_of_thought", "dtype", "string");
    feature(f, "story", "dtype", "string");
    feature(f, "source_images", "list", "string");
    if (x & DS_HAS_SOURCE_STORY)
        feature(f, "source_story", "dtype", "string");
    if (x & DS_HAS_NAMES)
        feature(f, "names", "dtype", "string");
    if (x & DS_HAS_QUOTES)
        feature(f, "quotes", "dtype", "string");
    if (x & DS_HAS_MODEL)
        feature(f, "model", "dtype", "string");
    if (x & DS_HAS_PROMPT_VERSION)
        feature(f, "prompt_version", "dtype", "string");
    if (x & DS_HAS_ATTEMPTS)
        feature(f, "attempts", "dtype", "int64");
    fputs("  splits:\n", f);
    if (sum->train_stories)
        fprintf(f, "  - name: train\n    num_examples: %zu\n", sum->train_stories);
    if (sum->test_stories)
        fprintf(f, "  - name: test\n    num_examples: %zu\n", sum->test_stories);
    fputs("---\n\n", f);
}

static void frames_stats(FILE *f, const ds_input *in, int split)
{
    size_t n = 0, total = 0;
    size_t *v = malloc((in->n_items + 1) * sizeof *v);
    if (!v)
        return;
    for (size_t i = 0; i < in->n_items; i++)
        if (split < 0 || in->items[i].split == split) {
            v[n++] = in->items[i].s->n_images;
            total += in->items[i].s->n_images;
        }
    if (n == 0) {
        fputs("| - | - | - | - |", f);
        free(v);
        return;
    }
    qsort(v, n, sizeof *v, cmp_size);
    double median = n % 2 ? (double)v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    fprintf(f, "| %zu | %.2f | %g | %zu |", v[0], (double)total / (double)n, median, v[n - 1]);
    free(v);
}

static void write_statistics(FILE *f, const ds_card_info *info)
{
    const ds_input *in = info->input;
    const sm_dataset_summary *sum = info->summary;
    const sm_dataset_options *o = info->options;
    size_t named_stories = 0, names = 0, quoted_stories = 0, quotes = 0, attributed = 0;
    size_t sample_films = 0;
    for (size_t i = 0; i < in->n_items; i++) {
        const ds_story *d = &in->items[i];
        named_stories += d->nnames > 0;
        names += d->nnames;
        quoted_stories += d->nquotes > 0;
        quotes += d->nquotes;
        attributed += d->nattributed;
    }
    for (size_t i = 0; i < in->n_items; i++) {
        int first = 1;
        for (size_t k = 0; k < i && first; k++)
            first = strcmp(in->items[k].movie, in->items[i].movie) != 0;
        sample_films += first && is_sample_film(in->items[i].movie);
    }

    fputs("## Splits\n\n", f);
    if (o->split_by == SM_SPLIT_BY_FILM)
        fprintf(f, "Split by film: every story of a film is in the same split, so no film is in "
                   "both.  A film is in test when the hash of its id with seed %llu falls below "
                   "the test fraction %g (each film decided on its own, so adding films never "
                   "moves an existing one); when that leaves a split empty, the film nearest the "
                   "threshold moves.\n\n", o->seed, o->test_fraction);
    else
        fprintf(f, "Split by story (--split-by story): a story is in test when the hash of its "
                   "story_id with seed %llu falls below the test fraction %g.  Films may be in "
                   "both splits.\n\n", o->seed, o->test_fraction);
    fputs("| split | stories | films | frames |\n|---|---:|---:|---:|\n", f);
    size_t frames[2] = {0, 0};
    for (size_t i = 0; i < in->n_items; i++)
        frames[in->items[i].split] += in->items[i].s->n_images;
    fprintf(f, "| train | %zu | %zu | %zu |\n", sum->train_stories, sum->train_films, frames[0]);
    fprintf(f, "| test | %zu | %zu | %zu |\n", sum->test_stories, sum->test_films, frames[1]);
    fprintf(f, "| all | %zu | %zu | %zu |\n\n", sum->stories, sum->films, sum->images);
    if (!sum->test_stories)
        fputs("The test split is empty (the corpus has one film, or the fraction is 0); it "
              "is left out of `configs`.\n\n", f);

    fputs("## Statistics\n\n", f);
    fputs("Frames per story:\n\n| split | min | mean | median | max |\n|---|---:|---:|---:|---:|\n", f);
    fputs("| train ", f);
    frames_stats(f, in, 0);
    fputs("\n| test ", f);
    frames_stats(f, in, 1);
    fputs("\n| all ", f);
    frames_stats(f, in, -1);
    fputs("\n\n", f);
    fputs("| StoryMovie content | count |\n|---|---:|\n", f);
    fprintf(f, "| stories with StoryMovie fields | %zu |\n", sum->storymovie);
    fprintf(f, "| stories with real names | %zu |\n", named_stories);
    fprintf(f, "| characters named (`names` entries) | %zu |\n", names);
    fprintf(f, "| stories with quotations | %zu |\n", quoted_stories);
    fprintf(f, "| quotations | %zu |\n", quotes);
    fprintf(f, "| quotations attributed to a character | %zu |\n\n", attributed);
    if (sum->storymovie == 0)
        fputs("No record carries StoryMovie fields (`names`, `quotes`, ...): these are "
              "StoryReasoning-format stories.\n\n", f);

    /* Verification: what 'storymovie story check' finds in the records. */
    code_count codes[128];
    size_t ncodes = 0, problems = 0;
    for (size_t i = 0; i < in->n_items; i++) {
        const sm_story *s = in->items[i].s;
        for (uint32_t k = 0; k < s->n_issues; k++) {
            size_t c = 0;
            while (c < ncodes && strcmp(codes[c].code, s->issues[k].code) != 0)
                c++;
            if (c == ncodes && ncodes < sizeof codes / sizeof codes[0])
                codes[ncodes++] = (code_count){s->issues[k].code, 0};
            if (c < ncodes)
                codes[c].n++;
            problems++;
        }
    }
    qsort(codes, ncodes, sizeof *codes, cmp_code);
    fputs("## Verification\n\n", f);
    fprintf(f, "Every record was read and checked with the rules of `storymovie story check` "
               "(tables, ids, boxes, one `<gdi>` block per frame, every tag's ids defined). "
               "%zu of %zu records pass every rule; %zu problems were found in the others "
               "(records with structural problems - frames, image sections or `<gdi>` blocks "
               "that do not match - are refused, so none is here).\n\n",
            sum->clean, sum->stories, problems);
    if (ncodes) {
        fputs("| problem (`story check` code) | count |\n|---|---:|\n", f);
        for (size_t c = 0; c < ncodes; c++)
            fprintf(f, "| %s | %zu |\n", codes[c].code, codes[c].n);
        fputs("\n", f);
    }
    if (sample_films)
        fprintf(f, "%zu film(s) are the bundled storymovie sample (ids tt99999xx).\n\n", sample_films);
}

static const char licences[] =
"## Licences of the sources\n"
"\n"
"No single licence covers this dataset: its parts come from sources with their\n"
"own terms, and whoever publishes or trains on it must respect each.\n"
"\n"
"- **Stories.**  StoryReasoning is released under CC-BY-ND-4.0 (attribution,\n"
"  no derivatives).  Its stories and chain-of-thought tables, and StoryMovie\n"
"  stories rewritten from them, fall under those terms; because they are\n"
"  derived works, the rewritten stories may not be redistributable.  Check the\n"
"  licence before publishing this directory.\n"
"- **Frames.**  MovieNet keyframes come with MovieNet's own terms of use, and\n"
"  the films they are taken from remain their rights holders'.  This dataset\n"
"  links or copies the frames for training; it grants no right to them.\n"
"- **Bundled sample.**  The sample film shipped with storymovie (ids\n"
"  tt99999xx, \"The Lighthouse Keeper's Ledger\"), its stories and its frames\n"
"  were written and drawn for storymovie and are under storymovie's licence.\n"
"\n"
"Screenplays and subtitles used to write StoryMovie stories are not included;\n"
"quotations in the stories are short excerpts of the films' dialogue.\n";

static void write_body(FILE *f, const ds_card_info *info)
{
    unsigned x = info->input->extras;
    fputs("# storymovie visual stories\n"
          "\n"
          "Visual stories over film keyframes, each a chain of thought (per frame:\n"
          "characters, objects and setting with bounding boxes; then the narrative\n"
          "structure) and a story whose grounding tags (`<gdi imageN>`, `<gdo id>`,\n"
          "`<gda id>`, `<gdl id>`) point into it.  Written by `storymovie dataset`.\n"
          "\n"
          "## Loading\n"
          "\n"
          "```python\n"
          "from datasets import load_dataset\n"
          "ds = load_dataset(\"imagefolder\", data_dir=\"THIS_DIRECTORY\")\n"
          "```\n"
          "\n"
          "Each split directory holds `metadata.jsonl` (one row per story) and\n"
          "`images/STORY_ID/NNN.jpg`; `file_names` lists a story's frames in order and\n"
          "becomes the `images` column (a list of images).\n"
          "\n"
          "## Fields\n"
          "\n"
          "| field | what it holds |\n|---|---|\n"
          "| images (`file_names`) | the frames, in story order |\n"
          "| story_id | the story's id |\n"
          "| movie | the film (IMDb-style id) |\n"
          "| frame_count | number of frames |\n"
          "| chain_of_thought | the per-frame tables and the narrative structure (Markdown) |\n"
          "| story | the story with its grounding tags |\n"
          "| source_images | the frames' names in the corpus the stories came from |\n", f);
    if (x & DS_HAS_SOURCE_STORY)
        fputs("| source_story | the StoryReasoning story this one was rewritten from |\n", f);
    if (x & DS_HAS_NAMES)
        fputs("| names | JSON text: the real name of each character id, `{\"char1\": \"Martha Hale\"}` |\n", f);
    if (x & DS_HAS_QUOTES)
        fputs("| quotes | JSON text: each quotation with its subtitle cue, segment, speaker and the character it is attributed to |\n", f);
    if (x & DS_HAS_MODEL)
        fputs("| model | the model that wrote the story |\n", f);
    if (x & DS_HAS_PROMPT_VERSION)
        fputs("| prompt_version | the version of the prompt it was written with |\n", f);
    if (x & DS_HAS_ATTEMPTS)
        fputs("| attempts | how many answers it took to pass verification |\n", f);
    if (x)
        fputs("\nEvery row has every field (empty where a record lacked it): `datasets` needs\n"
              "one schema for both splits.  `names` and `quotes` are JSON text for the same\n"
              "reason (their keys differ from story to story); read them with `json.loads`.\n", f);
    fputs("\n", f);
}

int ds_write_card(const char *dir, const ds_card_info *info, sm_error *err)
{
    char *path = ds_join(dir, "README.md");
    if (!path)
        return sm_fail(err, dir, 0, "out of memory");
    FILE *f = fopen(path, "wb");
    if (!f) {
        sm_fail_write(err, path, errno);
        free(path);
        return -1;
    }
    write_yaml(f, info);
    write_body(f, info);
    write_statistics(f, info);
    fputs(licences, f);
    int bad = ferror(f) != 0;
    if (fclose(f) != 0)
        bad = 1;
    if (bad) {
        sm_fail_write(err, path, errno);
        free(path);
        return -1;
    }
    free(path);
    path = ds_join(dir, "LICENSE.md");
    if (!path)
        return sm_fail(err, dir, 0, "out of memory");
    static const char head[] = "# Terms of this dataset's sources\n\n"
                               "See README.md for what the dataset holds.\n\n";
    size_t n1 = sizeof head - 1, n2 = sizeof licences - 1;
    char *text = malloc(n1 + n2 + 1);
    int rc = text ? 0 : sm_fail(err, path, 0, "out of memory");
    if (text) {
        memcpy(text, head, n1);
        memcpy(text + n1, licences, n2);
        rc = ds_write_file(path, text, n1 + n2, err);
    }
    free(text);
    free(path);
    return rc;
}
