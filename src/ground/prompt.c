/* prompt.c - the text `generate ground` sends to the model (version
 * SM_GROUND_PROMPT_VERSION): what the story is, what the film says about its
 * frames, and the rules its rewrite is checked against.
 *
 * The rules here say in words what verify.c checks; change one and the
 * other changes with it, and the version with both. */
#include "ground/ground_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/script.h"

const char sm_ground_system_prompt[] =
    "You rewrite short stories told about a sequence of frames from a film. A story marks "
    "what it says about the frames with tags: <gdi imageN>...</gdi> holds the text for image "
    "N, <gdo ID>...</gdo> marks a mention of a character or object, <gda ID>...</gda> an "
    "action of that character, and <gdl ID>...</gdl> a landmark or background. The IDs (char1, "
    "obj2, lm1, bg1, ...) are defined in the chain of thought, which describes every frame in "
    "tables. You are given the film's script for the time the frames cover: the real names "
    "of the characters and what is really said, and by whom. Rewrite the story so that it "
    "uses the real names and the real dialogue, while keeping every grounding tag.";

/* A growable text. */
typedef struct buf {
    char *s;
    size_t len, cap;
    int failed;
} buf;

static void put(buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void put(buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        if (sm_grow(&b->s, &b->cap, b->len + (size_t)n + 1 + 256, 1) != 0) {
            b->failed = 1;
            return;
        }
    }
}

