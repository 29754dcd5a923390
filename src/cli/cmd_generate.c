/* cmd_generate.c - storymovie generate ground|tell: options, then the
 * library (include/storymovie/generate.h) does the run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_llm.h"
#include "cli/commands.h"
#include "storymovie/generate.h"
#include "storymovie/ground.h"

static const char ground_usage[] =
"usage: storymovie generate ground --stories FILE --context FILE --out DIR\n"
"                                  [--model M] [options]\n"
"       storymovie generate ground --stories FILE --context FILE --show-prompt STORY_ID\n"
"\n"
"Have a model rewrite each StoryReasoning story with the film's real character\n"
"names and real dialogue, keeping every grounding tag, and keep the rewrites\n"
"that pass verification.  The model gets the chain of thought, the original\n"
"story, the real names found for its char ids and the script context of its\n"
"frames (build's context.jsonl: scene headings, action, dialogue with speakers\n"
"and times), and answers with the story, tags inline.  Prompt version\n"
SM_GROUND_PROMPT_VERSION "; --show-prompt prints its full text for one story.\n"
"\n"
"Verification (no model; docs/generate.md) passes a story only when\n"
"  1. it passes every 'story check' rule against its chain of thought and keeps\n"
"     every grounding tag of the original (per image: kind and id);\n"
"  2. each named char the story mentions is called by its name (full, first or\n"
"     last) inside its <gdo> tags, and no char is given another person's name;\n"
"  3. every quotation (\"...\" or curly quotes) is said in the window's subtitles:\n"
"     80% of its words, in order, in one segment or consecutive segments of\n"
"     one speaker;\n"
"  4. a quotation the story gives to someone (the speaking subject of its\n"
"     sentence) is said by that person, where the aligner named the speaker;\n"
"  5. the answer was not cut off at the token limit.\n"
"A story that fails is asked again with its problems listed, up to\n"
"--max-attempts times in all.\n"
"\n"
"Options:\n"
"  --stories FILE     StoryReasoning records (JSON Lines: story_id, images,\n"
"                     frame_count, chain_of_thought, story)\n"
"  --context FILE     their context records ('storymovie build … --out DIR' writes\n"
"                     DIR/context.jsonl)\n"
"  --out DIR          output directory (created)\n"
"  --max-attempts N   asks per story, the first included (default 3)\n"
"  --story ID         only this story (repeat for several)\n"
"  --movienet DIR     the MovieNet root the stories' images are under; needed\n"
"                     with --images data|file (frames are left out by default:\n"
"                     the chain of thought describes them)\n"
"  --show-prompt ID   print the full text of story ID's first request and exit\n"
"  -q, --quiet        no progress line and no summary on standard error\n"
"  -h, --help         this help\n"
"\n"
CLI_LLM_HELP_BODY
"  (generate ground: --images none and --temperature 0.3 unless given)\n"
"\n"
CLI_LLM_HELP_ANSWERS
"\n"
"Output files (written atomically when the run ends, in the order of --stories):\n"
"  OUT/stories.jsonl  one StoryMovie record per story that passed: story_id,\n"
"                     movie, images, frame_count, chain_of_thought (its Name\n"
"                     column filled with the real names), story, source_story,\n"
"                     names, quotes [{text, cue, segment, speaker, attributed_to,\n"
"                     char, segments}], model, prompt_version, attempts\n"
"  OUT/failures.jsonl one record per story that did not pass, with every\n"
"                     reason: verification (the problems of each attempt, with\n"
"                     its answer), no answer (the LLM layer's status and\n"
"                     message), no context record\n"
"  OUT/attempts.jsonl every answer verified: story_id, attempt, custom_id,\n"
"                     passed, problems [{code, rule, message}]\n"
"  OUT/summary.json   the LLM counts and the stories' outcomes\n"
"Stories written to --requests-out have no line yet: run again with\n"
"--responses to go on.\n"
"\n"
"Exit status: 0 when every story passed, failed verification or was written\n"
"for a batch run; 1 when some story got no usable answer (asked again by the\n"
"next run), on bad input (a stories or context file of the wrong kind, a\n"
"context of another corpus, an unknown --story, a responses file with lines\n"
"that are not Batch output or that answer other requests) and when the\n"
"server cannot be reached (then no output file is written; the answers that\n"
"came are in the cache); 2 on a usage error.\n"
"\n"
"Examples:\n"
"  storymovie generate ground --stories stories.jsonl --context out/context.jsonl \\\n"
"      --out ground --api-base http://localhost:8000/v1 --model Qwen/Qwen2.5-72B-Instruct -j 32\n"
"  storymovie generate ground --stories stories.jsonl --context out/context.jsonl \\\n"
"      --show-prompt tt0120338_0042\n";

static const char tell_usage[] =
"usage: storymovie generate tell --stories FILE --movienet DIR --out DIR\n"
"                                --model M [options]\n"
"\n"
"Show a model under test (for example a Storyteller served by vLLM) each\n"
"story's frames with the StoryReasoning instruction - the one the training\n"
"exports write (prompt version storyteller-1, docs/export.md) - and record\n"
"what it tells: '<think>chain of thought</think>story', split into its two\n"
"parts.  With --samples K it is\n"
"asked K times per story (preference data): sample k carries the seed S+k-1\n"
"(S from --seed, else 0), so the K answers differ and are cached apart.\n"
"\n"
"Options:\n"
"  --stories FILE     story records (only story_id and images are used)\n"
"  --movienet DIR     the MovieNet root the stories' images are under\n"
"  --out DIR          output directory (created)\n"
"  --samples K        answers per story (default 1)\n"
"  --story ID         only this story (repeat for several)\n"
"  -q, --quiet        no progress line and no summary on standard error\n"
"  -h, --help         this help\n"
"\n"
CLI_LLM_HELP_BODY
"  (generate tell: --max-tokens 8192 unless given; the server's temperature\n"
"  unless --temperature)\n"
"\n"
CLI_LLM_HELP_ANSWERS
"\n"
"Output files (written atomically when the run ends):\n"
"  OUT/stories.jsonl  one record per answer, story by story, sample by sample:\n"
"                     story_id, images, frame_count, chain_of_thought, story,\n"
"                     model, prompt_version, sample (1..K), parse (ok: chain of\n"
"                     thought and story; no_think: no </think>, the whole answer\n"
"                     is the story; empty; truncated), raw (the answer as given,\n"
"                     when parse is not ok)\n"
"  OUT/failures.jsonl one record per sample without a usable answer\n"
"  OUT/summary.json   the LLM counts and the outcomes\n"
"\n"
"Exit status: as 'generate ground' (0 when every sample has a record or was\n"
"written for a batch run).\n"
"\n"
"Example:\n"
"  storymovie generate tell --stories test.jsonl --movienet /data/movienet --out told \\\n"
"      --api-base http://localhost:8000/v1 --model storyteller --images file \\\n"
"      --samples 4 --temperature 0.9 -j 64\n";

typedef struct args {
    const char *stories, *context, *out, *movienet, *show_prompt;
    const char **only;
    size_t n_only;
    long max_attempts, samples;
    int quiet;
} args;

static int parse(int argc, char **argv, const char *cmd, const char *usage, cli_llm *llm, args *a)
{
    memset(a, 0, sizeof *a);
    a->max_attempts = 3;
    a->samples = 1;
    a->only = calloc((size_t)argc, sizeof *a->only);
    if (!a->only)
        return -1;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int taken = cli_llm_option(llm, cmd, argc, argv, &i);
        if (taken < 0)
            return -1;
        if (taken)
            continue;
        if (cli_is_help(o)) {
            fputs(usage, stdout);
            return 1;
        }
        int has = i + 1 < argc;
        if (!strcmp(o, "-q") || !strcmp(o, "--quiet"))
            a->quiet = 1;
        else if (!strcmp(o, "--stories") && has)
            a->stories = argv[++i];
        else if (!strcmp(o, "--context") && has)
            a->context = argv[++i];
        else if (!strcmp(o, "--out") && has)
            a->out = argv[++i];
        else if (!strcmp(o, "--movienet") && has)
            a->movienet = argv[++i];
        else if (!strcmp(o, "--story") && has)
            a->only[a->n_only++] = argv[++i];
        else if (!strcmp(o, "--show-prompt") && has)
            a->show_prompt = argv[++i];
        else if (!strcmp(o, "--max-attempts") && has) {
            if (cli_option_long(cmd, o, argv[++i], 1, 20, &a->max_attempts))
                return -1;
        } else if (!strcmp(o, "--samples") && has) {
            if (cli_option_long(cmd, o, argv[++i], 1, 1000, &a->samples))
                return -1;
        } else {
            cli_errorf("%s: unknown option or missing value '%s' (see --help)", cmd, o);
            return -1;
        }
    }
    return 0;
}

/* The run and its report; 0, 1 or 2 as the exit status. */
static int run(int ground, const args *a, cli_llm *llm, const char *cmd)
{
    sm_generate_options o;
    sm_generate_options_init(&o);
    o.llm = llm->opt;
    o.params = llm->params;
    o.out_dir = a->out;
    o.movienet = a->movienet;
    o.max_attempts = (int)a->max_attempts;
    o.samples = (int)a->samples;
    o.only = a->n_only ? a->only : NULL;
    o.n_only = a->n_only;
    o.log = stderr;
    sm_generate_result r;
    sm_error err;
    int rc = ground ? sm_generate_ground(a->stories, a->context, &o, &r, &err)
                    : sm_generate_tell(a->stories, &o, &r, &err);
    if (rc != 0) {
        cli_report(&err);
        return 1;
    }
    if (!a->quiet) {
        if (ground)
            fprintf(stderr, "storymovie: generate ground: %ld stories: %ld passed, %ld failed "
                            "verification, %ld without an answer, %ld without a context record, "
                            "%ld waiting for a batch run (%ld requests: %ld cached, %ld from --responses, "
                            "%ld sent); %s/stories.jsonl\n",
                    r.stories, r.passed, r.failed_verification, r.no_answer, r.no_context, r.pending,
                    r.requests, r.cached, r.from_responses, r.sent, a->out);
        else
            fprintf(stderr, "storymovie: generate tell: %ld stories x %ld samples: %ld records "
                            "(%ld parsed ok), %ld without an answer, %ld waiting for a batch run "
                            "(%ld requests: %ld cached, %ld from --responses, %ld sent); %s/stories.jsonl\n",
                    r.stories, a->samples, r.records, r.passed, r.no_answer, r.pending, r.requests,
                    r.cached, r.from_responses, r.sent, a->out);
    }
    if (r.no_answer) {
        cli_errorf("%s: %ld %s without a usable answer (see %s/failures.jsonl); run again to ask "
                   "again", cmd, r.no_answer, ground ? "stories" : "samples", a->out);
        return 1;
    }
    return 0;
}

