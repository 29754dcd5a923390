#!/usr/bin/env python3
"""view_render.py - how fast the pages of `storymovie view` draw in a real
browser, and how large they are.

    python3 bench/view_render.py BUILD/storymovie [SEGMENTS BLOCKS] [LOADS]

Makes a synthetic film alignment (bench/make_view_film.py; default 1,600
subtitle segments and 1,000 script blocks), writes its alignment page
with `storymovie view`, and opens it from disk in headless Chromium LOADS
times (default 7), each a fresh navigation.  The render time is the
page's own figure: performance.now() at the end of its first draw, layout
included, which counts from the navigation's start (reading the file,
parsing the HTML and the embedded JSON, building every element).  The
sample film's page (65 segments, 84 blocks) is measured the same way in
the same run as the baseline: the fixed cost of any page on this machine.
Prints figures; asserts nothing.  Needs chromium and chromium-driver
('sh scripts/setup.sh test').
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRC, "tests"))
from webdriver import Browser, Unavailable  # noqa: E402


def page_of(sm, align, page):
    t0 = time.perf_counter()
    subprocess.run([sm, "view", "-q", "--alignment", align, "-o", page], check=True)
    return time.perf_counter() - t0


def measure(b, page, loads):
    renders, paints, phases = [], [], []
    for _ in range(loads):
        b.get("about:blank")
        b.get("file://" + page)
        b.wait_for("return document.documentElement.getAttribute('data-rendered') === '1'", 60)
        v = b.run("return window.smView")
        renders.append(v["renderMs"])
        phases.append(v["phases"])
        paints.append(v["paintMs"])
    return renders, paints, {k: statistics.median(p[k] for p in phases) for k in phases[0]}


def line(name, xs):
    return "%s: median %.0f ms (min %.0f, max %.0f)" % (name, statistics.median(xs), min(xs), max(xs))


def main():
    sm = os.path.abspath(sys.argv[1])
    n_seg = int(sys.argv[2]) if len(sys.argv) > 2 else 1600
    n_blk = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    loads = int(sys.argv[4]) if len(sys.argv) > 4 else 7
    t = tempfile.mkdtemp(prefix="sm_bench_view_")
    film = os.path.join(t, "tt0000001.jsonl")
    with open(film, "w") as f:
        subprocess.run([sys.executable, os.path.join(HERE, "make_view_film.py"), str(n_seg), str(n_blk)],
                       stdout=f, check=True)
    page = os.path.join(t, "film.html")
    write_s = page_of(sm, film, page)
    size = os.path.getsize(page)
    # The baseline: the bundled sample film.
    sample_align = os.path.join(t, "tt9999901.jsonl")
    with open(sample_align, "w") as f:
        mn = os.path.join(SRC, "sample", "movienet")
        subprocess.run([sm, "align", os.path.join(mn, "script", "tt9999901.script"),
                        os.path.join(mn, "subtitle", "tt9999901.srt")], stdout=f, stderr=subprocess.DEVNULL, check=True)
    base_page = os.path.join(t, "sample.html")
    page_of(sm, sample_align, base_page)
    print("view: synthetic film: %d subtitle segments, %d script blocks" % (n_seg, n_blk))
    print("view: page %d bytes (%.2f MB, without images), written by storymovie view in %.3f s"
          % (size, size / 1e6, write_s))
    try:
        b = Browser(os.path.join(t, "browser"))
    except Unavailable as e:
        print("view: render not measured: %s" % e)
        return 0
    with b:
        version = b.run("return navigator.userAgent.match(/Chrome\\/[0-9.]+/)[0]")
        measure(b, base_page, 1)                      # warm the browser up
        film_r, film_p, film_ph = measure(b, page, loads)
        base_r, base_p, base_ph = measure(b, base_page, loads)
        rows = b.run("return document.querySelectorAll('.row').length")
    print("view: render in headless %s, navigation start to drawn (layout included), %d loads each:" % (version, loads))
    print("  " + line("film page   ", film_r) + "; painted %s" % line("", film_p)[2:])
    print("    (medians: HTML read and parsed %.0f ms, JSON %.0f ms, elements built %.0f ms, layout %.0f ms)"
          % (film_ph["html"], film_ph["json"], film_ph["build"], film_ph["layout"]))
    print("  " + line("sample film ", base_r) + " (baseline: 65 segments, 84 blocks; %d rows)" % (rows - 1))
    print("  the film page draws in %.1fx the baseline's time" % (statistics.median(film_r) / statistics.median(base_r)))
    subprocess.run(["rm", "-rf", t])
    return 0


if __name__ == "__main__":
    sys.exit(main())
