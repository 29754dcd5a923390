/* test_story.c - reading, checking and stripping story records.
 *
 * The fixtures in tests/fixtures/story are ours (make_fixtures.py writes
 * them): good.jsonl must be clean; every record of broken.jsonl breaks the
 * rule its story_id names, and the test pins the exact list of problem
 * codes each one gets, so a rule that stops firing (or starts firing on the
 * wrong record) fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/story.h"
#include "sm_test.h"

#define FIXTURES SM_SOURCE_DIR "/tests/fixtures/story/"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The story's problem codes, sorted, joined with ','. */
static void codes_of(const sm_story *s, char *buf, size_t size)
{
    const char *codes[SM_STORY_MAX_ISSUES];
    size_t n = s->n_issues;
    for (size_t i = 0; i < n; i++)
        codes[i] = s->issues[i].code;
    qsort(codes, n, sizeof codes[0], cmp_str);
    buf[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "," : "", codes[i]);
}

static sm_story *find(sm_story_set *set, const char *id, int nth)
{
    for (size_t i = 0; i < set->n_items; i++)
        if (set->items[i].story_id && strcmp(set->items[i].story_id, id) == 0 && nth-- == 0)
            return &set->items[i];
    return NULL;
}

static void good_fixture_is_clean(void **state)
{
    (void)state;
    sm_story_set set;
    sm_error err;
    assert_int_equal(sm_story_read_file(FIXTURES "good.jsonl", &set, &err), 0);
    assert_int_equal(set.n_items, 3);
    for (size_t i = 0; i < set.n_items; i++) {
        sm_story_check(&set, &set.items[i], NULL);
        if (set.items[i].n_issues)
            fail_msg("%s: %s", set.items[i].story_id, set.items[i].issues[0].message);
    }
    /* The model: 2 images; image 1 has 2 characters, 2 objects, 2 setting rows. */
    const sm_story *s = &set.items[0];
    assert_string_equal(s->story_id, "s001");
    assert_int_equal(s->n_images, 2);
    assert_int_equal(s->frame_count, 2);
    assert_int_equal(s->n_image_sections, 2);
    const sm_story_image *img = &s->image_sections[0];
    assert_int_equal(img->number, 1);
    assert_int_equal(img->tables[SM_TABLE_CHARACTERS].n_rows, 2);
    assert_int_equal(img->tables[SM_TABLE_OBJECTS].n_rows, 2);
    assert_int_equal(img->tables[SM_TABLE_SETTING].n_rows, 2);
    const sm_story_row *john = &img->tables[SM_TABLE_CHARACTERS].rows[0];
    assert_int_equal(john->id.kind, SM_ENT_CHAR);
    assert_int_equal(john->id.number, 1);
    assert_true(john->has_box && john->box_strict);
    assert_true(john->box[0] == 227 && john->box[1] == 24 && john->box[2] == 425 && john->box[3] == 239);
    assert_int_equal(john->n_cells, 7);
    assert_memory_equal(s->cot + john->cells[1].off, "John", 4);
    const sm_story_row *lm = &img->tables[SM_TABLE_OBJECTS].rows[1];
    assert_int_equal(lm->id.kind, SM_ENT_LM);
    assert_int_equal(s->narrative.n_rows, 5);
    /* Tags: gdi, gdo, gda, gdo, gdo, gdl | gdi, gdo, gda, gdl */
    assert_int_equal(s->n_tags, 10);
    assert_int_equal(s->tags[0].kind, SM_TAG_GDI);
    assert_int_equal(s->tags[0].image, 1);
    assert_int_equal(s->tags[1].kind, SM_TAG_GDO);
    assert_int_equal(s->tags[1].image, 1);
    assert_memory_equal(s->text + s->tags[1].content.off, "John", 4);
    assert_int_equal(s->tags[1].content.len, 4);
    assert_int_equal(s->tags[1].open.off, 13);        /* "<gdi image1>\n" is 13 bytes */
    assert_int_equal(s->tags[1].n_ids, 1);
    assert_int_equal(s->tags[5].kind, SM_TAG_GDL);
    assert_int_equal(s->tags[6].image, 2);
    assert_true(s->tags[0].closed);
    /* s003 came as one model output in the story field. */
    assert_true(set.items[2].model_output);
    assert_int_equal(set.items[2].cot_len, set.items[0].cot_len);
    assert_int_equal(set.items[2].text_len, set.items[0].text_len);
    assert_memory_equal(set.items[2].text, set.items[0].text, set.items[0].text_len);
    assert_true(sm_story_defines(s, (sm_entity_id){SM_ENT_BG, 1}));
    assert_false(sm_story_defines(s, (sm_entity_id){SM_ENT_BG, 2}));
    sm_story_set_free(&set);
}

