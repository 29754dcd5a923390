"""webdriver.py - a headless Chromium driven over chromedriver's WebDriver
protocol, with the Python standard library only (urllib + json).

Used by the browser tests of `storymovie view` (tests/view_browser.py) and
by its render benchmark (bench/view_render.sh).  Everything stays on this
machine: chromedriver listens on 127.0.0.1 and Chromium runs with every
background network feature off (on a machine without network it would
otherwise stall on connection attempts) and a fresh profile.

    with Browser(workdir) as b:
        b.get("file:///abs/page.html")
        b.run("return document.title")
        b.screenshot("shot.png")

Browser.find() raises Unavailable when chromium or chromedriver is
missing or will not start; callers turn that into a skip (exit 77).
"""

import base64
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
    "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
]


class Unavailable(Exception):
    """No usable headless browser on this machine."""


class WebDriverError(Exception):
    def __init__(self, error, message):
        super().__init__("%s: %s" % (error, message))
        self.error = error


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Browser:
    def __init__(self, workdir, width=1400, height=1000):
        self.chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        self.driver = shutil.which("chromedriver")
        if not self.chromium or not self.driver:
            raise Unavailable("chromium and chromedriver are not installed "
                              "(Debian: apt-get install chromium chromium-driver; "
                              "'sh scripts/setup.sh test' does it)")
        self.workdir = workdir
        os.makedirs(workdir, exist_ok=True)
        self.port = _free_port()
        self.log = open(os.path.join(workdir, "chromedriver.log"), "w")
        self.proc = subprocess.Popen([self.driver, "--port=%d" % self.port],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.base = "http://127.0.0.1:%d" % self.port
        self.session = None
        try:
            self._wait_ready()
            profile = os.path.join(workdir, "profile")
            shutil.rmtree(profile, ignore_errors=True)
            caps = {"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": self.chromium,
                    "args": CHROMIUM_FLAGS + ["--user-data-dir=" + profile,
                                              "--window-size=%d,%d" % (width, height)],
                },
                "goog:loggingPrefs": {"browser": "ALL"},
                "unhandledPromptBehavior": "ignore",
            }}}
            value = self._call("POST", "/session", caps, timeout=90)
            self.session = value["sessionId"]
        except Exception as e:
            self.close()
            if isinstance(e, Unavailable):
                raise
            raise Unavailable("headless chromium did not start: %s" % e)

    def _wait_ready(self):
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise Unavailable("chromedriver exited with status %d" % self.proc.returncode)
            try:
                if self._call("GET", "/status", timeout=2).get("ready"):
                    return
            except (OSError, WebDriverError):
                pass
            time.sleep(0.1)
        raise Unavailable("chromedriver did not answer on port %d" % self.port)

    def _call(self, method, path, body=None, timeout=60):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                reply = json.loads(r.read().decode() or "{}")
        except urllib.error.HTTPError as e:
            try:
                reply = json.loads(e.read().decode())
            except ValueError:
                raise WebDriverError("http %d" % e.code, path)
        value = reply.get("value")
        if isinstance(value, dict) and "error" in value:
            raise WebDriverError(value["error"], value.get("message", "")[:500])
        return value

    def _s(self, path):
        return "/session/%s%s" % (self.session, path)

    # ------------------------------------------------------------- commands
    def get(self, url):
        self._call("POST", self._s("/url"), {"url": url})

    def run(self, script, *args):
        """Run a function body in the page; returns its return value."""
        return self._call("POST", self._s("/execute/sync"), {"script": script, "args": list(args)})

    def wait_for(self, script, timeout=15, *args):
        deadline = time.time() + timeout
        while True:
            v = self.run(script, *args)
            if v:
                return v
            if time.time() > deadline:
                raise AssertionError("timed out waiting for: %s" % script)
            time.sleep(0.05)

    def alert_text(self):
        """The text of an open alert, or None."""
        try:
            return self._call("GET", self._s("/alert/text"))
        except WebDriverError as e:
            if e.error == "no such alert":
                return None
            raise

    def element(self, css):
        """A reference to the first element that matches (as run() returns elements)."""
        return self._call("POST", self._s("/element"), {"using": "css selector", "value": css})

    def hover(self, element):
        self._pointer([{"type": "pointerMove", "duration": 0, "origin": element, "x": 0, "y": 0}])

    def click(self, element):
        self._pointer([{"type": "pointerMove", "duration": 0, "origin": element, "x": 0, "y": 0},
                       {"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}])

    def move_to(self, x, y):
        self._pointer([{"type": "pointerMove", "duration": 0, "origin": "viewport", "x": x, "y": y}])

    def _pointer(self, actions):
        self._call("POST", self._s("/actions"), {"actions": [
            {"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": actions}]})

    def console(self):
        """Browser console entries since the last call (level, message)."""
        try:
            entries = self._call("POST", self._s("/se/log"), {"type": "browser"})
        except WebDriverError:
            return []
        return [(e.get("level"), e.get("message")) for e in entries or []]

    def resize(self, width, height):
        self._call("POST", self._s("/window/rect"), {"width": width, "height": height})

    def screenshot(self, path, full_page=True, max_height=6000):
        """A PNG of the page (the whole page, up to max_height pixels)."""
        if full_page:
            w, h = self.run("return [document.documentElement.clientWidth,"
                            " Math.min(document.documentElement.scrollHeight, %d)]" % max_height)
            self._call("POST", self._s("/goog/cdp/execute"), {
                "cmd": "Emulation.setDeviceMetricsOverride",
                "params": {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": False}})
            time.sleep(0.3)
        png = base64.b64decode(self._call("GET", self._s("/screenshot")))
        if full_page:
            self._call("POST", self._s("/goog/cdp/execute"),
                       {"cmd": "Emulation.clearDeviceMetricsOverride", "params": {}})
        with open(path, "wb") as f:
            f.write(png)
        return path

    def close(self):
        if self.session:
            try:
                self._call("DELETE", self._s(""), timeout=20)
            except Exception:
                pass
            self.session = None
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.log:
            self.log.close()
            self.log = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
