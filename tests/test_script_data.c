/* test_script_data.c - the screenplay readers on the third-party files in
 * SM_SHARED_DATA (read in place; each test skips when the data is absent):
 *  - every Friends transcript: at least 99% of its "Name: ..." paragraphs
 *    are dialogue blocks with that speaker;
 *  - the two IMSDb-style movie scripts: scene, dialogue and speaker counts
 *    and the leading speakers, checked by eye once and pinned here;
 *  - every Fountain file, with the exact element types for the small
 *    edge-case files of the screenplain test suite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "storymovie/script.h"

static int have_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = (size_t)n;
    }
    return buf;
}

static void read_script(const char *path, sm_script *s)
{
    sm_error err = {0};
    if (sm_script_read_file(path, s, &err) != 0)
        fail_msg("%s:%ld: %s", err.file, err.line, err.message);
}

/* ---- Friends ---- */

/* The speaker of a "Name: ..." line as a reader would take it: the text
 * before the colon with any (note) removed.  0 when the line has no such
 * shape: ^[A-Z][^:\n]{0,40}: */
static int paragraph_speaker(const char *line, size_t n, char *out, size_t size)
{
    if (n == 0 || line[0] < 'A' || line[0] > 'Z')
        return 0;
    size_t colon = 1;
    while (colon < n && colon <= 41 && line[colon] != ':')
        colon++;
    if (colon >= n || line[colon] != ':')
        return 0;
    size_t o = 0;
    int depth = 0;
    for (size_t i = 0; i < colon && o + 1 < size; i++) {
        if (line[i] == '(')
            depth++;
        else if (line[i] == ')' && depth)
            depth--;
        else if (!depth)
            out[o++] = line[i];
    }
    while (o && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    return 1;
}

/* "Written by", "Transcribed by", "With Help From": header credits (but
 * "Bobby" is a speaker). */
static int credit_name(const char *name)
{
    size_t n = strlen(name);
    return (n >= 3 && strcasecmp(name + n - 3, " by") == 0) ||
           (n >= 5 && strcasecmp(name + n - 5, " from") == 0);
}

static void friends_transcripts(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/friends", SM_SHARED_DATA);
    if (!have_dir(dir)) {
        printf("skipped: %s not found\n", dir);
        skip();
    }
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    size_t files = 0, total = 0, matched = 0;
    double worst = 1.0;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "friends-", 8) != 0)
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s/transcript.txt", dir, e->d_name);
        size_t len;
        char *raw = slurp(path, &len);
        if (!raw)
            continue;
        sm_script s;
        read_script(path, &s);
        assert_int_equal(s.format, SM_SCRIPT_TRANSCRIPT);
        /* block index by first line */
        size_t lines = 1;
        for (size_t i = 0; i < len; i++)
            lines += raw[i] == '\n';
        const sm_block **at = calloc(lines + 2, sizeof *at);
        for (size_t i = 0; i < s.n_blocks; i++)
            if (s.blocks[i].line >= 1 && (size_t)s.blocks[i].line <= lines)
                at[s.blocks[i].line] = &s.blocks[i];
        size_t t = 0, m = 0, line_no = 1;
        const char *p = raw, *end = raw + len;
        /* skip a BOM so the first line reads like the others */
        if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
            p += 3;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = (size_t)((nl ? nl : end) - p);
            if (n && p[n - 1] == '\r')
                n--;
            char name[64];
            if (paragraph_speaker(p, n, name, sizeof name) && !credit_name(name)) {
                t++;
                const sm_block *b = at[line_no];
                if (b && b->kind == SM_BLOCK_DIALOGUE && strcmp(b->speaker, name) == 0)
                    m++;
                else
                    printf("  %s:%zu: not read as %s's dialogue\n", path, line_no, name);
            }
            line_no++;
            p = nl ? nl + 1 : end;
        }
        double ratio = t ? (double)m / (double)t : 1.0;
        if (ratio < worst)
            worst = ratio;
        if (ratio < 0.99)
            fail_msg("%s: only %zu of %zu Name: paragraphs are dialogue with that speaker", path, m, t);
        total += t;
        matched += m;
        files++;
        free(at);
        free(raw);
        sm_script_free(&s);
    }
    closedir(d);
    printf("friends: %zu transcripts, %zu of %zu 'Name:' paragraphs read as dialogue with the right "
           "speaker (%.2f%%; worst file %.2f%%)\n",
           files, matched, total, total ? 100.0 * (double)matched / (double)total : 0.0, 100.0 * worst);
    assert_int_equal(files, 46);
}

