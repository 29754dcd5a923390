"""storymovie from Python: the readers, the aligner, the linker and the
metrics of libstorymovie, on strings, bytes and files.

Every function returns the records the command line writes as JSON Lines,
as Python objects: the library writes the command's JSON Lines (the same
writer as `storymovie subs|script|align|link|eval`) and each line is read
with json.loads, so the records are the command's by construction.

Inputs.  A str or bytes is the content itself (bytes in any encoding a file
may have: UTF-8, UTF-16, Windows-1252, ...; a str is sent as UTF-8).  A
pathlib.Path (any os.PathLike) is a file, read by the library.  A list of
dicts is records, as another function returned them (e.g. align's records
given to eval_speakers as the prediction).

    >>> import pathlib, storymovie
    >>> film = pathlib.Path("sample/movienet")
    >>> records = storymovie.align(film / "script/tt9999901.script",
    ...                            film / "subtitle/tt9999901.srt")
    >>> [r["speaker"] for r in records if r["type"] == "segment"][:3]
    ['MARTHA', 'MARTHA', None]

Errors.  Bad input raises storymovie.Error, whose text is the one line the
command prints ("FILE:LINE: problem"; an input in memory is called
<script>, <subtitles>, ...).  A wrong argument type raises TypeError.

The library: $STORYMOVIE_LIBRARY when set (a path to libstorymovie.so.N);
else the one installed with this module; else, in a source tree, build/
(after `make`); else the system's (ldconfig, LD_LIBRARY_PATH).
"""
import ctypes
import json
import os
import warnings

__all__ = ["Error", "read_subtitles", "read_script", "align", "link", "eval_speakers",
           "eval_grounding", "eval_language", "version", "__version__"]

_SONAME = "libstorymovie.so.0"


class Error(Exception):
    """Bad input: the one-line message of the command line ("FILE:LINE:
    problem"), with its parts as .file, .line (0 when the problem is not
    tied to a line) and .problem."""

    def __init__(self, message, file="", line=0, problem=None):
        super().__init__(message)
        self.file = file
        self.line = line
        self.problem = message if problem is None else problem


# ------------------------------------------------------------ the library

class _Error(ctypes.Structure):
    _fields_ = [("file", ctypes.c_char * 512), ("line", ctypes.c_long),
                ("message", ctypes.c_char * 512)]


class _Input(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("data", ctypes.c_void_p), ("len", ctypes.c_size_t)]


def _candidates():
    env = os.environ.get("STORYMOVIE_LIBRARY")
    if env:
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    out = []
    try:
        from . import _location          # written by `make install`
        out.append(os.path.normpath(os.path.join(here, _location.LIBRARY)))
    except ImportError:
        pass
    out.append(os.path.normpath(os.path.join(here, "..", "..", "build", _SONAME)))
    out.append(_SONAME)
    return out


def _load():
    tried = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(path + " (not found)")
            continue
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise ImportError("storymovie: cannot load libstorymovie; tried: " + "; ".join(tried) +
                      ". Set STORYMOVIE_LIBRARY to the library's path.")


_lib = _load()
_P = ctypes.POINTER
_in = _P(_Input)
_size = _P(ctypes.c_size_t)
_err = _P(_Error)
_c = ctypes
_lib.sm_version.restype = _c.c_char_p
_lib.sm_version.argtypes = []
_lib.sm_free.restype = None
_lib.sm_free.argtypes = [_c.c_void_p]
_lib.sm_error_format.restype = None
_lib.sm_error_format.argtypes = [_err, _c.c_char_p, _c.c_size_t]
for _name, _args in {
    "sm_subtitles_records": [_in, _size, _err],
    "sm_script_records": [_in, _c.c_char_p, _size, _err],
    "sm_align_records": [_in, _in, _c.c_double, _c.c_int, _c.c_int, _size, _err],
    "sm_link_records": [_c.c_char_p, _in, _c.c_char_p, _c.c_double, _c.c_int, _c.c_int, _size, _size, _err],
    "sm_eval_speakers_records": [_in, _in, _size, _err],
    "sm_eval_grounding_records": [_in, _in, _c.c_int, _c.c_int, _c.c_int, _c.c_int, _size, _err],
    "sm_eval_language_records": [_in, _in, _c.c_int, _size, _err],
}.items():
    _f = getattr(_lib, _name)
    _f.restype = _c.c_void_p       # char *, freed with sm_free
    _f.argtypes = _args

