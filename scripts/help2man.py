#!/usr/bin/env python3
"""help2man.py - storymovie's manual pages and bash completion, made from
its --help texts, so that the pages and the help never disagree.

    help2man.py --storymovie BIN --man DIR --completion FILE
        write DIR/storymovie.1, one page per command with a help text of its
        own (storymovie-align.1, storymovie-eval-speakers.1, ...), a link
        for each subcommand that shares its command's help
        (storymovie-story-check.1 -> storymovie-story.1), and the bash
        completion script FILE
    help2man.py --storymovie BIN --check DIR
        the test: every command has its page in DIR, and each page, rendered
        by man(1), says exactly what the command's --help says

The commands are found in the help texts themselves: `storymovie --help`
lists the commands; a command's subcommands are the words that follow it on
its usage lines ("usage: storymovie story check ...", "storymovie generate
ground|tell") or, when the usage line has a placeholder ("storymovie eval
<what>"), the names its help lists ("  speakers   speaker attribution...").
A candidate counts only when `storymovie PATH SUB --help` succeeds and its
usage names "storymovie PATH SUB".

A help text becomes a page this way: the usage lines are the SYNOPSIS; a
short line of its own ending in ':' is a heading ("Options:" -> OPTIONS,
"Exit status:" -> EXIT STATUS, "Example(s):" -> EXAMPLES, others a
subsection); an indented line starting with an option (-x, --name) is an
option with its description; other indented text is shown as written (it
is laid out by hand: tables, records, examples); the rest is filled prose.
Nothing is added to the help's words but NAME, the headings above and SEE
ALSO, and nothing is left out: --check compares the words.
"""
import argparse
import os
import re
import subprocess
import sys

PROG = "storymovie"
MAX_DEPTH = 3


# ---------------------------------------------------------------- the commands

class Command:
    def __init__(self, path, help_text, summary):
        self.path = tuple(path)          # () is storymovie itself
        self.help = help_text
        self.summary = summary           # one line, or None
        self.alias_of = None             # a Command whose help this one shares
        self.children = []

    @property
    def name(self):
        return "-".join((PROG,) + self.path)

    @property
    def words(self):
        return " ".join((PROG,) + self.path)