/* ---- movies ---- */

typedef struct movie_expect {
    const char *dir;
    int scenes;
    size_t dialogue, speakers;
    const char *top[4];
} movie_expect;

static void count_speakers(const sm_script *s, size_t *dialogue, size_t *speakers,
                           const char **top, size_t ntop)
{
    /* tiny O(n * speakers) count: scripts have a few dozen speakers */
    const char *keys[512];
    const char *names[512];
    size_t counts[512];
    size_t k = 0;
    *dialogue = 0;
    for (size_t i = 0; i < s->n_blocks; i++) {
        const sm_block *b = &s->blocks[i];
        if (b->kind != SM_BLOCK_DIALOGUE)
            continue;
        (*dialogue)++;
        size_t j = 0;
        while (j < k && strcmp(keys[j], b->speaker_key) != 0)
            j++;
        if (j == k && k < 512) {
            keys[k] = b->speaker_key;
            names[k] = b->speaker;
            counts[k++] = 0;
        }
        if (j < 512)
            counts[j]++;
    }
    *speakers = k;
    for (size_t t = 0; t < ntop; t++) {
        size_t best = 0;
        for (size_t j = 1; j < k; j++)
            if (counts[j] > counts[best])
                best = j;
        top[t] = k ? names[best] : NULL;
        if (k)
            counts[best] = 0;
    }
}

static void movie_screenplays(void **state)
{
    (void)state;
    const movie_expect movies[] = {
        {"birthday_girl", 179, 589, 22, {"JOHN", "NADIA", "YURI", "ALEXEI"}},
        {"the_assignment", 194, 741, 50, {"RAMIREZ", "JACK", "AMOS", "CARLOS"}},
    };
    for (size_t m = 0; m < sizeof movies / sizeof movies[0]; m++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/movies/%s/screenplay.txt", SM_SHARED_DATA, movies[m].dir);
        FILE *f = fopen(path, "rb");
        if (!f) {
            printf("skipped: %s not found\n", path);
            skip();
        }
        fclose(f);
        sm_script s;
        read_script(path, &s);
        assert_int_equal(s.format, SM_SCRIPT_PLAIN);
        size_t dialogue, speakers;
        const char *top[4];
        count_speakers(&s, &dialogue, &speakers, top, 4);
        printf("%s: %d scenes, %zu dialogue blocks, %zu speakers, top %s %s %s %s\n", movies[m].dir,
               s.n_scenes, dialogue, speakers, top[0], top[1], top[2], top[3]);
        assert_int_equal(s.n_scenes, movies[m].scenes);
        assert_int_equal(dialogue, movies[m].dialogue);
        assert_int_equal(speakers, movies[m].speakers);
        for (int t = 0; t < 4; t++)
            assert_string_equal(top[t], movies[m].top[t]);
        /* no cue leaks into speech or action: speakers are short caps names */
        for (size_t i = 0; i < s.n_blocks; i++) {
            const sm_block *b = &s.blocks[i];
            if (b->kind == SM_BLOCK_DIALOGUE) {
                assert_true(strlen(b->speaker) < 40);
                assert_true(b->text[0] != '\0');
            }
        }
        sm_script_free(&s);
    }
}

/* ---- Fountain ---- */

typedef struct fountain_expect {
    const char *file;
    const char *kinds;     /* space-separated kind names, in order */
    const char *texts[12]; /* texts of the first blocks (NULL: not checked) */
} fountain_expect;

/* The shared Fountain files' folder; the test is skipped without it. */
static void fountain_dir(char *dir, size_t size)
{
    snprintf(dir, size, "%s/fountain", SM_SHARED_DATA);
    if (!have_dir(dir)) {
        printf("skipped: %s not found\n", dir);
        skip();
    }
}

