# targets.sh - what each libFuzzer target is fed besides its corpus; sourced
# by tests/fuzz.sh and scripts/fuzz_campaign.sh (POSIX sh, no clang needed).
#
#   fuzz_dicts NAME                  the dictionaries (fuzz/dict/*.dict) for a
#                                    target, as file names
#   fuzz_extra_seeds NAME DATA DIR   fill DIR with extra seeds made at run
#                                    time from the third-party data in DATA
#                                    (../shared/data): symbolic links to its
#                                    files, or files cut from them for targets
#                                    that take two inputs.  Nothing of DATA is
#                                    ever copied into the repository; DIR is a
#                                    scratch folder of the run.  Prints the count.
#   fuzz_merge_dicts NAME ROOT OUT   the target's dictionaries in one file OUT
#                                    (libFuzzer takes one -dict), with
#                                    fuzz/dict/NAME.dict when there is one;
#                                    returns 1 when the target has none
#
# A new target needs a line in fuzz_dicts (and in fuzz_extra_seeds when some
# third-party file is a realistic input for it); see docs/fuzzing.md.

fuzz_dicts() {
    case $1 in
    fuzz_script_parse)      echo "screenplay.dict" ;;
    fuzz_subtitle_parse)    echo "subtitle.dict" ;;
    fuzz_text_decode)       echo "text.dict screenplay.dict subtitle.dict" ;;
    fuzz_align)             echo "screenplay.dict subtitle.dict" ;;
    fuzz_align_read)        echo "json.dict alignment.dict" ;;
    fuzz_common_json_scan)  echo "json.dict alignment.dict story.dict" ;;
    fuzz_story_jsonl)       echo "json.dict story.dict" ;;
    fuzz_story_tags|fuzz_story_tables|fuzz_view_story|fuzz_dataset_trim|fuzz_generate_tell)
                            echo "story.dict" ;;
    fuzz_ground_verify)     echo "story.dict" ;;
    fuzz_link_context)      echo "json.dict context.dict" ;;
    fuzz_llm_answer|fuzz_llm_responses)
                            echo "json.dict llm.dict" ;;
    fuzz_eval_verdicts)     echo "verdict.dict" ;;
    fuzz_eval_questions)    echo "json.dict qa.dict" ;;
    fuzz_eval_speakers)     echo "json.dict alignment.dict" ;;
    fuzz_dataset_export)    echo "json.dict story.dict dataset.dict" ;;
    fuzz_movienet_keyframe) echo "movienet.dict" ;;
    fuzz_llm_log)           echo "" ;;   # its own fuzz/dict/fuzz_llm_log.dict
    *)                      echo "" ;;
    esac
}

fuzz_merge_dicts() {
    _d=$(fuzz_dicts "$1")
    # a dictionary of the target's own, fuzz/dict/<target>.dict, joins them
    [ -f "$2/fuzz/dict/$1.dict" ] && _d="$_d $1.dict"
    [ -n "$_d" ] || return 1
    : >"$3"
    for _f in $_d; do
        [ -f "$2/fuzz/dict/$_f" ] && cat "$2/fuzz/dict/$_f" >>"$3"
    done
    [ -s "$3" ]
}

# The first LIMIT bytes of FILE, cut after the last whole line.
_fuzz_head_lines() {
    head -c "$2" "$1" | awk -v RS='\n' 'NR > 1 { print prev } { prev = $0 }'
}

fuzz_extra_seeds() {
    _name=$1 _data=$2 _dir=$3 _n=0
    mkdir -p "$_dir"
    [ -d "$_data" ] || { echo 0; return 0; }
    _link() {   # _link PATTERN... : one link per existing file
        for _f in "$@"; do
            [ -f "$_f" ] || continue
            _n=$((_n + 1))
            ln -sf "$_f" "$_dir/shared-$_n-$(basename "$_f")"
        done
    }
    case $_name in
    fuzz_script_parse)
        _link "$_data"/imsdb/*.txt "$_data"/movies/*/screenplay.txt "$_data"/friends/*/transcript.txt \
              "$_data"/fountain/*.fountain ;;
    fuzz_text_decode)
        _link "$_data"/movies/*/screenplay.txt "$_data"/movies/*/subtitles.srt "$_data"/fountain/*.fountain ;;
    fuzz_subtitle_parse)
        # the first byte picks the path: these start with a digit, "1" (odd) is the text layer's
        _link "$_data"/movies/*/subtitles.srt "$_data"/friends/*/subtitles.srt ;;
    fuzz_eval_speakers)
        _link "$_data"/friends/*/gold.tsv ;;
    fuzz_align)
        # a script and its film's subtitles, NUL between: the opening of each, so that
        # an alignment of the two is what the target does (not a cut in the middle)
        for _film in "$_data"/movies/* "$_data"/friends/*; do
            _s=$_film/screenplay.txt
            [ -f "$_s" ] || _s=$_film/transcript.txt
            [ -f "$_s" ] && [ -f "$_film/subtitles.srt" ] || continue
            _n=$((_n + 1))
            { _fuzz_head_lines "$_s" 20000; printf '\0'; _fuzz_head_lines "$_film/subtitles.srt" 8000; } \
                >"$_dir/shared-$_n-$(basename "$_film")"
        done ;;
    esac
    echo "$_n"
}