def run_help(binary, path):
    try:
        p = subprocess.run([binary, *path, "--help"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if p.returncode != 0:
        return None
    return p.stdout.decode("utf-8")


def usage_lines(help_text):
    """The usage block without 'usage: ', continuation lines dedented."""
    lines = help_text.split("\n")
    if not lines or not lines[0].startswith("usage: "):
        return []
    out = [lines[0][len("usage: "):]]
    for line in lines[1:]:
        if not line.strip():
            break
        out.append(line[7:] if line.startswith(" " * 7) else line.strip())
    return out


def usage_block_length(help_text):
    lines = help_text.split("\n")
    if not lines or not lines[0].startswith("usage: "):
        return 0
    n = 1
    while n < len(lines) and lines[n].strip():
        n += 1
    return n


def index_lines(help_text):
    """'  name   summary' lines: a command's list of its subcommands."""
    out = {}
    for line in help_text.split("\n"):
        m = re.match(r"^  ([a-z][a-z0-9-]*)\s+(\S.*)$", line)
        if m and m.group(1) not in out:
            out[m.group(1)] = m.group(2).strip()
    return out


def names_in_usage(help_text, path):
    """Subcommand candidates on the usage lines, and whether a line has a
    placeholder (<what>) where the subcommand goes."""
    prefix = [PROG, *path]
    found, placeholder = [], False
    for line in usage_lines(help_text):
        toks = line.split()
        if toks[:len(prefix)] != prefix or len(toks) <= len(prefix):
            continue
        t = toks[len(prefix)]
        if re.fullmatch(r"[a-z][a-z0-9-]*(\|[a-z][a-z0-9-]*)*", t):
            found += [w for w in t.split("|") if w not in found]
            placeholder = placeholder or "|" in t
        elif re.fullmatch(r"<[a-z-]+>", t):
            placeholder = True
    return found, placeholder


def names_usage(help_text, path):
    """Does a usage line of this help start with storymovie PATH?"""
    prefix = [PROG, *path]
    return any(line.split()[:len(prefix)] == prefix for line in usage_lines(help_text))


def discover(binary):
    top = run_help(binary, [])
    if top is None:
        sys.exit("help2man: '%s --help' failed" % binary)
    root = Command((), top, None)
    by_text = {top: root}
    order = [root]

    def visit(cmd, depth):
        if depth >= MAX_DEPTH:
            return
        found, placeholder = names_in_usage(cmd.help, cmd.path)
        index = index_lines(cmd.help)
        candidates = list(found)
        if placeholder:
            candidates += [n for n in index if n not in candidates]
        for name in candidates:
            path = cmd.path + (name,)
            text = run_help(binary, path)
            if text is None or not names_usage(text, path):
                continue
            child = Command(path, text, index.get(name))
            cmd.children.append(child)
            order.append(child)
            if text in by_text:
                child.alias_of = by_text[text]
                while child.alias_of.alias_of:
                    child.alias_of = child.alias_of.alias_of
            else:
                by_text[text] = child
                visit(child, depth + 1)

    visit(root, 0)
    return order


def first_sentence(help_text):
    lines = help_text.split("\n")[usage_block_length(help_text):]
    para = []
    for line in lines:
        if not line.strip():
            if para:
                break
            continue
        para.append(line.strip())
    text = " ".join(para)
    m = re.match(r"(.+?[.:])(\s|$)", text)
    s = (m.group(1) if m else text).rstrip(".:")
    return s[0].lower() + s[1:] if s[:1].isupper() and s[1:2].islower() else s


# ----------------------------------------------------------------- the pages

def esc(text):
    """Text for roff: backslashes, minus signs and quotes kept as typed."""
    text = text.replace("\\", "\\e").replace("-", "\\-").replace("'", "\\(aq")
    text = text.replace("`", "\\(ga")
    return text


def breakable(text):
    """Long words (JSON, paths) may break after a ',' or '/' (roff \\:, no
    hyphen): filled at 80 columns, groff cannot otherwise break them."""
    return re.sub(r"\S{30,}", lambda m: re.sub(r"([,/])(?=.)", r"\1\\:", m.group(0)), text)


def line_out(text):
    """A whole input line: a leading '.' would be a request."""
    t = breakable(esc(text))
    return "\\&" + t if t.startswith((".", "\\(aq")) else t


OPTION_LINE = re.compile(r"^(\s+)(-{1,2}[A-Za-z0-9][^\s,]*(?:,? [^\s]+)*?)(?:\s{2,}(\S.*))?$")
KNOWN_SECTIONS = {"options": "OPTIONS", "exit status": "EXIT STATUS", "examples": "EXAMPLES",
                  "example": "EXAMPLES", "environment": "ENVIRONMENT", "files": "FILES"}


def option_term(term):
    """-o, --output FILE -> bold options, italic values."""
    parts = []
    for alt in term.split(", "):
        toks = alt.split(" ")
        head = toks[0]
        if "=" in head:
            opt, val = head.split("=", 1)
            s = "\\fB%s\\fR=\\fI%s\\fR" % (esc(opt), esc(val))
        else:
            s = "\\fB%s\\fR" % esc(head)
        for t in toks[1:]:
            s += " \\fI%s\\fR" % esc(t)
        parts.append(s)
    return ", ".join(parts)


def indent_of(line):
    return len(line) - len(line.lstrip(" "))


def is_option_line(line):
    if not line.startswith(" "):
        return None
    m = OPTION_LINE.match(line)
    if not m or len(m.group(2)) > 34:
        return None
    return m


def table_row(line, nxt):
    """'BLEU-n    corpus level ...' with its next line indented to where the
    text after the gap starts: a term and its description, laid out by hand."""
    m = re.match(r"^(\S+(?: \S+)?)(\s{2,})\S", line)
    return bool(m) and nxt.startswith(" ") and indent_of(nxt) == m.end(2)


def body_to_roff(lines):
    """The help after its usage block, as man(7) requests."""
    out = []
    i, n = 0, len(lines)
    mode = None          # "fill", "nf" or None

    def end_nf():
        nonlocal mode
        if mode == "nf":
            out.append(".fi")
        mode = None

    while i < n:
        line = lines[i].rstrip()
        prev_blank = i == 0 or not lines[i - 1].strip()
        nxt = lines[i + 1].rstrip() if i + 1 < n else ""
        if not line:
            end_nf()
            i += 1
            continue
        # A heading: a short line of its own, after a blank line, ending in
        # ':' or introducing indented text.
        prev_indented = i > 0 and lines[i - 1].startswith(" ")
        if (not line.startswith(" ") and (prev_blank or prev_indented) and len(line) <= 52
                and (line.endswith(":") or (nxt.startswith("  ") and not nxt.endswith("\\")))
                and not re.search(r"[.;]\s", line)
                and (nxt.startswith(" ") or not nxt)):
            end_nf()
            title = line[:-1] if line.endswith(":") else line
            section = KNOWN_SECTIONS.get(title.lower())
            out.append(".SH %s" % section if section else '.SS "%s"' % esc(title).replace('"', '\\(dq'))
            i += 1
            continue
        m = is_option_line(line)
        if m:
            end_nf()
            ind = len(m.group(1))
            desc = [m.group(3)] if m.group(3) else []
            col = line.index(m.group(3)) if m.group(3) else None
            j = i + 1
            while j < n and lines[j].strip() and indent_of(lines[j]) > ind and not (
                    is_option_line(lines[j]) and indent_of(lines[j]) == ind):
                if col is None:
                    col = indent_of(lines[j])
                desc.append(lines[j].rstrip())
                j += 1
            out.append(".TP")
            out.append(option_term(m.group(2)))
            cont = desc[1:] if m.group(3) else desc
            if all(indent_of(d) == col for d in cont):
                out.extend(line_out(d.strip()) for d in desc)
            else:
                # laid out by hand inside the description: keep it
                out.append(".nf")
                out.extend(line_out(d[col:] if indent_of(d) >= col else d.strip()) for d in desc)
                out.append(".fi")
            i = j
            continue
        if line.startswith(" ") or table_row(line, nxt):
            # Hand-made layout: shown as written.
            if mode != "nf":
                out.append(".PP")
                out.append(".nf")
                mode = "nf"
            out.append(line_out(line))
            i += 1
            continue
        # Prose.
        if mode == "nf":
            end_nf()
            out.append(".PP")
        elif mode is None:
            out.append(".PP")
        mode = "fill"
        out.append(line_out(line))
        if not nxt.strip() or nxt.startswith(" "):
            mode = None
        i += 1
    end_nf()
    # Drop a .PP right after a heading, and repeated ones.
    clean = []
    for r in out:
        if r == ".PP" and clean and (clean[-1].startswith((".SH", ".SS", ".PP", ".TP"))):
            continue
        clean.append(r)
    return clean


def synopsis(help_text):
    out = [".nf"]
    for line in usage_lines(help_text) or [PROG]:
        words = line.lstrip(" ").split(" ")
        k = 0
        while k < len(words) and re.fullmatch(r"[a-z][a-z0-9-]*", words[k]):
            k += 1
        k = max(k, 1)
        bold = " ".join(words[:k])
        rest = " ".join(words[k:])
        lead = len(line) - len(line.lstrip(" "))
        out.append(("\\ " * lead) + "\\fB%s\\fR%s" % (esc(bold.strip()), (" " + esc(rest)) if rest else ""))
    out.append(".fi")
    return out


def page(cmd, commands, version):
    aliases = [c for c in commands if c.alias_of is cmd]
    names = ", ".join(esc(c.name) for c in [cmd] + aliases)
    summary = cmd.summary or first_sentence(cmd.help)
    if not cmd.path:
        summary = first_sentence(cmd.help)
    lines = [
        '.\\" -*- coding: UTF-8 -*-',
        '.\\" %s(1) - generated by scripts/help2man.py from \'%s --help\'; do not edit.' % (cmd.name, cmd.words),
        '.TH "%s" 1 "" "%s %s" "storymovie manual"' % (esc(cmd.name.upper()), PROG, version),
        ".nh",
        ".ad l",
        ".SH NAME",
        "%s \\- %s" % (names, esc(summary)),
        ".SH SYNOPSIS",
    ]
    lines += synopsis(cmd.help)
    lines.append(".SH DESCRIPTION")
    body = cmd.help.split("\n")[usage_block_length(cmd.help):]
    roff = body_to_roff(body)
    if roff and roff[0].startswith(".SH"):
        lines.pop()         # the help starts with a section of its own
    lines += roff
    see = []
    if cmd.path:
        see.append(PROG)
        parent = cmd.path[:-1]
        if parent:
            see.append("-".join((PROG,) + parent))
    see += [c.name for c in cmd.children if c.alias_of is None]
    if see:
        lines.append(".SH SEE ALSO")
        lines.append(",\n".join("\\fB%s\\fR(1)" % esc(s) for s in see))
    return "\n".join(lines) + "\n"


def write_if_changed(path, text):
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def write_pages(commands, version, man_dir):
    os.makedirs(man_dir, exist_ok=True)
    wanted = set()
    for cmd in commands:
        file = cmd.name + ".1"
        wanted.add(file)
        path = os.path.join(man_dir, file)
        if cmd.alias_of is not None:
            target = cmd.alias_of.name + ".1"
            if os.path.islink(path) and os.readlink(path) == target:
                continue
            if os.path.lexists(path):
                os.remove(path)
            os.symlink(target, path)
        else:
            if os.path.islink(path):
                os.remove(path)
            write_if_changed(path, page(cmd, commands, version))
    for old in os.listdir(man_dir):       # pages of commands that went away
        if old.endswith(".1") and old not in wanted:
            os.remove(os.path.join(man_dir, old))


# ------------------------------------------------------------ the completion

def options_of(cmd):
    """{option: value kind}; kind None when it takes no value."""
    opts = {}

    def add(term):
        for alt in term.split(", "):
            toks = alt.split(" ")
            head = toks[0].strip("[]")
            val = toks[1] if len(toks) > 1 else None
            if "=" in head:
                head, val = head.split("=", 1)
            if not re.fullmatch(r"-{1,2}[A-Za-z0-9][A-Za-z0-9-]*", head):
                continue
            opts.setdefault(head, val)

    for line in cmd.help.split("\n"):
        m = is_option_line(line)
        if m:
            add(m.group(2))
    for line in usage_lines(cmd.help):
        if line.split()[:len(cmd.path) + 1] != [PROG, *cmd.path]:
            continue
        for m in re.finditer(r"\[?(-{1,2}[A-Za-z0-9][A-Za-z0-9-]*)(?:[ =]([A-Z][A-Za-z0-9_.|/]*|[a-z]+(?:\|[a-z]+)+))?\]?",
                             line):
            opts.setdefault(m.group(1), m.group(2))
    if "--help" not in opts:
        opts["--help"] = None
        opts.setdefault("-h", None)
    return opts


def value_kind(val):
    if val is None:
        return None
    if "|" in val and val == val.lower():
        return " ".join(val.split("|"))
    if val.endswith("DIR") or val == "OUT_DIR":
        return "dir"
    if re.fullmatch(r"N|X|T|K|I/N|WxH|ID|STORY_ID|NAME|M|G|URL|S|[A-Z]?x[A-Z]?", val):
        return "none" if val not in ("S",) else "file"
    return "file"


def completion(commands):
    subs, opts, values = [], [], []
    for cmd in commands:
        key = " ".join(cmd.path)
        kids = [c.path[-1] for c in cmd.children]
        if not cmd.path:
            kids.append("help")
        if kids:
            subs.append('        "%s") echo "%s" ;;' % (key, " ".join(kids)))
        o = options_of(cmd)
        if not cmd.path:
            o.setdefault("--version", None)
        opts.append('        "%s") echo "%s" ;;' % (key, " ".join(sorted(o))))
        for name, val in sorted(o.items()):
            kind = value_kind(val)
            if kind:
                values.append('        "%s %s") echo "%s" ;;' % (key, name, kind))
    return COMPLETION % {"subs": "\n".join(subs), "opts": "\n".join(opts),
                         "values": "\n".join(values)}


COMPLETION = r'''# bash completion for storymovie(1): commands, subcommands, options and
# option values.  Generated from storymovie's --help texts by
# scripts/help2man.py; do not edit.

# The subcommands of a command path ("" is storymovie itself).
_storymovie_subcommands() {
    case "$1" in
%(subs)s
    esac
}

# The options of a command path.
_storymovie_options() {
    case "$1" in
%(opts)s
    esac
}

# What the value of option $2 of path $1 is: dir, file, none (a number or a
# name) or the words it can be; nothing when the option takes no value.
_storymovie_value() {
    case "$1 $2" in
%(values)s
        *) return 1 ;;
    esac
}

_storymovie() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev="" path="" word kind i
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    # The command path so far; the value of an option is skipped.
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ $word == -* ]]; then
            _storymovie_value "$path" "$word" >/dev/null && ((i++))
        elif [[ " $(_storymovie_subcommands "$path") " == *" $word "* ]]; then
            path=${path:+$path }$word
        fi
    done
    if [[ $prev == -* && $COMP_CWORD -gt 1 ]] && kind=$(_storymovie_value "$path" "$prev"); then
        case $kind in
            dir) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
            file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
            none) ;;
            *) COMPREPLY=($(compgen -W "$kind" -- "$cur")) ;;
        esac
        return 0
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_storymovie_options "$path")" -- "$cur"))
        return 0
    fi
    local subs
    subs=$(_storymovie_subcommands "$path")
    if [[ $path == "help" ]]; then
        subs=$(_storymovie_subcommands "")
    fi
    if [[ -n $subs ]]; then
        COMPREPLY=($(compgen -W "$subs" -- "$cur"))
        [[ -n $path ]] || return 0
    fi
    compopt -o filenames 2>/dev/null
    COMPREPLY+=($(compgen -f -- "$cur"))
    return 0
}
complete -F _storymovie storymovie
'''


# ------------------------------------------------------------------ the check

def words(text):
    text = text.replace("\u2019", "'").replace("\u2010", "-").replace("\u2212", "-")
    out = []
    for w in text.split():
        w = w.lower().rstrip(":")
        if w:
            out.append(w)
    return out


def render(page_path, width=120):
    env = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH=str(width), MAN_KEEP_FORMATTING="")
    env.pop("MANPAGER", None)
    env.pop("PAGER", None)
    p = subprocess.run(["man", "--warnings", "-l", page_path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def page_words(rendered):
    """The words of a rendered page between SYNOPSIS and SEE ALSO, without
    the section headings the page adds."""
    lines = rendered.split("\n")
    keep, section = [], None
    for line in lines:
        if re.match(r"^[A-Z][A-Z ]+$", line):
            section = line.strip()
            if section in ("DESCRIPTION",):
                continue
            if section in KNOWN_SECTIONS.values() and section not in ("SYNOPSIS", "NAME", "SEE ALSO"):
                keep.append(section)
                continue
            continue
        if section in (None, "NAME", "SEE ALSO"):
            continue
        keep.append(line)
    # the footer: 'storymovie X.Y.Z   ...   NAME(1)'
    while keep and (not keep[-1].strip() or re.search(r"\(1\)\s*$", keep[-1])):
        keep.pop()
    return words("\n".join(keep))


def help_words(text):
    ws = words(text)
    return ws[1:] if ws and ws[0] == "usage" else ws


# The headings a page spells its own way ("Options:" is OPTIONS): compared
# without them.
HEADING_WORDS = ("exit", "status", "options", "examples", "example")


def rejoin(got, want):
    """The page's words with the long words man broke at a break point
    (after ',' or '/', breakable()) joined again where the help has them
    whole."""
    out, j = [], 0
    i = 0
    while i < len(got):
        w = got[i]
        while (w.endswith((",", "/")) and i + 1 < len(got) and j < len(want)
               and want[j] != w and want[j].startswith(w + got[i + 1])):
            i += 1
            w += got[i]
        out.append(w)
        i += 1
        j += 1
    return out


def check(commands, man_dir):
    failures = 0
    for cmd in commands:
        path = os.path.join(man_dir, cmd.name + ".1")
        if not os.path.exists(path):
            print("FAIL: %s has no page %s" % (cmd.words, path))
            failures += 1
            continue
        if cmd.alias_of is not None:
            if os.path.realpath(path) != os.path.realpath(os.path.join(man_dir, cmd.alias_of.name + ".1")):
                print("FAIL: %s shares %s's help but its page is not that page" % (cmd.words, cmd.alias_of.words))
                failures += 1
            else:
                print("ok: %s -> %s.1" % (cmd.name + ".1", cmd.alias_of.name))
            continue
        rc, text, err = render(path)
        if rc == 0 and not err.strip():
            rc, _, err = render(path, 80)      # a terminal's width: lines must break
        if rc != 0 or err.strip():
            print("FAIL: man -l %s: exit %d: %s" % (path, rc, err.strip()[:500]))
            failures += 1
            continue
        got = page_words(text)
        want = help_words(cmd.help)
        got_cmp = rejoin([w for w in got if w not in HEADING_WORDS],
                         [w for w in want if w not in HEADING_WORDS])
        want_cmp = [w for w in want if w not in HEADING_WORDS]
        if got_cmp != want_cmp:
            k = 0
            while k < min(len(got_cmp), len(want_cmp)) and got_cmp[k] == want_cmp[k]:
                k += 1
            print("FAIL: %s: the page differs from '%s --help' at word %d: page %r, help %r"
                  % (path, cmd.words, k, " ".join(got_cmp[k:k + 8]), " ".join(want_cmp[k:k + 8])))
            failures += 1
        else:
            print("ok: %s.1 = '%s --help' (%d words)" % (cmd.name, cmd.words, len(want_cmp)))
    return failures


def main():
    ap = argparse.ArgumentParser(description="storymovie's man pages and completion from --help")
    ap.add_argument("--storymovie", required=True)
    ap.add_argument("--man")
    ap.add_argument("--completion")
    ap.add_argument("--check")
    ap.add_argument("--stamp")
    a = ap.parse_args()
    version_out = subprocess.run([a.storymovie, "--version"], stdout=subprocess.PIPE, check=True)
    version = version_out.stdout.decode().split()[-1]
    commands = discover(a.storymovie)
    if a.check:
        failures = check(commands, a.check)
        print("%d commands, %d pages checked, %d failures" % (len(commands), len(commands), failures))
        return 1 if failures else 0
    if a.man:
        write_pages(commands, version, a.man)
    if a.completion:
        os.makedirs(os.path.dirname(os.path.abspath(a.completion)), exist_ok=True)
        write_if_changed(a.completion, completion(commands))
    if a.stamp:
        with open(a.stamp, "w") as f:
            f.write("\n".join(c.name for c in commands) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
