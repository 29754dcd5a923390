#!/usr/bin/env python3
"""view_browser.py - `storymovie view` pages opened from disk in headless
Chromium, their DOM checked, screenshots taken.

    python3 tests/view_browser.py STORYMOVIE SOURCE_DIR SHOTS_DIR

Builds the bundled sample, writes the pages, and checks:
  - the story page: frames in film order with their times, images loaded
    through relative paths under the page's Content-Security-Policy,
    every chain-of-thought box drawn where its pixels say, every tag
    drawn and coloured by kind, pointing at a tag lights its boxes and
    pointing at a box its tags, a click pins, the dialogue with its
    speakers and abstentions, the real names;
  - the StoryMovie page: quotations linked to their subtitle lines, the
    original story, verification failures, judge verdicts, QA grades;
  - the alignment page: segments against blocks, a colour per speaker,
    abstentions marked, the speaker filter;
  - the index; --embed-images; a page in another directory;
  - a page whose inputs carry markup and script ("</script><img src=x
    onerror=alert(1)>" as a subtitle line, "<gdo char1><b>x</b></gdo>" in
    a story, ...) runs no script, makes no element from it, and shows it
    as text.
Screenshots go to SHOTS_DIR.  Exit 77 (skip) when no headless Chromium can
be started on this machine.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webdriver import Browser, Unavailable  # noqa: E402

SM, SRC, SHOTS = sys.argv[1], sys.argv[2], sys.argv[3]
FIX = os.path.join(SRC, "tests", "fixtures", "view")
XSS_LINE = "</script><img src=x onerror=alert(1)>"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)
    return cond


def sm(*args):
    r = subprocess.run([SM] + list(args), capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("storymovie %s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr))
    return r


def url(path, fragment=""):
    return "file://" + urllib.parse.quote(os.path.abspath(path)) + fragment


def load(b, path, fragment=""):
    b.get("about:blank")
    b.get(url(path, fragment))
    b.wait_for("return document.documentElement.getAttribute('data-rendered') === '1'")
    severe = [m for level, m in b.console() if level == "SEVERE"]
    check(not severe, "%s%s: console errors: %s" % (os.path.basename(path), fragment, severe[:3]))


def go(b, fragment):
    b.run("location.hash = arguments[0]", fragment)
    b.wait_for("return document.title.indexOf(' · storymovie view') > 0")


def boxes_per_image(cot):
    """Characters/Objects rows with a bounding box, per '## Image N'."""
    out, image = {}, 0
    for line in cot.split("\n"):
        m = re.match(r"## Image (\d+)", line)
        if m:
            image = int(m.group(1))
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if image and cells and re.fullmatch(r"(char|obj|lm|bg)\d+", cells[0]) and \
                re.fullmatch(r"\d+(\.\d+)?(,\s*\d+(\.\d+)?){3}", cells[-1]):
            out.setdefault(image, []).append((cells[0], [float(x) for x in cells[-1].split(",")]))
    return out


def story_page_checks(b, story, ctx):
    n = len(ctx["frames"])
    cards = b.run("return Array.from(document.querySelectorAll('.card')).map(c => c.id)")
    film_order = ["frame-%d" % f["image"] for f in sorted(ctx["frames"], key=lambda f: f["time"])]
    check(cards == film_order, "frames in film order: %s, want %s" % (cards, film_order))
    images = b.wait_for("var i = Array.from(document.querySelectorAll('.frame img'));"
                        "return i.length && i.every(x => x.complete) ? i.map(x => x.naturalWidth) : null")
    check(len(images) == n and all(w > 0 for w in images), "keyframes loaded: %s" % images)
    times = b.run("return Array.from(document.querySelectorAll('.card-head .time')).map(e => e.textContent)")
    check(times[0] == "%d:%04.1f" % divmod(min(f["time"] for f in ctx["frames"]), 60),
          "first frame's time shown: %s" % times[:1])
    expected = boxes_per_image(story["chain_of_thought"])
    drawn = b.run("""return Array.from(document.querySelectorAll('.card')).map(c =>
        [Number(c.id.slice(6)), c.querySelectorAll('.box').length])""")
    for image, count in drawn:
        check(count == len(expected.get(image, [])), "image %d: %d boxes drawn, %d in the chain of thought"
              % (image, count, len(expected.get(image, []))))
    # Geometry: every box where its pixels say, scaled to the shown frame.
    geo = b.run("""return Array.from(document.querySelectorAll('.card')).map(c => {
        var f = c.querySelector('.frame').getBoundingClientRect(), img = c.querySelector('img');
        return [Number(c.id.slice(6)), img.naturalWidth, img.naturalHeight,
                Array.from(c.querySelectorAll('.box')).map(x => { var r = x.getBoundingClientRect();
                  return [x.querySelector('span').textContent.split(' ')[0],
                          [(r.left - f.left) / f.width, (r.top - f.top) / f.height,
                           (r.right - f.left) / f.width, (r.bottom - f.top) / f.height]]; })]; })""")
    for image, w, h, rects in geo:
        drawn_at = dict(rects)
        for bid, box in expected.get(image, []):
            want = [box[0] / w, box[1] / h, box[2] / w, box[3] / h]
            r = drawn_at.get(bid, [])
            check(len(r) == 4 and all(abs(a - e) < 0.012 for a, e in zip(r, want)),
                  "image %d %s drawn at %s, want %s" % (image, bid, [round(x, 3) for x in r],
                                                         [round(x, 3) for x in want]))
    tags = len(re.findall(r"<gd[oal][\s>]", story["story"]))
    shown = b.run("return [document.querySelectorAll('.tag').length,"
                  " document.querySelectorAll('.tag.t-o').length, document.querySelectorAll('.tag.t-a').length,"
                  " document.querySelectorAll('.tag.t-l').length, document.querySelectorAll('.gdi').length]")
    check(shown[0] == tags, "%d tags drawn, %d in the story" % (shown[0], tags))
    check(shown[1:4] == [len(re.findall(r"<%s[\s>]" % k, story["story"])) for k in ("gdo", "gda", "gdl")],
          "tags coloured by kind: %s" % shown[1:4])
    check(shown[4] == n, "one <gdi> block per image: %d" % shown[4])
    colours = b.run("return ['t-o','t-a','t-l'].map(k => getComputedStyle(document.querySelector('.tag.' + k)).backgroundColor)")
    check(len(set(colours)) == 3, "three tag colours: %s" % colours)
    # Dialogue and names, as the context record has them.
    rows = b.run("""return Array.from(document.querySelectorAll('tr[id^=line-]')).map(r =>
        [r.id, r.querySelector('.spk').textContent, r.querySelector('td.text').textContent])""")
    want = [["line-%d-%d" % (d["cue"], d["segment"]), d["speaker"] or "abstained", d["text"]] for d in ctx["dialogue"]]
    check(rows == want, "dialogue rows with speakers: %s" % [r for r in rows if r not in want][:2])
    names = b.run("return Array.from(document.querySelectorAll('td b')).map(e => e.textContent)")
    real = [c["name"] for c in ctx["characters"] if c["name"]]
    check(all(x in names for x in real), "real names %s shown: %s" % (real, names))


def hover_checks(b):
    """Point at the tag of obj3 in image 3: obj3's box there lights, its
    boxes elsewhere light less, the other boxes dim; point at a box: its
    tags light; a click pins."""
    tag = b.run("""return Array.from(document.querySelectorAll('.gdi')).filter(g =>
        g.querySelector('.gdi-n').textContent === 'Image 3')[0].querySelectorAll('.tag')
        .values().find(t => t.querySelector('.ids').textContent === 'obj3')""")
    b.hover(tag)
    lit = b.run("""return Array.from(document.querySelectorAll('.box.hl, .box.hl2')).map(x =>
        [x.closest('.card').id, x.className.split(' ').pop(), x.querySelector('span').textContent])""")
    check(["frame-3", "hl", "obj3 · Ledger"] in lit, "hovered tag lights its box on its image: %s" % lit)
    check(all(x[2].startswith("obj3") for x in lit), "only obj3 boxes lit: %s" % lit)
    check(any(x[1] == "hl2" for x in lit), "obj3's boxes on other images lit as well: %s" % lit)
    check(b.run("return document.getElementById('frame-3').querySelector('.frame').classList.contains('dim')"),
          "the other boxes of image 3 dim")
    b.move_to(5, 5)
    check(b.run("return document.querySelectorAll('.box.hl').length") == 0, "light goes with the pointer")
    # A box lights its tags.
    box = b.run("return Array.from(document.querySelectorAll('#frame-1 .box')).find(x => x.querySelector('span').textContent.startsWith('char1'))")
    b.hover(box)
    lit_tags = b.run("return Array.from(document.querySelectorAll('.tag.hl')).map(t => t.querySelector('.ids').textContent)")
    check(lit_tags and all("char1" in t.split() for t in lit_tags), "hovered box lights its tags: %s" % lit_tags)
    b.move_to(5, 5)
    # Click pins.
    b.click(tag)
    b.move_to(5, 5)
    check(b.run("return document.querySelectorAll('.box.hl').length") >= 1 and
          b.run("return document.querySelectorAll('.tag.pinned').length") == 1, "a clicked tag stays lit")
    b.click(tag)
    b.move_to(5, 5)
    check(b.run("return document.querySelectorAll('.box.hl, .tag.pinned').length") == 0, "a second click unpins")


def film_checks(b, align_path):
    recs = [json.loads(line) for line in open(align_path)]
    segs = [r for r in recs if r["type"] == "segment"]
    blocks = [r for r in recs if r["type"] == "block"]
    said = {s["block"] for s in segs if s["block"]}
    alone = [bl for bl in blocks if bl["block"] not in said]
    n_rows = b.run("return document.querySelectorAll('.row:not(.head)').length")
    check(n_rows == len(segs) + len(alone), "alignment rows: %d, want %d segments + %d blocks no segment says"
          % (n_rows, len(segs), len(alone)))
    abst = b.run("return document.querySelectorAll('.cell.abst').length")
    check(abst == sum(1 for s in segs if s["speaker"] is None), "abstentions marked: %d" % abst)
    spk = b.run("""var c = {}; document.querySelectorAll('.row .spk:not(.none)').forEach(e => {
        (c[e.textContent] = c[e.textContent] || new Set()).add(getComputedStyle(e).backgroundColor); });
        return Object.keys(c).map(k => [k, c[k].size, Array.from(c[k])[0]])""")
    check(all(n == 1 for _, n, _ in spk) and len({c for _, _, c in spk}) == len(spk),
          "one colour per speaker: %s" % spk)
    # The overview: the first segment's colour where it starts, on both lanes.
    first = segs[0]
    lanes = b.run("""var T = arguments[0], t = arguments[1];
        return Array.from(document.querySelectorAll('.lane canvas')).map(c => {
          var d = c.getContext('2d').getImageData(Math.floor(c.width * t / T) + 1, 5, 1, 1).data;
          return 'rgb(' + d[0] + ', ' + d[1] + ', ' + d[2] + ')'; })""",
        max(max(s["end"] for s in segs), max(bl["end"] or 0 for bl in blocks)), first["start"])
    colour = dict((k, c) for k, _, c in spk)[first["speaker"]]
    check(lanes == [colour, colour], "overview lanes draw %s's colour %s at %.1f s: %s"
          % (first["speaker"], colour, first["start"], lanes))
    # The filter: none, then MARTHA alone.
    b.click(b.element(".controls button:nth-of-type(2)"))
    check(b.run("return document.querySelectorAll('.row:not(.head):not(.hidden)').length") == 0, "'none' hides every row")
    chip = b.run("return Array.from(document.querySelectorAll('.chip')).find(c => c.childNodes[1].textContent === 'MARTHA')")
    b.click(chip)
    shown = b.run("""return Array.from(document.querySelectorAll('.row:not(.head):not(.hidden)')).map(r =>
        Array.from(r.querySelectorAll('.spk')).map(s => s.textContent))""")
    want = sum(1 for s in segs if s["speaker"] == "MARTHA") + sum(1 for bl in alone if bl.get("speaker") == "MARTHA")
    check(len(shown) == want and all("MARTHA" in r for r in shown),
          "filter MARTHA: %d rows, want %d, all with MARTHA" % (len(shown), want))
    b.click(b.element(".controls button:nth-of-type(1)"))
    check(b.run("return document.querySelectorAll('.row.hidden').length") == 0, "'all' shows every row")


def storymovie_checks(b, ctx):
    sm_rec = json.loads(open(os.path.join(FIX, "storymovie.jsonl")).readline())
    quotes = b.run("return Array.from(document.querySelectorAll('.quote')).map(q => [q.textContent, q.classList.contains('missing')])")
    check([q[0] for q in quotes] == [q["text"] for q in sm_rec["quotes"]] and not any(q[1] for q in quotes),
          "quotations marked in the story: %s" % quotes)
    check(b.run("return document.querySelectorAll('tr.quoted').length") == len(sm_rec["quotes"]),
          "quoted subtitle lines marked")
    q = b.run("return document.querySelectorAll('.quote')[1]")
    b.click(q)
    check(b.run("return document.getElementById('line-18-1').classList.contains('flash')"),
          "clicking a quotation shows its subtitle line")
    check(b.run("return document.querySelector('.bar .badge').textContent") == "StoryMovie", "StoryMovie badge")
    check("woman" in b.run("return document.querySelector('details .story').textContent"), "original story shown")
    check(b.run("return Array.from(document.querySelectorAll('.panel h2')).map(h => h.textContent)")
          .count("Judge verdicts4 verdicts") == 1, "judge verdicts panel")
    check(b.run("return Array.from(document.querySelectorAll('.panel h2')).some(h => h.textContent === 'QA2 of 3 right')"),
          "QA panel: 2 of 3 right")
    check("Martha Hale" in b.run("return document.querySelector('.story').textContent"), "real names in the story")


def xss_inputs(t, ctx_path, align_path):
    """Inputs whose every text field carries markup or script."""
    evil_id = 'x"><img src=x onerror=window.__xss=1>'
    recs = [json.loads(line) for line in open(ctx_path)]
    c = recs[0]
    c["story_id"] = evil_id
    c["title"] = "<script>window.__xss=1</script>"
    c["dialogue"][0]["text"] = XSS_LINE
    c["dialogue"][1]["speaker"] = "<img src=x onerror=window.__xss=1>"
    c["dialogue"][1]["confidence"] = 0.3
    c["dialogue"][2]["text"] = "line\u2028separator & <!-- comment"
    c["script"][0]["text"] = "</script><script>window.__xss=1</script>"
    c["characters"][0]["name"] = "<b onmouseover=window.__xss=1>Martha</b>"
    c["problems"] = ["<iframe src=javascript:window.__xss=1>"]
    with open(os.path.join(t, "context.jsonl"), "w") as f:
        f.write(json.dumps(c) + "\n")
    al = [json.loads(line) for line in open(align_path)]
    for r in al:
        if r["type"] == "segment" and (r["cue"], r["segment"]) == (c["dialogue"][0]["cue"], c["dialogue"][0]["segment"]):
            r["text"] = XSS_LINE
        if r["type"] == "segment" and (r["cue"], r["segment"]) == (c["dialogue"][2]["cue"], c["dialogue"][2]["segment"]):
            r["text"] = c["dialogue"][2]["text"]
        if r["type"] == "segment" and (r["cue"], r["segment"]) == (c["dialogue"][1]["cue"], c["dialogue"][1]["segment"]):
            r["speaker"], r["confidence"] = c["dialogue"][1]["speaker"], 0.3
    with open(os.path.join(t, "tt9999901.jsonl"), "w") as f:
        for r in al:
            f.write(json.dumps(r) + "\n")
    story = json.loads(open(os.path.join(SRC, "sample", "stories.jsonl")).readline())
    story["story_id"] = evil_id
    story["chain_of_thought"] = story["chain_of_thought"].replace("| char1 | Woman |", "| char1 | <i onclick=window.__xss=1>Woman</i> |") \
                                                      .replace("| obj1 | Lens |", "| obj1 | <svg onload=window.__xss=1> |")
    story["story"] = re.sub(r"<gdi image1>.*?</gdi>",
                            "<gdi image1>\n<gdo char1><b>x</b></gdo> <gda char1>sees</gda> "
                            "<gdl bg1><img src=x onerror=window.__xss=1></gdl> \"" + XSS_LINE + "\"\n</gdi>",
                            story["story"], flags=re.S)
    story["quotes"] = [{"text": XSS_LINE, "cue": c["dialogue"][0]["cue"], "segment": 1,
                        "speaker": "<img src=x onerror=window.__xss=1>", "attributed_to": "char1"}]
    story["model"] = "<script>window.__xss=1</script>"
    with open(os.path.join(t, "stories.jsonl"), "w") as f:
        f.write(json.dumps(story) + "\n")
    with open(os.path.join(t, "verdicts.jsonl"), "w") as f:
        f.write(json.dumps({"story_id": evil_id, "criterion": "<u>subtitle</u>", "order": "AB",
                            "verdict": "[[A]]", "raw": "</script><script>window.__xss=1</script>[[A]]"}) + "\n")
    with open(os.path.join(t, "qa.jsonl"), "w") as f:
        f.write(json.dumps({"story_id": evil_id, "category": "dialogue", "question": "<img src=x onerror=window.__xss=1>?",
                            "answer_key": "&lt;b&gt;", "answer": "<script>window.__xss=1</script>", "grade": "[[CORRECT]]"}) + "\n")
    with open(os.path.join(t, "failures.jsonl"), "w") as f:
        f.write(json.dumps({"story_id": evil_id, "reasons": ["<img src=x onerror=window.__xss=1>"]}) + "\n")
    return evil_id


def xss_checks(b, page, evil_id):
    html = open(page, encoding="utf-8").read()
    check(html.count("</script") == 2 and "<img" not in html and "<!--" not in html,
          "no markup from the data in the page's HTML")
    check("\\u2028" in html, "U+2028 escaped in the embedded JSON")
    for frag in ["", "#s=" + urllib.parse.quote(evil_id, safe=""), "#f=tt9999901"]:
        load(b, page, frag)
        check(b.alert_text() is None, "%s: no alert" % (frag or "index"))
        check(b.run("return window.__xss === undefined"), "%s: no injected script ran" % (frag or "index"))
        injected = b.run("return document.querySelectorAll('img[src=x], script:not([type]):not(:last-of-type), "
                         "svg, iframe, u, i, #app b:not(td > b), .story b').length")
        check(injected == 0, "%s: %d elements made from the data" % (frag or "index", injected))
        text = b.run("return document.body.textContent")
        if frag.startswith("#s="):
            for s in [XSS_LINE, "<b>x</b>", "<img src=x onerror=window.__xss=1>", "<script>window.__xss=1</script>",
                      "<b onmouseover=window.__xss=1>Martha</b>", "</script><script>window.__xss=1</script>",
                      "obj1 · <svg onload=window.__xss=1>", "line\u2028separator & <!-- comment"]:
                check(s in text, "shown as text: %r" % s)
            tag = b.run("return document.querySelector('.gdi .tag.t-o').firstChild.textContent")
            check(tag == "<b>x</b>", "<gdo char1><b>x</b></gdo> shows '<b>x</b>': %r" % tag)
            check(b.run("return document.querySelectorAll('.quote').length") == 1, "quotation with markup found")
            check(b.run("return document.querySelectorAll('.conf.low').length") >= 1, "low confidence marked")
        elif frag.startswith("#f="):
            check(XSS_LINE in text, "film page shows the subtitle line as text")
        else:
            check("<script>window.__xss=1</script>" in text, "index shows the title as text")
            b.click(b.element("table.index a"))
            b.wait_for("return document.querySelectorAll('.card').length > 0")
            check(b.run("return window.__xss === undefined") and b.alert_text() is None, "story reached from the index: no script")


def main():
    t = tempfile.mkdtemp(prefix="sm_view_browser_")
    try:
        os.makedirs(SHOTS, exist_ok=True)
        try:
            b = Browser(os.path.join(t, "browser"))
        except Unavailable as e:
            print("skip: %s" % e)
            return 77
        with b:
            run_all(b, t)
    finally:
        shutil.rmtree(t, ignore_errors=True)
    if failures:
        print("%d checks failed" % len(failures), file=sys.stderr)
        return 1
    print("ok: screenshots in %s" % SHOTS)
    return 0


def run_all(b, t):
    mn = os.path.join(SRC, "sample", "movienet")
    stories_path = os.path.join(SRC, "sample", "stories.jsonl")
    out = os.path.join(t, "out")
    sm("build", mn, "--stories", stories_path, "--out", out, "-q")
    ctx_path = os.path.join(out, "context.jsonl")
    align_path = os.path.join(out, "align", "tt9999901.jsonl")
    contexts = {c["story_id"]: c for c in map(json.loads, open(ctx_path))}
    stories = {s["story_id"]: s for s in map(json.loads, open(stories_path))}
    pages = os.path.join(t, "pages")
    os.makedirs(pages)

    # The sample: two stories and the film's alignment.
    page = os.path.join(pages, "sample.html")
    sm("view", "--context", ctx_path, "--stories", stories_path, "--movienet", mn,
       "--alignment", align_path, "-o", page, "-q")
    load(b, page)
    links = b.run("return Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))")
    check("#s=tt9999901_lamp_room" in links and "#s=tt9999901_kitchen" in links and "#f=tt9999901" in links,
          "index links every story and the film: %s" % links)
    b.screenshot(os.path.join(SHOTS, "view_index.png"))
    for sid in ("tt9999901_lamp_room", "tt9999901_kitchen"):
        go(b, "s=" + sid)
        story_page_checks(b, stories[sid], contexts[sid])
    go(b, "s=tt9999901_lamp_room")
    b.wait_for("return Array.from(document.querySelectorAll('.frame img')).every(x => x.complete)")
    b.screenshot(os.path.join(SHOTS, "view_story.png"))
    hover_checks(b)
    tag = b.run("return Array.from(document.querySelectorAll('.gdi'))[2].querySelectorAll('.tag')[3]")
    b.hover(tag)
    b.screenshot(os.path.join(SHOTS, "view_story_hover.png"), full_page=False)
    b.move_to(5, 5)
    go(b, "f=tt9999901")
    b.screenshot(os.path.join(SHOTS, "view_alignment.png"), max_height=2400)
    film_checks(b, align_path)
    go(b, "f=tt9999901&at=27.2")
    check(b.wait_for("return document.querySelectorAll('.row.flash').length === 1"), "#f=FILM&at=CUE.SEG shows that line")

    # Generated stories with their failures, verdicts and QA answers.
    page = os.path.join(pages, "generated.html")
    sm("view", "--context", ctx_path, "--stories", os.path.join(FIX, "storymovie.jsonl"),
       "--failures", os.path.join(FIX, "failures.jsonl"), "--verdicts", os.path.join(FIX, "verdicts.jsonl"),
       "--qa", os.path.join(FIX, "qa.jsonl"), "--movienet", mn, "-o", page, "-q")
    load(b, page, "#s=tt9999901_lamp_room")
    storymovie_checks(b, contexts["tt9999901_lamp_room"])
    b.wait_for("return Array.from(document.querySelectorAll('.frame img')).every(x => x.complete)")
    b.screenshot(os.path.join(SHOTS, "view_storymovie.png"))
    go(b, "s=tt9999901_kitchen")
    # A failure of generate ground (docs/generate.md): the last attempt's
    # problems, then each try with its own problems - as lines, never raw JSON.
    reasons = b.run("return Array.from(document.querySelectorAll('section > ul.issues > li')).map(l => l.textContent)")
    check(len(reasons) == 2 and reasons[0].startswith("quote-invented") and "(rule 3)" in reasons[0]
          and reasons[1].startswith("name-missing"), "failure problems shown: %s" % reasons)
    tries = b.run("return Array.from(document.querySelectorAll('.tries > li.try')).map(t =>"
                  " [t.firstChild.textContent, Array.from(t.querySelectorAll('.issues li')).map(l => l.textContent),"
                  "  t.textContent.includes('not verified')])")
    check(tries is not None and len(tries) == 2 and tries[0][0] == "attempt 1: truncated (length)" and tries[0][2]
          and tries[1][0] == "attempt 2: ok (stop)" and len(tries[1][1]) == 2
          and tries[1][1][1].startswith("name-missing"), "failure tries shown with their problems: %s" % tries)
    raw = b.run("return Array.from(document.querySelectorAll('li')).filter(l => l.textContent.trim().startsWith('{')).length")
    check(raw == 0, "no raw JSON in the failure: %s" % raw)
    check(b.run("return document.querySelector('.bar .badge.bad') !== null"), "failed story marked in the header")

    # Keyframes embedded; a page in another directory.
    page = os.path.join(t, "elsewhere", "deep", "embedded.html")
    os.makedirs(os.path.dirname(page))
    sm("view", "--context", ctx_path, "--stories", stories_path, "--movienet", mn, "--embed-images",
       "--story", "tt9999901_kitchen", "-o", page, "-q")
    load(b, page)
    srcs = b.wait_for("var i = Array.from(document.querySelectorAll('.frame img'));"
                      "return i.every(x => x.complete) ? i.map(x => [x.src.slice(0, 23), x.naturalWidth]) : null")
    check(len(srcs) == 7 and all(s == ["data:image/jpeg;base64,", 320] for s in srcs), "embedded keyframes load: %s" % srcs[:2])
    page = os.path.join(t, "elsewhere", "deep", "relative.html")
    sm("view", "--context", ctx_path, "--stories", stories_path, "--movienet", mn, "--story", "tt9999901_kitchen",
       "-o", page, "-q")
    load(b, page)
    srcs = b.wait_for("var i = Array.from(document.querySelectorAll('.frame img'));"
                      "return i.every(x => x.complete) ? i.map(x => [x.getAttribute('src'), x.naturalWidth]) : null")
    check(all(w == 320 and s.startswith("../../") for s, w in srcs), "relative keyframe paths load: %s" % srcs[:2])

    # Markup and script in every text field.
    xdir = os.path.join(t, "xss")
    os.makedirs(xdir)
    evil_id = xss_inputs(xdir, ctx_path, align_path)
    page = os.path.join(xdir, "page.html")
    sm("view", "--context", os.path.join(xdir, "context.jsonl"), "--stories", os.path.join(xdir, "stories.jsonl"),
       "--verdicts", os.path.join(xdir, "verdicts.jsonl"), "--qa", os.path.join(xdir, "qa.jsonl"),
       "--failures", os.path.join(xdir, "failures.jsonl"), "--alignment", os.path.join(xdir, "tt9999901.jsonl"),
       "--movienet", mn, "-o", page, "-q")
    xss_checks(b, page, evil_id)
    load(b, page, "#s=" + urllib.parse.quote(evil_id, safe=""))
    b.screenshot(os.path.join(SHOTS, "view_xss.png"), max_height=1400)


if __name__ == "__main__":
    sys.exit(main())
