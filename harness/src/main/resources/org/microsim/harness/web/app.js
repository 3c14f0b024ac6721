// The web view's page: keeps the model the feed describes (key -> object, see ViewModel.java) and draws it.
// The feed sends "+KEY JSON" (put) and "-KEY" (remove) lines: a "reset" event holds the whole model, each
// "update" what changed at one quiet point of the machine.
'use strict';

const model = new Map();
let seen = -1;
const STATE_COLOURS = { ready: '#66bb6a', starting: '#ffee58', waiting: '#ffee58', backoff: '#ffa726',
  failed: '#e53935', stopped: '#bdbdbd', '-': '#e0e0e0', none: '#e0e0e0' };

function section(prefix) {
  const out = [];
  for (const [key, value] of model) {
    if (key.startsWith(prefix + '/')) out.push(value);
  }
  return out;
}

function apply(lines) {
  for (const line of lines) {
    if (line.startsWith('+')) {
      const space = line.indexOf(' ');
      model.set(decodeURIComponent(line.substring(1, space)), JSON.parse(line.substring(space + 1)));
    } else if (line.startsWith('-')) {
      model.delete(decodeURIComponent(line.substring(1)));
    }
  }
}

function graph(container, directedRoots, sideways) {
  const cy = cytoscape({
    container, wheelSensitivity: 0.3, autoungrabify: true,
    style: [
      { selector: 'node', style: { 'shape': 'round-rectangle', 'label': 'data(label)', 'text-wrap': 'wrap',
        'text-valign': 'center', 'font-size': 10, 'width': 'label', 'height': 'label', 'padding': 5,
        'background-color': 'data(colour)', 'border-width': 1, 'border-color': '#546e7a' } },
      { selector: 'edge', style: { 'width': 1, 'line-color': '#90a4ae', 'target-arrow-color': '#90a4ae',
        'target-arrow-shape': directedRoots ? 'triangle' : 'none', 'curve-style': 'bezier' } },
      { selector: 'node.wave', style: { 'border-width': 4, 'border-color': '#e65100' } },
    ],
  });
  cy.scratch('sideways', sideways);
  return cy;
}

// The device tree grows to the right (a disk's partitions stack up, as in lsdev); services grow downwards.
const devices = graph(document.getElementById('devices'), false, true);
const services = graph(document.getElementById('services'), true);

// Brings a graph to the given nodes and edges; lays it out again only when its shape changed.
function sync(cy, nodes, edges) {
  const wanted = new Set([...nodes, ...edges].map(e => e.data.id));
  let changed = false;
  cy.batch(() => {
    cy.elements().forEach(el => { if (!wanted.has(el.id())) { el.remove(); changed = true; } });
    for (const el of [...nodes, ...edges]) {
      const have = cy.getElementById(el.data.id);
      if (have.nonempty()) have.data(el.data);
      else { cy.add(el); changed = true; }
    }
  });
  if (changed) {
    const sideways = cy.scratch('sideways');
    cy.layout({ name: 'breadthfirst', directed: true, spacingFactor: sideways ? 1 : 0.9, animate: false,
      transform: (node, p) => (sideways ? { x: p.y * 1.8, y: p.x / 1.8 } : p) }).run();
    cy.fit(undefined, 10);
  }
}

function drawDevices() {
  const devs = section('dev');
  const names = new Set(devs.map(d => d.name));
  const nodes = [];
  const edges = [];
  for (const d of devs) {
    nodes.push({ data: { id: 'd:' + d.name, label: d.name + '\n' + d.class + '/' + d.subclass + ' ' + d.vendor
      + ':' + d.device + '\n' + d.caps + '\n' + (d.driver === '-' ? 'no driver' : d.driver + ' ' + d.state),
      colour: STATE_COLOURS[d.state] || '#e0e0e0', state: d.state, name: d.name } });
    if (d.parent) {
      if (!names.has(d.parent)) {
        names.add(d.parent);
        nodes.push({ data: { id: 'd:' + d.parent, label: d.parent, colour: '#cfd8dc', name: d.parent } });
      }
      edges.push({ data: { id: 'e:' + d.parent + '>' + d.name, source: 'd:' + d.parent, target: 'd:' + d.name } });
    }
  }
  sync(devices, nodes, edges);
}

let lastTasks = new Map();

