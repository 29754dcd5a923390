#!/bin/sh
# script.sh - storymovie script end to end: help, records, --format,
# --stats, -o; and, when the shared data is there, every screenplay,
# transcript and Fountain file in it parses, with the movie figures pinned.
set -u
: "${SM:?}"
T=$(mktemp -d /tmp/sm_e2e_script_XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

"$SM" script --help >"$T/help" 2>&1 || fail "--help exit status $?"
for word in "usage: storymovie script" "--format" "--stats" "Exit status" "Examples"; do
    grep -q -e "$word" "$T/help" || fail "--help lacks '$word'"
done

# A small plain-text screenplay of our own, indented IMSDb-style.
cat >"$T/film.txt" <<'TXT'
                         "LAMP ROOM"

     1  INT. LAMP ROOM - NIGHT                               1

     Wind. MARA trims a wick.

                         MARA
                    (to herself)
               One more night.

                         TOMAS (O.S.)
               Mara? Are you up there?

                                                    CUT TO:

     EXT. CLIFF - CONTINUOUS

     Tomas climbs.
TXT
"$SM" script "$T/film.txt" >"$T/film.jsonl" 2>"$T/err" || fail "plain: exit $? ($(cat "$T/err"))"
[ "$(wc -l <"$T/film.jsonl")" -eq 8 ] || fail "plain: expected 8 records (title + 7 blocks), got $(wc -l <"$T/film.jsonl")"
head -1 "$T/film.jsonl" | grep -q '^{"type":"title","format":"plain","fields":\[{"key":"Title","value":"LAMP ROOM"}\]}$' ||
    fail "plain: title record: $(head -1 "$T/film.jsonl")"
grep -q '"block":1,"kind":"scene_heading","scene":1,"scene_number":"1","text":"INT. LAMP ROOM - NIGHT","line":3,"end_line":3' "$T/film.jsonl" ||
    fail "plain: scene heading record"
grep -q '"kind":"dialogue","scene":1,"speaker":"MARA","speaker_key":"mara","parenthetical":"to herself","text":"One more night.","line":7,"end_line":9' "$T/film.jsonl" ||
    fail "plain: MARA's dialogue record"
grep -q '"speaker":"TOMAS","speaker_key":"tomas","extension":"O.S.","text":"Mara? Are you up there?"' "$T/film.jsonl" ||
    fail "plain: TOMAS (O.S.)"
grep -q '"kind":"transition","scene":1,"text":"CUT TO:"' "$T/film.jsonl" || fail "plain: transition"

# -o writes the same records atomically; --stats summarises on stderr.
"$SM" script --stats -o "$T/out.jsonl" "$T/film.txt" 2>"$T/stats" >"$T/stdout" || fail "-o: exit $?"
cmp -s "$T/out.jsonl" "$T/film.jsonl" || fail "-o: file differs from stdout output"
[ ! -s "$T/stdout" ] || fail "-o: records also on stdout"
grep -q "format plain" "$T/stats" || fail "--stats: format"
grep -q "scenes: 2" "$T/stats" || fail "--stats: scenes"
grep -q "dialogue blocks: 2" "$T/stats" || fail "--stats: dialogue blocks"
grep -q "top speakers: MARA 1, TOMAS 1" "$T/stats" || fail "--stats: top speakers: $(cat "$T/stats")"

# --format forces a reader: the same text as a transcript has no speakers.
printf 'Mara: One more night.\nTomas: Up there?\n' >"$T/lines.txt"
"$SM" script --format transcript "$T/lines.txt" >"$T/tr.jsonl" || fail "--format transcript: exit $?"
grep -c '"kind":"dialogue"' "$T/tr.jsonl" | grep -q '^2$' || fail "--format transcript: 2 speeches expected"
"$SM" script --format=fountain "$T/lines.txt" >"$T/fo.jsonl" || fail "--format=fountain: exit $?"
grep -q '"kind":"dialogue"' "$T/fo.jsonl" && fail "--format=fountain: no dialogue expected"

# Standard input.
"$SM" script - <"$T/film.txt" >"$T/stdin.jsonl" || fail "stdin: exit $?"
cmp -s "$T/stdin.jsonl" "$T/film.jsonl" || fail "stdin: output differs"

D=${SM_SHARED_DATA:-}
if [ -n "$D" ] && [ -d "$D/movies" ]; then
    n=0
    for f in "$D"/friends/*/transcript.txt "$D"/movies/*/screenplay.txt "$D"/fountain/*.fountain; do
        [ -f "$f" ] || continue
        "$SM" script "$f" >"$T/x.jsonl" 2>"$T/err" || fail "$f: exit $? ($(cat "$T/err"))"
        [ -s "$T/x.jsonl" ] || fail "$f: no records"
        n=$((n + 1))
    done
    echo "ok: $n shared-data files parsed"
    "$SM" script --stats -o /dev/null "$D/movies/birthday_girl/screenplay.txt" 2>"$T/bg"
    grep -q "scenes: 179" "$T/bg" || fail "birthday_girl: scenes ($(cat "$T/bg"))"
    grep -q "dialogue blocks: 589" "$T/bg" || fail "birthday_girl: dialogue blocks"
    grep -q "top speakers: JOHN 245, NADIA 167, YURI 80, ALEXEI 32" "$T/bg" || fail "birthday_girl: top speakers"
    "$SM" script --stats -o /dev/null "$D/movies/the_assignment/screenplay.txt" 2>"$T/ta"
    grep -q "scenes: 194" "$T/ta" || fail "the_assignment: scenes ($(cat "$T/ta"))"
    grep -q "dialogue blocks: 741" "$T/ta" || fail "the_assignment: dialogue blocks"
    grep -q "top speakers: RAMIREZ 228, JACK 162, AMOS 68, CARLOS 43" "$T/ta" || fail "the_assignment: top speakers"
    "$SM" script --stats -o /dev/null "$D/friends/friends-s01e02/transcript.txt" 2>"$T/fr"
    grep -q "format transcript" "$T/fr" || fail "friends: format"
    grep -q "title: Written by: Marta Kauffman & David Crane" "$T/fr" || fail "friends: credits as title fields"
else
    echo "note: SM_SHARED_DATA not available; shared-data checks skipped"
fi

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "script: all passed"
