// The page script of report.html (embedded by reporters/html.ts). Renders the embedded results: scores, filters,
// the dialect x case matrix and, on a click, a case's findings, docRef quotes and exchanges. Text only ever goes in
// through textContent: nothing from a target's answer becomes markup.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('vmconform-data').textContent);
  const app = document.getElementById('app');

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) node.append(c instanceof Node ? c : String(c));
    return node;
  }
  const pct = (s) => (s.percent === null ? 'n/a' : s.percent + '%');
  const shareText = (s) => (s.percent === null ? 'n/a' : s.percent + '% (' + s.passed + '/' + s.total + ')');

  // What a case shows as: its status, coloured by its place in the gate.
  function look(c) {
    if (c.status === 'passed' && c.gate === 'flaky') return { cls: 's-flaky', word: 'flaky' };
    if (c.status === 'passed' && c.gate === 'fixed') return { cls: 's-fixed', word: 'fixed' };
    if (c.status === 'passed') return { cls: 's-passed', word: 'passed' };
    if (c.status === 'skipped') return { cls: 's-skipped', word: 'skipped' };
    if (c.gate === 'known') return { cls: 's-known', word: 'known' };
    if (!c.failsRun) return { cls: 's-ungated', word: 'not gated' };
    return { cls: 's-failed', word: 'FAILED' };
  }
  const ICON = { passed: '✓', failed: '✗', skipped: '–' };

  // ---------- header ----------
  const failed = data.docs.some((d) => d.gate.failed);
  const errors = data.docs.flatMap((d) => d.errors);
  const totals = { cases: 0, passed: 0, failed: 0, skipped: 0 };
  for (const r of data.runs) for (const k of ['passed', 'failed', 'skipped']) totals[k] += r.summary[k];
  for (const r of data.runs) totals.cases += r.summary.total;
  app.append(
    el('header', {},
      el('h1', {}, 'vmconform report',
        // The verdict as the engine's gate decided it (verdictOf in results-json.ts): never re-judged here.
        el('span', { class: 'verdict ' + (data.verdict === 'passed' ? 'passed' : 'failed'), id: 'verdict', text: data.verdict.toUpperCase() }),
        data.verdict === 'interrupted' && failed ? el('span', { class: 'verdict failed', text: 'failures so far' }) : null),
      el('p', { class: 'meta' },
        data.docs.map((d) => 'run ' + d.runId + ' · vmconform ' + d.version + ' · ' + d.startedAt + ' · ' + (d.durationMs / 1000).toFixed(1) + ' s · level ' + (d.gate.level === 'MUST' ? 'must' : 'all') +
          (d.gate.baseline ? ' · baseline ' + d.gate.baseline : '') + ' · retries ' + d.gate.retries).join(' | ')),
      el('p', { class: 'meta', id: 'totals' }, totals.cases + ' ' + data.rows.many + ': ' + totals.passed + ' passed, ' + totals.failed + ' failed, ' + totals.skipped + ' skipped'),
      errors.length ? el('div', { class: 'errors' }, el('b', { text: 'Errors outside the ' + data.rows.many + ' (the run is incomplete):' }), el('ul', {}, errors.map((e) => el('li', { text: e })))) : null));

  // ---------- scores ----------
  const cards = el('div', { class: 'cards', id: 'scores' });
  for (const r of data.runs) {
    const fam = el('table', {});
    for (const f of r.score.families) {
      const s = f.must.total > 0 ? f.must : f.should;
      fam.append(el('tr', {}, el('td', { text: f.family }), el('td', { class: 'muted', text: (f.must.total > 0 ? 'MUST ' : 'SHOULD ') + shareText(s) }),
        el('td', {}, el('div', { class: 'bar' }, el('span', { style: 'width:' + (s.percent === null ? 0 : s.percent) + '%' })))));
    }
    const s = r.summary;
    cards.append(el('div', { class: 'card', 'data-run': r.key },
      el('h3', { text: r.label }), el('div', { class: 'muted mono', text: r.target }),
      el('div', { class: 'score' },
        el('div', {}, el('b', { text: pct(r.score.must) }), el('span', { class: 'muted', text: 'MUST ' + r.score.must.passed + '/' + r.score.must.total })),
        el('div', {}, el('b', { text: pct(r.score.should) }), el('span', { class: 'muted', text: 'SHOULD ' + r.score.should.passed + '/' + r.score.should.total }))),
      el('div', { class: 'muted', text: s.total + ' ' + r.rows.many + ': ' + s.passed + ' passed, ' + s.failed + ' failed, ' + s.skipped + ' skipped' + (s.flaky ? ', ' + s.flaky + ' flaky' : '') }),
      r.ran ? el('div', { class: 'muted ran', text: r.ran }) : null,
      fam));
  }
  app.append(el('h2', { text: 'Conformance score' }), cards);

  // ---------- model ----------
  // Rows: case ids in first-seen order; cells: one per run.
  const rowIds = [];
  const byId = new Map();
  for (const r of data.runs) {
    for (const c of r.cases) {
      if (!byId.has(c.id)) { byId.set(c.id, new Map()); rowIds.push(c.id); }
      byId.get(c.id).set(r.key, c);
    }
  }
  const runOf = new Map(data.runs.map((r) => [r.key, r]));

  // ---------- needs attention ----------
  // The new failures of one cause once (a bucket: the count, each cause, links to its cases), then each case that
  // fails the run with something no bucket shows, and the flaky ones.
  const attention = [];
  let needing = 0;
  for (const r of data.runs) {
    for (const b of r.buckets) attention.push(['bucket', r, b]);
    for (const c of r.cases) {
      if (c.failsRun || c.gate === 'flaky') needing++;
      if ((c.failsRun || c.gate === 'flaky') && !c.inBucketOnly) attention.push(['case', r, c]);
    }
  }
  const caseLink = (r, id, text) => el('a', { class: 'case-link', href: '#', onclick: (e) => { e.preventDefault(); openCase(id, r.key, true); } }, text);
  if (attention.length) {
    app.append(el('h2', { text: 'Needs attention (' + needing + ')' }),
      el('ul', { class: 'attention', id: 'attention' }, attention.slice(0, 200).map(([kind, r, x]) => kind === 'bucket'
        ? el('li', { class: 'bucket' },
          el('span', { class: 'badge s-failed', text: 'FAILED' }), ' ', el('b', { text: r.label + ' · ' + x.title }), ' ',
          el('ul', { class: 'causes' }, x.causes.map((cause) => el('li', { class: 'muted', text: '[' + cause.check + '] ' + cause.message.slice(0, 240) + ' · ' + cause.pattern }))),
          el('span', { class: 'bucket-cases' }, x.cases.flatMap((id, i) => [i ? ', ' : '', caseLink(r, id, id)])),
          reproView(x.repro))
        : el('li', {},
          el('span', { class: 'badge ' + look(x).cls, text: look(x).word }), ' ',
          caseLink(r, x.id, r.label + ' · ' + x.id),
          ' ', el('span', { class: 'muted', text: x.findings[0] ? '[' + x.findings[0].check + '] ' + x.findings[0].message.slice(0, 160) : (x.gateReason || '') })))));
  }

  // ---------- filters ----------
  const filters = { status: 'all', gate: 'all', level: 'all', run: 'all', q: '' };
  const all = data.runs.flatMap((r) => r.cases.map((c) => [r, c]));
  const countBy = (pick) => { const m = new Map(); for (const [r, c] of all) { const k = pick(r, c); m.set(k, (m.get(k) || 0) + 1); } return m; };
  function group(name, label, values, counts, labelOf) {
    const g = el('div', { class: 'group', role: 'group', 'aria-label': label }, el('span', { text: label }));
    for (const v of ['all', ...values]) {
      g.append(el('button', {
        class: 'chip', type: 'button', 'data-filter': name, 'data-value': v, 'aria-pressed': String(filters[name] === v),
        onclick: () => { filters[name] = v; for (const b of g.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.value === v)); apply(); },
      }, v === 'all' ? 'all' : (labelOf ? labelOf(v) : v), v === 'all' ? null : el('span', { class: 'n', text: String(counts.get(v) || 0) })));
    }
    return g;
  }
  const statusCounts = countBy((r, c) => c.status);
  const gateCounts = countBy((r, c) => c.gate);
  const levelCounts = countBy((r, c) => c.level);
  const runCounts = countBy((r) => r.key);
  const search = el('input', { type: 'search', placeholder: data.rows.one + ' id, title, finding…', 'aria-label': 'search', oninput: (e) => { filters.q = e.target.value.toLowerCase(); apply(); } });
  const shown = el('span', { class: 'count', id: 'shown' });
  app.append(el('h2', { text: data.rows.many.charAt(0).toUpperCase() + data.rows.many.slice(1) }), el('div', { class: 'filters', id: 'filters' },
    group('status', 'Status', ['passed', 'failed', 'skipped'], statusCounts),
    group('gate', 'Gate', ['new', 'known', 'fixed', 'flaky', 'ok'], gateCounts),
    group('level', 'Level', ['MUST', 'SHOULD'], levelCounts),
    group('run', 'Dialect', data.runs.map((r) => r.key), runCounts, (k) => runOf.get(k).label),
    search, shown),
    el('p', { class: 'legend' }, 'cells:',
      [['s-passed', '✓ passed'], ['s-failed', '✗ FAILED', 'fails the gate'], ['s-known', 'known', 'failure the baseline lists'], ['s-ungated', 'not gated', 'SHOULD failure under --level must'],
        ['s-flaky', 'flaky', 'passed on a retry'], ['s-fixed', 'fixed', 'baseline lists it, it passed'], ['s-skipped', '– skipped']].map(([cls, word, what]) =>
        el('span', {}, el('span', { class: 'badge ' + cls, text: word }), what ? what : '')),
      el('span', {}, el('span', { class: 'badge s-skipped', text: '·S' }), 'a SHOULD ' + data.rows.one)));

  function matches(r, c) {
    if (filters.status !== 'all' && c.status !== filters.status) return false;
    if (filters.gate !== 'all' && c.gate !== filters.gate) return false;
    if (filters.level !== 'all' && c.level !== filters.level) return false;
    if (filters.run !== 'all' && r.key !== filters.run) return false;
    if (filters.q) {
      const hay = (c.id + ' ' + c.title + ' ' + c.docRef + ' ' + c.findings.map((f) => f.check + ' ' + f.message).join(' ')).toLowerCase();
      if (!hay.includes(filters.q)) return false;
    }
    return true;
  }

  // ---------- matrix ----------
  const table = el('table', { class: 'matrix', id: 'matrix' });
  table.append(el('thead', {}, el('tr', {}, el('th', { text: data.rows.one }), el('th', { text: 'what it checks' }), data.runs.map((r) => el('th', { title: r.target, text: r.label })))));
  const tbody = el('tbody', {});
  table.append(tbody);
  const rows = new Map();
  for (const id of rowIds) {
    const cells = byId.get(id);
    const any = cells.values().next().value;
    const tr = el('tr', { 'data-case': id }, el('td', { class: 'id', text: id }), el('td', { class: 'title', text: any.title }));
    for (const r of data.runs) {
      const c = cells.get(r.key);
      const td = el('td', {});
      if (c) {
        const l = look(c);
        td.append(el('button', {
          class: 'cell ' + l.cls, type: 'button', 'data-run': r.key, 'data-status': c.status, 'data-gate': c.gate,
          title: r.label + ' · ' + c.id + ' · ' + c.level + ' · ' + c.status + ' · gate ' + c.gate + (c.gateReason ? ' (' + c.gateReason + ')' : ''),
          onclick: () => openCase(id, r.key, false),
        }, (ICON[c.status] || '') + ' ' + l.word + (c.level === 'SHOULD' ? ' ·S' : '')));
      }
      tr.append(td);
    }
    tbody.append(tr);
    rows.set(id, tr);
  }
  app.append(table, el('div', { class: 'empty', id: 'empty', hidden: true, text: 'No ' + data.rows.one + ' matches the filters.' }));

  function apply() {
    let visibleCells = 0;
    for (const id of rowIds) {
      const tr = rows.get(id);
      let visible = false;
      for (const b of tr.querySelectorAll('button.cell')) {
        const ok = matches(runOf.get(b.dataset.run), byId.get(id).get(b.dataset.run));
        b.classList.toggle('hidden-by-filter', !ok);
        if (ok) { visible = true; visibleCells++; }
      }
      tr.hidden = !visible;
      const next = tr.nextElementSibling;
      if (next && next.classList.contains('detail')) next.hidden = !visible;
    }
    shown.textContent = visibleCells + ' of ' + all.length + ' ' + data.rows.one + ' results shown';
    document.getElementById('empty').hidden = visibleCells > 0;
  }

  // ---------- case details ----------
  function pretty(body) {
    if (body === undefined) return '';
    try { return JSON.stringify(JSON.parse(body), null, 2); } catch (e) { return body; }
  }
  function copyButton(text) {
    return el('button', { class: 'copy', type: 'button', onclick: (e) => {
      const done = () => { e.target.textContent = 'copied'; };
      if (navigator.clipboard) navigator.clipboard.writeText(text).then(done, () => { e.target.textContent = 'select the text to copy'; });
    } }, 'copy');
  }
  function headersText(h) { return Object.entries(h || {}).map(([k, v]) => k + ': ' + v).join('\n'); }
  function exchangeView(ex, t0, span) {
    const res = ex.response;
    let path = ex.request.url;
    try { const u = new URL(ex.request.url); path = u.pathname + u.search; } catch (e) { /* keep the URL */ }
    const start = Date.parse(ex.startedAt) - t0;
    const left = span > 0 ? Math.max(0, Math.min(100, (start / span) * 100)) : 0;
    const width = span > 0 ? Math.max(0.5, Math.min(100 - left, (ex.durationMs / span) * 100)) : 100;
    const code = res ? res.status : 'none';
    return el('details', { class: 'exchange', 'data-step': String(ex.step), 'data-role': ex.role },
      el('summary', {},
        el('span', { text: typeof ex.step === 'number' ? 'step ' + ex.step : ex.step }),
        el('span', { class: 'muted', text: ex.role }),
        el('span', { class: 'mono', text: ex.request.method }),
        el('span', { class: 'url', title: ex.request.url, text: path }),
        el('span', { class: 'status-code ' + (res && res.status < 400 ? 'ok' : 'bad'), text: String(code) }),
        el('span', { class: 'muted', text: ex.durationMs.toFixed(1) + ' ms' }),
        el('span', { class: 'wf', title: '+' + start + ' ms from the case start' }, el('span', { style: 'left:' + left + '%;width:' + width + '%' }))),
      el('div', { class: 'body' },
        el('div', {}, el('h4', { text: 'request · ' + ex.startedAt }), el('pre', { text: ex.request.method + ' ' + ex.request.url + '\n' + headersText(ex.request.headers) }),
          ex.request.body !== undefined ? el('pre', { text: pretty(ex.request.body) + (ex.request.truncatedFrom ? '\n… cut (' + ex.request.truncatedFrom + ' chars)' : '') }) : null),
        el('div', {}, el('h4', { text: 'response · ' + ex.durationMs.toFixed(1) + ' ms' }),
          res ? el('pre', { text: 'HTTP ' + res.status + '\n' + headersText(res.headers) }) : el('pre', { text: 'no answer: ' + (ex.transportError || 'unknown') }),
          res && res.body !== undefined ? el('pre', { text: pretty(res.body) + (res.truncatedFrom ? '\n… cut (' + res.truncatedFrom + ' chars)' : '') }) : null),
        el('div', { class: 'curl' }, el('h4', {}, 'curl ', copyButton(ex.curl)), el('pre', { class: 'curl-line', text: ex.curl }))));
  }
  function exchangesView(exchanges) {
    if (!exchanges || exchanges.length === 0) return el('p', { class: 'muted', text: 'No request recorded.' });
    const t0 = Math.min(...exchanges.map((e) => Date.parse(e.startedAt)));
    const end = Math.max(...exchanges.map((e) => Date.parse(e.startedAt) + e.durationMs));
    return el('div', { class: 'exchanges' }, exchanges.map((ex) => exchangeView(ex, t0, end - t0)));
  }
  // rows: the noun of the run's rows (a case, or a judged rule).
  function findingsView(findings, message, rows, shared, buckets) {
    if (!findings.length) return message ? el('p', { text: message }) : el('p', { class: 'muted', text: 'No finding: every check passed.' });
    // A curl line shows once per request, after the last finding about it; a cause other cases share says which.
    const bucketOf = (i) => (shared && shared[i] !== null && shared[i] !== undefined ? buckets[shared[i]] : null);
    const causeOf = (b, f) => b.causes.find((x) => x.check === f.check && x.rule === f.rule) || b.causes[0];
    return el('ul', { class: 'findings' }, findings.map((f, i) => el('li', {},
      el('span', { class: 'check', text: '[' + f.check + ']' }), ' ', el('span', { class: 'message', text: f.message }),
      bucketOf(i) ? el('div', { class: 'muted shared', text: 'one cause in ' + bucketOf(i).cases.length + ' ' + rows.many + ' of this run (' + causeOf(bucketOf(i), f).pattern + '): ' + bucketOf(i).cases.join(', ') }) : null,
      f.curl && !findings.slice(i + 1).some((g) => g.curl === f.curl) ? el('pre', { class: 'curl-line', text: f.curl }) : null)));
  }
  // The lines that reproduce a failed case: vmconform repro (from this results.json), and a rerun of it alone.
  function reproView(repro) {
    if (!repro) return null;
    const lines = [repro.repro, repro.rerun].filter((l) => l !== undefined);
    return el('div', { class: 'repro' }, el('h4', {}, 'reproduce ', copyButton(lines.join('\n'))), el('pre', { class: 'curl-line', text: lines.join('\n') }));
  }
  function docRefView(docRef) {
    const refs = data.docRefs[docRef] || [{ text: docRef, lines: [] }];
    return refs.map((ref) => el('blockquote', { class: 'doc' },
      el('div', { class: 'where', text: ref.text }),
      ref.lines.length ? ref.lines.map((l) => el('div', { class: 'line' }, el('span', { class: 'muted mono', text: (ref.file || '') + ':' + l.line + '  ' }), l.text))
        : el('div', { class: 'muted', text: '(the document line is not in this package)' })));
  }
  function panel(r, c) {
    const l = look(c);
    const p = el('div', { class: 'panel', 'data-case': c.id, 'data-run': r.key },
      el('h3', {}, r.label + ' · ' + c.id, el('span', { class: 'badge ' + l.cls, text: l.word }), el('span', { class: 'badge s-skipped', text: c.level }), el('span', { class: 'badge s-skipped', text: 'gate ' + c.gate })),
      el('div', { text: c.title }),
      el('div', { class: 'muted', text: (c.gateReason ? c.gateReason + ' · ' : '') + c.durationMs + ' ms' + (c.startedAt ? ' · started ' + c.startedAt : '') + ' · target ' + r.target }),
      el('section', {}, el('h4', { text: 'what the document says' }), docRefView(c.docRef)),
      el('section', {}, el('h4', { text: 'findings' }), findingsView(c.findings, c.message, r.rows, c.shared, r.buckets), reproView(c.repro)),
      el('section', {}, el('h4', { text: 'rules' }), el('div', { class: 'mono', text: (c.rules.join(', ') || '(none)') + (c.families.length ? '   families: ' + c.families.join(', ') : '') })),
      el('section', {}, el('h4', { text: 'exchanges (' + c.exchanges.length + ')' }), exchangesView(c.exchanges)));
    (c.previousAttempts || []).forEach((a, i) => p.append(el('section', {},
      el('details', { class: 'attempt' }, el('summary', { text: 'attempt ' + (i + 1) + ': ' + a.status + ' (' + a.durationMs + ' ms)' }),
        findingsView(a.findings, a.message, r.rows), exchangesView(a.exchanges)))));
    return p;
  }
  function openCase(id, runKey, scroll) {
    const tr = rows.get(id);
    const next = tr.nextElementSibling;
    const already = next && next.classList.contains('detail') && next.dataset.run === runKey;
    if (next && next.classList.contains('detail')) next.remove();
    if (already && !scroll) return;
    const r = runOf.get(runKey);
    const c = byId.get(id).get(runKey);
    const detail = el('tr', { class: 'detail', 'data-run': runKey }, el('td', { colspan: String(2 + data.runs.length) }, panel(r, c)));
    tr.after(detail);
    tr.hidden = false;
    if (scroll) detail.scrollIntoView({ block: 'start' });
  }

  apply();
})();