function drawServices(wave) {
  const svcs = section('svc');
  const names = new Set(svcs.map(s => s.name));
  const nodes = svcs.map(s => ({ data: { id: 's:' + s.name, name: s.name, state: s.state,
    label: s.name + '\n' + s.state + (s.restarts ? ' (' + s.restarts + ' restarts)' : '') + (s.detail ? '\n' + s.detail : ''),
    colour: STATE_COLOURS[s.state] || '#e0e0e0' } }));
  const edges = [];
  for (const s of svcs) {
    for (const dep of s.deps) {
      if (names.has(dep)) edges.push({ data: { id: 'e:' + dep + '>' + s.name, source: 's:' + dep, target: 's:' + s.name } });
    }
  }
  sync(services, nodes, edges);
  if (wave.length) showWave(wave);
}

// The services that came back with a new task at this quiet point, dependencies first (Kahn's order, ties by name).
function restartWave() {
  const svcs = section('svc');
  const moved = svcs.filter(s => s.task && lastTasks.has(s.name) && lastTasks.get(s.name) !== s.task);
  lastTasks = new Map(svcs.map(s => [s.name, s.task]));
  const left = new Map(moved.map(s => [s.name, s.deps.filter(d => moved.some(m => m.name === d))]));
  const order = [];
  while (left.size) {
    const ready = [...left].filter(([, deps]) => deps.every(d => order.includes(d))).map(([n]) => n).sort();
    if (!ready.length) { order.push(...[...left.keys()].sort()); break; }
    order.push(ready[0]);
    left.delete(ready[0]);
  }
  return order;
}

let waveTimers = [];

function showWave(order) {
  waveTimers.forEach(clearTimeout);
  services.nodes().removeClass('wave');
  document.getElementById('wave').textContent = 'restart wave: ' + order.join(' \u2192 ');
  order.forEach((name, i) => waveTimers.push(setTimeout(() => services.getElementById('s:' + name).addClass('wave'), 400 * i)));
  waveTimers.push(setTimeout(() => services.nodes().removeClass('wave'), 400 * order.length + 4000));
}

function drawTasks() {
  const body = document.querySelector('#tasks tbody');
  const rows = section('task').sort((a, b) => parseInt(a.id) - parseInt(b.id));
  body.replaceChildren(...rows.map(t => {
    const tr = document.createElement('tr');
    tr.className = t.state === 'ready' || t.state === 'blocked' ? 'live' : 'dead';
    for (const [text, cls] of [[t.id], [t.name], [t.program], [t.state, t.state], [t.detail]]) {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) td.className = cls;
      tr.append(td);
    }
    return tr;
  }));
  const select = document.getElementById('task');
  const chosen = select.value;
  select.replaceChildren(...rows.filter(t => t.state === 'ready' || t.state === 'blocked').map(t => new Option(t.name, t.name)));
  if (chosen) select.value = chosen;
}

const SVG = 'http://www.w3.org/2000/svg';

function svg(parent, tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  parent.append(el);
  return el;
}

function drawChart() {
  const chart = document.getElementById('chart');
  chart.replaceChildren();
  const msgs = section('msg').sort((a, b) => a.flow - b.flow);
  const lanes = [];
  const lane = n => { if (!lanes.includes(n)) lanes.push(n); return lanes.indexOf(n); };
  msgs.forEach(m => { lane(m.from); lane(m.server || m.port); });
  const W = 120, H = 30, top = 20;
  chart.setAttribute('width', Math.max(300, lanes.length * W));
  chart.setAttribute('height', top + msgs.length * H + 10);
  const defs = svg(chart, 'defs', {});
  const marker = svg(defs, 'marker', { id: 'arrow', markerWidth: 6, markerHeight: 6, refX: 6, refY: 3, orient: 'auto' });
  svg(marker, 'path', { d: 'M0,0 L6,3 L0,6 z', fill: '#455a64' });
  lanes.forEach((n, i) => {
    svg(chart, 'text', { x: i * W + 4, y: 12 }, n.length > 16 ? n.substring(0, 15) + '\u2026' : n).append(
      Object.assign(document.createElementNS(SVG, 'title'), { textContent: n }));
    svg(chart, 'line', { x1: i * W + W / 2, y1: top - 4, x2: i * W + W / 2, y2: top + msgs.length * H, stroke: '#cfd8dc' });
  });
  msgs.forEach((m, r) => {
    const y = top + r * H + H / 2;
    const a = lane(m.from) * W + W / 2, b = lane(m.server || m.port) * W + W / 2;
    const g = svg(chart, 'g', { class: 'msg' });
    svg(g, 'line', { x1: a, y1: y - 3, x2: b === a ? a + 20 : b, y2: y - 3, stroke: '#455a64', 'marker-end': 'url(#arrow)' });
    svg(g, 'text', { x: Math.min(a, b) + 4, y: y - 5 }, m.name);
    if (m.reply) {
      svg(g, 'line', { x1: b, y1: y + 3, x2: a, y2: y + 3, stroke: '#8d6e63', 'stroke-dasharray': '3 2', 'marker-end': 'url(#arrow)' });
      svg(g, 'text', { x: Math.min(a, b) + 4, y: y + 12, fill: '#8d6e63' }, m.reply);
    }
    svg(g, 'title', {}, m.kind + ' ' + m.from + ' \u2192 ' + m.port + ' (' + m.name + ') at ' + seconds(m.at)
      + (m.reply ? ', reply ' + m.reply + ' at ' + seconds(m.replyAt) : ''));
  });
}