static void broken_fixture_codes(void **state)
{
    (void)state;
    static const struct { const char *id; int nth; const char *codes; } want[] = {
        {"missing-fields", 0, "field,field"},
        {"frame-count", 0, "frame-count"},
        {"s001", 0, ""},
        {"s001", 1, "duplicate-id"},
        {"setting-missing", 0, "setting-missing"},
        {"header", 0, "header"},
        {"cells", 0, "box,cells,cells"},
        {"ids", 0, "id,id-table,id-table,undefined-id,undefined-id"},
        {"boxes", 0, "box,box,box-form,box-order"},
        {"setting-element", 0, "setting-element"},
        {"phases", 0, "phase,phase-image,phase-missing,phase-missing"},
        {"image-sections", 0, "image-number"},
        {"image-count", 0, "gdi-count,image-count"},
        {"table-outside", 0, "table-outside"},
        {"heading", 0, "heading,heading"},
        {"narrative-missing", 0, "narrative"},
        {"tags", 0, "empty,free-text,gdi-attr,gdi-count,gdi-duplicate,outside-gdi,tag-ids,"
                    "tag-kind,tag-kind,tag-syntax,tag-unknown,tag-unknown,unclosed,undefined-id,"
                    "undefined-id,unopened"},
        {"gdi-count", 0, "gdi-count"},
        {"gdi-order", 0, "gdi-order"},
        {"think-unclosed", 0, "image-count,narrative,think"},
        {"story-empty", 0, "story-empty"},
        {"wrong-types", 0, "field,field"},
    };
    sm_story_set set;
    sm_error err;
    assert_int_equal(sm_story_read_file(FIXTURES "broken.jsonl", &set, &err), 0);
    for (size_t i = 0; i < set.n_items; i++)
        sm_story_check(&set, &set.items[i], NULL);
    char got[2048];
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        sm_story *s = find(&set, want[i].id, want[i].nth);
        if (!s)
            fail_msg("record %s not read", want[i].id);
        codes_of(s, got, sizeof got);
        if (strcmp(got, want[i].codes) != 0)
            fail_msg("%s: got [%s], want [%s]", want[i].id, got, want[i].codes);
    }
    /* The line that is not JSON is a broken record with no id. */
    int broken = 0;
    for (size_t i = 0; i < set.n_items; i++)
        if (set.items[i].broken) {
            broken++;
            assert_null(set.items[i].story_id);
            assert_int_equal(set.items[i].record_line, 3);
            assert_string_equal(set.items[i].issues[0].code, "json");
        }
    assert_int_equal(broken, 1);
    sm_story_set_free(&set);
}

/* Positions: JSON fields count from their own first line; a raw model
 * output counts in the file, and columns count characters, not bytes. */
