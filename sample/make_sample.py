#!/usr/bin/env python3
"""Maintainer tool: regenerate the bundled sample's derived files.

The screenplay (movienet/script/tt9999901.script) is written by hand.  Everything
else that must stay mutually consistent -- subtitle times, shot boundaries, the
MovieNet annotation (cast boxes, scenes, synopsis segments), the two
StoryReasoning records and the keyframe drawing script -- is produced here from
one table, so that boxes in the chain of thought overlap the annotation boxes,
story windows overlap dialogue, and shot numbers agree everywhere.

Not needed by the build or the tests: they read the committed files.  Run it
from the repository root (python3 sample/make_sample.py) after changing the
tables below, then run sample/make_keyframes.sh and commit the results.
All text here is original, written for storymovie.
"""
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
MOVIENET = os.path.join(HERE, "movienet")
MOVIE = "tt9999901"
FPS = 23.976
WIDTH, HEIGHT = 1280, 720          # the "film" and the annotation's resolution
KF_W, KF_H = 320, 180              # keyframe images (downscaled by 4)
FILM_END = 330.0                   # seconds

CAST = {
    "MARTHA": ("nm9990001", "Rosalind Ashby", "Martha Hale"),
    "DANIEL": ("nm9990002", "Tobias Wren", "Daniel Hale"),
    "PRICE": ("nm9990003", "Gareth Lloyd-Penn", "Owen Price"),
    "FERRYMAN": ("nm9990004", "Samuel Okafor", "Ferryman"),
}

# Film order of the scenes (the film plays script scene 3 before script scene 2).
# (name, start s, end s, script scene number or None, keyframe background colour)
SCENES = [
    ("titles", 0.0, 9.0, None),
    ("jetty", 9.0, 68.0, 1),
    ("cliff", 68.0, 97.5, 3),
    ("lamp", 97.5, 186.0, 2),
    ("kitchen", 186.0, 318.0, 4),
    ("credits", 318.0, FILM_END, None),
]