function seconds(ns) {
  return (ns / 1e9).toFixed(6) + ' s';
}

function drawTimeline() {
  const line = document.getElementById('timeline');
  line.replaceChildren();
  const events = [...model].filter(([k]) => k.startsWith('ev/'))
    .map(([k, v]) => Object.assign({ index: parseInt(k.substring(3)) }, v)).sort((a, b) => a.index - b.index);
  const now = (model.get('clock') || { now: 1 }).now || 1;
  const kinds = [...new Set(events.map(e => e.kind))].sort();
  const width = line.clientWidth || 800, left = 130, rowH = 14;
  line.setAttribute('height', kinds.length * rowH + 24);
  kinds.forEach((k, i) => svg(line, 'text', { x: 2, y: i * rowH + 12 }, k));
  const colour = k => /CRASH|KILL|FAULT/.test(k) ? '#c62828' : /REMOVED|EXIT/.test(k) ? '#6d4c41' : '#1565c0';
  for (const e of events) {
    const x = left + (width - left - 10) * e.at / now;
    const tick = svg(line, 'rect', { x, y: kinds.indexOf(e.kind) * rowH + 2, width: 2, height: rowH - 4, fill: colour(e.kind) });
    svg(tick, 'title', {}, seconds(e.at) + ' ' + e.task + ' ' + e.kind + ' ' + e.detail);
  }
  svg(line, 'text', { x: left, y: kinds.length * rowH + 16 }, '0 s');
  svg(line, 'text', { x: width - 90, y: kinds.length * rowH + 16 }, seconds(now));
  const list = document.getElementById('events');
  list.replaceChildren(...events.slice(-60).reverse().map(e => {
    const li = document.createElement('li');
    li.textContent = seconds(e.at) + '  ' + e.kind + '  ' + e.task + '  ' + e.detail;
    return li;
  }));
}

function draw(wave) {
  document.getElementById('clock').textContent = 't = ' + seconds((model.get('clock') || { now: 0 }).now);
  drawDevices();
  drawServices(wave);
  drawTasks();
  drawChart();
  drawTimeline();
  document.body.dataset.seen = seen;
}

function connect() {
  const feed = new EventSource('/events');
  const status = document.getElementById('status');
  feed.onopen = () => { status.textContent = 'live'; status.className = 'up'; };
  feed.onerror = () => { status.textContent = 'disconnected'; status.className = 'down'; };
  feed.addEventListener('reset', e => {
    model.clear();
    apply(e.data.split('\n'));
    seen = parseInt(e.lastEventId);
    restartWave();
    draw([]);
  });
  feed.addEventListener('update', e => {
    apply(e.data.split('\n'));
    seen = parseInt(e.lastEventId);
    draw(restartWave());
  });
}

async function run(line) {
  const history = document.getElementById('history');
  history.textContent += 'sim> ' + line + '\n';
  try {
    const response = await fetch('/command', { method: 'POST', body: line });
    const text = response.headers.get('content-type').startsWith('application/json')
      ? (await response.json()).output : await response.text();
    history.textContent += text.replace(/\s+$/, '') + (text.trim() ? '\n' : '');
  } catch (e) {
    history.textContent += 'error: ' + e.message + '\n';
  }
  history.scrollTop = history.scrollHeight;
}

// A word of the command language: names with spaces go in double quotes.
function quoted(word) {
  return /\s/.test(word) ? '"' + word + '"' : word;
}

document.getElementById('actions').addEventListener('click', e => {
  const b = e.target.closest('button');
  if (!b) return;
  if (b.dataset.command) run(b.dataset.command);
  else if (b.dataset.verb) run(b.dataset.verb + ' ' + quoted(document.getElementById('task').value));
  else if (b.dataset.link) run('link ' + b.dataset.link + ' ' + document.getElementById('iface').value);
  else if ('attach' in b.dataset) run('usb attach ' + quoted('file=' + document.getElementById('stick').value));
});

connect();
