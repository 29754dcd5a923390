#!/bin/bash
# view.sh - storymovie view from the command line: the page of the bundled
# sample is written atomically, is self-contained (its Content-Security-
# Policy pins the page's own style and script by SHA-256, nothing is
# loaded from a network), and wrong inputs get one line naming the file and
# the problem.  tests/e2e/view_browser.sh opens the pages in a browser.
set -u
fx="$SM_SOURCE_DIR/tests/fixtures/view"
mn="$SM_SOURCE_DIR/sample/movienet"
ctx="$SM_SOURCE_DIR/tests/golden/build_sample.context.jsonl"
stories="$SM_SOURCE_DIR/sample/stories.jsonl"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
[ -x "$SM" ] || { echo "view e2e: no storymovie binary at $SM"; exit 1; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect_rc() {  # expect_rc WANT CMD...
    local want=$1; shift
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    [ "$rc" -eq "$want" ] || { fail "rc $rc (want $want): $*"; sed 's/^/  /' "$tmp/err" | head -5; }
}
has() { grep -qF -- "$2" "$1" || fail "$1 lacks: $2"; }

expect_rc 0 "$SM" view --help
has "$tmp/out" "usage: storymovie view"
expect_rc 0 "$SM" help view
expect_rc 2 "$SM" view --context "$ctx"
has "$tmp/err" "view: need -o PAGE.html"
expect_rc 2 "$SM" view --stories "$stories" -o "$tmp/p.html" --alignment x.jsonl
has "$tmp/err" "need --context FILE"
expect_rc 2 "$SM" view --context "$ctx" -o "$tmp/p.html" --bogus

# The sample, with its stories and keyframes.
expect_rc 0 "$SM" view --context "$ctx" --stories "$stories" --movienet "$mn" -o "$tmp/p.html"
has "$tmp/err" "view: 2 stories (2 with a story record), 0 films; 13 frames (13 keyframes found, 0 missing), 44 boxes"
has "$tmp/err" "view: wrote $tmp/p.html"
[ -s "$tmp/out" ] && fail "view printed to stdout"
ls "$tmp" | grep -q '\.tmp\.' && fail "a temporary file was left"
python3 - "$tmp/p.html" <<'PY' || fail "page not self-contained"
import base64, hashlib, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html).group(1)
style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
script = html[html.rindex("<script>") + 8:html.rindex("</script>")]
for name, body in (("style-src", style), ("script-src", script)):
    want = "'sha256-%s'" % base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    assert "%s %s;" % (name, want) in csp, (name, csp)
assert "default-src 'none'" in csp and "unsafe" not in csp, csp
assert not re.search(r"(https?:)?//[a-z]", re.sub(r"<script type=\"application/json\".*?</script>", "", html, flags=re.S)), "a URL"
assert html.count("<script") == 2 and html.count("</script") == 2
assert re.search(r' on[a-z]+=', html) is None, "an inline handler"
PY
# Quiet, with every result file; a context file is not an alignment.
expect_rc 1 "$SM" view --alignment "$ctx" -o "$tmp/a.html"
has "$tmp/err" "storymovie: $ctx:1: not an alignment (the output of 'storymovie align'): this looks like context records"
[ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "more than one line for a wrong input"
expect_rc 0 "$SM" view -q --context "$ctx" --stories "$fx/storymovie.jsonl" --failures "$fx/failures.jsonl" \
    --verdicts "$fx/verdicts.jsonl" --qa "$fx/qa.jsonl" -o "$tmp/g.html"
[ -s "$tmp/err" ] && fail "-q printed: $(cat "$tmp/err")"

# Wrong inputs: one line naming the file and the line.
expect_rc 1 "$SM" view --context "$stories" -o "$tmp/x.html"
has "$tmp/err" "storymovie: $stories:1:"
expect_rc 1 "$SM" view --context "$ctx" --stories "$ctx" -o "$tmp/x.html"
has "$tmp/err" "storymovie: $ctx:1: not story records: this looks like context records"
expect_rc 1 "$SM" view --context "$ctx" --verdicts "$stories" -o "$tmp/x.html"
has "$tmp/err" "storymovie: $stories:1: no \"verdict\" (nor the other keys it may have): not a verdicts file"
expect_rc 1 "$SM" view --context "$ctx" --qa "$fx/verdicts.jsonl" -o "$tmp/x.html"
has "$tmp/err" "storymovie: $fx/verdicts.jsonl:1: no \"question\": not a QA file"
expect_rc 1 "$SM" view --context "$ctx" --story nowhere -o "$tmp/x.html"
has "$tmp/err" "story nowhere has no context record"
expect_rc 1 "$SM" view --context "$ctx" -o "$tmp/no/such/dir/x.html"
[ -e "$tmp/x.html" ] && fail "a page was written for wrong input"

[ "$fails" -eq 0 ] && echo "ok" || { echo "$fails failures"; exit 1; }