static void locate_positions(void **state)
{
    (void)state;
    static const char raw[] =
        "\n<think>\n## Image 1\n| a | b |\n</think>\n<gdi image1>\xc3\xa9 <gdo char5>x</gdo></gdi>\n";
    sm_story_set set;
    sm_error err;
    assert_int_equal(sm_story_read_buffer("dir/out-7.txt", raw, sizeof raw - 1, &set, &err), 0);
    assert_true(set.raw_model_output);
    assert_int_equal(set.n_items, 1);
    sm_story *s = &set.items[0];
    assert_string_equal(s->story_id, "out-7");
    sm_story_check(&set, s, NULL);
    long line, col;
    int seen_table = 0, seen_id = 0;
    for (uint32_t i = 0; i < s->n_issues; i++) {
        sm_story_locate(s, &s->issues[i], &line, &col);
        if (strcmp(s->issues[i].code, "table-outside") == 0) {
            assert_int_equal(line, 4);     /* "| a | b |" is line 4 of the file */
            assert_int_equal(col, 1);
            seen_table = 1;
        }
        if (strcmp(s->issues[i].code, "undefined-id") == 0) {
            assert_int_equal(line, 6);
            assert_int_equal(col, 15);     /* "<gdi image1>" 12 + "é" 1 + " " 1, then col 15 */
            seen_id = 1;
        }
    }
    assert_true(seen_table && seen_id);
    sm_story_set_free(&set);

    static const char jsonl[] =
        "{\"story_id\":\"a\",\"images\":[\"x\"],\"frame_count\":1,"
        "\"chain_of_thought\":\"## Image 1\\n### Setting\\n| Setting Element | Description | Mood | Time | Narrative Function |\\n"
        "| Moon | x | y | z | w |\",\"story\":\"<gdi image1>\\n  <gdo obj3>cup</gdo></gdi>\"}\n";
    assert_int_equal(sm_story_read_buffer("x.jsonl", jsonl, sizeof jsonl - 1, &set, &err), 0);
    s = &set.items[0];
    sm_story_check(&set, s, NULL);
    seen_table = seen_id = 0;
    for (uint32_t i = 0; i < s->n_issues; i++) {
        sm_story_locate(s, &s->issues[i], &line, &col);
        if (strcmp(s->issues[i].code, "setting-element") == 0) {
            assert_int_equal(line, 4);
            assert_int_equal(col, 3);
            seen_table = 1;
        }
        if (strcmp(s->issues[i].code, "undefined-id") == 0) {
            assert_int_equal(line, 2);
            assert_int_equal(col, 3);
            seen_id = 1;
        }
        if (s->issues[i].field == SM_FIELD_RECORD) {
            assert_int_equal(line, 0);
            assert_int_equal(col, 0);
        }
    }
    assert_true(seen_table && seen_id);
    sm_story_set_free(&set);
}

static void plain_text(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        {"<gdi image1>\n<gdo char1>John</gdo>   runs.\n</gdi>", "John runs."},
        {"  a\t\n b  ", "a b"},
        {"x<gdo char1>y</gdo>z", "xyz"},           /* tags leave no space */
        {"a < b and c > d", "a d"},                /* <[^>]+> takes " b and c " */
        {"a <> b", "a <> b"},                      /* nothing between: not a tag */
        {"5 < 6", "5 < 6"},                        /* no '>' at all */
        {"<gdl location: dark\nroom>x", "x"},      /* may span lines, as the regex */
        {"", ""},
        {"<a><b>", ""},
    };
    char buf[128];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = sm_story_plain_text(cases[i].in, strlen(cases[i].in), buf);
        assert_int_equal(n, strlen(cases[i].out));
        assert_string_equal(buf, cases[i].out);
    }
}

static sm_story *one(sm_story_set *set, const char *cot, const char *story)
{
    sm_error err;
    assert_int_equal(sm_story_read_buffer("mem", "", 0, set, &err), 0);
    sm_story *s = sm_story_add(set, "m", cot, cot ? strlen(cot) : 0, story, strlen(story));
    assert_non_null(s);
    return s;
}

static void boxes_and_ids(void **state)
{
    (void)state;
    sm_story_set set;
    sm_story *s = one(&set,
        "## Image 1\n### Characters\n"
        "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
        "|:---|---|---|---|---|---|---:|\n"
        "| char1 | A | d | e | a | n | 1,2,3,4 |\n"
        "| char21 | B | d | e | a | n | ( 1 , 2 , 3 , 4 ) |\n"
        "| char3 | C | d | e | a | n | 1.5,2,3,4 |\n"
        "| char4 | D | d | e | a | n | 1,2,3,4,5 |\n"
        "| char5 | E | d | e | a | n | [1,2,3,4 |\n"
        "| char6 | F | d | e | a | n | -5,-5,3,4 |\n"
        "| char7 | G \\| H | d | e | a | n | 1,2,3,4 |\n"
        "| char | G | d | e | a | n | 1,2,3,4 |\n",
        "<gdi image1><gdo char21>x</gdo></gdi>");
    const sm_story_table *t = &s->image_sections[0].tables[SM_TABLE_CHARACTERS];
    assert_int_equal(t->n_rows, 8);
    assert_true(t->rows[0].has_box && t->rows[0].box_strict);
    assert_int_equal(t->rows[1].id.number, 21);
    assert_true(t->rows[1].has_box && !t->rows[1].box_strict);
    assert_true(t->rows[2].has_box && !t->rows[2].box_strict && t->rows[2].box[0] == 1.5);
    assert_false(t->rows[3].has_box);
    assert_false(t->rows[4].has_box);
    assert_true(t->rows[5].has_box && t->rows[5].box_strict && t->rows[5].box[0] == -5);
    assert_int_equal(t->rows[6].n_cells, 7);            /* "\|" stays inside the cell */
    assert_int_equal(t->rows[7].id.kind, SM_ENT_NONE);
    sm_story_check_options opt = {10, 10};
    sm_story_check(&set, s, &opt);
    int outside = 0;
    for (uint32_t i = 0; i < s->n_issues; i++)
        outside += strcmp(s->issues[i].code, "box-outside") == 0;
    /* -5,-5,3,4 in a 10x10 image: 8x9 = 72 area, inside 3x4 = 12: 83% out. */
    assert_int_equal(outside, 1);
    sm_story_set_free(&set);

    sm_entity_id id;
    assert_int_equal(sm_entity_id_parse("bg12", 4, &id), 0);
    assert_int_equal(id.kind, SM_ENT_BG);
    assert_int_equal(id.number, 12);
    assert_int_equal(sm_entity_id_parse("char", 4, &id), -1);
    assert_int_equal(sm_entity_id_parse("Char1", 5, &id), -1);
    assert_int_equal(sm_entity_id_parse("char1x", 6, &id), -1);
    assert_int_equal(sm_entity_id_parse("obj1234567890", 13, &id), -1);
    char buf[24];
    assert_string_equal(sm_entity_id_format((sm_entity_id){SM_ENT_LM, 3}, buf, sizeof buf), "lm3");
}

