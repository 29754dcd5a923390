/* align_sample.c - libstorymovie from a C program: align a screenplay with
 * its subtitles and print the records `storymovie align` prints.
 *
 *   cc align_sample.c $(pkg-config --cflags --libs storymovie) -o align_sample
 *   ./align_sample sample/movienet/script/tt9999901.script \
 *                  sample/movienet/subtitle/tt9999901.srt > aligned.jsonl
 *
 * Every function that can fail fills an sm_error; sm_error_format() makes
 * the one line "FILE:LINE: problem" of it. */
#include <stdio.h>

#include <storymovie/align.h>
#include <storymovie/version.h>

static int report(const sm_error *err)
{
    char msg[1200];
    sm_error_format(err, msg, sizeof msg);
    fprintf(stderr, "align_sample: %s\n", msg);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s SCRIPT SUBTITLES   (libstorymovie %s)\n", argv[0], sm_version());
        return 2;
    }
    sm_error err;
    sm_script script;
    sm_subtitles subs;
    if (sm_script_read_file(argv[1], &script, &err) != 0)
        return report(&err);
    if (sm_subtitles_read_file(argv[2], &subs, &err) != 0) {
        sm_script_free(&script);
        return report(&err);
    }
    sm_align_options opt;
    sm_align_options_init(&opt);
    sm_alignment al;
    int status;
    if (sm_align(&script, &subs, &opt, &al, &err) != 0) {
        status = report(&err);
    } else {
        status = sm_alignment_write_jsonl(stdout, &script, &subs, &al) != 0 || fflush(stdout) != 0;
        if (status)
            fprintf(stderr, "align_sample: cannot write the records\n");
        else
            fprintf(stderr, "align_sample: %zu of %zu segments have a speaker\n", al.answered, al.n_segments);
        sm_alignment_free(&al);
    }
    sm_subtitles_free(&subs);
    sm_script_free(&script);
    return status;
}
