#!/bin/bash
# manual.sh - the manual pages and the bash completion the build makes from
# the --help texts (scripts/help2man.py):
#  1. every command and subcommand has its page, and each page, rendered by
#     man -l (no groff warning), says word for word what its --help says;
#  2. the completion completes commands, subcommands, options and option
#     values.
# Env: SM, SM_SOURCE_DIR, SM_BUILD_DIR.
set -u
SM=${SM:?path to storymovie}
SRC=${SM_SOURCE_DIR:?}
BUILD=${SM_BUILD_DIR:?}
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

# ---- 1. the pages ----------------------------------------------------------
if ! command -v python3 >/dev/null || ! command -v man >/dev/null; then
    echo "skip: python3 or man not found (scripts/setup.sh test installs man-db)"
    exit 77
fi
[ -d "$BUILD/man/man1" ] || { bad "no pages in $BUILD/man/man1"; exit 1; }
python3 "$SRC/scripts/help2man.py" --storymovie "$SM" --check "$BUILD/man/man1" > "$BUILD/manual-check.txt" 2>&1
rc=$?
grep -v '^ok' "$BUILD/manual-check.txt"
[ $rc -eq 0 ] && ok "every page = its --help: $(tail -1 "$BUILD/manual-check.txt")" || bad "pages (see above)"
n=$(ls "$BUILD/man/man1" | wc -l)
[ "$n" -ge 30 ] && ok "$n pages" || bad "only $n pages"
for p in storymovie storymovie-align storymovie-eval-speakers storymovie-story-check storymovie-generate-ground storymovie-eval-qa-run; do
    [ -e "$BUILD/man/man1/$p.1" ] && ok "$p.1" || bad "$p.1 missing"
done

# The help texts are files (docs/commands/*.txt); a version the library
# defines must still be the one the help names.
pv=$(sed -n 's/^#define SM_GROUND_PROMPT_VERSION "\(.*\)"$/\1/p' "$SRC/include/storymovie/ground.h")
if [ -n "$pv" ] && "$SM" generate ground --help | tr "\n" " " | grep -q "version $pv;"; then
    ok "generate ground --help names prompt version $pv"
else
    bad "generate ground --help does not name the prompt version '$pv' of include/storymovie/ground.h (docs/commands/generate-ground.txt)"
fi

# ---- 2. the completion -----------------------------------------------------
comp=$BUILD/completion/storymovie
[ -f "$comp" ] || { bad "no completion script $comp"; exit 1; }
# complete LINE: the words bash offers for the last word of LINE
complete_line() {
    bash --norc --noprofile -c '
        source "$1"
        read -r -a COMP_WORDS <<< "$2"
        [[ $2 == *" " ]] && COMP_WORDS+=("")
        COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
        COMP_LINE=$2; COMP_POINT=${#2}
        _storymovie
        printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$comp" "$1"
}
check() {   # LINE EXPECTED...: each expected word is offered
    local got
    got=" $(complete_line "$1")"
    shift_line=$1; shift
    for w in "$@"; do
        [[ $got == *" $w "* ]] || { bad "'$shift_line' offers '$got', not '$w'"; return; }
    done
    ok "'$shift_line' -> $*"
}
check_only() {  # LINE EXPECTED: exactly these words
    local got
    got=$(complete_line "$1")
    [ "$got" = "$2 " ] && ok "'$1' -> $2" || bad "'$1' offers '$got', not '$2'"
}
bash --norc --noprofile -c "source '$comp'; complete -p storymovie" | grep -q -- '-F _storymovie storymovie' \
    && ok "complete -p storymovie: -F _storymovie" || bad "complete -p storymovie"
check_only "storymovie al" "align"
check "storymovie " subs script align link build story eval llm generate dataset export view
check_only "storymovie eval sp" "speakers"
check "storymovie eval " speakers grounding language dialogue structure judge qa report
check_only "storymovie eval qa m" "make"
check "storymovie story " check text entities
check "storymovie generate " ground tell
check_only "storymovie align --form" "--format"
check_only "storymovie align --format " "jsonl tsv"
check "storymovie align -" --output --min-confidence --no-hints --manifest --jobs --shard --help
check_only "storymovie eval speakers --qu" "--quiet"
check "storymovie eval grounding --" --pred --ref --per-story --reference-quirks --image-size
check_only "storymovie export sft --format " "llamafactory trl"
check_only "storymovie --vers" "--version"
# a value is not taken for a subcommand; files after options
mkdir -p "$BUILD/comp-test/dir" && : > "$BUILD/comp-test/film.srt"
(cd "$BUILD/comp-test" && check "storymovie align --format tsv fi" film.srt)
(cd "$BUILD/comp-test" && check_only "storymovie build --out d" "dir")
rm -rf "$BUILD/comp-test"
exit $fail