/* Messy model output: everything reported, nothing fatal. */
static void messy_tags(void **state)
{
    (void)state;
    sm_story_set set;
    sm_story *s = one(&set, "",
        "<gdi image1><gdo char1 char2>they</gdo> <gdo char1>a <gda char1>b</gdo> c</gda>"
        "<gdi image2>no close <gdo char1>x<3 y</gdo></gdi></gdi></gdo><gdi image3");
    /* <gdo char1>a <gda char1>b</gdo>: </gdo> closes the outer gdo and the
     * gda as unclosed; "</gda>" then closes nothing; <gdi image2> closes the
     * open image1 block as unclosed. */
    int unclosed = 0, unopened = 0, syntax = 0;
    for (uint32_t i = 0; i < s->n_issues; i++) {
        unclosed += strcmp(s->issues[i].code, "unclosed") == 0;
        unopened += strcmp(s->issues[i].code, "unopened") == 0;
        syntax += strcmp(s->issues[i].code, "tag-syntax") == 0;
    }
    assert_int_equal(unclosed, 2);
    assert_int_equal(unopened, 3);     /* </gda>, the second </gdi>, </gdo> */
    assert_int_equal(syntax, 1);       /* "<gdi image3" at the end */
    assert_int_equal(s->tags[1].n_ids, 2);
    assert_int_equal(s->tags[1].ids[1].number, 2);
    sm_story_set_free(&set);
}


/* The record reader's own JSON parser (escapes decoded in place) and the
 * jansson fallback must read the same record the same way. */
static void json_escapes_and_fallback(void **state)
{
    (void)state;
    static const char lines[] =
        /* fast path: escapes, a surrogate pair, a nested unknown field */
        "{\"story_id\":\"a\\u00e9\\ud83d\\ude00\",\"images\":[\"x\",1],\"frame_count\":1.0,"
        "\"chain_of_thought\":\"## Image 1\\n\\t\\\"q\\\"\\\\\\/\",\"story\":\"<gdi image1>x</gdi>\","
        "\"extra\":{\"a\":[true,false,null,-1.5e3]}}\n"
        /* an escaped key: only jansson decodes it */
        "{\"story\\u005fid\":\"b\",\"images\":[\"x\"],\"frame_count\":1,"
        "\"chain_of_thought\":\"c\\u00e9\",\"story\":\"s\"}\n"
        /* \u0000 is refused by both */
        "{\"story_id\":\"c\\u0000\",\"images\":[],\"frame_count\":0,\"chain_of_thought\":\"\",\"story\":\"\"}\n"
        /* trailing garbage */
        "{\"story_id\":\"d\"} x\n";
    sm_story_set set;
    sm_error err;
    assert_int_equal(sm_story_read_buffer("j.jsonl", lines, sizeof lines - 1, &set, &err), 0);
    assert_int_equal(set.n_items, 4);
    const sm_story *a = &set.items[0];
    assert_false(a->broken);
    assert_string_equal(a->story_id, "a\xc3\xa9\xf0\x9f\x98\x80");
    assert_int_equal(a->n_images, 1);                     /* the 1 is reported, not kept */
    assert_false(a->has_frame_count);                    /* 1.0 is not an integer */
    assert_string_equal(a->cot, "## Image 1\n\t\"q\"\\/");
    assert_int_equal(a->cot_len, strlen("## Image 1\n\t\"q\"\\/"));
    assert_string_equal(a->text, "<gdi image1>x</gdi>");
    char got[256];
    codes_of(a, got, sizeof got);
    assert_string_equal(got, "field,field");             /* images[1], frame_count */
    const sm_story *b = &set.items[1];
    assert_false(b->broken);
    assert_string_equal(b->story_id, "b");
    assert_string_equal(b->cot, "c\xc3\xa9");
    assert_int_equal(b->record_line, 2);
    assert_true(set.items[2].broken);
    assert_true(set.items[3].broken);
    assert_int_equal(set.items[3].record_line, 4);
    sm_story_set_free(&set);
}