# Subtitle cues as the film has them: (start, end, [lines]).
CUES = [
    (12.40, 16.90, ["<i>Fourth of October.</i>", "<i>Wind south-west, force five.</i>"]),
    (17.30, 21.60, ["<i>The Ellen Brae passed at six,</i>", "<i>bound for Galway. All well.</i>"]),
    (25.10, 26.55, ["Mind the step there."]),
    (28.02, 29.70, ["You'll be the nephew."]),
    (30.40, 32.90, ["Does everyone here know my business?"]),
    (33.60, 37.85, ["There's only one business on this island,", "and she keeps it in a book."]),
    (41.30, 44.10, ["How long has she been up there on her own?"]),
    (44.80, 47.20, ["Since your uncle went into the water."]),
    (49.50, 51.30, ["I'm not here to be thanked."]),
    (51.70, 55.90, ["The Board's switching the light to automatic.", "She has to sign."]),
    (61.20, 63.40, ["God help you, son."]),
    # script scene 3, moved earlier in the film
    (71.00, 72.60, ["She knows I'm coming?"]),
    (73.20, 76.80, ["She knows everything that comes.", "She writes it all down."]),
    (77.50, 79.40, ["That's what I'm here to read."]),
    (82.90, 85.60, ["Leave the old business alone, Mr. Price."]),
    (86.30, 90.50, ["A boat went down in '87", "and the Board never saw a report."]),
    # script scene 2
    (107.20, 108.50, ["Aunt Martha."]),
    (110.10, 114.30, ["You took the ten o'clock boat.", "You always were a late riser."]),
    (115.40, 117.50, ["I wrote to you. Three times."]),
    (118.60, 120.60, ["I read them. Three times."]),
    (125.80, 130.20, ["It's a good offer.", "A cottage in town, a pension…"]),
    (130.40, 133.10, ["- No more stairs.", "- And who writes the book?"]),
    (133.90, 138.60, ["There won't be a book. There'll be a machine", "and a man once a month."]),
    (143.70, 147.50, ["Every ship that's passed this rock", "since 1951."]),
    (147.90, 151.30, ["Names, flags, the hour, the weather."]),
    (152.00, 155.80, ["Your grandfather began it.", "I'll finish it."]),
    (157.20, 159.60, ["- Nobody reads it.", "- I read it."]),
    (165.40, 168.20, ["Is he in here? Uncle Tom?"]),
    (172.90, 177.60, ["Sign your own papers, Daniel.", "I'm going to light the lamp."]),
    (178.50, 180.90, ["It's the middle of the afternoon."]),
    (181.60, 183.70, ["Then I'll be early for once."]),
    # script scene 4
    (194.20, 195.70, ["MARTHA: Who's down there?"]),
    (196.50, 198.10, ["Someone at the door!"]),
    (201.00, 202.30, ["[DOOR SLAMS]"]),
    (202.90, 204.10, ["Filthy night."]),
    (204.60, 207.10, ["Owen Price, Board of Lighthouses."]),
    (207.40, 208.90, ["You'll be the nephew."]),
    (209.30, 210.90, ["So I keep hearing."]),
    (213.60, 216.30, ["You didn't say you were bringing company."]),
    (217.20, 221.90, ["Mrs. Hale, I need to see the ledger", "for March, 1987."]),
    (222.60, 225.40, ["The ledger goes to the Board with the lamp."]),
    (225.80, 229.30, ["I need a signature.", "Your nephew has the papers."]),
    (234.50, 236.20, ["Fourteenth of March."]),
    (236.60, 241.10, ["\"The Marigold, out of Kilrush,", "passed at midnight. All well.\""]),
    (241.80, 245.60, ["There was no Marigold.", "Not that night. Not ever."]),
    (249.30, 250.70, ["Aunt Martha?"]),
    (252.40, 256.50, ["Tom took the boat out that night.", "He wasn't fishing."]),
    (257.10, 258.60, ["What was he doing?"]),
    (259.40, 263.40, ["Bringing something in for people", "who paid well and asked nothing."]),
    (264.00, 266.60, ["I wrote a ship that never was,"]),
    (266.80, 269.90, ["so nobody would come looking", "for the one that sank."]),
    (270.80, 272.90, ["You lied in an official record."]),
    (273.50, 275.40, ["I kept a man's name clean."]),
    (275.80, 278.60, ["Only lie in forty years of pages."]),
    (281.20, 282.80, ["Then it stays with her."]),
    (283.30, 287.60, ["I'll sign your papers, Mr. Price.", "The light can go automatic."]),
    (288.00, 290.30, ["The book doesn't leave this house."]),
    (291.20, 293.10, ["The Board will hear about this."]),
    (293.50, 295.40, ["The Board’s heard worse."]),
    (301.60, 303.90, ["Your uncle would've liked you."]),
    (304.80, 308.20, ["- Would he?", "- No. But he'd have said so anyway."]),
    (311.50, 315.80, ["<i>Fifth of October. Wind dropping.</i>", "<i>One visitor. All well.</i>"]),
]

# Who speaks each segment of each cue (film truth, for gold.tsv); None = no speech.
F, Dn, Ma, Pr = "FERRYMAN", "DANIEL", "MARTHA", "PRICE"
SPEAKERS = [
    [Ma], [Ma], [F], [F], [Dn], [F], [Dn], [F], [Dn], [Dn], [F],
    [Pr], [F], [Pr], [F], [Pr],
    [Dn], [Ma], [Dn], [Ma], [Dn], [Dn, Ma], [Dn], [Ma], [Ma], [Ma], [Dn, Ma], [Dn], [Ma], [Dn], [Ma],
    [Ma], [Dn], [None], [Pr], [Pr], [Pr], [Dn], [Ma], [Pr], [Pr], [Pr], [Pr], [Pr], [Pr], [Dn], [Ma], [Dn],
    [Ma], [Ma], [Ma], [Pr], [Ma], [Ma], [Dn], [Dn], [Dn], [Pr], [Ma], [Ma], [Dn, Ma], [Ma],
]
assert len(SPEAKERS) == len(CUES)


SHOT_PATTERN = {  # shot lengths in seconds are drawn from this range per scene
    "titles": (4.0, 5.0), "jetty": (2.2, 5.2), "cliff": (2.5, 5.0),
    "lamp": (2.0, 4.8), "kitchen": (1.8, 4.6), "credits": (5.5, 6.5),
}


def frame(t):
    return int(round(t * FPS))


