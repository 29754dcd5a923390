# llm_test_lib.sh - sourced by the LLM end-to-end tests (tests/e2e/llm_*.sh).
#
#   start_server DIR [server args]   tests/llm_server.py on 127.0.0.1, a free port:
#                                    sets PORT, SERVER_PID, BASE (http://127.0.0.1:PORT/v1)
#   server_stat EXPR                 a Python expression over /stats (s), printed
#   attempts TEXT FILE               attempts the server saw for the request whose
#                                    content is TEXT in the Batch file FILE
#   make_requests FILE TEXT...       a Batch input file, one request per TEXT
#   cache_rows CACHE                 answers in a cache: its table and its runs' logs
#
# Needs $SM (the binary) and $SM_SOURCE_DIR; skips (exit 77) without python3.
# Every loop here is bounded; the server stops itself after --max-seconds.

: "${SM:?}" "${SM_SOURCE_DIR:?}"
# Resolved once: a version-manager shim in front of python3 costs ~1 s a call.
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -n "$PY" ] \
    || { echo "skip: python3 not found"; exit 77; }
SERVER="$SM_SOURCE_DIR/tests/llm_server.py"
# The tests talk to 127.0.0.1 only: no proxy in between.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
unset STORYMOVIE_API_BASE STORYMOVIE_API_KEY OPENAI_API_KEY STORYMOVIE_MODEL
SERVER_PID=

fail() { echo "FAIL: $*" >&2; exit 1; }

start_server() {
    dir=$1; shift
    rm -f "$dir/port"
    "$PY" "$SERVER" --port-file "$dir/port" --max-seconds 300 "$@" &
    SERVER_PID=$!
    i=0
    while [ ! -s "$dir/port" ]; do
        i=$((i + 1))
        [ $i -le 300 ] || fail "test server did not start"
        kill -0 "$SERVER_PID" 2>/dev/null || fail "test server exited"
        sleep 0.1
    done
    PORT=$(cat "$dir/port")
    BASE="http://127.0.0.1:$PORT/v1"
}

stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}

server_stat() {
    "$PY" - "$PORT" "$1" <<'EOF'
import json, sys, urllib.request
s = json.load(urllib.request.urlopen("http://127.0.0.1:%s/stats" % sys.argv[1], timeout=30))
print(eval(sys.argv[2]))
EOF
}

# The server keys a request by the SHA-256 of its body as sent; the client
# sends each body exactly as it is in the file.
key_of() {
    "$PY" - "$1" "$2" <<'EOF'
import hashlib, json, re, sys
text, path = sys.argv[1], sys.argv[2]
for line in open(path, encoding="utf-8"):
    if not line.strip():
        continue
    req = json.loads(line)
    if req["body"]["messages"][-1]["content"] == text:
        m = re.search(r'"body":(\{.*\})\}\s*$', line)
        print(hashlib.sha256(m.group(1).encode()).hexdigest()[:12])
        break
EOF
}

attempts() {
    k=$(key_of "$1" "$2")
    server_stat "s['attempts'].get('$k', 0)"
}

# Seconds between the first two attempts of a request.
gap() {
    k=$(key_of "$1" "$2")
    server_stat "round(s['times']['$k'][1] - s['times']['$k'][0], 3)"
}

make_requests() {
    out=$1; shift
    "$PY" - "$out" "$@" <<'EOF'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i, text in enumerate(sys.argv[2:]):
        body = {"model": "test-model",
                "messages": [{"role": "system", "content": "You write stories."},
                             {"role": "user", "content": text}],
                "temperature": 0.3, "max_tokens": 256}
        f.write(json.dumps({"custom_id": "test:s%03d:%d" % (i, len(text)), "method": "POST",
                            "url": "/v1/chat/completions", "body": body},
                           separators=(",", ":")) + "\n")
EOF
}

cache_rows() {
    "$PY" - "$1" <<'EOF' 2>/dev/null || echo 0
import glob, sqlite3, struct, sys
path = sys.argv[1]
rows = sqlite3.connect(path).execute("select count(*) from answers").fetchone()[0]
# and the whole records of the logs of runs going on (docs/llm.md, "The cache")
for log in glob.glob(glob.escape(path) + ".log.*"):
    b, at = open(log, "rb").read(), 0
    while b[at:at + 4] == b"SMA1" and len(b) >= at + 8:
        size = struct.unpack_from("<I", b, at + 4)[0]
        if b[at + 8 + size - 4:at + 8 + size] != b"END\n":
            break
        rows, at = rows + 1, at + 8 + size
print(rows)
EOF
}