static void fountain_files(void **state)
{
    (void)state;
    char dir[1024];
    fountain_dir(dir, sizeof dir);
    static const fountain_expect expect[] = {
        {"boneyard.fountain", "action transition scene_heading action",
         {"As he rattles off the long list, Brick and Steel share a look.  This is going to be BAD.",
          "CUT TO:", "EXT. PALATIAL MANSION - DAY"}},
        {"dialogue-character-extension.fountain", "dialogue", {"What was it you said?"}},
        {"dialogue-with-blank-line.fountain", "dialogue", {"Dealer gets a seven. Hit or stand sir?"}},
        {"dialogue.fountain", "dialogue dialogue", {"Let me tell you something.", "I don't wanna."}},
        {"dual-dialogue.fountain", "dialogue dialogue", {"Hey!", "Hello!"}},
        {"extended-characters.fountain", "action", {NULL}},
        {"forced-action.fountain", "action", {"THIS IS FORCED ACTION\nThis is another line of action!"}},
        {"forced-transition.fountain", "transition", {"Black screen indicating a discontinuity of time."}},
        {"indentation.fountain", "scene_heading action action action action action",
         {"EXT. INDENTATION TEST", "    Four spaces", "   Three spaces", "  Two spaces", " One space", "No spaces"}},
        {"notes.fountain", "action action action action action action action action action action",
         {"Before1 After1", "Before2 After2", "Before3 After3", "Multiple on one",
          "This is not [[\na proper note", "because it contains a blank line\n]]",
          "Before full paragraph note", "After full paragraph note", "Before multi-paragraph note",
          "After multi-paragraph note"}},
        {"page-break.fountain", "action page_break scene_heading", {"First some action", NULL, "INT. SOMEWHERE - DAY"}},
        {"parenthetical.fountain", "dialogue", {"Hello!!!"}},
        {"scene-numbers.fountain", "scene_heading action scene_heading action scene_heading action "
                                   "scene_heading action scene_heading action",
         {"INT. THE FIRST PLACE - DAY"}},
        {"sections.fountain", "section synopsis section synopsis scene_heading synopsis action section "
                              "scene_heading action",
         {"First level", "Synopsis for level one.", "Second level", "Synopsis for level two.",
          "EXT. STREET - DAWN", "Synopsis for the street scene", "DAWN walks down the street.",
          "Second level again", "EXT. ALLEY - CONTINUOUS", "Dawn walks into this place."}},
        {"simple.fountain", "scene_heading action action dialogue dialogue dialogue",
         {"EXT. SOMEWHERE - DAY", "GUY and GURL walk down the street.",
          "It's a sunny day.\nSunnier than normal.\nToo sunny to be funny.", "So what's up?",
          "Nothing much. Just thinking. And you?", "Nothing."}},
        {"title-page.fountain", "action action", {"FADE IN:", "SPACE"}},
        {"utf-8-bom.fountain", "scene_heading action action dialogue dialogue dialogue",
         {"EXT. SOMEWHERE - DAY"}},
        {"Brick-and-Steel.fountain", NULL, {NULL}},
        {"Big-Fish.fountain", NULL, {NULL}},
        {"The-Last-Birthday-Card.fountain", NULL, {NULL}},
    };
    for (size_t k = 0; k < sizeof expect / sizeof expect[0]; k++) {
        const fountain_expect *x = &expect[k];
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, x->file);
        sm_script s;
        read_script(path, &s);
        assert_int_equal(s.format, SM_SCRIPT_FOUNTAIN);
        if (x->kinds) {
            char got[1024] = "";
            for (size_t i = 0; i < s.n_blocks; i++) {
                if (i)
                    strcat(got, " ");
                strcat(got, sm_block_kind_name(s.blocks[i].kind));
            }
            if (strcmp(got, x->kinds) != 0)
                fail_msg("%s: kinds '%s', expected '%s'", x->file, got, x->kinds);
            for (size_t i = 0; i < 12 && i < s.n_blocks; i++)
                if (x->texts[i])
                    assert_string_equal(s.blocks[i].text, x->texts[i]);
        }
        sm_script_free(&s);
    }
}