static void put_text(buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (sm_grow(&b->s, &b->cap, b->len + n + 1, 1) != 0) {
        b->failed = 1;
        return;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void put_str(buf *b, const char *s)
{
    put_text(b, s, strlen(s));
}

/* A whole number, written without printf: a prompt has hundreds. */
static void put_long(buf *b, long v)
{
    char d[24];
    size_t n = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do
        d[sizeof d - ++n] = (char)('0' + u % 10);
    while ((u /= 10) && n < sizeof d - 1);
    if (v < 0)
        d[sizeof d - ++n] = '-';
    put_text(b, d + sizeof d - n, n);
}

/* Strings one after the other, up to a NULL. */
static void put_strs(buf *b, ...)
{
    va_list ap;
    va_start(ap, b);
    for (const char *s; (s = va_arg(ap, const char *)) != NULL;)
        put_str(b, s);
    va_end(ap);
}

static char *finish(buf *b)
{
    if (b->failed) {
        free(b->s);
        return NULL;
    }
    if (!b->s)
        put_text(b, "", 0);
    return b->failed ? NULL : b->s;
}

/* 107.2 -> "1:47.2" */
static void put_time(buf *b, double t)
{
    if (t < 0)
        t = 0;
    long tenths = (long)(t * 10 + 0.5), sec = (tenths / 10) % 60;
    char mmss[5] = {':', (char)('0' + sec / 10), (char)('0' + sec % 10), '.', (char)('0' + tenths % 10)};
    put_long(b, tenths / 600);
    put_text(b, mmss, sizeof mmss);
}

static void put_where(buf *b, const sm_context_marks *m)
{
    if (m->n_frames == 1) {
        put_str(b, "image ");
        put_long(b, m->frames[0]);
    } else if (m->n_frames > 1) {
        put_str(b, "images ");
        for (size_t i = 0; i < m->n_frames; i++) {
            if (i)
                put_text(b, ",", 1);
            put_long(b, m->frames[i]);
        }
    } else if (m->has_between && m->between[0] && m->between[1])
        put(b, "between images %d and %d", m->between[0], m->between[1]);
    else if (m->has_between && m->between[1])
        put(b, "before image %d", m->between[1]);
    else if (m->has_between && m->between[0])
        put(b, "after image %d", m->between[0]);
    else
        put_str(b, "in the window");
}

/* Text on one line (action keeps its line breaks in the record): each
 * run of white space one space, none at either end. */
static void put_line(buf *b, const char *s)
{
    static const char ws[] = " \t\r\n";
    int any = 0;
    while (s && *s) {
        s += strspn(s, ws);
        size_t word = strcspn(s, ws);
        if (!word)
            break;
        if (any)
            put_text(b, " ", 1);
        put_text(b, s, word);
        s += word;
        any = 1;
    }
}

/* The char a screenplay speaker is, if any. */
static const sm_context_character *char_of_speaker(const sm_context *c, const char *speaker)
{
    if (!speaker)
        return NULL;
    for (size_t i = 0; i < c->n_characters; i++)
        if (c->characters[i].name && sm_speaker_agrees(c->characters[i].name, speaker))
            return &c->characters[i];
    return NULL;
}

/* The story and its frames: film, window, chain of thought, original story. */
static void put_story(buf *b, const sm_story *s, const sm_context *c)
{
    put_str(b, "# The story to rewrite\n\n");
    put_strs(b, "Film: ", c->title ? c->title : c->movie, "\nFrames: ", NULL);
    put_long(b, (long)c->n_frames);
    put_str(b, " images, from ");
    put_time(b, c->window.first_frame);
    put_str(b, " to ");
    put_time(b, c->window.last_frame);
    put_str(b, " into the film.\n\n");

    put_str(b, "## Chain of thought\n\n");
    put_text(b, s->cot, s->cot_len);
    put_str(b, "\n\n## Original story\n\n");
    put_text(b, s->text, s->text_len);
    put_str(b, "\n\n");
}

/* The real names of the story's chars. */
static void put_names(buf *b, const sm_context *c)
{
    put_str(b, "# What the film says about these frames\n\n");
    put_str(b, "## Real names of the characters\n\n");
    if (c->n_characters == 0)
        put_str(b, "No character of the chain of thought could be named.\n");
    for (size_t i = 0; i < c->n_characters; i++) {
        const sm_context_character *ch = &c->characters[i];
        if (ch->name) {
            put_strs(b, "- ", ch->id, " is ", ch->name, NULL);
            if (ch->evidence.speaker)
                put_strs(b, " (", ch->evidence.speaker, " in the script)", NULL);
            put_str(b, "\n");
        } else {
            put_strs(b, "- ", ch->id, ": no name is known; do not give ", ch->id, " a name\n", NULL);
        }
    }
}

/* The window's dialogue, each line with its speaker and, where the speaker
 * is a char of the story, its name and id. */
static void put_dialogue(buf *b, const sm_context *c)
{
    put_str(b, "\nDialogue heard while the frames are on screen (subtitles in order, with "
            "the speaker the script gives each line):\n");
    if (c->n_dialogue == 0)
        put_str(b, "- nothing is said.\n");
    /* A window has a handful of speakers over dozens of lines: each
     * speaker is matched against the names once. */
    const char *seen[16];
    const sm_context_character *seen_ch[16];
    size_t n_seen = 0;
    for (size_t i = 0; i < c->n_dialogue; i++) {
        const sm_context_segment *d = &c->dialogue[i];
        const sm_context_character *ch = NULL;
        size_t k = 0;
        while (k < n_seen && !(d->speaker && strcmp(seen[k], d->speaker) == 0))
            k++;
        if (k < n_seen) {
            ch = seen_ch[k];
        } else {
            ch = char_of_speaker(c, d->speaker);
            if (d->speaker && n_seen < sizeof seen / sizeof seen[0]) {
                seen[n_seen] = d->speaker;
                seen_ch[n_seen++] = ch;
            }
        }
        put_str(b, "- ");
        put_time(b, d->start);
        put_str(b, ", ");
        put_where(b, &d->marks);
        if (!d->speaker)
            put_str(b, ", speaker unknown: ");
        else if (ch)
            put_strs(b, ", ", d->speaker, " (", ch->name, ", ", ch->id, "): ", NULL);
        else
            put_strs(b, ", ", d->speaker, ": ", NULL);
        put_line(b, d->text ? d->text : "");
        put_str(b, "\n");
    }
}

/* The script context: scenes, action, dialogue (or why there is none). */
static void put_script_context(buf *b, const sm_context *c)
{
    put_str(b, "\n## Script context\n\n");
    if (!c->alignment) {
        put_str(b, "The film's script and subtitles could not be matched for these frames: "
                "nothing is known of what is said, so quote nothing.\n");
    } else {
        for (size_t i = 0; i < c->n_scenes; i++) {
            put_str(b, "Scene: ");
            put_line(b, c->scenes[i].heading ? c->scenes[i].heading : "(no heading)");
            put_str(b, " (");
            put_where(b, &c->scenes[i].marks);
            put_str(b, ")\n");
        }
        int any_action = 0;
        for (size_t i = 0; i < c->n_script; i++) {
            const sm_context_block *bl = &c->script[i];
            if (strcmp(bl->kind, "action") != 0 || !bl->text)
                continue;
            if (!any_action++)
                put_str(b, "\nAction described by the script:\n");
            put_str(b, "- ");
            put_time(b, bl->start);
            put_str(b, ", ");
            put_where(b, &bl->marks);
            put_str(b, ": ");
            put_line(b, bl->text);
            put_str(b, "\n");
        }
        put_dialogue(b, c);
    }
}

/* The rules, with an example that uses a char of this story and its name. */
static void put_rules(buf *b, const sm_context *c)
{
    const char *ex_id = "char1", *ex_name = "Martha";
    for (size_t i = 0; i < c->n_characters; i++)
        if (c->characters[i].name) {
            ex_id = c->characters[i].id;
            ex_name = c->characters[i].name;
            break;
        }
    char ex_first[64];
    size_t fl = strcspn(ex_name, " ");
    snprintf(ex_first, sizeof ex_first, "%.*s", (int)(fl < sizeof ex_first ? fl : sizeof ex_first - 1), ex_name);
    /* The rules, the example's id and first name put in (no printf: this
     * runs once per request). */
    put_strs(b, "\n# Rules\n\n"
                 "1. Keep every grounding tag of the original story: one <gdi imageN> block per "
                 "image, in order, and in each block every <gdo>, <gda> and <gdl> tag with its IDs. "
                 "You may change the words inside the tags and around them, and add tags that use "
                 "IDs of the chain of thought.\n"
                 "2. Call each character with a real name above by that name (full, first or last "
                 "name) inside one of its <gdo> tags at least once, for example <gdo ",
             ex_id, ">", ex_first, "</gdo>. "
                 "Never give a character another person's name, and give no name to a character "
                 "whose name is not known.\n"
                 "3. Quote only lines of the dialogue above, word for word, in double quotes, and "
                 "never invent a line. A quotation may be a part of a line.\n"
                 "4. Give every quoted line to the character who says it in the dialogue above, as "
                 "the subject of the sentence with the quotation: <gdo ",
             ex_id, ">", ex_first, "</gdo> <gda ", ex_id, ">says</gda>, \"...\" or \"...,\" <gdo ",
             ex_id, ">", ex_first, "</gdo> <gda ", ex_id, ">says</gda>. "
                 "Do not quote a line whose speaker is unknown as anyone's.\n"
                 "5. State no relationship, feeling or motive that the script context does not "
                 "support.\n\n"
                 "Answer with the rewritten story only: the <gdi> blocks with the tags inline, "
                 "without a heading, notes or code fences.\n",
             NULL);
}

char *sm_ground_prompt(const sm_story *s, const sm_context *c)
{
    buf b = {0};
    put_story(&b, s, c);
    put_names(&b, c);
    put_script_context(&b, c);
    put_rules(&b, c);
    return finish(&b);
}

char *sm_ground_retry_prompt(const sm_ground_verdict *v)
{
    buf b = {0};
    put(&b, "The story was checked against the rules and the script, and it has %s:\n",
        v->n_problems == 1 ? "this problem" : "these problems");
    size_t shown = v->n_problems > 30 ? 30 : v->n_problems;
    for (size_t i = 0; i < shown; i++)
        put(&b, "- %s\n", v->problems[i].message);
    if (shown < v->n_problems)
        put(&b, "- and %zu more of the same kinds\n", v->n_problems - shown);
    put_str(&b, "\nWrite the whole story again with every problem fixed, keeping what was right. "
            "Answer with the story only.\n");
    return finish(&b);
}
