#!/usr/bin/env python3
"""llm_server.py - a local OpenAI-compatible chat-completions server for the
tests and benchmarks, with scripted answers and faults.  Standard library
only; listens on 127.0.0.1 only.

    python3 tests/llm_server.py --port-file F [--delay S] [--log F]
                                [--answers F] [--max-seconds N]

It binds a free port and writes it to --port-file (atomically) when ready.
POST .../chat/completions answers a chat completion; GET /stats returns the
counts as JSON; POST /reset clears them.  It stops by itself after
--max-seconds (default 600), on SIGTERM, or when the test kills it.

Faults are scripted by markers anywhere in the request's message text:

    [[NAME]]       the fault on every attempt of this request
    [[NAMExN]]     on the first N attempts only (then a normal answer)
    [[NAME=V]]     with a value (seconds for slow/429)

  429          429 Too Many Requests, Retry-After: V (default 1) seconds
  retryms      429 with retry-after-ms: V (default 300)
  500, 503     server errors (OpenAI error shape)
  html502      502 with an HTML page (a proxy's)
  drop         headers and half the body, then the connection is closed
  malformed    200 with a cut-off JSON body
  blank        200, chunked: blank keep-alive lines, then the JSON
  olderror     400 in vLLM's older shape {"object":"error","message":...}
  400          400 in OpenAI's shape {"error":{"message":...}} (not to be retried)
  401, 404     refusals
  slow         answer after V seconds (default 3)
  length       finish_reason "length" (a truncated answer)
  echo-auth    the answer quotes the Authorization header it received

An attempt is recognised by the SHA-256 of the request body (a retry sends
the same body).  With the environment variable LLM_SERVER_EXPECT_KEY set,
a request without "Authorization: Bearer <that key>" gets 401.  --answers F
is a JSON list of {"match": TEXT, "answer": TEXT}: the first whose match
occurs in the request text gives the answer (else "Answer to <key>.").

The log (--log) has one JSON line per request: time, key, attempt, what was
done, whether the Authorization header was right - never the header itself.
/stats: {"requests", "peak_in_flight", "attempts": {key: n},
"times": {key: [t, ...]}} with times in seconds since start.
"""
import argparse
import hashlib
import json
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MARKER = re.compile(r"\[\[([a-z0-9-]+?)(?:x(\d+))?(?:=([0-9.]+))?\]\]")


class State:
    def __init__(self, delay, answers, log_path):
        self.lock = threading.Lock()
        self.delay = delay
        self.answers = answers
        self.log = open(log_path, "a", buffering=1) if log_path else None
        self.t0 = time.monotonic()
        self.expect_key = os.environ.get("LLM_SERVER_EXPECT_KEY") or None
        self.reset()

    def reset(self):
        with self.lock:
            self.requests = 0
            self.in_flight = 0
            self.peak = 0
            self.attempts = {}
            self.times = {}

    def begin(self, key):
        with self.lock:
            self.requests += 1
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            n = self.attempts.get(key, 0) + 1
            self.attempts[key] = n
            self.times.setdefault(key, []).append(round(time.monotonic() - self.t0, 3))
            return n

    def end(self):
        with self.lock:
            self.in_flight -= 1

    def write_log(self, record):
        if self.log:
            with self.lock:
                self.log.write(json.dumps(record) + "\n")


def message_text(body):
    parts = []
    for m in body.get("messages") or []:
        c = m.get("content")
        if isinstance(c, str):
            parts.append(c)
        elif isinstance(c, list):
            for p in c:
                if isinstance(p, dict) and isinstance(p.get("text"), str):
                    parts.append(p["text"])
    return "\n".join(parts)