/* The entity index of `story entities`: where each id is described,
 * boxed, mentioned and grounded, its names and its mentions. */
static void entities_index(void **state)
{
    (void)state;
    static const char head[] =
        "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
        "|---|---|---|---|---|---|---|\n";
    static const char objects[] =
        "### Objects\n| Object ID | Description | Function | Interaction | Narrative Function | Bounding Box |\n"
        "|---|---|---|---|---|---|\n";
    char cot[1200];
    snprintf(cot, sizeof cot,
             "## Image 1\n### Characters\n%s| char1 | Ann | d | e | a | n | 1,2,3,4 |\n"
             "| char2 | Bob | d | e | a | n | x |\n%s| obj1 | Lamp | f | i | n | 5,5,9,9 |\n"
             "## Image 2\n### Characters\n%s| char1 | Ann Lee | d | e | a | n | 1,2,3,4 |\n",
             head, objects, head);
    sm_story_set set;
    sm_story *s = one(&set, cot,
                      "<gdi image1><gdo char1>Ann</gdo> sees <gdo obj1>the <b>lamp</b></gdo>.</gdi>"
                      "<gdi image2><gdo char1 char2>They</gdo> go. <gdo lm4>x</gdo></gdi>");
    sm_json j;
    sm_json_init(&j);
    assert_int_equal(sm_story_entities_json(&j, s), 0);
    assert_string_equal(j.buf,
        "{\"story_id\":\"m\",\"images\":2,\"entities\":["
        "{\"id\":\"char1\",\"kind\":\"character\",\"defined\":true,\"names\":[\"Ann\",\"Ann Lee\"],"
        "\"described\":[1,2],\"boxed\":[1,2],\"mentioned\":[1,2],\"grounded\":[1,2],\"mentions\":["
        "{\"image\":1,\"tag\":\"gdo\",\"text\":\"Ann\",\"offset\":12},"
        "{\"image\":2,\"tag\":\"gdo\",\"text\":\"They\",\"offset\":88}]},"
        "{\"id\":\"char2\",\"kind\":\"character\",\"defined\":true,\"names\":[\"Bob\"],"
        "\"described\":[1],\"boxed\":[],\"mentioned\":[2],\"grounded\":[],\"mentions\":["
        "{\"image\":2,\"tag\":\"gdo\",\"text\":\"They\",\"offset\":88}]},"
        "{\"id\":\"obj1\",\"kind\":\"object\",\"defined\":true,\"names\":[\"Lamp\"],"
        "\"described\":[1],\"boxed\":[1],\"mentioned\":[1],\"grounded\":[1],\"mentions\":["
        "{\"image\":1,\"tag\":\"gdo\",\"text\":\"the lamp\",\"offset\":38}]},"
        "{\"id\":\"lm4\",\"kind\":\"landmark\",\"defined\":false,\"names\":[],"
        "\"described\":[],\"boxed\":[],\"mentioned\":[2],\"grounded\":[],\"mentions\":["
        "{\"image\":2,\"tag\":\"gdo\",\"text\":\"x\",\"offset\":120}]}]}");
    sm_json_free(&j);
    sm_story_set_free(&set);
}