/* Details of the same files that the kinds do not show. */
static void fountain_file_details(void **state)
{
    (void)state;
    char dir[1024], path[2048];
    fountain_dir(dir, sizeof dir);
    sm_script s;
    snprintf(path, sizeof path, "%s/dialogue-character-extension.fountain", dir);
    read_script(path, &s);
    assert_string_equal(s.blocks[0].speaker, "HANS");
    assert_string_equal(s.blocks[0].extension, "on the radio");
    sm_script_free(&s);

    snprintf(path, sizeof path, "%s/dual-dialogue.fountain", dir);
    read_script(path, &s);
    assert_string_equal(s.blocks[0].speaker, "GIRL");
    assert_string_equal(s.blocks[1].speaker, "GUY");
    assert_int_equal(s.blocks[0].dual, 1);
    assert_int_equal(s.blocks[1].dual, 1);
    sm_script_free(&s);

    snprintf(path, sizeof path, "%s/parenthetical.fountain", dir);
    read_script(path, &s);
    assert_string_equal(s.blocks[0].speaker, "JOHN DOE");
    assert_string_equal(s.blocks[0].parenthetical, "screaming");
    sm_script_free(&s);

    snprintf(path, sizeof path, "%s/scene-numbers.fountain", dir);
    read_script(path, &s);
    const char *numbers[] = {"1", "2", NULL, NULL, "2-B"};
    for (int i = 0; i < 5; i++) {
        const sm_block *b = &s.blocks[2 * i];
        if (numbers[i])
            assert_string_equal(b->scene_number, numbers[i]);
        else
            assert_null(b->scene_number);
    }
    sm_script_free(&s);

    snprintf(path, sizeof path, "%s/title-page.fountain", dir);
    read_script(path, &s);
    assert_int_equal(s.n_title, 3);
    assert_string_equal(s.title[0].key, "Title");
    assert_string_equal(s.title[0].value, "My Screenplay");
    assert_string_equal(s.title[2].key, "Contact");
    assert_string_equal(s.title[2].value, "your.email@example.com\n(555) 123-4567");
    sm_script_free(&s);

    snprintf(path, sizeof path, "%s/boneyard.fountain", dir);
    read_script(path, &s);
    assert_int_equal(s.blocks[2].line, 20);       /* line numbers survive the cut */
    sm_script_free(&s);

    snprintf(path, sizeof path, "%s/extended-characters.fountain", dir);
    read_script(path, &s);
    assert_non_null(strstr(s.blocks[0].text, "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82")); /* привет */
    sm_script_free(&s);

    snprintf(path, sizeof path, "%s/Brick-and-Steel.fountain", dir);
    read_script(path, &s);
    assert_int_equal(s.n_scenes, 8);
    assert_string_equal(s.title[0].value, "BRICK & STEEL\nFULL RETIRED");
    size_t dual = 0, centered = 0, dialogue = 0;
    for (size_t i = 0; i < s.n_blocks; i++) {
        dual += s.blocks[i].dual;
        centered += s.blocks[i].centered;
        dialogue += s.blocks[i].kind == SM_BLOCK_DIALOGUE;
    }
    assert_int_equal(dual, 2);
    assert_int_equal(centered, 3);
    assert_int_equal(dialogue, 20);
    sm_script_free(&s);

    snprintf(path, sizeof path, "%s/The-Last-Birthday-Card.fountain", dir);
    read_script(path, &s);
    size_t sections = 0, synopses = 0;
    for (size_t i = 0; i < s.n_blocks; i++) {
        sections += s.blocks[i].kind == SM_BLOCK_SECTION;
        synopses += s.blocks[i].kind == SM_BLOCK_SYNOPSIS;
    }
    assert_int_equal(sections, 28);
    assert_int_equal(synopses, 7);
    sm_script_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(friends_transcripts),
        cmocka_unit_test(movie_screenplays),
        cmocka_unit_test(fountain_files),
        cmocka_unit_test(fountain_file_details),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