def faults(text, attempt):
    """The markers in force for this attempt: {name: value or None}."""
    active = {}
    for name, times, value in MARKER.findall(text):
        if times and attempt > int(times):
            continue
        active[name] = value or None
    return active


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "llm-test-server/1"
    # Headers and body go out in two writes: without TCP_NODELAY the body
    # waits for the client's delayed ACK (~40 ms a request), as no real
    # server (uvicorn, nginx) lets it.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):  # quiet
        pass

    @property
    def state(self):
        return self.server.state

    def send_json(self, status, obj, headers=None):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.rstrip("/") == "/stats":
            st = self.state
            with st.lock:
                obj = {"requests": st.requests, "peak_in_flight": st.peak,
                       "in_flight": st.in_flight, "attempts": dict(st.attempts),
                       "times": {k: list(v) for k, v in st.times.items()}}
            self.send_json(200, obj)
        else:
            self.send_json(404, {"error": {"message": "not found", "type": "not_found"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path.rstrip("/") == "/reset":
            self.state.reset()
            self.send_json(200, {"ok": True})
            return
        if not self.path.endswith("/chat/completions"):
            self.send_json(404, {"error": {"message": "no route %s" % self.path,
                                           "type": "not_found"}})
            return
        key = hashlib.sha256(raw).hexdigest()[:12]
        attempt = self.state.begin(key)
        done = "?"
        auth = self.headers.get("Authorization")
        expect = self.state.expect_key
        auth_ok = None if expect is None else (auth == "Bearer " + expect)
        try:
            try:
                body = json.loads(raw)
            except ValueError:
                done = "400-not-json"
                self.send_json(400, {"error": {"message": "body is not JSON",
                                               "type": "invalid_request_error"}})
                return
            if expect is not None and not auth_ok:
                done = "401"
                self.send_json(401, {"error": {"message": "Incorrect API key provided",
                                               "type": "invalid_request_error",
                                               "code": "invalid_api_key"}})
                return
            text = message_text(body)
            f = faults(text, attempt)
            done = self.answer(body, text, key, f, auth)
        finally:
            self.state.end()
            self.state.write_log({"t": round(time.monotonic() - self.state.t0, 3), "key": key,
                                  "attempt": attempt, "done": done,
                                  "auth": (auth.split(" ", 1)[0] if auth else None),
                                  "auth_ok": auth_ok})

    def answer(self, body, text, key, f, auth):
        def err(status, message, kind, headers=None, old=False):
            if old:
                obj = {"object": "error", "message": message, "type": kind, "param": None,
                       "code": status}
            else:
                obj = {"error": {"message": message, "type": kind, "param": None, "code": None}}
            self.send_json(status, obj, headers)
            return str(status)

        if "slow" in f:
            time.sleep(float(f["slow"] or 3))
        elif self.state.delay:
            time.sleep(self.state.delay)
        if "429" in f:
            return err(429, "Rate limit reached", "rate_limit_exceeded",
                       {"Retry-After": f["429"] or "1"})
        if "retryms" in f:
            return err(429, "Rate limit reached", "rate_limit_exceeded",
                       {"retry-after-ms": f["retryms"] or "300"})
        for code in ("500", "503", "401", "404"):
            if code in f:
                return err(int(code), "scripted %s" % code, "server_error")
        if "400" in f:
            return err(400, "This model's maximum context length is 32768 tokens",
                       "invalid_request_error")
        if "olderror" in f:
            return err(400, "old-shape error: bad request", "BadRequestError", old=True)
        if "html502" in f:
            page = b"<html><head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>\n"
            self.send_response(502)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
            return "502"

        content = "Answer to %s." % key
        for rule in self.state.answers:
            if rule.get("match", "") in text:
                content = rule.get("answer", "")
                break
        if "echo-auth" in f:
            content += " You sent: %s" % (auth or "nothing")
        finish = "length" if "length" in f else "stop"
        completion = {
            "id": "chatcmpl-" + key,
            "object": "chat.completion",
            "created": 1700000000,
            "model": body.get("model", ""),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "logprobs": None, "finish_reason": finish}],
            "usage": {"prompt_tokens": len(text.split()),
                      "completion_tokens": len(content.split()),
                      "total_tokens": len(text.split()) + len(content.split())},
        }
        data = json.dumps(completion).encode()
        if "malformed" in f:
            data = data[: len(data) // 2]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return "malformed"
        if "drop" in f:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            try:
                import socket
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return "drop"
        if "blank" in f:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in (b"\n", b"\n\n", b"\r\n", data):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
                if chunk is not data:
                    time.sleep(0.05)
            self.wfile.write(b"0\r\n\r\n")
            return "blank"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return "length" if finish == "length" else "ok"


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256   # -j 32 opens 32 connections at once
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    ap.add_argument("--log")
    ap.add_argument("--answers")
    ap.add_argument("--max-seconds", type=float, default=600)
    args = ap.parse_args()
    answers = []
    if args.answers:
        with open(args.answers) as f:
            answers = json.load(f)
    srv = Server(("127.0.0.1", 0), Handler)
    srv.state = State(args.delay, answers, args.log)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.replace(tmp, args.port_file)

    def stop(*_):
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    timer = threading.Timer(args.max_seconds, stop)
    timer.daemon = True
    timer.start()
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
