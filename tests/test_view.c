/* test_view.c - `storymovie view` without a browser: relative keyframe
 * URLs, the JSON that cannot end its <script> element, the story text as a
 * tree of tags with quotations, and whole pages of the bundled sample
 * (what goes in, what is refused).  tests/view_browser.py checks the pages
 * in a real browser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storymovie/link.h"
#include "storymovie/story.h"
#include "storymovie/view.h"
#include "view/view_internal.h"

#define SAMPLE SM_SOURCE_DIR "/sample"
#define CONTEXT SM_SOURCE_DIR "/tests/golden/build_sample.context.jsonl"
#define STORIES SAMPLE "/stories.jsonl"
#define FIXTURES SM_SOURCE_DIR "/tests/fixtures/view"

/* ------------------------------------------------------------ helpers */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

typedef struct tmp {
    char dir[64];
    char page[128];
} tmp;

static void tmp_make(tmp *t)
{
    strcpy(t->dir, "/tmp/sm_test_view_XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->page, sizeof t->page, "%s/page.html", t->dir);
}

/* A fresh directory for the page, and options that write it there from
 * the sample's context records. */
static void page_setup(tmp *t, sm_view_options *o)
{
    tmp_make(t);
    sm_view_options_init(o);
    o->context_path = CONTEXT;
    o->out_path = t->page;
}

static void tmp_path(const tmp *t, const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", t->dir, name);
}

static void tmp_remove(tmp *t)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    assert_int_equal(system(cmd), 0);
}

/* ------------------------------------------------------------ URLs */