__version__ = _lib.sm_version().decode()


def version():
    """The version of the library in use, "MAJOR.MINOR.PATCH"."""
    return __version__


def _raise(err):
    buf = ctypes.create_string_buffer(2048)
    _lib.sm_error_format(ctypes.byref(err), buf, len(buf))
    dec = lambda b: b.decode("utf-8", "replace")
    raise Error(dec(buf.value), dec(err.file), err.line, dec(err.message))


def _call(fn, *args):
    """Call a records function: its text, or Error."""
    err = _Error()
    n = ctypes.c_size_t(0)
    ptr = fn(*args, ctypes.byref(n), ctypes.byref(err))
    if not ptr:
        _raise(err)
    try:
        return ctypes.string_at(ptr, n.value).decode("utf-8")
    finally:
        _lib.sm_free(ptr)


def _records(text):
    return [json.loads(line) for line in text.split("\n") if line]


class _Inputs:
    """The sm_input of each argument, and the bytes they point into (kept
    alive for the call)."""

    def __init__(self):
        self.keep = []

    def add(self, value, what):
        if isinstance(value, os.PathLike):
            path = os.fsencode(value)
            if not path:
                raise TypeError("%s: an empty path" % what)
            self.keep.append(path)
            return _Input(path, None, 0)
        if isinstance(value, str):
            if "\n" not in value and len(value) < 4096 and value and os.path.exists(value):
                raise TypeError("%s: '%s' is the name of a file; a str is the content itself: "
                                "pass pathlib.Path('%s') to read the file" % (what, value, value))
            try:
                data = value.encode("utf-8")
            except UnicodeEncodeError as e:
                raise Error("<%s>: not text: %s" % (what, e), "<%s>" % what, 0, "not text: %s" % e)
        elif isinstance(value, bytes):
            data = value
        elif isinstance(value, (bytearray, memoryview)):
            data = bytes(value)
        elif isinstance(value, (list, tuple)) and all(isinstance(r, dict) for r in value):
            data = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n"
                           for r in value).encode("utf-8")
        else:
            raise TypeError("%s: expected str or bytes (the content), a pathlib.Path (a file) "
                            "or a list of records, not %s" % (what, type(value).__name__))
        name = ("<%s>" % what).encode()
        buf = ctypes.create_string_buffer(data, len(data)) if not data else None
        self.keep += [name, data, buf]
        ptr = ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p) if data else ctypes.cast(buf, ctypes.c_void_p)
        return _Input(name, ptr, len(data))


def _text_arg(value, what):
    if value is None:
        return None
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError("%s: expected str or a path, not %s" % (what, type(value).__name__))
    return os.fsencode(value)


def read_subtitles(subtitles):
    """The segments of a subtitle file (SRT, WebVTT, ASS/SSA, any common
    encoding): the records of `storymovie subs`, one dict per segment with
    cue, segment, start, end, text, display, annotations, speaker_hint and
    line."""
    ins = _Inputs()
    return _records(_call(_lib.sm_subtitles_records, ctypes.byref(ins.add(subtitles, "subtitles"))))


def read_script(script, format=None):
    """The blocks of a screenplay (plain IMSDb-style text, Fountain or a
    'Name: line' transcript, detected unless format is "plain", "fountain"
    or "transcript"): the records of `storymovie script`, the title record
    first when there is one."""
    ins = _Inputs()
    fmt = format.encode() if format is not None else None
    return _records(_call(_lib.sm_script_records, ctypes.byref(ins.add(script, "script")), fmt))


