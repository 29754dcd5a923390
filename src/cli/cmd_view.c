/* cmd_view.c - storymovie view: one HTML page to look at stories and alignments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "storymovie/view.h"

static const char usage_text[] =
"usage: storymovie view --context FILE [--stories FILE] [--movienet DIR] -o PAGE.html\n"
"       storymovie view --alignment FILE [--context FILE] -o PAGE.html\n"
"\n"
"Write one self-contained HTML page to look at stories and alignments:\n"
"open it from disk in any browser.  It needs no network and no server: the\n"
"data is in the page (as JSON), the keyframes are referred to by paths\n"
"relative to the page (or put into it with --embed-images), and a\n"
"Content-Security-Policy lets nothing run but the page's own script.  All\n"
"text from the inputs is shown as text, never read as markup.\n"
"\n"
"Story page (one per context record):\n"
"  - the frames in film order, each with its image number, time in the film\n"
"    and shot; the chain of thought's boxes drawn over it in the keyframe's\n"
"    pixels (characters, objects, landmarks and backgrounds in their own\n"
"    colours), labelled with the id and the real name when one was found;\n"
"  - the story with its grounding tags coloured by kind (<gdo> entity,\n"
"    <gda> action, <gdl> landmark); pointing at or clicking a tag lights its\n"
"    boxes, pointing at a box lights its tags; a StoryMovie record's\n"
"    quotations link to the subtitle they quote, and its original story is\n"
"    shown beside it;\n"
"  - the real names of the char ids and the evidence for them;\n"
"  - the window's dialogue: time, the images it falls on, speaker, the\n"
"    aligner's confidence (abstentions and low confidence marked), text;\n"
"  - the window's script blocks, scenes and synopsis paragraphs;\n"
"  - what 'story check' finds wrong with the story, the context record's\n"
"    problems, and the story's failures, judge verdicts and QA answers\n"
"    when those files are given.\n"
"Alignment page (one per --alignment): the film's subtitle segments against\n"
"its script blocks on one timeline (an overview of the whole film, then\n"
"row by row), a colour per speaker, abstentions and low confidence marked,\n"
"a filter by speaker, the stories' windows.  With more than one story or\n"
"film the page opens on an index.\n"
"\n"
"Options:\n"
"  --context FILE     context records ('storymovie link' or 'build' output)\n"
"  --stories FILE     story records: StoryReasoning, or StoryMovie ('generate\n"
"                     ground' output, OUT/stories.jsonl); matched by story_id\n"
"  --failures FILE    generate's OUT/failures.jsonl: why stories failed\n"
"  --verdicts FILE    'eval judge' OUT/verdicts.jsonl\n"
"  --qa FILE          'eval qa run' answers (JSON Lines, one per question)\n"
"  --alignment FILE   'storymovie align' output of one film (ttXXXXXXX.jsonl;\n"
"                     'build --out DIR' writes DIR/align/ttXXXXXXX.jsonl);\n"
"                     repeat for more films\n"
"  --story ID         show only this story (repeat for more)\n"
"  --movienet DIR     the MovieNet corpus, to find the keyframes; without it\n"
"                     the frames are drawn as empty boxes\n"
"  --embed-images     put the keyframes into the page (base64) instead of\n"
"                     referring to them: the page can then be moved alone\n"
"  -o, --output FILE  the page to write (atomically); required\n"
"  -q, --quiet        no summary on stderr\n"
"  -h, --help         this help\n"
"\n"
"Paths to the keyframes are relative to the page's directory: keep the page\n"
"and the corpus where they are, or use --embed-images.  The result files\n"
"are shown as written: fields the page does not know are ignored.\n"
"\n"
"Exit status: 0 when the page was written; 1 on bad input (a file that\n"
"cannot be read or is of another kind, a story record whose images are not\n"
"those of its context record, an alignment the context records were not\n"
"made from, a --story without a context record); 2 on a usage error.\n"
"\n"
"Examples:\n"
"  storymovie view --context out/context.jsonl --stories stories.jsonl \\\n"
"      --movienet sample/movienet -o stories.html\n"
"  storymovie view --context out/context.jsonl --stories gen/stories.jsonl \\\n"
"      --failures gen/failures.jsonl --verdicts judge/verdicts.jsonl -o gen.html\n"
"  storymovie view --alignment out/align/tt9999901.jsonl --context out/context.jsonl -o film.html\n";

/* Append a repeated option's value; returns -1 when out of memory. */
static int push(const char ***list, size_t *n, const char *value)
{
    const char **g = realloc(*list, (*n + 1) * sizeof *g);
    if (!g)
        return -1;
    g[(*n)++] = value;
    *list = g;
    return 0;
}