/* `story check`'s lines: sorted by field and place, named by story_id. */
static void issues_written_in_order(void **state)
{
    (void)state;
    sm_story_set set;
    sm_story *s = one(&set, "## Image 1\n", "<gdi image1><gdo char9>x</gdo></gdi><gdx>");
    sm_story_check(&set, s, NULL);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert_non_null(f);
    assert_int_equal(sm_story_write_issues(f, &set, s, 0), 0);
    fclose(f);
    assert_true(strncmp(out, "m:", 2) == 0);
    /* chain_of_thought problems first, then story problems by offset */
    char *cot = strstr(out, ": chain_of_thought: "), *story = strstr(out, ": story: ");
    assert_non_null(cot);
    assert_non_null(story);
    assert_true(cot < story);
    assert_non_null(strstr(out, "char9"));
    free(out);
    sm_story_set_free(&set);
}

/* The work of `story check|text|entities` on whole files. */
static void story_commands_on_files(void **state)
{
    (void)state;
    int w = 0, h = 0;
    assert_int_equal(sm_image_size_parse("1280x720", &w, &h), 0);
    assert_int_equal(w * 10000 + h, 12800720);
    assert_int_equal(sm_image_size_parse("12", &w, &h), -1);
    assert_int_equal(sm_image_size_parse("0x5", &w, &h), -1);
    assert_int_equal(sm_image_size_parse("5x5x", &w, &h), -1);

    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    sm_story_check_totals t = {0, 0, 0};
    sm_story_check_options opt = {300, 300};
    sm_error err;
    assert_int_equal(sm_story_check_file(FIXTURES "good.jsonl", NULL, 0, f, &t, &err), 0);
    assert_int_equal(t.records, 3);
    assert_int_equal(t.problems, 0);
    assert_int_equal(sm_story_check_file(FIXTURES "good.jsonl", &opt, 0, f, &t, &err), 0);
    assert_int_equal(t.records, 6);
    assert_true(t.bad_records >= 1 && t.problems >= t.bad_records);
    assert_int_equal(sm_story_check_file(FIXTURES "missing.jsonl", NULL, 0, f, &t, &err), -1);
    assert_int_equal(t.records, 6);
    fclose(f);
    assert_non_null(strstr(text, "s001:5:92: chain_of_thought: bounding box is 63% outside the 300x300 image"));
    free(text);

    char out[256];
    snprintf(out, sizeof out, "%s/text.jsonl", sm_test_dir);
    assert_int_equal(sm_story_write_lines(FIXTURES "good.jsonl", SM_STORY_TEXT, out, &err), 0);
    assert_int_equal(sm_read_file(out, 1 << 20, &text, &len, &err), 0);
    assert_non_null(strstr(text, "{\"story_id\":\"s002\",\"text\":\"Paul adjusts his tie"));
    free(text);
    assert_int_equal(sm_story_write_lines(FIXTURES "model_output.txt", SM_STORY_TEXT_PLAIN, out, &err), 0);
    assert_int_equal(sm_read_file(out, 1 << 20, &text, &len, &err), 0);
    assert_string_equal(text, "John adjusts his tie while Sarah watches him beneath the clock tower. He leans "
                              "against the brick wall and says, \u201cWe're done here.\u201d\n");
    free(text);
    assert_int_equal(sm_story_write_lines(FIXTURES "good.jsonl", SM_STORY_ENTITIES, out, &err), 0);
    assert_int_equal(sm_read_file(out, 1 << 20, &text, &len, &err), 0);
    assert_non_null(strstr(text, "{\"id\":\"bg1\",\"kind\":\"background\",\"defined\":true"));
    free(text);
    /* A record that is not JSON: refused with its line, no output. */
    snprintf(out, sizeof out, "%s/none.jsonl", sm_test_dir);
    assert_int_equal(sm_story_write_lines(FIXTURES "broken.jsonl", SM_STORY_TEXT, out, &err), -1);
    assert_int_equal(err.line, 3);
    FILE *none = fopen(out, "r");
    assert_null(none);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_fixture_is_clean),
        cmocka_unit_test(broken_fixture_codes),
        cmocka_unit_test(locate_positions),
        cmocka_unit_test(plain_text),
        cmocka_unit_test(boxes_and_ids),
        cmocka_unit_test(messy_tags),
        cmocka_unit_test(json_escapes_and_fallback),
        cmocka_unit_test(entities_index),
        cmocka_unit_test(issues_written_in_order),
        cmocka_unit_test(story_commands_on_files),
    };
    return cmocka_run_group_tests(tests, sm_test_dir_make, sm_test_dir_remove);
}
