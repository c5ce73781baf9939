// The explorer page. It holds the session — settings, the list of ops and
// how many of them are shown — and after every change sends it whole to
// the engine (POST api/replay, or the same code compiled to WebAssembly in
// a static build), which replays it on a fresh table.Map and returns the
// map's state (package explore's State). This script only draws that state;
// it never computes anything about the map itself.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);

  const DEFAULTS = { key: 'int', hasher: 'xxh3', seed: 1, loadNum: 13, loadDen: 2, pace: 1 };
  const ABOUT = {
    xxh3: 'XXH3-64, seeded: spreads keys well, the same hash on every machine.',
    runtime: "The Go runtime's own hash, as a builtin map computes it. Keyed per process: a shared link replays the same ops, not the same buckets.",
    seeded: "hash.Seeded: hashes the key's value, reproducible everywhere.",
    identity: 'An integer hashes to itself: key k goes to bucket k mod 2^B, and every tophash is 0x05 — collisions everywhere.',
    masked: 'Keeps only the bits of the mask from a good hash. The default keeps the tophash and the low 2 bits: 4 buckets used, long chains.',
    constant: 'Every key hashes to 0x5a00000000000000: one chain, one tophash. The worst case.',
  };
  const MARKS = { emptyRest: '..', emptyOne: '__', evacuatedX: 'X>', evacuatedY: 'Y>', evacuatedEmpty: '-.' };

  // The session. ops[0:cursor] is what is drawn; later ops can be stepped
  // forward to again until a new op replaces them.
  let settings = Object.assign({}, DEFAULTS);
  let ops = [];
  let cursor = 0;
  let rendered = 0;
  let queue = Promise.resolve();

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const k of kids) if (k !== null && k !== undefined) e.append(k);
    return e;
  }
  const hex2 = (n) => n.toString(16).padStart(2, '0');

  // The engine: package explore's Replay, behind POST api/replay when the
  // page is served by hmaplab explore, or compiled to WebAssembly and run
  // here when it is not (the static build: opened from disk, or from a
  // host that serves files only). Both take the same request and answer
  // the same State JSON. The page asks the server first, unless it was
  // opened from disk; an answer that is not JSON means there is no
  // explorer server, and the page loads the WebAssembly engine once and
  // uses it from then on. body's data-engine says which one answered.
  let wasm = null;

  async function post(body) {
    if (!wasm && location.protocol !== 'file:') {
      let r = null;
      try {
        r = await fetch('api/replay', {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
        });
      } catch (e) { /* no server: fall through to the WebAssembly engine */ }
      if (r && (r.headers.get('Content-Type') || '').startsWith('application/json')) {
        const j = await r.json();
        if (!r.ok) throw new Error(j.error || r.statusText);
        document.body.dataset.engine = 'server';
        return j;
      }
    }
    if (!wasm) wasm = loadWasm();
    const replay = await wasm;
    const res = replay(JSON.stringify(body));
    if (!res.ok) throw new Error(res.error);
    return JSON.parse(res.state);
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const s = el('script', { src });
      s.onload = resolve;
      s.onerror = () => reject(new Error('could not load ' + src));
      document.head.append(s);
    });
  }

  // loadWasm starts the WebAssembly engine and returns its replay
  // function. From disk the module comes from explorer.wasm.js as base64,
  // since browsers refuse fetch() for file:// URLs; over HTTP it is
  // fetched as explorer.wasm. A failure is not kept, so the next op tries
  // again.
  async function loadWasm() {
    try {
      await loadScript('wasm_exec.js');
      let bytes;
      if (location.protocol === 'file:') {
        await loadScript('explorer.wasm.js');
        const text = atob(self.HMAP_EXPLORER_WASM);
        bytes = new Uint8Array(text.length);
        for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      } else {
        const r = await fetch('explorer.wasm');
        if (!r.ok) throw new Error('explorer.wasm: ' + r.status + ' ' + r.statusText + ' (no explorer server answered either)');
        bytes = await r.arrayBuffer();
      }
      const go = new self.Go();
      const ready = new Promise((resolve) => { self.hmapReady = resolve; });
      const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
      go.run(instance); // runs until the page closes: main waits forever
      await ready;
      document.body.dataset.engine = 'wasm';
      return self.hmapReplay;
    } catch (e) {
      wasm = null;
      throw new Error('no explorer server answered, and the WebAssembly engine did not start (' + e.message + '): serve the page with hmaplab explore, or build the static site with hmaplab explore -static DIR');
    }
  }

  // commit replays a proposed session and adopts it if the engine accepts
  // it; otherwise it shows the engine's message and keeps the old one.
  // Commits run one after another, so a fast typist never sees an older
  // state drawn over a newer one.
  function commit(next) {
    queue = queue.then(async () => {
      const s = Object.assign({ settings, ops, cursor }, next);
      try {
        const st = await post({ settings: s.settings, ops: s.ops.slice(0, s.cursor) });
        settings = st.settings; ops = s.ops; cursor = s.cursor;
        showError('');
        render(st);
      } catch (e) {
        showError(e.message);
        fillSettings();
      }
      updateSession();
      document.body.dataset.rendered = String(++rendered);
    });
    return queue;
  }

  function showError(msg) {
    const e = $('error');
    e.textContent = msg;
    e.hidden = !msg;
  }

  // ----- the session: ops list, stepping, the URL -----

  function describe(op) {
    switch (op.op) {
      case 'insert': return op.value === op.key ? 'insert ' + op.key : 'insert ' + op.key + ' = ' + JSON.stringify(op.value);
      case 'batch': return 'batch ' + op.n;
      case 'iterate': return 'iterate ' + op.n;
      default: return op.op + ' ' + op.key;
    }
  }

  function updateSession() {
    const list = $('ops');
    list.replaceChildren(...ops.map((op, i) => el('li', { class: i >= cursor ? 'after' : null, text: describe(op) })));
    const step = $('step');
    step.max = String(ops.length);
    step.value = String(cursor);
    $('step-out').textContent = cursor + ' / ' + ops.length;
    $('undo').disabled = cursor === 0;
    $('back').disabled = cursor === 0;
    $('forward').disabled = cursor >= ops.length;
    let frag = 's=' + encodeSettings(settings) + '&o=' + encodeOps(ops);
    if (cursor < ops.length) frag += '&at=' + cursor;
    history.replaceState(null, '', '#' + frag);
  }

  // The encodings mirror package explore's EncodeSettings and EncodeOps:
  // the page writes the URL itself so that stepping back and forth needs no
  // request to change it. The engine decodes it on load.
  function encodeSettings(s) {
    let out = [s.key, s.hasher, s.seed, s.loadNum + '-' + s.loadDen, s.pace].join('.');
    if (s.hasher === 'masked') out += '.' + s.mask;
    return out;
  }
  function esc(s) {
    let out = '';
    for (const b of new TextEncoder().encode(s)) {
      const c = String.fromCharCode(b);
      out += /[A-Za-z0-9-]/.test(c) ? c : '~' + hex2(b);
    }
    return out;
  }
  function encodeOps(list) {
    return list.map((o) => {
      if (o.op === 'batch') return 'b' + o.n;
      if (o.op === 'iterate') return 'r' + o.n;
      const letter = { insert: 'i', delete: 'd', lookup: 'l' }[o.op];
      let t = letter + esc(o.key);
      if (o.op === 'insert' && o.value !== o.key) t += '_' + esc(o.value);
      return t;
    }).join('.');
  }

  // ----- drawing -----

  // The state drawn last, and the part of its last op being shown (0: the
  // whole op, no part singled out).
  let shown = null;
  let part = 0;

  function render(st) {
    shown = st;
    part = 0;
    fillSettings();
    renderExplain(st);
    renderHeader(st);
    renderDrawing(st);
    renderIteration(st);
    renderSteps();
  }

  // ----- step-through: the parts of the last op, one at a time -----

  function renderSteps() {
    const st = shown;
    const steps = st.steps || [];
    $('steps').hidden = steps.length === 0;
    const d = $('drawing');
    for (const e of d.querySelectorAll('[data-step]')) delete e.dataset.step;
    if (!steps.length) return;
    $('step-list').replaceChildren(...steps.map((p, i) => el('li', { 'aria-current': i + 1 === part ? 'step' : null, 'data-kind': p.kind, text: p.text })));
    // aria-disabled, not disabled: a button that disables itself under
    // the keyboard's focus would drop the focus to the page.
    $('step-prev').setAttribute('aria-disabled', String(part === 0));
    $('step-next').setAttribute('aria-disabled', String(part === steps.length));
    $('step-pos').textContent = part === 0 ? steps.length + ' parts' : 'Part ' + part + ' of ' + steps.length;
    $('step-text').textContent = part === 0 ? 'Press Next part to go through ' + st.lastOp + ' in the order the table did it.' : steps[part - 1].text;
    if (part === 0) return;
    for (const m of steps[part - 1].marks || []) {
      if (m.slot < 0) {
        const row = d.querySelector('.chain[data-chain-of="' + m.array + ':' + m.bucket + '"]');
        if (row) row.dataset.step = m.what;
        const b = d.querySelector('[data-array="' + m.array + '"][data-bucket="' + m.bucket + '"][data-chain="' + m.chain + '"]');
        if (b) b.dataset.step = m.what;
      } else {
        const sl = d.querySelector(slotSel(m.array, m.bucket, m.chain, m.slot));
        if (sl) sl.dataset.step = m.what;
      }
    }
    const first = d.querySelector('[data-step]');
    if (first && first.scrollIntoView) first.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  function stepTo(n) {
    const steps = (shown && shown.steps) || [];
    part = Math.max(0, Math.min(steps.length, n));
    renderSteps();
  }

  // ----- the open iteration -----

  function renderIteration(st) {
    const it = st.iteration;
    $('iteration').hidden = !it;
    const d = $('drawing');
    if (!it) return;
    let start;
    if (it.empty) start = 'The iteration started by op ' + it.startedAt + ' found the map empty: it drew nothing and yields nothing.';
    else {
      start = 'Started by op ' + it.startedAt + ' at bucket ' + it.startBucket + ' of ' + (2 ** it.B) + ', slot offset ' + it.offset +
        (it.growing ? ', during a growth' : '') + '. ' + it.entries.length + ' entr' + (it.entries.length === 1 ? 'y' : 'ies') + ' yielded so far' +
        (it.open ? '; the iteration is open.' : '; it has ended.');
    }
    $('iter-start').textContent = start;
    const first = it.entries.length - it.new;
    $('iter-list').replaceChildren(...it.entries.map((e, i) => {
      const from = e.array === 'new' ? 'bucket ' + e.arrayBucket : e.array === 'old' ? 'old bucket ' + e.arrayBucket : 'released array, bucket ' + e.arrayBucket;
      const key = st.settings.key === 'string' ? JSON.stringify(e.key) : e.key;
      return el('li', { class: i >= first ? 'new' : null, 'data-array': e.array, 'data-key': e.key },
        key + ' = ' + JSON.stringify(e.elem) + ' — walking bucket ' + e.bucket + ', read from ' + from +
        (e.chain ? ' (overflow ' + e.chain + ')' : '') + ', slot ' + e.slot + (e.moved ? ', moved: found by key in the current table' : '') + ' (op ' + e.op + ')');
    }));
    for (let i = first; i < it.entries.length; i++) {
      const e = it.entries[i];
      if (e.array === 'released') continue;
      const sl = d.querySelector(slotSel(e.array, e.arrayBucket, e.chain, e.slot));
      if (sl) sl.dataset.iter = String(i + 1);
    }
  }

  function renderExplain(st) {
    const ex = $('explain');
    ex.replaceChildren(...st.explanation.map((t) => el('p', { text: t })));
    const lo = $('lookup-out');
    lo.replaceChildren();
    if (st.lookup && st.lookup.probes.length) {
      const l = st.lookup;
      lo.append(el('h3', { text: 'Slots the lookup read (' + l.array + ' bucket ' + l.bucket + ')' }),
        el('ol', { class: 'probes', start: 1 }, ...l.probes.map((p) => el('li', { class: p.outcome, 'data-outcome': p.outcome },
          (p.chain === 0 ? l.array + ' bucket ' + l.bucket : 'overflow ' + p.chain + ' of bucket ' + l.bucket) + ', slot ' + p.slot + ': ' + (p.state === 'full' ? '0x' + hex2(p.tophash) : p.state) + ' — ' + p.reason))));
    }
    $('repro').textContent = st.reproducible ? '' :
      'The runtime hasher is keyed per process: a shared link replays the same ops elsewhere, but not the same buckets.';
  }

  function renderHeader(st) {
    const h = st.header;
    const items = [
      ['count', h.count], ['B', h.B], ['buckets', h.buckets], ['noverflow', h.noverflow + ' / ' + h.overflowLimit],
      ['overflow', h.overflowBuckets + (h.growing ? ' (+' + h.oldOverflowBuckets + ' old)' : '')],
      ['spare', h.spareBuckets], ['seed', '0x' + h.seed.toString(16).padStart(8, '0')],
      ['flags', h.flags.length ? h.flags.join(' ') : '—'],
      ['load', h.loadFactor.toFixed(2) + ' / ' + (+h.loadLimit.toFixed(4))], ['capacity', h.capacity],
      ['oldbuckets', h.growing ? h.oldBuckets : '—'], ['nevacuate', h.growing ? h.nevacuate : '—'],
      ['bytes', h.bytes], ['growths', h.totals.Growths + h.totals.SameSizeGrowths],
    ];
    $('header').replaceChildren(...items.map(([k, v]) => el('div', { 'data-field': k }, el('dt', { text: k }), el('dd', { text: String(v) }))));
  }

  function renderDrawing(st) {
    const d = $('drawing');
    const parts = [];
    if (st.oldBuckets.length) {
      parts.push(renderArray(st, 'old', st.oldBuckets,
        'Old array: ' + st.oldBuckets.length + ' buckets, evacuating — nevacuate = ' + st.nevacuate));
    }
    const title = st.buckets.length
      ? 'Current array: 2^' + st.header.B + ' = ' + st.buckets.length + ' buckets' + (st.header.spareBuckets ? ', ' + st.header.spareBuckets + ' spare left' : '')
      : 'No bucket yet: the first insert allocates one.';
    parts.push(renderArray(st, 'new', st.buckets, title));
    d.replaceChildren(...parts);
    for (const c of st.changed) {
      const s = d.querySelector(slotSel(c.array, c.bucket, c.chain, c.slot));
      if (s) s.classList.add('changed');
    }
    const l = st.lookup;
    if (l && l.probes.length) {
      const row = d.querySelector('.chain[data-chain-of="' + l.array + ':' + l.bucket + '"]');
      if (row) row.classList.add('read');
      for (const p of l.probes) {
        const s = d.querySelector(slotSel(l.array, l.bucket, p.chain, p.slot));
        if (s) s.dataset.probe = p.outcome;
      }
    }
  }

  function slotSel(array, b, chain, slot) {
    return '[data-array="' + array + '"][data-bucket="' + b + '"][data-chain="' + chain + '"] [data-slot="' + slot + '"]';
  }

  function renderArray(st, name, chains, title) {
    const attrs = { class: 'array', 'data-array-name': name };
    if (name === 'old') attrs['data-nevacuate'] = st.nevacuate;
    const a = el('section', attrs, el('h3', { text: title }));
    for (const c of chains) {
      const row = el('div', {
        class: 'chain' + (name === 'old' && c.index === st.nevacuate ? ' mark' : ''),
        'data-chain-of': name + ':' + c.index, 'data-chain-length': c.buckets.length,
        'data-evacuated': name === 'old' ? String(!!c.evacuated) : null,
      }, el('span', { class: 'chain-label', text: String(c.index) }));
      c.buckets.forEach((b, j) => {
        if (j > 0) row.append(el('span', { class: 'link', 'aria-hidden': 'true', text: b.kind === 'spare' ? '⇢' : '→' }));
        row.append(renderBucket(st, name, c.index, j, b));
      });
      if (name === 'old' && c.index === st.nevacuate) row.append(el('span', { class: 'cursor', text: '◀ nevacuate' }));
      a.append(row);
    }
    return a;
  }

  function renderBucket(st, name, i, j, b) {
    const label = (name === 'old' ? 'old ' : '') + 'bucket ' + i + (j ? ', ' + b.kind + ' ' + j : '');
    const box = el('div', { class: 'bucket', 'data-array': name, 'data-bucket': i, 'data-chain': j, 'data-kind': b.kind, title: label });
    b.slots.forEach((s, k) => {
      const full = s.state === 'full';
      const key = st.settings.key === 'string' ? JSON.stringify(s.key) : s.key;
      box.append(el('div', {
        class: 'slot', 'data-slot': k, 'data-tophash': '0x' + hex2(s.tophash), 'data-state': s.state,
        title: 'slot ' + k + ': ' + s.state + (full ? ', tophash 0x' + hex2(s.tophash) + ', key ' + key + ', elem ' + JSON.stringify(s.elem) : ''),
      },
      el('span', { class: 'th', text: full ? hex2(s.tophash) : MARKS[s.state] }),
      el('span', { class: 'kv', text: full ? key : '' }),
      el('span', { class: 'kv', text: full ? s.elem : '' })));
    });
    return box;
  }

  // ----- controls -----

  function fillSettings() {
    $('keytype').value = settings.key;
    $('hasher').value = settings.hasher;
    $('seed').value = settings.seed;
    $('loadnum').value = settings.loadNum;
    $('loadden').value = settings.loadDen;
    $('pace').value = settings.pace;
    $('mask').value = settings.mask || '';
    $('mask-row').hidden = settings.hasher !== 'masked';
    $('hasher-about').textContent = ABOUT[settings.hasher] || '';
    $('key').setAttribute('inputmode', settings.key === 'int' ? 'numeric' : 'text');
  }

  function readSettings() {
    const num = (id) => Number($(id).value);
    const s = {
      key: $('keytype').value, hasher: $('hasher').value, seed: num('seed'),
      loadNum: num('loadnum'), loadDen: num('loadden'), pace: num('pace'),
    };
    if (s.hasher === 'masked') s.mask = $('mask').value.trim();
    return s;
  }

  function addOp(op) {
    const next = ops.slice(0, cursor).concat([op]);
    return commit({ ops: next, cursor: next.length });
  }

  function keyOp(kind) {
    const key = $('key').value;
    if (key === '' && settings.key === 'int') {
      showError('Type a key first.');
      $('key').focus();
      return;
    }
    const op = { op: kind, key };
    if (kind === 'insert') op.value = $('value').value === '' ? key : $('value').value;
    addOp(op).then(() => { $('key').select(); });
  }

  $('op-form').addEventListener('submit', (e) => { e.preventDefault(); keyOp('insert'); });
  $('lookup').addEventListener('click', () => keyOp('lookup'));
  $('delete').addEventListener('click', () => keyOp('delete'));
  $('batch').addEventListener('click', () => addOp({ op: 'batch', n: Number($('batch-n').value) }));
  $('batch-n').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); addOp({ op: 'batch', n: Number($('batch-n').value) }); }
  });
  $('settings-form').addEventListener('change', () => commit({ settings: readSettings() }));
  $('settings-form').addEventListener('submit', (e) => { e.preventDefault(); commit({ settings: readSettings() }); });
  $('undo').addEventListener('click', () => {
    if (cursor > 0) commit({ ops: ops.slice(0, cursor - 1), cursor: cursor - 1 });
  });
  $('back').addEventListener('click', () => { if (cursor > 0) commit({ cursor: cursor - 1 }); });
  $('forward').addEventListener('click', () => { if (cursor < ops.length) commit({ cursor: cursor + 1 }); });
  $('iterate').addEventListener('click', () => addOp({ op: 'iterate', n: Number($('iter-n').value) }));
  $('iterate-all').addEventListener('click', () => addOp({ op: 'iterate', n: 4096 }));
  $('iter-n').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); addOp({ op: 'iterate', n: Number($('iter-n').value) }); }
  });
  $('step-prev').addEventListener('click', () => stepTo(part - 1));
  $('step-next').addEventListener('click', () => stepTo(part + 1));
  $('steps').addEventListener('keydown', (e) => {
    if (e.key === 'ArrowRight') { e.preventDefault(); stepTo(part + 1); }
    if (e.key === 'ArrowLeft') { e.preventDefault(); stepTo(part - 1); }
  });
  $('step').addEventListener('input', () => commit({ cursor: Number($('step').value) }));
  $('reset').addEventListener('click', () => commit({ ops: [], cursor: 0 }));
  $('copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      showError('');
      $('repro').textContent = 'Link copied: it replays this session.';
    } catch (e) {
      $('repro').textContent = 'Copy this link to share the session: ' + location.href;
    }
  });

  // ----- the lab's report, loaded when first opened -----

  $('lab').addEventListener('toggle', async () => {
    if (!$('lab').open || $('lab-body').dataset.loaded) return;
    try {
      if (!self.HMAP_LAB_HTML) await loadScript('lab.js');
      // HTML made by package web from docs/lab.md, every text escaped.
      $('lab-body').innerHTML = self.HMAP_LAB_HTML;
      $('lab-body').dataset.loaded = '1';
    } catch (e) {
      $('lab-body').textContent = 'The lab report could not be loaded: ' + e.message;
    }
  });

  // ----- start: replay the session in the URL, if any -----

  async function start() {
    const frag = location.hash.replace(/^#/, '');
    if (!frag) return commit({});
    const parts = frag.split('&');
    const at = parts.find((p) => p.startsWith('at='));
    const session = parts.filter((p) => !p.startsWith('at=')).join('&');
    let msg = '';
    try {
      const st = await post({ session });
      settings = st.settings; ops = st.ops;
      const n = at ? Number(at.slice(3)) : ops.length;
      cursor = Number.isInteger(n) && n >= 0 && n <= ops.length ? n : ops.length;
    } catch (e) {
      msg = 'The link holds no valid session (' + e.message + '); starting afresh.';
    }
    await commit({});
    if (msg) showError(msg);
  }
  start();
})();