def align(script, subtitles, min_confidence=None, hints=True):
    """Who says what, and when: the records of `storymovie align SCRIPT
    SUBTITLES`, one "segment" record per subtitle segment (speaker or None,
    confidence, the matched block, the evidence) and then one "block"
    record per script block (its time).  min_confidence: abstain below it
    (default 0.5); hints=False ignores the subtitles' speaker labels
    (--no-hints)."""
    ins = _Inputs()
    a, b = ins.add(script, "script"), ins.add(subtitles, "subtitles")
    mc = -1.0 if min_confidence is None else float(min_confidence)
    return _records(_call(_lib.sm_align_records, ctypes.byref(a), ctypes.byref(b), mc,
                          1 if hints else 0, 0))


def link(movienet, stories, align_dir=None, iou=None, padding=True, jobs=1, strict=True):
    """The script context of each story's time window: the records of
    `storymovie link MOVIENET --stories STORIES` (frames and their times,
    the window, scenes, script blocks, dialogue with speakers, synopsis,
    the real names of the chain of thought's characters).  movienet is the
    corpus directory; stories the story records (JSON Lines content, a
    file, or a list of dicts).  align_dir reads the films' alignments from
    there instead of aligning them; iou is the box-match threshold (default
    0.5); padding=False is --no-padding; jobs films run in parallel.

    A story that cannot be linked raises Error (its .records holds the
    records of the others) unless strict=False, which warns instead."""
    ins = _Inputs()
    s = ins.add(stories, "stories")
    failed = ctypes.c_size_t(0)
    err = _Error()
    n = ctypes.c_size_t(0)
    ptr = _lib.sm_link_records(_text_arg(movienet, "movienet"), ctypes.byref(s),
                               _text_arg(align_dir, "align_dir"),
                               -1.0 if iou is None else float(iou), 1 if padding else 0,
                               int(jobs), ctypes.byref(failed), ctypes.byref(n), ctypes.byref(err))
    if not ptr:
        _raise(err)
    try:
        records = _records(ctypes.string_at(ptr, n.value).decode("utf-8"))
    finally:
        _lib.sm_free(ptr)
    if failed.value:
        buf = ctypes.create_string_buffer(2048)
        _lib.sm_error_format(ctypes.byref(err), buf, len(buf))
        msg = "%d stories could not be linked; the first: %s" % (failed.value, buf.value.decode("utf-8", "replace"))
        if strict:
            e = Error(msg)
            e.records = records
            raise e
        warnings.warn(msg)
    return records


def eval_speakers(gold, pred):
    """Speaker attribution against gold labels: the object of `storymovie
    eval speakers --json GOLD PRED` (gold, answered, correct, accuracy,
    coverage, precision, precision_at_0_9, answered_at_0_9).  gold is a
    gold TSV; pred align's records (or its --format tsv text)."""
    ins = _Inputs()
    a, b = ins.add(gold, "gold"), ins.add(pred, "pred")
    return _records(_call(_lib.sm_eval_speakers_records, ctypes.byref(a), ctypes.byref(b)))[0]


def eval_grounding(pred, ref, per_story=False, reference_quirks=False, image_size=None):
    """Grounding precision, recall, F1 and mAP of predicted stories against
    reference stories, paired by story_id: the summary record of `storymovie
    eval grounding` (a dict), or with per_story=True all its records (one
    per pair, then the summary).  reference_quirks and image_size=(w, h)
    are --reference-quirks and --image-size."""
    ins = _Inputs()
    a, b = ins.add(pred, "pred"), ins.add(ref, "ref")
    w, h = (0, 0) if image_size is None else (int(image_size[0]), int(image_size[1]))
    recs = _records(_call(_lib.sm_eval_grounding_records, ctypes.byref(a), ctypes.byref(b),
                          1 if reference_quirks else 0, w, h, 1 if per_story else 0))
    return recs if per_story else recs[-1]


def eval_language(pred, ref, per_story=False):
    """BLEU-1..4, ROUGE-L and METEOR of predicted stories against reference
    stories: the summary record of `storymovie eval language` (a dict), or
    with per_story=True all its records."""
    ins = _Inputs()
    a, b = ins.add(pred, "pred"), ins.add(ref, "ref")
    recs = _records(_call(_lib.sm_eval_language_records, ctypes.byref(a), ctypes.byref(b),
                          1 if per_story else 0))
    return recs if per_story else recs[-1]
