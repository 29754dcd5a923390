/* page.js - draws the storymovie view page from the JSON in #sm-data
 * (written by src/view; embedded at build time, pinned by the page's
 * Content-Security-Policy).
 *
 * Every string in the data is untrusted (subtitles, scripts, stories, model
 * answers): elements are made with createElement and filled with
 * textContent, never with innerHTML, and no handler is set from data.
 *
 * Pages: the index (#), a story (#s=ID), a film (#f=FILM, &at=CUE.SEG to
 * jump to a line).  window.smView.renderMs says how long drawing took
 * (from navigation start to the end of the first draw, layout included). */
(function () {
  'use strict';

  var started = performance.now();
  var D = JSON.parse(document.getElementById('sm-data').textContent);
  var parsed = performance.now();
  var app = document.getElementById('app');
  var IMAGES = D.images || [];
  var STORIES = D.stories || [];
  var FILMS = D.films || [];
  var storyById = new Map();
  var filmById = new Map();
  STORIES.forEach(function (s) { storyById.set(s.id, s); });
  FILMS.forEach(function (f) { filmById.set(f.film, f); });
  var hasIndex = STORIES.length + FILMS.length > 1;

  /* ------------------------------------------------------------ helpers */

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return parent;
  }
  function link(text, hash, cls) {
    var a = el('a', cls, text);
    a.href = '#' + hash;
    return a;
  }
  function clock(t) {
    if (t === null || t === undefined) return '–';
    var neg = t < 0; t = Math.abs(t);
    var h = Math.floor(t / 3600), m = Math.floor(t / 60) % 60, s = t - 60 * Math.floor(t / 60);
    var ss = s.toFixed(1); if (s < 10) ss = '0' + ss;
    return (neg ? '-' : '') + (h ? h + ':' + (m < 10 ? '0' : '') : '') + m + ':' + ss;
  }
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : (many || one + 's')); }
  function storyHash(id) { return 's=' + encodeURIComponent(id); }
  function filmHash(id, at) { return 'f=' + encodeURIComponent(id) + (at ? '&at=' + at : ''); }
  function section(title, count) {
    var p = el('section', 'panel');
    var h = add(el('h2', null, title));
    if (count !== undefined) add(h, el('span', 'count', count));
    return add(p, h);
  }
  function table(headers) {
    var t = el('table'), tr = el('tr');
    headers.forEach(function (h) { add(tr, el('th', null, h)); });
    add(t, add(el('thead'), tr));
    var body = el('tbody');
    add(t, body);
    return { table: t, body: body };
  }
  function td(text, cls) { return el('td', cls, text); }
  function flash(e) {
    e.classList.add('flash');
    setTimeout(function () { e.classList.remove('flash'); }, 1600);
  }
  function first(obj, keys) {
    for (var i = 0; i < keys.length; i++)
      if (obj && obj[keys[i]] !== undefined && obj[keys[i]] !== null) return obj[keys[i]];
    return null;
  }
  function asText(v) {
    if (v === null || v === undefined) return '';
    return typeof v === 'string' ? v : JSON.stringify(v);
  }

  /* Speakers: one colour per name ("MARTHA (V.O.)" is MARTHA), as a class
   * (sp0, sp1, ...) whose rule, added to the page's own style sheet, sets
   * --sc: thousands of lines then carry a class instead of a style each.
   * The colours come from the palette, never from the data. */
  var PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#e8590c', '#0c8599', '#8c564b',
                 '#d6336c', '#5c940d', '#364fc7', '#a61e4d', '#087f5b', '#b08900', '#6741d9'];
  var sheet = document.styleSheets[0];
  var speakers = new Map();   /* key -> [class, colour] */
  function speakerKey(name) {
    return String(name).replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim().toUpperCase();
  }
  function speaker(name) {
    var k = speakerKey(name), sp = speakers.get(k);
    if (!sp) {
      var i = speakers.size;
      sp = ['sp' + i, i < PALETTE.length ? PALETTE[i] : 'hsl(' + ((i * 137.5) % 360).toFixed(0) + ',55%,42%)'];
      speakers.set(k, sp);
      sheet.insertRule('.' + sp[0] + '{--sc:' + sp[1] + '}', sheet.cssRules.length);
    }
    return sp;
  }
  function speakerColour(name) { return speaker(name)[1]; }
  /* The films' speakers first, in their order: a speaker keeps its colour
   * whichever page is opened first. */
  FILMS.forEach(function (f) { f.sp.forEach(speaker); });
  function speakerChip(name) {
    if (name === null || name === undefined) return el('span', 'spk none', 'abstained');
    return el('span', 'spk ' + speaker(name)[0], name);
  }
  var LOW = 0.5;
  function confidence(conf, speaker) {
    if (speaker === null || speaker === undefined) return el('span', 'conf zero', '–');
    var c = el('span', 'conf' + (conf < LOW ? ' low' : ''), conf.toFixed(2));
    c.title = conf < LOW ? 'low confidence' : 'aligner confidence (calibrated)';
    return c;
  }

  /* ------------------------------------------------------------ index */

  function renderIndex() {
    var bar = add(el('header', 'bar'), el('h1', null, 'storymovie view'));
    add(bar, el('span', 'sub', plural(STORIES.length, 'story', 'stories') + ', ' +
                plural(FILMS.length, 'film')));
    var page = el('main', 'page');
    add(app, bar, page);
    if (STORIES.length) {
      var p = section('Stories', STORIES.length);
      var search = el('input', 'search');
      search.type = 'search';
      search.placeholder = 'filter by story id or film';
      add(p, add(el('div', 'controls'), search));
      var t = table(['', 'story', 'film', 'frames', 'window', 'lines (with speaker)', 'names',
                     'story record', 'checks', 'judge', 'QA']);
      t.table.className = 'index';
      var rows = [];
      STORIES.forEach(function (s) {
        var tr = el('tr');
        var withSpk = s.dialogue.filter(function (d) { return d[4] !== null; }).length;
        var named = s.chars.filter(function (c) { return c.name; }).length;
        var thumb = el('td', 'thumb'), f0 = s.frames.slice().sort(function (a, b) { return a.t - b.t; })[0];
        if (f0 && f0.src >= 0) {
          var img = el('img');
          img.loading = 'lazy';
          img.alt = '';
          img.src = IMAGES[f0.src];
          add(thumb, img);
        }
        add(tr, thumb, add(el('td'), link(s.id, storyHash(s.id))),
            td((s.title || '') + ' ' + s.movie),
            td(s.frames.length, 'num'),
            td(clock(s.window.start) + '–' + clock(s.window.end), 'time'),
            td(s.dialogue.length + ' (' + withSpk + ')', 'num'),
            td(s.chars.length ? named + ' of ' + s.chars.length : '–', 'num'),
            td(s.story ? s.story.kind : '–'),
            add(el('td'), checksBadge(s)),
            td(s.verdicts ? verdictSummary(s.verdicts) : ''),
            td(s.qa ? qaSummary(s.qa) : ''));
        tr.dataset.key = (s.id + ' ' + s.movie + ' ' + (s.title || '')).toLowerCase();
        rows.push(tr);
        add(t.body, tr);
      });
      search.addEventListener('input', function () {
        var q = search.value.toLowerCase();
        rows.forEach(function (r) { r.hidden = q !== '' && r.dataset.key.indexOf(q) < 0; });
      });
      add(p, t.table);
      add(page, p);
    }
    if (FILMS.length) {
      var q = section('Films (alignments)', FILMS.length);
      var ft = table(['film', 'title', 'subtitle segments', 'with a speaker', 'script blocks', 'stories']);
      FILMS.forEach(function (f) {
        var answered = f.seg.filter(function (s) { return s[4] >= 0; }).length;
        add(ft.body, add(el('tr'), add(el('td'), link(f.film, filmHash(f.film))), td(f.title || ''),
                         td(f.seg.length, 'num'),
                         td(f.seg.length ? (100 * answered / f.seg.length).toFixed(1) + '%' : '–', 'num'),
                         td(f.blk.length, 'num'), td(f.stories.length, 'num')));
      });
      add(q, ft.table);
      add(page, q);
    }
  }

  function checksBadge(s) {
    var n = (s.story ? s.story.issues.length : 0) + s.problems.length;
    var failed = s.failures && s.failures.length;
    if (failed) return el('span', 'badge bad', 'failed');
    if (!s.story && !s.problems.length) return el('span', 'muted', '');
    return n ? el('span', 'badge warn', plural(n, 'problem')) : el('span', 'badge ok', 'ok');
  }
  function verdictSummary(vs) {
    var n = {};
    vs.forEach(function (v) { var k = asText(first(v, ['verdict', 'winner', 'result'])); n[k] = (n[k] || 0) + 1; });
    return Object.keys(n).map(function (k) { return k + ' ' + n[k]; }).join(', ');
  }
  function qaCorrect(r) {
    var g = first(r, ['correct', 'grade', 'verdict', 'result', 'judgement']);
    if (g === true || g === false) return g;
    if (typeof g === 'string') {
      if (/correct/i.test(g) && !/wrong|incorrect/i.test(g)) return true;
      if (/wrong|incorrect/i.test(g)) return false;
    }
    return null;
  }
  function qaSummary(rs) {
    var right = rs.filter(function (r) { return qaCorrect(r) === true; }).length;
    return right + ' of ' + rs.length + ' right';
  }

  /* ------------------------------------------------------------ story */

  function renderStory(s) {
    var bar = el('header', 'bar');
    add(bar, add(el('h1'), s.id));
    add(bar, el('span', 'sub', (s.title || 'untitled') + ' · ' + s.movie + ' · window ' +
                clock(s.window.start) + '–' + clock(s.window.end) + ' · ' +
                plural(s.frames.length, 'frame')));
    if (s.story) add(bar, el('span', 'badge', s.story.kind));
    if (s.failures && s.failures.length) add(bar, el('span', 'badge bad', 'failed verification'));
    var nav = el('span', 'nav');
    if (hasIndex) add(nav, link('all stories', ''));
    if (filmById.has(s.movie)) add(nav, link('film alignment', filmHash(s.movie)));
    add(bar, nav);
    var page = el('main', 'page');
    add(app, bar, page);

    var ctx = { story: s, boxes: [], tags: [], frameEls: [], gdiEls: [], rowsByLine: new Map(),
                quoteEls: [], pinned: null };
    var cols = el('div', 'cols');
    var left = el('div'), right = el('div', 'sticky');
    add(cols, left, right);
    add(page, cols);
    add(left, framesPanel(s, ctx));
    add(right, storyPanel(s, ctx));
    var below = el('div', 'cols2');
    var bl = el('div'), br = el('div');
    add(below, bl, br);
    add(page, below);
    add(bl, dialoguePanel(s, ctx));
    add(br, namesPanel(s));
    add(br, checksPanel(s));
    if (s.verdicts) add(br, verdictsPanel(s.verdicts));
    if (s.qa) add(bl, qaPanel(s.qa));
    add(bl, scriptPanel(s));
    linkQuotes(ctx);
  }

  function framesPanel(s, ctx) {
    var order = s.frames.slice().sort(function (a, b) { return a.t - b.t || a.n - b.n; });
    var p = section('Frames in film order', plural(s.frames.length, 'frame') +
                    (s.window.in_order ? '' : ' · the story shows them in another order'));
    var legend = el('div', 'legend');
    [['char', 'character'], ['obj', 'object'], ['lm', 'landmark'], ['bg', 'background']].forEach(function (k) {
      var sw = el('span', 'sw');
      sw.style.background = 'var(--' + k[0] + ')';
      add(legend, add(el('span'), sw, k[1]));
    });
    add(legend, el('span', null, 'boxes from the chain of thought; point at one to find its tags'));
    if (s.story) add(p, legend);
    var grid = el('div', 'frames');
    /* Each line goes under the first image it falls on. */
    var under = new Map();
    s.dialogue.forEach(function (d) {
      if (d[8].length) {
        var n = d[8][0];
        if (!under.has(n)) under.set(n, []);
        under.get(n).push(d);
      }
    });
    order.forEach(function (f) { add(grid, frameCard(f, ctx, under.get(f.n) || [])); });
    return add(p, grid);
  }

  function frameCard(f, ctx, lines) {
    var card = el('div', 'card');
    card.id = 'frame-' + f.n;
    ctx.frameEls[f.n] = card;
    var head = el('div', 'card-head');
    add(head, el('span', 'n', 'Image ' + f.n), el('span', 'time', clock(f.t)),
        el('span', 'where', 'shot ' + f.shot + ' · frame ' + f.frame));
    head.title = f.kf + ' — shot on screen ' + clock(f.ss) + '–' + clock(f.se);
    var frame = el('div', 'frame');
    /* The largest first, so a small box drawn inside a large one stays on top. */
    var boxes = (f.boxes || []).slice().sort(function (a, b) {
      return (b[5] - b[3]) * (b[6] - b[4]) - (a[5] - a[3]) * (a[6] - a[4]);
    });
    var w = f.w, h = f.h;
    function draw(W, H) {
      frame.style.aspectRatio = W + ' / ' + H;
      boxes.forEach(function (b) {
        var box = el('div', 'box k-' + b[1]);
        box.style.left = (100 * b[3] / W) + '%';
        box.style.top = (100 * b[4] / H) + '%';
        box.style.width = (100 * (b[5] - b[3]) / W) + '%';
        box.style.height = (100 * (b[6] - b[4]) / H) + '%';
        add(box, el('span', null, b[0] + (b[2] ? ' · ' + b[2] : '')));
        box.title = b[0] + (b[2] ? ': ' + b[2] : '') + ' [' + b.slice(3).join(', ') + ']';
        var rec = { id: b[0], n: f.n, el: box, frame: frame };
        ctx.boxes.push(rec);
        box.addEventListener('mouseenter', function () { lightBox(ctx, rec, true); });
        box.addEventListener('mouseleave', function () { lightBox(ctx, rec, false); });
        add(frame, box);
      });
    }
    if (f.src >= 0) {
      var img = el('img');
      img.alt = f.kf;
      img.decoding = 'async';
      img.src = IMAGES[f.src];
      add(frame, img);
      if (!(w > 0 && h > 0)) {
        frame.style.aspectRatio = '16 / 9';
        img.addEventListener('load', function () { draw(img.naturalWidth || 16, img.naturalHeight || 9); });
      }
      img.addEventListener('error', function () {
        add(frame, el('span', 'missing', f.kf + ' (could not be loaded from ' + IMAGES[f.src].slice(0, 80) + ')'));
        if (!(w > 0 && h > 0)) drawUnsized();
      });
    } else {
      add(frame, el('span', 'missing', f.kf + (D.inputs && D.inputs.movienet ? ' (image not found)' : ' (no --movienet)')));
    }
    /* Without the image's size, a frame that holds every box. */
    function drawUnsized() {
      var W = 16, H = 9;
      boxes.forEach(function (b) { W = Math.max(W, b[5]); H = Math.max(H, b[6]); });
      W = Math.max(W, H * 16 / 9); H = Math.max(H, W * 9 / 16);
      draw(W, H);
    }
    if (w > 0 && h > 0) draw(w, h);
    else if (f.src < 0) drawUnsized();
    add(card, head, frame);
    var foot = el('div', 'card-foot');
    if (lines.length) {
      lines.forEach(function (d) {
        var line = add(el('div', 'line'), speakerChip(d[4]), d[6] || '');
        add(foot, line);
      });
    } else {
      add(foot, el('span', 'muted', f.lines ? plural(f.lines, 'line') + ' over the shot' : 'no dialogue over this shot'));
    }
    return add(card, foot);
  }

  /* Tags <-> boxes */
  function clearLight(ctx) {
    ctx.lit.forEach(function (e) { e.classList.remove('hl', 'hl2', 'dim', 'lit'); });
    ctx.lit = [];
  }
  function mark(ctx, e, cls) { e.classList.add(cls); ctx.lit.push(e); }
  function lightIds(ctx, ids, n, tagEl) {
    clearLight(ctx);
    if (!ids) return;
    ctx.boxes.forEach(function (b) {
      if (ids.indexOf(b.id) < 0) return;
      mark(ctx, b.el, b.n === n ? 'hl' : 'hl2');
      mark(ctx, b.frame, 'dim');
    });
    ctx.tags.forEach(function (t) {
      if (t.ids.some(function (i) { return ids.indexOf(i) >= 0; }) && (t.n === n || !n)) mark(ctx, t.el, 'hl');
    });
    if (n && ctx.frameEls[n]) mark(ctx, ctx.frameEls[n], 'lit');
    if (tagEl) mark(ctx, tagEl, 'hl');
  }
  function restorePin(ctx) {
    if (ctx.pinned) lightIds(ctx, ctx.pinned.ids, ctx.pinned.n, ctx.pinned.el);
    else clearLight(ctx);
  }
  function lightBox(ctx, rec, on) {
    if (on) lightIds(ctx, [rec.id], rec.n, null);
    else restorePin(ctx);
  }

  function storyPanel(s, ctx) {
    ctx.lit = [];
    var p = section('Story');
    if (!s.story) {
      add(p, el('p', 'muted', 'No story record for this story: give --stories to see the story, ' +
                'its tags and its boxes.'));
      return p;
    }
    var st = s.story;
    var meta = [];
    if (st.model) meta.push('model ' + asText(st.model));
    if (st.prompt_version) meta.push('prompt ' + asText(st.prompt_version));
    if (st.attempts !== undefined) meta.push(plural(Number(st.attempts), 'attempt'));
    if (meta.length) add(p, el('div', 'small muted', meta.join(' · ')));
    var legend = el('div', 'legend');
    [['gdo', 'entity <gdo>'], ['gda', 'action <gda>'], ['gdl', 'landmark <gdl>']].forEach(function (k) {
      var sw = el('span', 'sw');
      sw.style.background = 'var(--' + k[0] + '-b)';
      add(legend, add(el('span'), sw, k[1]));
    });
    if (st.quotes) {
      var qs = el('span', 'sw');
      qs.style.background = '#fab005';
      add(legend, add(el('span'), qs, 'quotation'));
    }
    var toggle = el('label');
    var box = el('input');
    box.type = 'checkbox';
    box.checked = true;
    add(toggle, box, ' ids');
    add(legend, toggle);
    add(p, legend);
    var text = el('div', 'story');
    box.addEventListener('change', function () { text.classList.toggle('hide-ids', !box.checked); });
    drawTree(st.tree, text, ctx, 0, true);
    add(p, text);
    if (st.names && typeof st.names === 'object') {
      var names = Object.keys(st.names).map(function (k) { return k + ' = ' + asText(st.names[k]); });
      if (names.length) add(p, el('div', 'small muted', 'names given: ' + names.join(', ')));
    }
    if (st.source) {
      var d = add(el('details'), el('summary', null, 'original story (before generation)'));
      var orig = el('div', 'story');
      drawTree(st.source, orig, { tags: [], boxes: ctx.boxes, lit: ctx.lit, quoteEls: [], frameEls: ctx.frameEls,
                                  gdiEls: [], pinned: null, story: s, noQuotes: true }, 0, false);
      add(p, add(d, orig));
    }
    return p;
  }

  function drawTree(nodes, parent, ctx, n, top) {
    nodes.forEach(function (node) {
      if (typeof node === 'string') {
        add(parent, node);
        return;
      }
      if (node.q !== undefined) {
        var q = el('span', 'quote', node.t);
        q.dataset.q = node.q;
        ctx.quoteEls.push({ q: node.q, el: q });
        add(parent, q);
        return;
      }
      if (node.k === 'i') {
        var block = el(top ? 'div' : 'span', 'gdi');
        var label = el('span', 'gdi-n', 'Image ' + (node.n || '?'));
        label.title = 'show image ' + node.n;
        label.addEventListener('click', function () {
          var f = ctx.frameEls[node.n];
          if (f) { f.scrollIntoView({ block: 'nearest', behavior: 'smooth' }); flashCard(f); }
        });
        add(block, label);
        drawTree(node.c, block, ctx, node.n, false);
        add(parent, block);
        return;
      }
      var tag = el('span', 'tag t-' + node.k + (node.open ? ' open' : ''));
      var ids = node.ids || [];
      var name = { o: 'gdo', a: 'gda', l: 'gdl' }[node.k] || 'tag';
      tag.title = '<' + name + ' ' + (node.at !== undefined ? node.at : ids.join(' ')) + '>' +
                  (node.open ? ' (never closed)' : '') + (node.n ? ' · image ' + node.n : '');
      drawTree(node.c, tag, ctx, n, false);
      add(tag, el('span', 'ids', ids.length ? ids.join(' ') : (node.at || '')));
      var rec = { ids: ids, n: node.n || n, el: tag };
      ctx.tags.push(rec);
      tag.addEventListener('mouseenter', function () { lightIds(ctx, ids, rec.n, tag); });
      tag.addEventListener('mouseleave', function () { restorePin(ctx); });
      tag.addEventListener('click', function (ev) {
        ev.stopPropagation();
        if (ctx.pinned && ctx.pinned.el === tag) {
          tag.classList.remove('pinned');
          ctx.pinned = null;
        } else {
          if (ctx.pinned) ctx.pinned.el.classList.remove('pinned');
          ctx.pinned = { ids: ids, n: rec.n, el: tag };
          tag.classList.add('pinned');
          var f = ctx.frameEls[rec.n];
          if (f) f.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
        }
        restorePin(ctx);
      });
      add(parent, tag);
    });
  }
  function flashCard(card) {
    card.classList.add('lit');
    setTimeout(function () { card.classList.remove('lit'); }, 1200);
  }

  function dialoguePanel(s, ctx) {
    var answered = s.dialogue.filter(function (d) { return d[4] !== null; }).length;
    var p = section('Dialogue in the window', plural(s.dialogue.length, 'line') + ', ' + answered +
                    ' with a speaker');
    if (!s.alignment) add(p, el('p', 'muted', 'The film has no alignment: see the problems.'));
    if (!s.dialogue.length) return p;
    var t = table(['time', 'on', 'speaker', 'conf.', 'text', 'script']);
    s.dialogue.forEach(function (d) {
      var tr = el('tr');
      tr.id = 'line-' + d[0] + '-' + d[1];
      ctx.rowsByLine.set(d[0] + '.' + d[1], tr);
      var on = el('td', 'imgs');
      if (d[8].length) {
        d[8].forEach(function (n) {
          var a = el('a', null, n);
          a.title = 'image ' + n;
          a.addEventListener('click', function () {
            var f = ctx.frameEls[n];
            if (f) { f.scrollIntoView({ block: 'nearest', behavior: 'smooth' }); flashCard(f); }
          });
          add(on, a);
        });
      } else if (d[9]) {
        add(on, el('span', 'between', 'between ' + (d[9][0] || '…') + '–' + (d[9][1] || '…')));
      }
      var cue = el('td', 'time', clock(d[2]));
      cue.title = 'cue ' + d[0] + (d[1] > 1 ? ' segment ' + d[1] : '') + ', ' + clock(d[2]) + '–' + clock(d[3]);
      var script = el('td', 'small muted');
      if (d[7] !== null) {
        if (filmById.has(s.movie)) add(script, link('#' + d[7], filmHash(s.movie, d[0] + '.' + d[1])));
        else add(script, '#' + d[7]);
      }
      add(tr, cue, on, add(el('td'), speakerChip(d[4])), add(el('td'), confidence(d[5], d[4])),
          td(d[6] === null ? '' : d[6], 'text'), script);
      add(t.body, tr);
    });
    return add(p, t.table);
  }

  /* Quotations of a StoryMovie record <-> the subtitle lines they quote. */
  function linkQuotes(ctx) {
    var st = ctx.story.story;
    if (!st || !st.quotes) return;
    ctx.quoteEls.forEach(function (qe) {
      var q = st.quotes[qe.q] || {};
      var key = q.cue + '.' + (q.segment || 1);
      var row = ctx.rowsByLine.get(key);
      var who = first(q, ['speaker']), to = first(q, ['attributed_to']);
      qe.el.title = 'subtitle ' + key + (who ? ', said by ' + who : ', speaker unknown') +
                    (to ? '; the story gives it to ' + to : '') + (row ? '' : ' (not in this window)');
      if (!row) { qe.el.classList.add('missing'); return; }
      row.classList.add('quoted');
      qe.el.addEventListener('mouseenter', function () { row.classList.add('hl'); });
      qe.el.addEventListener('mouseleave', function () { row.classList.remove('hl'); });
      qe.el.addEventListener('click', function () {
        row.scrollIntoView({ block: 'center', behavior: 'smooth' });
        flash(row);
      });
      row.addEventListener('click', function () {
        qe.el.scrollIntoView({ block: 'center', behavior: 'smooth' });
        qe.el.classList.add('hl');
        setTimeout(function () { qe.el.classList.remove('hl'); }, 1500);
      });
    });
  }

  function quotesList(st) {
    var lost = st.quotes.filter(function (q) { return q && q.found === false; });
    if (!lost.length) return null;
    var ul = el('ul', 'plain');
    lost.forEach(function (q) { add(ul, el('li', null, '“' + asText(q.text) + '” (subtitle ' + q.cue + '.' + (q.segment || 1) + ') is not in the story text')); });
    return ul;
  }

  function namesPanel(s) {
    var p = section('Names', s.chars.length ? s.chars.filter(function (c) { return c.name; }).length +
                    ' of ' + s.chars.length + ' named' : '');
    if (!s.chars.length) {
      add(p, el('p', 'muted', 'No characters: the story came without a chain of thought.'));
      return p;
    }
    var t = table(['id', 'in the chain of thought', 'real name', 'actor', 'evidence']);
    s.chars.forEach(function (c) {
      var ev = [];
      if (c.name) {
        ev.push('box matched on ' + (c.matched.length === 1 ? 'image ' : 'images ') + c.matched.join(', ') +
                (c.iou !== undefined ? ' (IoU ' + c.iou.toFixed(2) + ', min ' + c.iou_min.toFixed(2) + ')' : ''));
        if (c.speaker) ev.push('speaks as ' + c.speaker + ': ' + plural(c.lines, 'line') + ' in the window, ' +
                               c.on_frames + ' on its images');
        else if (c.speaker !== undefined) ev.push('does not speak in the window');
      } else {
        ev.push(c.unnamed || 'no name found');
      }
      if (c.conflicts) ev.push('matched someone else on ' + plural(c.conflicts, 'image'));
      if (c.same) ev.push('same cast member as ' + c.same.join(', '));
      var idc = el('td', 'mono', c.id);
      add(t.body, add(el('tr'), idc, td(c.cot || ''), add(el('td'), c.name ? el('b', null, c.name) : el('span', 'muted', '–')),
                      td(c.actor || ''), td(ev.join('; '), 'small')));
    });
    return add(p, t.table);
  }

  /* A problem of generate's verification: {"code","rule","message"}
   * (docs/generate.md), or a plain line. */
  function problemItem(x) {
    if (typeof x === 'string') return el('li', null, x);
    return add(el('li'), x && x.code ? el('span', 'code', x.code) : null,
               asText(first(x, ['message', 'reason', 'text']) || x),
               x && x.rule !== undefined && x.rule !== null ? el('span', 'muted small', ' (rule ' + x.rule + ')') : null);
  }
  function problemList(list) {
    var ul = el('ul', 'plain issues');
    list.forEach(function (x) { add(ul, problemItem(x)); });
    return ul;
  }

  /* One record of generate ground's failures.jsonl: why (reason, message),
   * the last attempt's problems, then each try with its own problems and
   * answer, folded. */
  function failure(p, f) {
    add(p, add(el('div'), el('span', 'badge bad', f.reason === 'verification' || !f.reason ? 'failed verification' : 'failed'),
               f.attempts !== undefined ? el('span', 'small muted', ' after ' + plural(Number(f.attempts), 'attempt')) : null,
               f.message && f.message !== 'failed verification' ? el('span', 'small', ': ' + f.message) : null));
    var probs = Array.isArray(f.problems) ? f.problems : [];
    if (!probs.length && Array.isArray(f.reasons)) probs = f.reasons;   /* older records */
    if (probs.length) add(p, problemList(probs));
    var tries = Array.isArray(f.tries) ? f.tries : [];
    if (tries.length) {
      var tl = el('ol', 'plain tries');
      tries.forEach(function (t) {
        var head = 'attempt ' + asText(t.attempt) + ': ' + asText(t.status) +
                   (t.finish_reason ? ' (' + t.finish_reason + ')' : '');
        var li = add(el('li', 'try'), el('div', 'small', head));
        if (Array.isArray(t.problems))
          add(li, t.problems.length ? problemList(t.problems) : el('div', 'small muted', 'no problem found'));
        else add(li, el('div', 'small muted', 'not verified'));
        if (typeof t.answer === 'string')
          add(li, add(el('details'), el('summary', null, 'its answer'), el('div', 'pre small', t.answer)));
        add(tl, li);
      });
      add(p, add(el('details', 'tries-box'), el('summary', null, plural(tries.length, 'try', 'tries')), tl));
    }
    var txt = first(f, ['story', 'answer', 'raw']);
    if (typeof txt === 'string') add(p, add(el('details'), el('summary', null, 'the last answer'), el('div', 'pre small', txt)));
  }

  function checksPanel(s) {
    var st = s.story;
    var issues = st ? st.issues : [];
    var fails = s.failures || [];
    var p = section('Checks');
    if (!st && !s.problems.length && !fails.length) {
      add(p, el('p', 'muted', 'No story record: nothing checked.'));
      return p;
    }
    if (st) {
      if (!issues.length) add(p, add(el('p'), el('span', 'badge ok', 'ok'), ' the story passes every story check rule'));
      else {
        add(p, el('div', 'small muted', plural(issues.length + (st.issues_more || 0), 'problem') +
                  ' found by the story checks:'));
        var ul = el('ul', 'plain issues');
        issues.forEach(function (i) {
          add(ul, add(el('li'), el('span', 'code', i[0]), i[1],
                      el('span', 'muted small', ' (' + i[2] + (i[3] ? ' line ' + i[3] : '') + ')')));
        });
        add(p, ul);
      }
      if (st.quotes) {
        var lost = quotesList(st);
        add(p, el('div', 'small muted', plural(st.quotes.length, 'quotation') + (lost ? '' : ', each found in the story')));
        if (lost) add(p, lost);
      }
    }
    if (s.problems.length) {
      add(p, el('div', 'small muted', 'Context record:'));
      var pl = el('ul', 'plain');
      s.problems.forEach(function (x) { add(pl, el('li', null, x)); });
      add(p, pl);
    }
    fails.forEach(function (f) { failure(p, f); });
    return p;
  }

  function verdictsPanel(vs) {
    var p = section('Judge verdicts', plural(vs.length, 'verdict'));
    var t = table(['criterion', 'order', 'verdict', 'judge said']);
    vs.forEach(function (v) {
      var raw = asText(first(v, ['raw', 'raw_answer', 'answer', 'response']));
      var rawCell = el('td', 'small');
      if (raw.length > 160) add(rawCell, add(el('details'), el('summary', null, raw.slice(0, 80) + '…'), el('div', 'pre', raw)));
      else add(rawCell, raw);
      var verdict = asText(first(v, ['verdict', 'winner', 'result']));
      var vc = el('td', null, verdict);
      if (/invalid/i.test(verdict)) vc.className = 'conf low';
      add(t.body, add(el('tr'), td(asText(first(v, ['criterion']))), td(asText(first(v, ['order']))), vc, rawCell));
    });
    return add(p, t.table);
  }

  function qaPanel(rs) {
    var p = section('QA', qaSummary(rs));
    var t = table(['category', 'question', 'key', 'answer from the story', 'grade']);
    rs.forEach(function (r) {
      var ok = qaCorrect(r);
      var g = el('td', null, ok === null ? asText(first(r, ['grade', 'verdict', 'result'])) : ok ? 'right' : 'wrong');
      g.className = ok === false ? 'conf low' : '';
      add(t.body, add(el('tr'), td(asText(first(r, ['category']))), td(asText(first(r, ['question']))),
                      td(asText(first(r, ['key', 'answer_key', 'expected', 'gold']))),
                      td(asText(first(r, ['answer', 'model_answer', 'response', 'prediction'])), 'small'), g));
    });
    return add(p, t.table);
  }

  function scriptPanel(s) {
    var p = section('Script and synopsis in the window', plural(s.script.length, 'block') + ', ' +
                    plural(s.scenes.length, 'scene'));
    if (s.scenes.length) {
      var sc = el('ul', 'plain small');
      s.scenes.forEach(function (x) {
        add(sc, el('li', null, 'scene ' + x[0] + ': ' + (x[1] || '(no heading)') + ' · ' + clock(x[2]) + '–' + clock(x[3])));
      });
      add(p, sc);
    }
    if (s.script.length) {
      var d = add(el('details'), el('summary', null, 'the script blocks (' + s.script.length + ')'));
      var t = table(['time', 'block', 'on', 'text']);
      s.script.forEach(function (b) {
        var text = el('td', 'text pre');
        if (b[3]) add(text, speakerChip(b[3]), ' ');
        add(text, b[4] || '');
        add(t.body, add(el('tr'), td(clock(b[5]), 'time'), td('#' + b[0] + ' ' + b[1] + (b[7] === 'interpolated' ? ' (interpolated)' : ''), 'small muted'),
                        td(b[8].join(', '), 'small'), text));
      });
      add(p, add(d, t.table));
    }
    s.synopsis.forEach(function (x) {
      add(p, add(el('div', 'small muted'), 'Synopsis ' + (x[0] || '') + ' (' + clock(x[1]) + '–' + clock(x[2]) +
                 ', ' + x[3].toFixed(0) + ' s in the window)'));
      add(p, el('p', null, x[4] || ''));
    });
    return p;
  }

  /* ------------------------------------------------------------ film */

  /* A film page's state: the alignment, its rows, the filter. */
  var ABST = '\u0000abst', NOSP = '\u0000nosp';   /* filter keys of no speaker */

  function renderFilm(F, at) {
    var bar = el('header', 'bar');
    add(bar, el('h1', null, F.film), el('span', 'sub', (F.title || '') + ' · ' + F.file));
    var nav = el('span', 'nav');
    if (hasIndex) add(nav, link('index', ''));
    add(app, add(bar, nav));
    var V = filmState(F);
    add(app, add(el('main', 'page'), filmSummary(V), filmFilter(V), filmOverview(V), filmList(V)));
    drawLanes(V);
    if (at && V.lineRow.has(at)) requestAnimationFrame(function () { goTo(V, V.lineRow.get(at)); });
  }

  function filmState(F) {
    var V = { F: F, SP: F.sp, SPK: F.sp.map(speakerKey), seg: F.seg, blk: F.blk, count: new Map(), T: 1 };
    V.segKey = function (s) { return s[4] >= 0 ? V.SPK[s[4]] : ABST; };
    V.blkKey = function (b) { return b[3] >= 0 ? V.SPK[b[3]] : NOSP; };
    function bump(k) { V.count.set(k, (V.count.get(k) || 0) + 1); }
    V.seg.forEach(function (s) { bump(V.segKey(s)); V.T = Math.max(V.T, s[3]); });
    V.blk.forEach(function (b) { bump(V.blkKey(b)); if (b[6] !== null) V.T = Math.max(V.T, b[6]); });
    V.rows = filmRows(V.seg, V.blk);
    V.keysOf = V.rows.map(function (r) {
      if (r.s >= 0) return V.segKey(V.seg[r.s]);
      return V.blkKey(V.blk[r.b]);
    });
    V.selected = new Set(Array.from(V.count.keys()).concat([ABST, NOSP]));
    V.lowOnly = el('input');
    V.lowOnly.type = 'checkbox';
    return V;
  }

  /* Rows: each segment with the block it says (the block's first segment
   * shows the block, the others say "continued"), then the blocks no
   * segment says, at their time; an untimed block sits after the block
   * before it in the script.  In time order. */
  function filmRows(seg, blk) {
    var bIndex = new Map();
    blk.forEach(function (b, i) { bIndex.set(b[0], i); });
    var placed = new Uint8Array(blk.length);
    var rows = [];
    seg.forEach(function (s, i) {
      var r = { t: s[2], s: i, b: -1, cont: -1 };
      if (s[7] > 0 && bIndex.has(s[7])) {
        var bi = bIndex.get(s[7]);
        if (!placed[bi]) { placed[bi] = 1; r.b = bi; } else r.cont = bi;
      }
      rows.push(r);
    });
    var lastT = 0;
    blk.forEach(function (b, i) {
      var t = b[5] !== null ? b[5] : lastT;
      if (b[5] !== null) lastT = b[5];
      if (!placed[i]) rows.push({ t: t, s: -1, b: i, cont: -1, untimed: b[5] === null });
    });
    return rows.sort(function (a, b) { return a.t - b.t; });
  }

  function filmSummary(V) {
    var seg = V.seg, blk = V.blk;
    var answered = seg.filter(function (s) { return s[4] >= 0; }).length;
    var low = seg.filter(function (s) { return s[4] >= 0 && s[5] < LOW; }).length;
    var timed = blk.filter(function (b) { return b[5] !== null; }).length;
    var interp = blk.filter(function (b) { return b[7] === 'interpolated'; }).length;
    var p = section('Alignment', plural(seg.length, 'subtitle segment') + ' · ' + plural(blk.length, 'script block'));
    return add(p, el('div', 'small', answered + ' segments with a speaker (' +
                     (seg.length ? (100 * answered / seg.length).toFixed(1) : '0') + '%), ' + (seg.length - answered) +
                     ' abstained, ' + low + ' below confidence ' + LOW + ' · ' + timed + ' blocks timed (' + interp +
                     ' interpolated), ' + (blk.length - timed) + ' untimed'));
  }

  /* A chip per speaker (most lines first), then the two kinds without one. */
  function filmFilter(V) {
    var keys = [];
    V.SPK.forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); });
    keys.sort(function (a, b) { return (V.count.get(b) || 0) - (V.count.get(a) || 0); });
    var controls = el('div', 'controls'), chips = [];
    function chip(key, label, colour) {
      var c = el('span', 'chip'), dot = el('span', 'dot');
      dot.style.background = colour;
      add(c, dot, label, el('span', 'n', V.count.get(key) || 0));
      c.addEventListener('click', function () {
        if (V.selected.has(key)) V.selected.delete(key); else V.selected.add(key);
        sync();
      });
      chips.push({ key: key, el: c });
      return c;
    }
    function sync() {
      chips.forEach(function (c) { c.el.classList.toggle('off', !V.selected.has(c.key)); });
      applyFilter(V);
    }
    add(controls, el('span', 'small muted', 'speakers:'));
    keys.forEach(function (k) { add(controls, chip(k, k, speakerColour(k))); });
    add(controls, chip(ABST, 'abstained', '#adb5bd'), chip(NOSP, 'script without speaker', '#dee2e6'));
    var all = el('button', null, 'all'), none = el('button', null, 'none');
    all.addEventListener('click', function () { chips.forEach(function (c) { V.selected.add(c.key); }); sync(); });
    none.addEventListener('click', function () { V.selected.clear(); sync(); });
    V.lowOnly.addEventListener('change', function () { applyFilter(V); });
    add(controls, all, none, add(el('label', 'small'), V.lowOnly, ' only abstentions and low confidence'));
    return add(el('section', 'panel'), controls);
  }

  /* Overview of the whole film: a canvas for each lane, the stories'
   * windows as marks. */
  var LANE_W = 2000, LANE_H = 18;
  function filmOverview(V) {
    var T = V.T, ov = el('div', 'ov'), ticks = el('div', 'ticks');
    var step = [30, 60, 120, 300, 600, 900, 1800].find(function (x) { return T / x <= 14; }) || 3600;
    for (var x = 0; x <= T; x += step) {
      var tk = el('span', null, clock(x).replace(/\.0$/, ''));
      tk.style.left = (100 * x / T) + '%';
      add(ticks, tk);
    }
    function lane(name, cls) {
      var l = add(el('div', 'lane' + (cls ? ' ' + cls : '')), el('span', 'lane-name', name));
      add(ov, l);
      return l;
    }
    function canvasLane(name) {
      var c = el('canvas');
      c.width = LANE_W;
      c.height = LANE_H;
      add(lane(name), c);
      c.addEventListener('click', function (ev) {
        var r = c.getBoundingClientRect();
        goToTime(V, T * (ev.clientX - r.left) / r.width);
      });
      return c;
    }
    V.segCanvas = canvasLane('subtitles');
    V.blkCanvas = canvasLane('script');
    if (V.F.stories.length) {
      var stLane = lane('stories', 'stories');
      V.F.stories.forEach(function (w) {
        var m = el('div', 'mark win');
        m.style.left = (100 * w[1] / T) + '%';
        m.style.width = (100 * (w[2] - w[1]) / T) + '%';
        m.title = w[0] + ' ' + clock(w[1]) + '–' + clock(w[2]);
        if (storyById.has(w[0])) m.addEventListener('click', function () { location.hash = storyHash(w[0]); });
        add(stLane, m);
      });
    }
    add(ov, ticks);
    return add(el('section', 'panel'), el('h2', null, 'The whole film'), ov,
               el('div', 'small muted', 'Each mark is a subtitle segment (top) or a script block (middle) at its time, ' +
                  'coloured by speaker; hatched: abstained; faded: confidence below ' + LOW +
                  ' or an interpolated time. Click to go there.'));
  }

  function hatch(ctx) {
    var p = document.createElement('canvas');
    p.width = p.height = 4;
    var g = p.getContext('2d');
    g.fillStyle = '#868e96';
    g.fillRect(0, 0, 1, 4);
    g.fillRect(2, 0, 1, 4);
    return ctx.createPattern(p, 'repeat');
  }

  /* Each item at its time, coloured by speaker: hatched grey when
   * abstained, light grey without a speaker, faded when below LOW or
   * interpolated, nearly gone when filtered out. */
  function drawLanes(V) {
    var onlyLow = V.lowOnly.checked;
    function lane(canvas, items, from, to, sp, keyOf, faded, shown, none) {
      var ctx = canvas.getContext('2d');
      ctx.clearRect(0, 0, LANE_W, LANE_H);
      items.forEach(function (it) {
        if (it[from] === null) return;
        ctx.globalAlpha = V.selected.has(keyOf(it)) && shown(it) ? (faded(it) ? 0.45 : 1) : 0.08;
        ctx.fillStyle = it[sp] >= 0 ? speakerColour(V.SP[it[sp]]) : none;
        ctx.fillRect(LANE_W * it[from] / V.T, 0, Math.max(1.5, LANE_W * (it[to] - it[from]) / V.T), LANE_H);
      });
      ctx.globalAlpha = 1;
    }
    lane(V.segCanvas, V.seg, 2, 3, 4, V.segKey,
         function (s) { return s[4] >= 0 && s[5] < LOW; },
         function (s) { return !onlyLow || s[4] < 0 || s[5] < LOW; }, hatch(V.segCanvas.getContext('2d')));
    lane(V.blkCanvas, V.blk, 5, 6, 3, V.blkKey,
         function (b) { return b[7] === 'interpolated'; },
         function () { return !onlyLow; }, '#ced4da');
  }

  /* A row is a few elements only: thousands are drawn at once, in chunks
   * the browser may leave undrawn while they are off screen. */
  function filmList(V) {
    var SP = V.SP, seg = V.seg, blk = V.blk;
    function segCell(s) {
      var c = document.createElement('div');
      var sp = s[4] >= 0 ? SP[s[4]] : null;
      c.className = sp === null ? 'cell abst' : 'cell ' + speaker(sp)[0] + (s[5] < LOW ? ' lowc' : '');
      c.append(el('span', 'meta', s[0] + (s[1] > 1 ? '.' + s[1] : '')), speakerChip(sp), confidence(s[5], sp),
               el('span', 'txt', s[6] === null ? '' : s[6]));
      return c;
    }
    function blockCell(b, first) {
      var c = document.createElement('div');
      if (!first) {
        c.className = 'cell cont';
        c.textContent = '↳ #' + b[0] + ' continued';
        return c;
      }
      c.className = 'cell kind-' + b[1] + (b[3] >= 0 ? ' ' + speaker(SP[b[3]])[0] : '');
      c.append(el('span', 'meta', '#' + b[0] + (b[1] !== 'dialogue' ? ' ' + b[1].replace('_', ' ') : '')));
      if (b[3] >= 0) c.append(speakerChip(SP[b[3]]));
      c.append(el('span', 'txt', b[4] === null ? '' : b[4]));
      if (b[5] === null) c.append(el('span', 'untimed', 'untimed'));
      else if (b[7] === 'interpolated') c.append(el('span', 'meta', '(interpolated)'));
      return c;
    }
    var list = el('div', 'rows'), chunk = null;
    add(list, add(el('div', 'row head'), el('div', null, 'time'), el('div', null, 'subtitle segment'),
                  el('div', null, 'script block')));
    V.rowEls = new Array(V.rows.length);
    V.lineRow = new Map();
    V.rows.forEach(function (r, k) {
      if (k % 64 === 0) { chunk = el('div', 'chunk'); list.appendChild(chunk); }
      var row = document.createElement('div');
      row.className = 'row';
      var bi = r.b >= 0 ? r.b : r.cont;
      if (r.s >= 0) V.lineRow.set(seg[r.s][0] + '.' + seg[r.s][1], k);
      row.append(el('div', r.untimed ? 'time muted' : 'time', r.untimed ? '–' : clock(r.t)),
                 r.s >= 0 ? segCell(seg[r.s]) : el('div', 'cell'),
                 bi >= 0 ? blockCell(blk[bi], r.b >= 0) : el('div', 'cell'));
      V.rowEls[k] = row;
      chunk.appendChild(row);
    });
    return add(el('section', 'panel'), el('h2', null, 'Segment by segment'), list);
  }

  /* A row shows when its segment's speaker (or, alone, its block's) is
   * selected; "only abstentions and low confidence" keeps those segments. */
  function applyFilter(V) {
    var onlyLow = V.lowOnly.checked, seg = V.seg;
    V.rows.forEach(function (r, k) {
      var show = V.selected.has(V.keysOf[k]);
      if (show && onlyLow) show = r.s >= 0 && (seg[r.s][4] < 0 || seg[r.s][5] < LOW);
      V.rowEls[k].classList.toggle('hidden', !show);
    });
    drawLanes(V);
  }

  function goTo(V, k) {
    var row = V.rowEls[k];
    if (!row) return;
    row.scrollIntoView({ block: 'center' });
    row.classList.add('flash');
    setTimeout(function () { row.classList.remove('flash'); }, 1600);
  }

  function goToTime(V, t) {
    var rows = V.rows, lo = 0, hi = rows.length - 1;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (rows[mid].t < t) lo = mid + 1; else hi = mid; }
    while (lo < rows.length && V.rowEls[lo].classList.contains('hidden')) lo++;
    goTo(V, lo);
  }

  /* ------------------------------------------------------------ routing */

  function parseHash() {
    var out = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (part) {
      var i = part.indexOf('=');
      if (i > 0) {
        try { out[part.slice(0, i)] = decodeURIComponent(part.slice(i + 1)); } catch (e) { /* a bad escape: ignore */ }
      }
    });
    return out;
  }
  function route() {
    var h = parseHash();
    app.textContent = '';
    window.scrollTo(0, 0);
    var s = h.s !== undefined ? storyById.get(h.s) : null;
    var f = h.f !== undefined ? filmById.get(h.f) : null;
    if (s) renderStory(s);
    else if (f) renderFilm(f, h.at);
    else if (!hasIndex && STORIES.length) renderStory(STORIES[0]);
    else if (!hasIndex && FILMS.length) renderFilm(FILMS[0], h.at);
    else renderIndex();
    document.title = (s ? s.id : f ? f.film : 'index') + ' · storymovie view';
  }

  window.addEventListener('hashchange', route);
  route();
  var built = performance.now();
  /* Layout is part of drawing: ask for it before taking the time. */
  void document.body.offsetHeight;
  var done = performance.now();
  window.smView = { renderMs: done, stories: STORIES.length, films: FILMS.length,
                    phases: { html: started, json: parsed - started, build: built - parsed, layout: done - built } };
  requestAnimationFrame(function () {
    window.smView.paintMs = performance.now();
    document.documentElement.setAttribute('data-rendered', '1');
  });
})();