int cmd_view(int argc, char **argv)
{
    sm_view_options o;
    sm_view_options_init(&o);
    const char **alignments = NULL, **only = NULL;
    int quiet = 0, status = 0;
    for (int i = 1; i < argc && status == 0; i++) {
        const char *a = argv[i];
        int has_next = i + 1 < argc;
        if (cli_is_help(a)) {
            fputs(usage_text, stdout);
            free(alignments);
            free(only);
            return 0;
        } else if (!strcmp(a, "--context") && has_next) {
            o.context_path = argv[++i];
        } else if (!strcmp(a, "--stories") && has_next) {
            o.stories_path = argv[++i];
        } else if (!strcmp(a, "--failures") && has_next) {
            o.failures_path = argv[++i];
        } else if (!strcmp(a, "--verdicts") && has_next) {
            o.verdicts_path = argv[++i];
        } else if (!strcmp(a, "--qa") && has_next) {
            o.qa_path = argv[++i];
        } else if (!strcmp(a, "--alignment") && has_next) {
            if (push(&alignments, &o.n_alignments, argv[++i]))
                status = 1;
        } else if (!strcmp(a, "--story") && has_next) {
            if (push(&only, &o.n_only, argv[++i]))
                status = 1;
        } else if (!strcmp(a, "--movienet") && has_next) {
            o.movienet_root = argv[++i];
        } else if (!strcmp(a, "--embed-images")) {
            o.embed_images = 1;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_next) {
            o.out_path = argv[++i];
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = 1;
        } else {
            cli_errorf("view: unknown option or argument '%s' (or missing value); "
                       "see 'storymovie view --help'", a);
            status = 2;
        }
    }
    if (status == 0 && (!o.out_path || (!o.context_path && o.n_alignments == 0))) {
        cli_errorf("view: need -o PAGE.html and --context FILE or --alignment FILE; "
                   "see 'storymovie view --help'");
        status = 2;
    }
    if (status == 0 && !o.context_path && (o.stories_path || o.failures_path || o.verdicts_path ||
                                           o.qa_path || o.n_only)) {
        cli_errorf("view: --stories, --failures, --verdicts, --qa and --story need --context FILE");
        status = 2;
    }
    if (status == 1)
        cli_errorf("view: out of memory");
    o.alignments = alignments;
    o.only = only;
    sm_view_stats st;
    sm_error err;
    if (status == 0 && sm_view_write(&o, &st, &err) != 0) {
        cli_report(&err);
        status = 1;
    }
    if (status == 0 && !quiet) {
        fprintf(stderr, "view: %zu stor%s (%zu with a story record), %zu film%s; %zu frames",
                st.stories, st.stories == 1 ? "y" : "ies", st.with_story, st.films,
                st.films == 1 ? "" : "s", st.frames);
        if (o.movienet_root)
            fprintf(stderr, " (%zu keyframes found, %zu missing)", st.images_found,
                    st.images_missing);
        fprintf(stderr, ", %zu boxes\n", st.boxes);
        if (st.stories_without_context)
            fprintf(stderr, "view: %zu story records have no context record and are not shown\n",
                    st.stories_without_context);
        if (st.results_unmatched)
            fprintf(stderr, "view: %zu failure/verdict/QA records are about stories not shown\n",
                    st.results_unmatched);
        fprintf(stderr, "view: wrote %s (%.1f KB%s)\n", o.out_path, st.html_bytes / 1024.0,
                o.embed_images ? ", keyframes embedded" : "");
    }
    free(alignments);
    free(only);
    return status;
}