def make_shots():
    rng = random.Random(9901)
    shots = []                      # [start, end] inclusive frames
    scene_shots = {}
    for name, t0, t1, _ in SCENES:
        f0, f1 = frame(t0), frame(t1)   # f1 exclusive
        lo, hi = SHOT_PATTERN[name]
        first = len(shots)
        f = f0
        while f < f1:
            n = int(round(rng.uniform(lo, hi) * FPS))
            if f1 - (f + n) < int(lo * FPS):   # too little left: absorb it
                n = f1 - f
            shots.append([f, f + n - 1])
            f += n
        scene_shots[name] = (first, len(shots) - 1)
    out = []
    for s, e in shots:
        n = e - s + 1
        out.append((s, e, s + n // 6, s + n // 2, e - n // 6))
    return out, scene_shots


def shot_at(shots, t):
    f = frame(t)
    for i, sh in enumerate(shots):
        if sh[0] <= f <= sh[1]:
            return i
    raise ValueError(t)


def strip_tags(s):
    out, depth = [], 0
    for ch in s:
        if ch == "<":
            depth = 1
        elif ch == ">" and depth:
            depth = 0
        elif not depth:
            out.append(ch)
    return "".join(out)


def srt_time(t):
    ms = int(round(t * 1000))
    return "%02d:%02d:%02d,%03d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000)


# --- the two stories -------------------------------------------------------
# Each image: time in the film (picks the shot), img index, people with
# annotation boxes in 1280x720, objects in 1280x720, setting rows.
M, D, P = "MARTHA", "DANIEL", "PRICE"

STORY_A = {
    "story_id": "tt9999901_lamp_room",
    "chars": {M: "char1", D: "char2"},
    "char_rows": {
        M: ("Woman", "An older woman with a grey plait and a thick knitted jumper"),
        D: ("Man", "A younger man in a dark city coat"),
    },
    "images": [
        dict(t=107.6, img=1, people={D: [120, 200, 420, 720], M: [820, 120, 1120, 720]},
             objects=[("obj1", "Lens", "Lighthouse lamp", "Polished by the woman", "Marks the keeper's duty", [560, 140, 800, 420])],
             acts={M: ("Absorbed", "Polishes the lens", "Protagonist"), D: ("Breathless", "Climbs into the room", "Visitor")},
             setting=[("Location", "A round glass lamp room at the top of a tower", "Quiet", "Day", "Establishes the lighthouse")]),
        dict(t=112.0, img=1, people={M: [360, 60, 980, 720]},
             objects=[],
             acts={M: ("Dry", "Speaks without turning", "Protagonist")},
             setting=[("Lighting", "Flat daylight through many panes", "Cool", "Day", "Keeps the mood restrained")]),
        dict(t=128.0, img=1, people={D: [300, 90, 760, 720]},
             objects=[("obj2", "Folder of papers", "Documents", "Held out by the man", "Introduces the offer", [640, 420, 820, 560]),
                      ("obj3", "Ledger", "Record book", "Lies open on the table", "The object at stake", [780, 470, 1100, 640])],
             acts={D: ("Earnest", "Takes out a folder of papers", "Visitor")},
             setting=[("Interior Design", "A chart table with brass fittings", "Orderly", "Day", "Shows a life of routine")]),
        dict(t=146.0, img=1, people={M: [180, 80, 620, 720]},
             objects=[("obj3", "Ledger", "Record book", "The woman's palm rests on it", "Shows what she will not give up", [620, 440, 1040, 660])],
             acts={M: ("Resolute", "Lays her hand on the ledger", "Protagonist")},
             setting=[("Atmosphere", "Still air, the sea audible below", "Solemn", "Day", "Raises the stakes")]),
        dict(t=158.4, img=1, people={D: [100, 140, 480, 720], M: [760, 120, 1140, 720]},
             objects=[],
             acts={D: ("Frustrated", "Faces the woman", "Visitor"), M: ("Stubborn", "Answers him", "Protagonist")},
             setting=[("Location", "The lamp room seen across the lens cage", "Tense", "Day", "Frames the standoff")]),
        dict(t=166.5, img=1, people={D: [420, 100, 880, 720], M: [1000, 180, 1220, 620]},
             objects=[("obj3", "Ledger", "Record book", "Its pages turned by the man", "Opens the family past", [520, 500, 900, 700])],
             acts={D: ("Curious", "Turns back through the pages", "Visitor"), M: ("Wary", "Watches him from the window", "Protagonist")},
             setting=[("Lighting", "Afternoon light fading on the glass", "Melancholy", "Late afternoon", "Signals a turn")]),
    ],
    "background": ("bg1", "Glass lamp room", "Setting", "Surrounds the characters", "Isolation of the keeper", [0, 0, 1280, 720]),
    "narrative": [
        ("Introduction", "A man arrives in a lighthouse lamp room where a woman tends the lens", "The man climbs in; the woman keeps working", "Image 1, Image 2"),
        ("Development", "The man presents papers and the woman guards a ledger", "Folder of papers; hand on the ledger", "Image 3, Image 4"),
        ("Conflict", "They face each other and neither gives way", "Open standoff across the room", "Image 5"),
        ("Turning Point", "The man looks back through the ledger's old pages", "He searches for an entry", "Image 6"),
        ("Conclusion", "The woman watches, unwilling to share what the book holds", "Distance remains between them", "Image 6"),
    ],
    "story": [
        "The <gdo char1>woman</gdo> <gda char1>polishes</gda> the great <gdo obj1>lens</gdo> in the <gdl bg1>glass room</gdl> as the <gdo char2>man</gdo> <gda char2>climbs</gda> the last stairs, out of breath.",
        "Without turning, the <gdo char1>woman</gdo> <gda char1>speaks</gda> to him, her voice dry and unhurried.",
        "The <gdo char2>man</gdo> <gda char2>takes out</gda> a <gdo obj2>folder of papers</gdo> and sets it beside the <gdo obj3>ledger</gdo>.",
        "The <gdo char1>woman</gdo> <gda char1>lays</gda> her hand flat on the <gdo obj3>ledger</gdo>, as if to keep it shut.",
        "<gdo char2 char1>They</gdo> <gda char2 char1>face</gda> each other across the <gdl bg1>lamp room</gdl>, neither willing to give way.",
        "The <gdo char2>man</gdo> <gda char2>turns</gda> back through the <gdo obj3>ledger</gdo>'s pages while the <gdo char1>woman</gdo> <gda char1>watches</gda> from the window.",
    ],
}

STORY_B = {
    "story_id": "tt9999901_kitchen",
    "chars": {D: "char1", P: "char2", M: "char3"},
    "char_rows": {
        D: ("Young man", "A young man in a dark jumper"),
        P: ("Man in raincoat", "A middle-aged man in a wet raincoat"),
        M: ("Older woman", "An older woman with a grey plait"),
    },
    "images": [
        dict(t=205.0, img=1, people={P: [160, 100, 520, 720], D: [760, 160, 1100, 720]},
             objects=[("obj1", "Wooden door", "Entrance", "Held open by the wind", "Lets the stranger in", [100, 30, 580, 720])],
             acts={P: ("Composed", "Steps in out of the rain", "Antagonist"), D: ("Surprised", "Opens the door", "Host")},
             setting=[("Weather", "Wind and rain behind the door", "Stormy", "Night", "Brings the outside threat in")]),
        dict(t=214.5, img=1, people={M: [480, 40, 860, 720]},
             objects=[("obj2", "Lantern", "Light source", "Carried by the woman", "Lights her entrance", [820, 300, 920, 430])],
             acts={M: ("Guarded", "Comes down the stairs", "Protagonist")},
             setting=[("Lighting", "Warm lantern light in a dark stairwell", "Uneasy", "Night", "Sets up the confrontation")]),
        dict(t=224.0, img=1, people={P: [80, 100, 500, 720], M: [780, 110, 1160, 720]},
             objects=[("obj3", "Ledger", "Record book", "Lies between them on the table", "The object of dispute", [500, 520, 800, 680])],
             acts={P: ("Insistent", "Demands the book", "Antagonist"), M: ("Defiant", "Refuses him", "Protagonist")},
             setting=[("Interior Design", "A low stone kitchen with a range and two mugs", "Tense", "Night", "Confines the argument")]),
        dict(t=238.5, img=1, people={P: [280, 60, 860, 720]},
             objects=[("obj3", "Ledger", "Record book", "Read line by line by the man", "Reveals the hidden entry", [520, 480, 1000, 700])],
             acts={P: ("Triumphant", "Runs a finger down a page", "Antagonist")},
             setting=[("Atmosphere", "Silence broken by a kettle", "Suspenseful", "Night", "Builds to the reveal")]),
        dict(t=250.0, img=1, people={D: [380, 80, 900, 720]},
             objects=[],
             acts={D: ("Shaken", "Turns to the woman", "Host")},
             setting=[("Lighting", "A single lamp on the table", "Anxious", "Night", "Isolates his doubt")]),
        dict(t=261.0, img=1, people={M: [300, 60, 840, 720]},
             objects=[("obj4", "Kettle", "Kitchen object", "Steams on the range", "Marks the passing moment", [920, 300, 1080, 460])],
             acts={M: ("Sorrowful", "Confesses quietly", "Protagonist")},
             setting=[("Location", "The kitchen range behind her", "Heavy", "Night", "Frames the confession")]),
        dict(t=282.0, img=1, people={P: [60, 120, 380, 720], D: [460, 100, 820, 720], M: [900, 140, 1220, 720]},
             objects=[("obj3", "Ledger", "Record book", "Closed by the young man", "Settles who keeps it", [540, 430, 760, 560])],
             acts={P: ("Thwarted", "Watches the book close", "Antagonist"), D: ("Decided", "Closes the ledger", "Host"), M: ("Relieved", "Stands beside him", "Protagonist")},
             setting=[("Interior Design", "The table cleared except for the ledger", "Resolved", "Night", "Closes the scene")]),
    ],
    "background": ("bg1", "Stone kitchen", "Setting", "Surrounds the characters", "A private, enclosed space", [0, 0, 1280, 720]),
    "narrative": [
        ("Introduction", "A stranger arrives at night and a woman comes down to meet him", "The door opens; the woman appears with a lantern", "Image 1, Image 2"),
        ("Development", "The stranger demands the ledger", "Argument over the book on the table", "Image 3"),
        ("Conflict", "The stranger reads an entry aloud and exposes it", "A finger on the page", "Image 4"),
        ("Turning Point", "The young man turns to the woman and she confesses", "Her quiet admission", "Image 5, Image 6"),
        ("Conclusion", "The young man closes the ledger and keeps it from the stranger", "The book stays in the house", "Image 7"),
    ],
    "story": [
        "The <gdo char1>young man</gdo> <gda char1>opens</gda> the <gdo obj1>door</gdo> and a <gdo char2>man in a raincoat</gdo> <gda char2>steps in</gda> out of the storm.",
        "An <gdo char3>older woman</gdo> <gda char3>comes down</gda> the stairs, a <gdo obj2>lantern</gdo> in her hand.",
        "At the table the <gdo char2>man</gdo> <gda char2>demands</gda> the <gdo obj3>ledger</gdo>, and the <gdo char3>woman</gdo> <gda char3>refuses</gda> him.",
        "The <gdo char2>man</gdo> <gda char2>runs</gda> a finger down a page of the <gdo obj3>ledger</gdo> and stops, certain he has found something.",
        "The <gdo char1>young man</gdo> <gda char1>turns</gda> to her, shaken, in the <gdl bg1>dim kitchen</gdl>.",
        "The <gdo char3>woman</gdo> <gda char3>speaks</gda> quietly by the steaming <gdo obj4>kettle</gdo>, confessing at last.",
        "The <gdo char1>young man</gdo> <gda char1>closes</gda> the <gdo obj3>ledger</gdo> while the <gdo char2>man</gdo> <gda char2>watches</gda>, and the <gdo char3>woman</gdo> <gda char3>stands</gda> beside him.",
    ],
}
STORIES = [STORY_A, STORY_B]

PERSON_COLOURS = {M: "#2f5d3a", D: "#23395d", P: "#9c7a3c", "FERRYMAN": "#6b6b6b"}
SCENE_COLOURS = {"lamp": "#a9bccf", "kitchen": "#4a3a2a"}
OBJECT_COLOUR = "#7a4b21"


def scale_box(b, jitter, rng):
    """Annotation box (1280x720) -> keyframe box (320x180), as a detector would
    report it: scaled, then nudged by a few pixels (IoU stays well above 0.5)."""
    sx, sy = KF_W / WIDTH, KF_H / HEIGHT
    x1, y1, x2, y2 = b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy
    if jitter:
        x1 += rng.randint(-3, 3); x2 += rng.randint(-3, 3)
        y1 += rng.randint(-3, 3); y2 += rng.randint(-2, 0)
    x1, y1 = max(0, round(x1)), max(0, round(y1))
    x2, y2 = min(KF_W, round(x2)), min(KF_H, round(y2))
    return [x1, y1, x2, y2]


def iou(a, b):
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    ua = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / ua


def box_text(b):
    return "%d,%d,%d,%d" % tuple(b)


def main():
    shots, scene_shots = make_shots()
    os.makedirs(os.path.join(MOVIENET, "shot"), exist_ok=True)
    with open(os.path.join(MOVIENET, "shot", MOVIE + ".txt"), "w") as f:
        for s in shots:
            f.write("%d %d %d %d %d\n" % s)
    num_frames = shots[-1][1] + 1

    # subtitles
    os.makedirs(os.path.join(MOVIENET, "subtitle"), exist_ok=True)
    with open(os.path.join(MOVIENET, "subtitle", MOVIE + ".srt"), "w", encoding="utf-8", newline="\n") as f:
        for i, (t0, t1, lines) in enumerate(CUES, 1):
            f.write("%d\n%s --> %s\n%s\n\n" % (i, srt_time(t0), srt_time(t1), "\n".join(lines)))

    # gold speakers, same columns as ../shared/data/friends/*/gold.tsv
    with open(os.path.join(HERE, "gold.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("cue\tsegment\tsegments\tstart\tend\tspeaker\ttext\n")
        for i, ((t0, t1, lines), who) in enumerate(zip(CUES, SPEAKERS), 1):
            segs = []
            for line in lines:
                line = strip_tags(line)
                if line.startswith("- ") or not segs:
                    segs.append(line[2:] if line.startswith("- ") else line)
                else:
                    segs[-1] += " " + line
            assert len(segs) == len(who), (i, segs, who)
            for k, (text, spk) in enumerate(zip(segs, who), 1):
                if spk is None:
                    continue
                if text.startswith(spk + ": "):
                    text = text[len(spk) + 2:]
                f.write("%d\t%d\t%d\t%.3f\t%.3f\t%s\t%s\n" % (i, k, len(segs), t0, t1, spk, text))

    with open(os.path.join(MOVIENET, "movie1K.video_info.v1.json"), "w") as f:
        json.dump({MOVIE: {"fps": FPS, "width": WIDTH, "height": HEIGHT,
                           "duration": round(num_frames / FPS, 3)}}, f, indent=2)
        f.write("\n")

    # meta
    os.makedirs(os.path.join(MOVIENET, "meta"), exist_ok=True)
    meta = {
        "imdb_id": MOVIE, "tmdb_id": None, "douban_id": None,
        "title": "The Lighthouse Keeper's Ledger (2026)",
        "genres": ["Drama", "Mystery"], "country": "UK",
        "version": [{"runtime": "6 min", "description": "storymovie sample film (invented)"}],
        "imdb_rating": None,
        "director": [{"id": "nm9990010", "name": "Ivo Brandt"}],
        "writer": [{"id": "nm9990011", "name": "Nell Carrow", "description": "written by"}],
        "cast": [{"id": v[0], "name": v[1], "character": v[2]} for v in CAST.values()],
        "overview": "A young man travels to a remote lighthouse to persuade his aunt, its last keeper, "
                    "to sign away the light before it is automated. A harbour inspector arrives the same "
                    "night with questions about one entry in her ledger.",
    }
    with open(os.path.join(MOVIENET, "meta", MOVIE + ".json"), "w") as f:
        json.dump(meta, f, indent=2, ensure_ascii=False)
        f.write("\n")

    # annotation: cast boxes
    rng = random.Random(42)
    cast_entries = []

    def add_cast(shot, img, who, bbox):
        pid = CAST[who][0] if who in CAST else "others"
        cast_entries.append({
            "id": "%s_%06d" % (MOVIE, len(cast_entries) + 1),
            "frame_idx": None, "resolution": [WIDTH, HEIGHT],
            "shot_idx": shot, "img_idx": img,
            "body": {"type": "detected", "bbox": bbox},
            "pid": pid, "possible_pids": [pid],
        })

    story_images = {}   # (shot, img) -> image dict, story
    for st in STORIES:
        for im in st["images"]:
            im["shot"] = shot_at(shots, im["t"])
            story_images[(im["shot"], im["img"])] = im
    # filler annotation for shots not used by the stories (one keyframe per shot,
    # as MovieNet annotates identities on one of the three keyframes)
    people_by_scene = {"jetty": ["DANIEL", "FERRYMAN", "others"], "cliff": ["PRICE", "FERRYMAN"],
                       "lamp": ["MARTHA", "DANIEL"], "kitchen": ["DANIEL", "PRICE", "MARTHA"]}
    for name, (a, b) in scene_shots.items():
        if name not in people_by_scene:
            continue
        for s in range(a, b + 1):
            hits = [k for k in story_images if k[0] == s]
            if hits:
                for (sh, img) in hits:
                    for who, bbox in story_images[(sh, img)]["people"].items():
                        add_cast(sh, img, who, bbox)
                continue
            if s % 2:       # leave every other shot unannotated (empty landscape shots, etc.)
                continue
            who_list = people_by_scene[name]
            k = 1 + (s % 3 == 0)                      # one or two people
            start = (s // 2) % len(who_list)          # rotate who is on screen
            for j, who in enumerate([who_list[(start + i) % len(who_list)] for i in range(k)]):
                x = 100 + j * 600 + rng.randint(0, 200)
                y = rng.randint(60, 200)
                add_cast(s, s % 3, who, [x, y, x + rng.randint(260, 420), 720])

    scenes = []
    for i, (name, _, _, _) in enumerate(SCENES):
        a, b = scene_shots[name]
        scenes.append({"id": "%s_%04d" % (MOVIE, i), "shot": [a, b],
                       "frame": [shots[a][0], shots[b][1]], "place_tag": None, "action_tag": None})

    def seg(idx, names, description, consistency):
        a = scene_shots[names[0]][0]
        b = scene_shots[names[-1]][1]
        f0, f1 = shots[a][0], shots[b][1]
        subs = []
        for t0, t1, lines in CUES:
            if f0 <= frame(t0) <= f1:
                subs.append({"shot": shot_at(shots, t0), "duration": [t0, t1],
                             "sentences": [strip_tags(l) for l in lines]})
        return {"id": "%s_%04d" % (MOVIE, idx), "shot": [a, b], "frame": [f0, f1],
                "duration": [f0 / FPS, f1 / FPS], "consistency": consistency,
                "description": description, "subtitle": subs}

    story_segments = [
        seg(0, ["jetty", "cliff", "lamp"],
            "Daniel Hale takes the ferry to the island where his aunt Martha keeps the lighthouse. "
            "The ferryman warns him that she will not thank him for coming. On the cliff path that "
            "evening, Owen Price of the Board of Lighthouses tells the ferryman he has come to read "
            "Martha's ledger about a boat lost in 1987. In the lamp room Daniel offers Martha a cottage "
            "and a pension if she signs the papers that will automate the light, but she refuses: the "
            "ledger her father began records every passing ship and she means to finish it. When "
            "Daniel looks through its pages for his uncle Tom, she takes the book away from him.", 0.95),
        seg(1, ["kitchen"],
            "That night Price arrives at the lighthouse and demands the ledger. He reads out an entry "
            "for the Marigold, a ship that never existed, on the night Tom drowned. Martha admits that "
            "Tom was smuggling and that she invented the ship so that nobody would look for the boat "
            "that sank. Daniel agrees to sign the papers so the light can be automated, but refuses to "
            "let the ledger leave the house. Price leaves, and Martha writes the day's entry.", 0.91),
    ]
    annotation = {"imdb_id": MOVIE, "cast": cast_entries, "scene": scenes,
                  "story": story_segments, "cinematic_style": None}
    os.makedirs(os.path.join(MOVIENET, "annotation"), exist_ok=True)
    with open(os.path.join(MOVIENET, "annotation", MOVIE + ".json"), "w") as f:
        json.dump(annotation, f, indent=1, ensure_ascii=False)
        f.write("\n")

    # stories + keyframe drawing commands
    rng = random.Random(7)
    draw = []
    records = []
    for st in STORIES:
        cot = []
        images = []
        for n, im in enumerate(st["images"], 1):
            images.append("%s/shot_%04d_img_%d.jpg" % (MOVIE, im["shot"], im["img"]))
            cot.append("## Image %d" % n)
            cot.append("### Characters")
            cot.append("| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |")
            cot.append("|---|---|---|---|---|---|---|")
            kf_people = []
            # rows in char-id order, as a model lists them
            for who, ab in sorted(im["people"].items(), key=lambda kv: int(st["chars"][kv[0]][4:])):
                kb = scale_box(ab, True, rng)
                exact = scale_box(ab, False, rng)
                assert iou(kb, exact) >= 0.7, (st["story_id"], n, who, iou(kb, exact))
                name, desc = st["char_rows"][who]
                emo, act, func = im["acts"][who]
                cot.append("| %s | %s | %s | %s | %s | %s | %s |" % (st["chars"][who], name, desc, emo, act, func, box_text(kb)))
                kf_people.append((who, exact))
            cot.append("### Objects")
            cot.append("| Object ID | Description | Function | Interaction | Narrative Function | Bounding Box |")
            cot.append("|---|---|---|---|---|---|")
            kf_objects = []
            for oid, desc, func, inter, nf, ob in im["objects"]:
                kb = scale_box(ob, True, rng)
                cot.append("| %s | %s | %s | %s | %s | %s |" % (oid, desc, func, inter, nf, box_text(kb)))
                kf_objects.append((oid, scale_box(ob, False, rng)))
            bid, bdesc, bfunc, binter, bnf, bbox = st["background"]
            cot.append("| %s | %s | %s | %s | %s | %s |" % (bid, bdesc, bfunc, binter, bnf, box_text(scale_box(bbox, False, rng))))
            cot.append("### Setting")
            cot.append("| Setting Element | Description | Mood | Time | Narrative Function |")
            cot.append("|---|---|---|---|---|")
            for row in im["setting"]:
                cot.append("| %s | %s | %s | %s | %s |" % row)
            cot.append("")
            scene = "lamp" if st is STORY_A else "kitchen"
            draw.append((images[-1], SCENE_COLOURS[scene], kf_objects, kf_people))
        cot.append("## Narrative Structure")
        cot.append("| Narrative Phase | Description | Key Events | Images |")
        cot.append("|---|---|---|---|")
        for row in st["narrative"]:
            cot.append("| %s | %s | %s | %s |" % row)
        story = "\n".join("<gdi image%d>\n%s\n</gdi>" % (i, s) for i, s in enumerate(st["story"], 1))
        assert len(st["story"]) == len(images)
        records.append({"story_id": st["story_id"], "images": images, "frame_count": len(images),
                        "chain_of_thought": "\n".join(cot), "story": story})
    with open(os.path.join(HERE, "stories.jsonl"), "w") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")

    # keyframe script
    sh = ["#!/bin/sh",
          "# Remakes the sample keyframes (stand-in images: coloured boxes where the",
          "# people and objects are).  Generated by sample/make_sample.py; run from anywhere.",
          "# Needs ImageMagick 6 (convert).  Output: sample/movienet/%s/shot_NNNN_img_N.jpg," % MOVIE,
          "# %dx%d JPEG, metadata stripped so the bytes are reproducible." % (KF_W, KF_H),
          "set -eu",
          'dir="$(cd "$(dirname "$0")" && pwd)/movienet/%s"' % MOVIE,
          'mkdir -p "$dir"']
    letters = {M: "M", D: "D", P: "P"}
    for path, bg, objs, people in draw:
        cmd = ["convert", "-size", "%dx%d" % (KF_W, KF_H), "'xc:%s'" % bg]
        cmd += ["-fill", "'#00000030'", "-draw", "'rectangle 0,%d %d,%d'" % (KF_H * 3 // 4, KF_W, KF_H)]
        for who, b in people:
            cmd += ["-fill", "'%s'" % PERSON_COLOURS[who], "-draw", "'roundrectangle %d,%d %d,%d 6,6'" % (b[0], b[1], b[2] - 1, b[3] - 1)]
            cmd += ["-fill", "white", "-font", "Helvetica", "-pointsize", "14",
                    "-draw", "'text %d,%d \"%s\"'" % ((b[0] + b[2]) // 2 - 5, b[1] + 20, letters[who])]
        for oid, b in objs:
            cmd += ["-fill", "'%s'" % OBJECT_COLOUR, "-draw", "'rectangle %d,%d %d,%d'" % (b[0], b[1], b[2] - 1, b[3] - 1)]
        cmd += ["-strip", "-quality", "70", '"$dir/%s"' % os.path.basename(path)]
        sh.append(" \\\n    ".join([" ".join(cmd[:4])] + [" ".join(cmd[i:i + 4]) for i in range(4, len(cmd), 4)]))
    with open(os.path.join(HERE, "make_keyframes.sh"), "w") as f:
        f.write("\n".join(sh) + "\n")
    os.chmod(os.path.join(HERE, "make_keyframes.sh"), 0o755)

    # summary for the README
    print("frames", num_frames, "duration", num_frames / FPS, "shots", len(shots), "cues", len(CUES))
    for name, (a, b) in scene_shots.items():
        print("scene", name, a, b, shots[a][0], shots[b][1], "%.3f-%.3f" % (shots[a][0] / FPS, (shots[b][1] + 1) / FPS))
    for st, r in zip(STORIES, records):
        ims = st["images"]
        print(st["story_id"], [(im["shot"], im["img"], shots[im["shot"]][2 + im["img"]],
                                round(shots[im["shot"]][2 + im["img"]] / FPS, 3)) for im in ims])


if __name__ == "__main__":
    main()