static int generate(int ground, int argc, char **argv)
{
    const char *cmd = ground ? "generate ground" : "generate tell";
    cli_llm llm;
    cli_llm_init(&llm, CLI_LLM_BODY);
    /* The command's defaults, before the options may change them. */
    if (ground) {
        llm.params.images = SM_LLM_IMAGES_NONE;
        llm.params.has_temperature = 1;
        llm.params.temperature = 0.3;
    } else {
        llm.params.max_tokens = 8192;
    }
    args a;
    int status = 2;
    int p = parse(argc, argv, cmd, ground ? ground_usage : tell_usage, &llm, &a);
    if (p != 0) {
        status = p > 0 ? 0 : 2;
        goto done;
    }
    if (ground && a.show_prompt) {
        if (!a.stories || !a.context) {
            cli_errorf("%s: --show-prompt needs --stories FILE and --context FILE", cmd);
            goto done;
        }
        sm_error err;
        char *text = sm_generate_ground_prompt(a.stories, a.context, a.show_prompt, &err);
        if (!text) {
            cli_report(&err);
            status = 1;
            goto done;
        }
        fputs(text, stdout);
        fputc('\n', stdout);
        free(text);
        status = 0;
        goto done;
    }
    if (!a.stories || !a.out || (ground && !a.context) || (!ground && !a.movienet)) {
        cli_errorf("%s: need %s (see --help)", cmd,
                   ground ? "--stories FILE, --context FILE and --out DIR"
                          : "--stories FILE, --movienet DIR and --out DIR");
        goto done;
    }
    if (cli_llm_finish(&llm, cmd, a.out, a.quiet))
        goto done;
    status = run(ground, &a, &llm, cmd);
done:
    free(a.only);
    cli_llm_free(&llm);
    return status;
}

int cmd_generate(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "ground"))
        return generate(1, argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "tell"))
        return generate(0, argc - 1, argv + 1);
    static const char usage[] =
        "usage: storymovie generate ground|tell [options]\n"
        "\n"
        "  ground   rewrite stories with the real names and dialogue of the film, verified\n"
        "  tell     a model under test tells stories from the frames (K samples each)\n"
        "\n"
        "Run 'storymovie generate ground --help' (or tell) for the options.\n";
    if (argc >= 2 && !cli_is_help(argv[1])) {
        cli_errorf("generate: '%s' is not a generate command (ground, tell)", argv[1]);
        return 2;
    }
    fputs(usage, argc >= 2 ? stdout : stderr);
    return argc >= 2 ? 0 : 2;
}