static void relative_urls(void **state)
{
    (void)state;
    static const char *const cases[][3] = {
        {"/a/b", "/a/b/c.jpg", "c.jpg"},
        {"/a/b", "/a/c/d.jpg", "../c/d.jpg"},
        {"/a/b/c", "/x/y.jpg", "../../../x/y.jpg"},
        {"/", "/x/y.jpg", "x/y.jpg"},
        {"/ab", "/a/x.jpg", "../a/x.jpg"},        /* by whole components */
        {"/a", "/ab/x.jpg", "../ab/x.jpg"},
        {"/data/my films", "/data/my films/tt1/shot #1?.jpg", "tt1/shot%20%231%3F.jpg"},
        {"/d", "/d/caf\xc3\xa9.jpg", "caf%C3%A9.jpg"},
        {"/d", "/d/50%.jpg", "50%25.jpg"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *u = view_relative_url(cases[i][0], cases[i][1]);
        assert_non_null(u);
        assert_string_equal(u, cases[i][2]);
        free(u);
    }
}

/* ------------------------------------------------------------ script JSON */

static char *escaped(const char *in, size_t len)
{
    char *buf = NULL;
    size_t size = 0, written = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    assert_int_equal(view_write_script_json(f, in, len, &written), 0);
    fclose(f);
    assert_int_equal(written, size);
    return buf;
}

static void script_json_cannot_end_its_element(void **state)
{
    (void)state;
    static const char in[] = "{\"t\":\"</script><img src=x onerror=alert(1)> & <!-- \xe2\x80\xa8\xe2\x80\xa9 "
                             "caf\xc3\xa9 \xf0\x9f\x8e\xac bad\xff\xc3 end\"}";
    char *out = escaped(in, sizeof in - 1);
    assert_string_equal(out, "{\"t\":\"\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e \\u0026 "
                             "\\u003c!-- \\u2028\\u2029 caf\xc3\xa9 \xf0\x9f\x8e\xac bad\\ufffd\\ufffd end\"}");
    free(out);
    /* Overlong forms and surrogates are not UTF-8 either. */
    static const char bad[] = "\xc0\xbc\xed\xa0\x80\xe0\x80\xbc";
    out = escaped(bad, sizeof bad - 1);
    assert_null(strchr(out, '<'));
    assert_int_equal(count(out, "\\ufffd"), 8);
    free(out);
}

/* ------------------------------------------------------------ tag trees */

static char *tree_of(const char *story, const view_quote_span *q, size_t nq)
{
    sm_story_set set;
    memset(&set, 0, sizeof set);
    sm_story *s = sm_story_add(&set, "s", "", 0, story, strlen(story));
    assert_non_null(s);
    sm_json j;
    sm_json_init(&j);
    view_tags_emit(&j, s, q, nq);
    char *out = strndup(j.buf, j.len);
    sm_json_free(&j);
    sm_story_set_free(&set);
    return out;
}

static void story_text_as_a_tree(void **state)
{
    (void)state;
    char *t = tree_of("<gdi image1>The <gdo char1><b>x</b></gdo> <gda char1 char2>runs</gda> "
                      "<gdl location: a dark room>here</gdl>.</gdi>\n<gdi image2>a < b <gdo obj1>lamp</gdi>",
                      NULL, 0);
    assert_string_equal(t,
        "[{\"k\":\"i\",\"n\":1,\"c\":[\"The \",{\"k\":\"o\",\"ids\":[\"char1\"],\"n\":1,\"c\":[\"<b>x</b>\"]},\" \","
        "{\"k\":\"a\",\"ids\":[\"char1\",\"char2\"],\"n\":1,\"c\":[\"runs\"]},\" \","
        "{\"k\":\"l\",\"ids\":[],\"n\":1,\"at\":\"location: a dark room\",\"c\":[\"here\"]},\".\"]},\"\\n\","
        "{\"k\":\"i\",\"n\":2,\"c\":[\"a < b \",{\"k\":\"o\",\"ids\":[\"obj1\"],\"n\":2,\"open\":true,"
        "\"c\":[\"lamp\"]}]}]");
    free(t);
}

static void quotations_split_text_across_tags(void **state)
{
    (void)state;
    const char *story = "<gdi image1>\"<gdo char1>I</gdo> wrote,\" he said.</gdi>";
    /* "I wrote," : from the I (inside the tag) to the comma. */
    size_t a = (size_t)(strchr(story, 'I') - story), b = (size_t)(strstr(story, ",") - story) + 1;
    view_quote_span q = {a, b, 0};
    char *t = tree_of(story, &q, 1);
    assert_string_equal(t,
        "[{\"k\":\"i\",\"n\":1,\"c\":[\"\\\"\",{\"k\":\"o\",\"ids\":[\"char1\"],\"n\":1,\"c\":[{\"q\":0,\"t\":\"I\"}]},"
        "{\"q\":0,\"t\":\" wrote,\"},\"\\\" he said.\"]}]");
    free(t);
}

static void deep_nesting_stays_bounded(void **state)
{
    (void)state;
    size_t n = 20000;
    char *story = malloc(n * 11 + 64);
    assert_non_null(story);
    memcpy(story, "<gdi image1>", 12);
    for (size_t i = 0; i < n; i++)
        memcpy(story + 12 + i * 11, "<gdo char1>", 11);
    story[12 + n * 11] = '\0';
    char *t = tree_of(story, NULL, 0);
    assert_true(strlen(t) > 0);
    free(t);
    free(story);
}

/* ------------------------------------------------------------ pages */

static char *write_page(const sm_view_options *o, sm_view_stats *st, int expect_ok, char *msg, size_t msg_size)
{
    sm_error err;
    int rc = sm_view_write(o, st, &err);
    if (!expect_ok) {
        assert_int_equal(rc, -1);
        sm_error_format(&err, msg, msg_size);
        return NULL;
    }
    if (rc != 0) {
        char buf[1200];
        sm_error_format(&err, buf, sizeof buf);
        fail_msg("%s", buf);
    }
    return slurp(o->out_path, NULL);
}

static void sample_page(void **state)
{
    (void)state;
    tmp t;
    sm_view_options o;
    page_setup(&t, &o);
    o.stories_path = STORIES;
    o.movienet_root = SAMPLE "/movienet";
    sm_view_stats st;
    char *html = write_page(&o, &st, 1, NULL, 0);
    assert_int_equal(st.stories, 2);
    assert_int_equal(st.with_story, 2);
    assert_int_equal(st.frames, 13);
    assert_int_equal(st.images_found, 13);
    assert_int_equal(st.images_missing, 0);
    assert_int_equal(st.boxes, 44);
    assert_int_equal(st.html_bytes, strlen(html));
    assert_non_null(strstr(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                                 "img-src file: data:; style-src 'sha256-"));
    assert_int_equal(count(html, "</script>"), 2);
    assert_null(strstr(html, "http://"));
    assert_null(strstr(html, "https://"));
    /* Keyframes by a path relative to the page, each once. */
    char *rel = view_relative_url(t.dir, SM_SOURCE_DIR "/sample/movienet/tt9999901/shot_0028_img_1.jpg");
    assert_non_null(rel);
    char want[1024];
    snprintf(want, sizeof want, "\"%s\"", rel);
    free(rel);
    assert_int_equal(count(html, want), 1);
    assert_non_null(strstr(html, "\"boxes\":[[\"char1\",\"c\",\"Martha Hale\",204,30,278,180]"));
    assert_non_null(strstr(html, "\"w\":320,\"h\":180"));
    free(html);

    /* Embedded: data: URIs instead, and no path. */
    o.embed_images = 1;
    html = write_page(&o, &st, 1, NULL, 0);
    assert_int_equal(count(html, "\"data:image/jpeg;base64,/9j/"), 13);
    assert_true(st.image_bytes > 13 * 500);
    assert_null(strstr(html, "shot_0028_img_1.jpg\"]"));
    free(html);

    /* Context records alone: frames without boxes, dialogue, names. */
    o.embed_images = 0;
    o.stories_path = NULL;
    o.movienet_root = NULL;
    html = write_page(&o, &st, 1, NULL, 0);
    assert_int_equal(st.boxes, 0);
    assert_non_null(strstr(html, "\"story\":null"));
    assert_non_null(strstr(html, "\"src\":-1"));
    assert_non_null(strstr(html, "[17,1,107.2,108.5,\"DANIEL\",0.96,\"Aunt Martha.\",20,[1],null]"));
    free(html);
    tmp_remove(&t);
}

static void storymovie_page(void **state)
{
    (void)state;
    tmp t;
    sm_view_options o;
    page_setup(&t, &o);
    o.stories_path = FIXTURES "/storymovie.jsonl";
    o.failures_path = FIXTURES "/failures.jsonl";
    o.verdicts_path = FIXTURES "/verdicts.jsonl";
    o.qa_path = FIXTURES "/qa.jsonl";
    sm_view_stats st;
    char *html = write_page(&o, &st, 1, NULL, 0);
    assert_int_equal(st.with_story, 1);
    assert_int_equal(st.results_unmatched, 0);
    assert_non_null(strstr(html, "\"kind\":\"StoryMovie\""));
    assert_int_equal(count(html, "\"found\":true"), 7);
    assert_int_equal(count(html, "{\"q\":"), 7);
    assert_non_null(strstr(html, "\"source\":[{\"k\":\"i\""));
    assert_non_null(strstr(html, "\"model\":\"hand-written-sample\""));
    assert_non_null(strstr(html, "\"verdicts\":[{\"story_id\":\"tt9999901_lamp_room\",\"criterion\":\"subtitle\""));
    assert_non_null(strstr(html, "\"failures\":[{\"story_id\":\"tt9999901_kitchen\""));
    free(html);

    /* A quotation around a tag is still found. */
    char path[256];
    tmp_path(&t, "quote.jsonl", path, sizeof path);
    spit(path, "{\"story_id\":\"tt9999901_lamp_room\",\"chain_of_thought\":\"## Image 1\",\"story\":\"<gdi image1>\\\"<gdo char2>Aunt</gdo> Martha,\\\" "
               "he says.</gdi>\",\"quotes\":[{\"text\":\"Aunt Martha,\",\"cue\":17,\"segment\":1},"
               "{\"text\":\"never said\",\"cue\":18,\"segment\":1}]}\n");
    o.stories_path = path;
    o.failures_path = o.verdicts_path = o.qa_path = NULL;
    html = write_page(&o, &st, 1, NULL, 0);
    assert_non_null(strstr(html, "\"c\":[{\"q\":0,\"t\":\"Aunt\"}]},{\"q\":0,\"t\":\" Martha,\"}"));
    assert_non_null(strstr(html, "\"found\":true"));
    assert_non_null(strstr(html, "\"text\":\"never said\",\"cue\":18,\"segment\":1,\"found\":false"));
    free(html);
    tmp_remove(&t);
}

static void alignment_page(void **state)
{
    (void)state;
    tmp t;
    tmp_make(&t);
    char align[256];
    tmp_path(&t, "tt9999901.jsonl", align, sizeof align);
    sm_film_align_request req = {SAMPLE "/movienet/script/tt9999901.script",
                                 SAMPLE "/movienet/subtitle/tt9999901.srt", NULL, align, SM_ALIGN_JSONL, NULL};
    sm_error err;
    assert_int_equal(sm_film_align(&req, NULL, NULL, &err), 0);
    const char *aligns[] = {align};
    sm_view_options o;
    sm_view_options_init(&o);
    o.alignments = aligns;
    o.n_alignments = 1;
    o.out_path = t.page;
    sm_view_stats st;
    char *html = write_page(&o, &st, 1, NULL, 0);
    assert_int_equal(st.films, 1);
    assert_non_null(strstr(html, "{\"film\":\"tt9999901\",\"file\":\"tt9999901.jsonl\",\"seg\":[[1,1,12.4,16.9,0,0.99,"));
    assert_non_null(strstr(html, "\"sp\":[\"MARTHA\""));
    free(html);
    /* With the context records: their windows, and their film's title. */
    o.context_path = CONTEXT;
    html = write_page(&o, &st, 1, NULL, 0);
    assert_non_null(strstr(html, "\"stories\":[[\"tt9999901_lamp_room\",104.646,166.667],"));
    assert_non_null(strstr(html, "\"title\":\"The Lighthouse Keeper's Ledger (2026)\"}"));
    free(html);
    tmp_remove(&t);
}

static void wrong_inputs_are_refused(void **state)
{
    (void)state;
    tmp t;
    tmp_make(&t);
    char msg[1200], path[256], align[256];
    sm_view_options o;
    sm_view_options_init(&o);
    o.out_path = t.page;

    write_page(&o, NULL, 0, msg, sizeof msg);
    assert_non_null(strstr(msg, "nothing to show"));

    /* A story record about other frames. */
    char *stories = slurp(STORIES, NULL);
    char *p = strstr(stories, "shot_0029_img_1.jpg");
    assert_non_null(p);
    memcpy(p, "shot_0030", 9);
    tmp_path(&t, "stories.jsonl", path, sizeof path);
    spit(path, stories);
    free(stories);
    o.context_path = CONTEXT;
    o.stories_path = path;
    write_page(&o, NULL, 0, msg, sizeof msg);
    assert_non_null(strstr(msg, ":1: story tt9999901_lamp_room: image 2 is tt9999901/shot_0030_img_1.jpg, its "
                                "context record (line 1) has tt9999901/shot_0029_img_1.jpg: not the same story"));

    /* Stories that are none of the context's. */
    spit(path, "{\"story_id\":\"other\",\"images\":[],\"story\":\"\"}\n");
    write_page(&o, NULL, 0, msg, sizeof msg);
    assert_non_null(strstr(msg, "none of its stories has a record in"));

    /* A context file given as stories, an alignment given as context. */
    o.stories_path = NULL;
    tmp_path(&t, "tt9999901.jsonl", align, sizeof align);
    spit(align, "{\"type\":\"segment\",\"cue\":17,\"segment\":1,\"start\":107.2,\"end\":108.5,"
                "\"text\":\"Aunt Martha!\",\"speaker\":\"DANIEL\",\"confidence\":0.9,\"block\":20}\n");
    const char *aligns[] = {align};
    o.alignments = aligns;
    o.n_alignments = 1;
    write_page(&o, NULL, 0, msg, sizeof msg);
    assert_non_null(strstr(msg, "subtitle line 17.1 of story tt9999901_lamp_room"));
    assert_non_null(strstr(msg, "has another text in the alignment: the context records were not made from "
                                "this alignment of tt9999901"));
    o.alignments = (const char *[]){CONTEXT};
    write_page(&o, NULL, 0, msg, sizeof msg);
    assert_non_null(strstr(msg, "not an alignment"));
    o.n_alignments = 0;
    o.context_path = align;
    write_page(&o, NULL, 0, msg, sizeof msg);
    assert_non_null(strstr(msg, "tt9999901.jsonl:1:"));

    /* Results without a story id; a --story the context does not have. */
    o.context_path = CONTEXT;
    o.verdicts_path = path;
    spit(path, "{\"criterion\":\"subtitle\",\"verdict\":\"[[A]]\"}\n");
    write_page(&o, NULL, 0, msg, sizeof msg);
    assert_non_null(strstr(msg, "stories.jsonl:1: no \"story_id\" (a string): not a verdicts file"));
    spit(path, "not json\n");
    write_page(&o, NULL, 0, msg, sizeof msg);
    assert_non_null(strstr(msg, "stories.jsonl:1: not JSON"));
    o.verdicts_path = NULL;
    const char *only[] = {"tt9999901_nowhere"};
    o.only = only;
    o.n_only = 1;
    write_page(&o, NULL, 0, msg, sizeof msg);
    assert_non_null(strstr(msg, "story tt9999901_nowhere has no context record"));
    /* Nothing was written. */
    assert_int_not_equal(access(t.page, F_OK), 0);
    tmp_remove(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(relative_urls),
        cmocka_unit_test(script_json_cannot_end_its_element),
        cmocka_unit_test(story_text_as_a_tree),
        cmocka_unit_test(quotations_split_text_across_tags),
        cmocka_unit_test(deep_nesting_stays_bounded),
        cmocka_unit_test(sample_page),
        cmocka_unit_test(storymovie_page),
        cmocka_unit_test(alignment_page),
        cmocka_unit_test(wrong_inputs_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
