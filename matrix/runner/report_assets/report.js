"use strict";
const R = JSON.parse(document.getElementById('data').textContent);
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const k in (attrs || {})) {
    if (k === 'class') e.className = attrs[k];
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), attrs[k]);
    else e.setAttribute(k, attrs[k]);
  }
  for (const c of kids) if (c !== null && c !== undefined) e.append(c.nodeType ? c : String(c));
  return e;
}
function pre(text) { return el('pre', {}, text || '(empty)'); }
function det(title, body, open) { const d = el('details', {}, el('summary', {}, title), body); if (open) d.open = true; return d; }
function rowsTable(rows) {
  const cols = ['node','status','release','cv','term','role','leader','commit','applied','last','snapshot','config'];
  const t = el('table', {class: 't'}, el('tr', {}, ...cols.map(c => el('th', {}, c))));
  for (const r of rows || []) t.append(el('tr', {}, ...cols.map(c => el('td', {}, c === 'node' ? 'n' + r.node : c === 'leader' ? (r.leader ? 'n' + r.leader : '-') : r[c]))));
  return t;
}
document.getElementById('summary').append(el('div', {}, R.summary.line + ' (policy ' + R.policy_file + ')'), el('div', {}, R.linearizability.line), el('div', {id: 'coverage-line'}, R.feature_coverage.line));
function pathsTable(releases) {
  const t = el('table', {class: 't'}, el('tr', {}, ...['release','path','count','meaning'].map(c => el('th', {}, c))));
  for (const r of releases) {
    if (!r.has_table) { t.append(el('tr', {}, el('td', {}, r.release), el('td', {class: 'zero'}, 'no feature-path table'), el('td', {}, ''), el('td', {}, ''))); continue; }
    for (const p of r.paths) t.append(el('tr', {}, el('td', {}, r.release), el('td', {class: p.count ? '' : 'zero'}, p.counter), el('td', {}, p.count), el('td', {}, p.meaning)));
  }
  return t;
}
function coverage() {
  const fc = R.feature_coverage, d = document.getElementById('coverage');
  d.append(el('h2', {}, 'feature coverage: ' + fc.exercised + '/' + fc.paths + ' paths exercised'));
  d.append(el('div', {}, fc.releases.map(r => r.release + ' ' + r.exercised + '/' + r.total).join(', ')));
  if (fc.never_exercised.length) d.append(el('h3', {}, 'paths no cell exercised (' + fc.never_exercised.length + ')'), el('ul', {id: 'never-exercised'}, ...fc.never_exercised.map(g => el('li', {}, g))));
  else d.append(el('div', {}, 'every path of every release was exercised'));
  d.append(det('every path with its count over the run', pathsTable(fc.releases), false));
}
let selected = null;
const cellId = c => c.scenario + '/' + c.from + '/' + c.to;
function grid() {
  const t = el('table', {class: 'grid'});
  t.append(el('tr', {}, el('th', {}, 'scenario'), ...R.pairs.map(p => el('th', {}, p))));
  for (const s of R.scenarios) {
    const tr = el('tr', {}, el('th', {}, s));
    for (const p of R.pairs) {
      const i = R.cells.findIndex(c => c.scenario === s && c.pair === p);
      if (i < 0) { tr.append(el('td', {}, '-')); continue; }
      const c = R.cells[i];
      const td = el('td', {class: 'cell ' + c.status, 'data-cell': cellId(c), title: c.status + ' ' + c.matching + '/' + c.seeds + ' seeds match the policy', onclick: () => show(i, td)}, c.status + ' ' + c.matching + '/' + c.seeds);
      tr.append(td);
    }
    t.append(tr);
  }
  document.getElementById('grid').append(t);
}
function timeline(a) {
  const tl = a.timeline; if (!tl || !tl.segments.length) return el('div', {}, 'no timeline');
  const nodes = [...new Set(tl.segments.map(s => s.node))].sort((x, y) => x - y);
  const ops = tl.ops || [];
  const clients = [...new Set(ops.map(o => o.client))].sort((x, y) => x - y);
  const W = 1000, L = 60, H = 24, CH = 14, top = 18, end = Math.max(tl.end_s, 0.001);
  const ctop = top + nodes.length * H + 8;
  const x = t => L + (W - L - 10) * t / end;
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  const height = ctop + clients.length * CH + 30;
  svg.setAttribute('width', W); svg.setAttribute('height', height);
  const add = (tag, attrs, text) => { const e = document.createElementNS(NS, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); if (text !== undefined) e.textContent = text; svg.append(e); return e; };
  const color = {leader: '#2e7d32', follower: '#a5d6a7', candidate: '#ffb74d', pre_candidate: '#ffe0b2', precandidate: '#ffe0b2', learner: '#90caf9', down: '#bdbdbd'};
  nodes.forEach((n, i) => add('text', {x: 4, y: top + i * H + 16, 'font-size': 12}, 'n' + n));
  const lastRelease = {};
  for (const s of tl.segments) {
    const i = nodes.indexOf(s.node), y = top + i * H;
    const r = add('rect', {x: x(s.from_s), y: y + 2, width: Math.max(0.5, x(s.to_s) - x(s.from_s)), height: H - 6, fill: color[s.role] || '#e0e0e0'});
    const tt = document.createElementNS(NS, 'title'); tt.textContent = 'n' + s.node + ' ' + (s.release || 'down') + ' ' + s.role + ' term ' + s.term + ' ' + s.from_s.toFixed(3) + '-' + s.to_s.toFixed(3) + 's'; r.append(tt);
    if (s.release && lastRelease[s.node] !== s.release) { add('text', {x: x(s.from_s) + 1, y: y + 14, 'font-size': 10, fill: '#000'}, s.release); lastRelease[s.node] = s.release; }
  }
  for (const b of tl.bands) {
    const rows = b.node ? [nodes.indexOf(b.node)] : nodes.map((_, i) => i);
    for (const i of rows) {
      if (i < 0) continue;
      const r = add('rect', {x: x(b.from_s), y: top + i * H, width: Math.max(2, x(b.to_s) - x(b.from_s)), height: H - 2, fill: 'rgba(229,57,53,0.25)', stroke: 'rgba(183,28,28,0.6)'});
      const tt = document.createElementNS(NS, 'title'); tt.textContent = b.label + ' ' + b.from_s.toFixed(3) + '-' + b.to_s.toFixed(3) + 's'; r.append(tt);
    }
  }
  const opColor = {ok: '#78909c', fail: '#ffb74d', info: '#e0e0e0'};
  clients.forEach((c, i) => add('text', {x: 4, y: ctop + i * CH + 11, 'font-size': 10}, 'c' + c));
  for (const o of ops) {
    const i = clients.indexOf(o.client), y = ctop + i * CH;
    const r = add('rect', {x: x(o.from_s), y: y + 2, width: Math.max(1.5, x(o.to_s) - x(o.from_s)), height: CH - 4, fill: opColor[o.outcome] || '#e0e0e0', stroke: o.hl ? '#c62828' : 'none', 'stroke-width': o.hl ? 2 : 0, class: o.hl ? 'op hl' : 'op'});
    const tt = document.createElementNS(NS, 'title'); tt.textContent = 'client ' + o.client + ': ' + o.what + ' => ' + o.outcome + (o.open ? ' (never answered)' : '') + ' ' + o.from_s.toFixed(3) + '-' + o.to_s.toFixed(3) + 's' + (o.hl ? ' [in flight at the first violation]' : ''); r.append(tt);
  }
  for (const st of a.steps) {
    const l = add('line', {x1: x(st.start_s), x2: x(st.start_s), y1: top - 4, y2: top + nodes.length * H, stroke: '#555', 'stroke-dasharray': '2,3', 'stroke-width': 0.6});
    const tt = document.createElementNS(NS, 'title'); tt.textContent = st.number + '. ' + st.text + ' => ' + st.result; l.append(tt);
  }
  add('line', {x1: x(tl.heal_s), x2: x(tl.heal_s), y1: 0, y2: height - 20, stroke: '#1565c0', 'stroke-width': 2});
  add('text', {x: x(tl.heal_s) + 3, y: 12, 'font-size': 11, fill: '#1565c0'}, 'heal');
  const v = /@(\d+)us:/.exec(a.first_violation || '');  // "SAFETY checker @1500000us: ..."
  if (v) { const vx = x(v[1] / 1e6); add('line', {x1: vx, x2: vx, y1: 0, y2: height - 20, stroke: '#c62828', 'stroke-width': 2}); add('text', {x: vx + 3, y: height - 18, 'font-size': 11, fill: '#c62828'}, 'violation'); }
  for (let t = 0; t <= end; t += Math.max(1, Math.round(end / 10))) add('text', {x: x(t), y: height - 6, 'font-size': 10}, t + 's');
  return el('div', {}, el('div', {style: 'font-size:12px;color:#555'}, 'per node: release (label), role (dark green leader, light follower, orange candidate, grey down), term in tooltips; red bands: faults; dashed: steps; blue: heal; red: first violation; below, per client (c1, c2, ...): operations from invocation to answer (grey ok, orange failed, light timed out), red outline: in flight at the first violation'), svg);
}
// A cell's chart (matrix/runner/chart.h), for every cell: client throughput
// (answered operations per second, grey bars) and errors (red bars) per time
// bin, p50 and p99 latency (lines, right axis), a vertical marker per
// upgrade, rollback, finalize, downgrade, fault and election, and per node a
// lane of role (colour), release and cluster version (labels at changes).
const MARK = {upgrade: ['#1565c0', 'U'], rollback: ['#6a1b9a', 'R'], finalize: ['#2e7d32', 'F'], downgrade: ['#00838f', 'D'], fault: ['#c62828', 'X'], election: ['#ef6c00', 'E']};
function chart(ch) {
  if (!ch || !ch.seed) return el('div', {}, 'no chart (no seed ran)');
  const NS = 'http://www.w3.org/2000/svg';
  const nodes = [...new Set(ch.lanes.map(l => l.node))].sort((x, y) => x - y);
  const W = 1000, L = 60, R0 = 50, PH = 120, LH = 20, top = 16, end = Math.max(ch.end_s, 0.001);
  const ltop = top + PH + 14, height = ltop + nodes.length * LH + 22;
  const x = t => L + (W - L - R0) * t / end;
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('class', 'chart'); svg.setAttribute('width', W); svg.setAttribute('height', height);
  const add = (tag, attrs, text, tip) => { const e = document.createElementNS(NS, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); if (text !== undefined && text !== null) e.textContent = text; if (tip) { const t = document.createElementNS(NS, 'title'); t.textContent = tip; e.append(t); } svg.append(e); return e; };
  const bs = Math.max(ch.bin_s, 1e-6);
  const rate = ch.bins.map(b => (b.answered + b.errors) / bs);
  const maxRate = Math.max(1, ...rate), maxLat = Math.max(1, ...ch.bins.map(b => b.p99_ms));
  const yr = v => top + PH - PH * v / maxRate, yl = v => top + PH - PH * v / maxLat;
  add('rect', {x: L, y: top, width: W - L - R0, height: PH, fill: '#fff', stroke: '#ccc'});
  for (const b of ch.bins) {
    const bx = x(b.from_s), bw = Math.max(1, x(b.from_s + bs) - bx - 1);
    const tip = b.from_s.toFixed(2) + 's: ' + b.answered + ' answered, ' + b.errors + ' errors, p50 ' + b.p50_ms.toFixed(1) + 'ms, p99 ' + b.p99_ms.toFixed(1) + 'ms';
    add('rect', {class: 'bin', x: bx, y: yr(b.answered / bs), width: bw, height: top + PH - yr(b.answered / bs), fill: '#b0bec5'}, null, tip);
    if (b.errors) add('rect', {class: 'bin-errors', x: bx, y: yr((b.answered + b.errors) / bs), width: bw, height: yr(b.answered / bs) - yr((b.answered + b.errors) / bs), fill: '#e57373'}, null, tip);
  }
  const line = (key, color, dash) => add('polyline', {class: 'latency-' + key, fill: 'none', stroke: color, 'stroke-width': 1.5, 'stroke-dasharray': dash, points: ch.bins.filter(b => b.answered).map(b => x(b.from_s + bs / 2) + ',' + yl(b[key + '_ms'])).join(' ')});
  line('p50', '#37474f', ''); line('p99', '#8e24aa', '4,2');
  add('text', {x: 4, y: top + 10, 'font-size': 10}, Math.round(maxRate) + ' ops/s');
  add('text', {x: W - R0 + 4, y: top + 10, 'font-size': 10, fill: '#8e24aa'}, maxLat.toFixed(0) + ' ms');
  const color = {leader: '#2e7d32', follower: '#a5d6a7', candidate: '#ffb74d', pre_candidate: '#ffe0b2', precandidate: '#ffe0b2', learner: '#90caf9', down: '#bdbdbd'};
  nodes.forEach((n, i) => add('text', {x: 4, y: ltop + i * LH + 14, 'font-size': 12}, 'n' + n));
  const last = {};
  for (const l of ch.lanes) {
    const y = ltop + nodes.indexOf(l.node) * LH;
    add('rect', {class: 'lane', x: x(l.from_s), y: y + 2, width: Math.max(0.5, x(l.to_s) - x(l.from_s)), height: LH - 5, fill: color[l.role] || '#e0e0e0'}, null,
        'n' + l.node + ' ' + (l.release || 'down') + ' ' + l.role + ' cluster version ' + l.cv + ' ' + l.from_s.toFixed(3) + '-' + l.to_s.toFixed(3) + 's');
    const label = l.release ? l.release + ' cv' + l.cv : '';
    if (label && last[l.node] !== label) { add('text', {class: 'lane-label', x: x(l.from_s) + 1, y: y + 13, 'font-size': 9}, label); last[l.node] = label; }
  }
  for (const m of ch.markers) {
    const [c, letter] = MARK[m.kind] || ['#000', '?'];
    const mx = x(m.at_s);
    add('line', {class: 'marker ' + m.kind, 'data-kind': m.kind, x1: mx, x2: mx, y1: top - 2, y2: ltop + nodes.length * LH, stroke: c, 'stroke-width': m.kind === 'fault' || m.kind === 'election' ? 0.8 : 1.4, 'stroke-dasharray': m.kind === 'election' ? '2,2' : ''}, null,
        m.kind + ' @' + m.at_s.toFixed(3) + 's' + (m.node ? ' n' + m.node : '') + ': ' + m.label);
    add('text', {x: mx - 3, y: top - 4, 'font-size': 9, fill: c}, letter);
  }
  for (let t = 0; t <= end; t += Math.max(1, Math.round(end / 10))) add('text', {x: x(t), y: height - 6, 'font-size': 10}, t + 's');
  const counts = Object.keys(MARK).map(k => k + ' ' + ch.markers.filter(m => m.kind === k).length).join(', ');
  return el('div', {class: 'chart'}, el('div', {style: 'font-size:12px;color:#555'},
      'seed ' + ch.seed + ' over simulated time: answered client operations per second (grey bars), errors (red), p50 latency (dark line) and p99 (purple dashed, right axis); markers: U upgrade, R rollback, F finalize, D downgrade, X fault, E election (' + counts + '); per node: role (dark green leader, light follower, orange candidate, grey down), release and cluster version'), svg);
}
function telemetry(t) {
  const d = el('div');
  const kv = ['runs','sim_seconds','elections','leader_changes','retries','timeouts','overloaded','auth_failures','unknown_messages','snapshot_installs','snapshots_sent','compactions','start_refusals','safety_violations','liveness_violations','ops_completed','acked_writes','faults_fired','crashes','upgrades','rollbacks','lin_unknown_seeds','lin_max_search_states'];
  const tb = el('table', {class: 't'});
  for (const k of kv) tb.append(el('tr', {}, el('th', {}, k.replace(/_/g, ' ')), el('td', {}, typeof t[k] === 'number' && !Number.isInteger(t[k]) ? t[k].toFixed(2) : t[k])));
  d.append(tb);
  const co = el('table', {class: 't'}, el('tr', {}, ...['cohort','ops','ok','fail','info','attempts','retries','timeouts','not leader','overloaded'].map(c => el('th', {}, c))));
  for (const c of t.cohorts) co.append(el('tr', {}, ...['cohort','ops','ok','fail','info','attempts','retries','timeouts','not_leader','overloaded'].map(k => el('td', {}, c[k]))));
  d.append(el('h3', {}, 'clients by cohort'), co);
  if (t.decode_errors.length) {
    const de = el('table', {class: 't'}, el('tr', {}, el('th', {}, 'sender'), el('th', {}, 'receiver'), el('th', {}, 'message type'), el('th', {}, 'count')));
    for (const e of t.decode_errors) de.append(el('tr', {}, el('td', {}, e.sender), el('td', {}, e.receiver), el('td', {}, e.type), el('td', {}, e.count)));
    d.append(el('h3', {}, 'decode errors'), de);
  }
  if (t.snapshot_installs_by_release.length) d.append(el('h3', {}, 'snapshot installs (leader release -> follower release)'), el('div', {}, t.snapshot_installs_by_release.map(e => e.leader + ' -> ' + e.follower + ': ' + e.count).join(', ')));
  const h = el('table', {class: 't'}, el('tr', {}, el('th', {}, 'time'), el('th', {}, 'node'), el('th', {}, 'log index'), el('th', {}, 'change')));
  for (const e of t.config_history) h.append(el('tr', {}, el('td', {}, e.time_s.toFixed(3) + 's'), el('td', {}, 'n' + e.node), el('td', {}, e.index), el('td', {}, e.what)));
  for (const e of t.version_history) h.append(el('tr', {}, el('td', {}, e.time_s.toFixed(3) + 's'), el('td', {}, 'n' + e.node), el('td', {}, '<= ' + e.index), el('td', {}, e.what)));
  d.append(el('h3', {}, 'configuration and cluster-version history (seed ' + t.history_seed + ')'), h);
  d.append(el('h3', {}, 'step outcomes'), el('div', {}, Object.entries(t.steps).map(([k, v]) => k + ': ' + v).join(', ')));
  return d;
}
function artifact(a) {
  const d = el('div');
  const copy = el('button', {onclick: () => { if (navigator.clipboard) navigator.clipboard.writeText(a.reproduce); }}, 'copy');
  d.append(el('h3', {}, 'reproduce'), el('div', {}, el('code', {class: 'repro'}, a.reproduce), ' ', copy));
  d.append(el('h3', {}, 'seed ' + a.seed + ' (' + a.outcome + '): first violated invariant'), el('div', {}, el('b', {}, a.first_violation)));
  if (a.reasons.length) d.append(el('ul', {}, ...a.reasons.map(r => el('li', {}, r))));
  if (a.notes.length) d.append(det('notes (' + a.notes.length + ')', el('ul', {}, ...a.notes.map(r => el('li', {}, r)))));
  d.append(el('h3', {}, 'timeline'), timeline(a));
  d.append(det('plan', pre(a.plan), false));
  d.append(det('trace window' + (a.first_violation ? ' (ends at the first violation or refusal)' : ''), pre(a.trace_window), true));
  const st = el('table', {class: 't'}, el('tr', {}, ...['#','step','time','result','detail','nodes'].map(c => el('th', {}, c))));
  for (const s of a.steps) {
    const cls = 'res-' + s.result.split(' ')[0];
    const nodes = det('before / after', el('div', {}, el('div', {}, 'before @' + s.start_s.toFixed(3) + 's'), rowsTable(s.before), el('div', {}, 'after (when the next step began)'), rowsTable(s.after)));
    st.append(el('tr', {}, el('td', {}, s.number), el('td', {}, s.text), el('td', {}, s.start_s.toFixed(3) + '-' + s.end_s.toFixed(3) + 's'), el('td', {class: cls}, s.result), el('td', {}, s.detail), el('td', {}, nodes)));
  }
  d.append(el('h3', {}, 'steps with per-node tables (release, cluster version, term, role, commit, applied)'), st);
  d.append(det('final node table', rowsTable(a.final), false));
  d.append(det('checker verdicts', pre(a.verdicts + (a.linearizability ? '\nlinearizability: ' + a.linearizability : '')), false));
  if (a.shrunk) d.append(det('shrunk trace: ' + a.shrunk_from + ' -> ' + a.shrunk_to + ' background events in ' + a.shrink_runs + ' runs', el('div', {}, pre(a.shrunk_plan), pre(a.shrunk_trace)), false));
  return d;
}
function show(i, td) {
  const c = R.cells[i];
  if (selected) selected.classList.remove('sel');
  selected = td; td.classList.add('sel');
  const d = document.getElementById('detail');
  d.textContent = '';
  d.dataset.cell = cellId(c);
  d.append(el('h2', {}, c.scenario + ' ' + c.pair + ': ' + c.status));
  d.append(el('div', {}, 'policy declares: ' + (c.declared.join(', ') || 'none') + '; scenario requires: ' + c.required.join(', ') + ' => ' + (c.supported ? 'supported: every seed must pass' : 'unsupported: every seed must be refused cleanly')));
  d.append(el('div', {}, 'seeds: ', ...c.seed_results.map(s => el('span', {class: 'chip ' + s.outcome, title: s.reason + ' digest ' + s.digest}, s.seed + ':' + s.outcome))));
  d.append(el('h2', {}, 'chart (seed ' + c.chart.seed + ')'), chart(c.chart));
  if (c.artifact) d.append(artifact(c.artifact));
  d.append(el('h2', {}, 'telemetry (summed over ' + c.telemetry.runs + ' seeds)'), telemetry(c.telemetry));
  d.append(el('h2', {}, 'feature paths (' + c.feature_paths.map(r => r.release + ' ' + r.exercised + '/' + r.total).join(', ') + ')'), pathsTable(c.feature_paths));
}
grid();
coverage();
// report.html#cell=S/F/T opens that cell with a real click on it; without one,
// the first cell that does not match the policy opens.
function openFromHash() {
  const m = /^#cell=(.+)$/.exec(location.hash);
  const td = m && [...document.querySelectorAll('td.cell')].find(e => e.dataset.cell === decodeURIComponent(m[1]));
  if (td) td.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, view: window}));
  return !!td;
}
window.addEventListener('hashchange', openFromHash);
const firstRed = R.cells.findIndex(c => !c.matches_policy);
if (!openFromHash() && firstRed >= 0) { const tds = document.querySelectorAll('td.cell'); const order = []; for (const s of R.scenarios) for (const p of R.pairs) { const i = R.cells.findIndex(c => c.scenario === s && c.pair === p); if (i >= 0) order.push(i); } show(firstRed, tds[order.indexOf(firstRed)]); }
document.documentElement.dataset.ready = 'yes';
