// Courier's dashboard: plain JavaScript over the JSON API, no build step. Credentials stay in this
// tab (sessionStorage) and go with every call as HTTP Basic.
'use strict';

const view = document.getElementById('view');
const STATES = ['SCHEDULED', 'ENQUEUED', 'PROCESSING', 'FAILED', 'SUCCEEDED', 'DEAD', 'CANCELLED'];
let timer = null;

function credentials() { return sessionStorage.getItem('courier.auth'); }

async function api(path, options = {}) {
  const response = await fetch('api/' + path, {
    ...options,
    headers: { 'Authorization': credentials() || '', 'Content-Type': 'application/json', ...(options.headers || {}) },
  });
  if (response.status === 401) { showLogin('Log in again: the server did not accept these credentials.'); throw new Error('unauthorized'); }
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) { throw new Error(body && body.detail ? body.detail : response.status + ' ' + response.statusText); }
  return body;
}

function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
function when(iso) { return iso ? new Date(iso).toLocaleString() : ''; }
function state(s) { return `<span class="state ${esc(s)}">${esc(s)}</span>`; }
function json(value) { return `<pre>${esc(JSON.stringify(value, null, 2))}</pre>`; }

function showLogin(message) {
  view.innerHTML = '';
  clearInterval(timer);
  const form = document.getElementById('login');
  form.hidden = false;
  document.getElementById('login-error').textContent = message || '';
}

document.getElementById('login').addEventListener('submit', async event => {
  event.preventDefault();
  const user = document.getElementById('login-user').value;
  const password = document.getElementById('login-password').value;
  sessionStorage.setItem('courier.auth', 'Basic ' + btoa(unescape(encodeURIComponent(user + ':' + password))));
  sessionStorage.setItem('courier.user', user);
  document.getElementById('login').hidden = true;
  route();
});

async function overview() {
  view.innerHTML = `
    <section><h2>Tasks by state</h2><div class="cards" id="states"></div></section>
    <section><h2>Finished per minute, last 15 minutes</h2><div id="chart"></div><p class="muted" id="rate"></p></section>
    <section><h2>Submit a task</h2>
      <form class="filters" id="submit">
        <input id="submit-type" placeholder="type" value="echo" required>
        <input id="submit-payload" placeholder='payload, e.g. {"hello":"world"}' value='{"from":"dashboard"}' size="40">
        <button class="primary" id="submit-button">Submit</button>
        <span id="submitted"></span>
      </form></section>
    <section><h2>Queues</h2><div id="queues"></div></section>`;
  document.getElementById('submit').addEventListener('submit', async event => {
    event.preventDefault();
    const out = document.getElementById('submitted');
    try {
      const task = await api('tasks', { method: 'POST', body: JSON.stringify({
        type: document.getElementById('submit-type').value,
        payload: JSON.parse(document.getElementById('submit-payload').value || '{}') }) });
      out.innerHTML = `submitted <a id="submitted-task" href="#/task/${esc(task.id)}">${esc(task.id)}</a>`;
    } catch (e) { out.innerHTML = `<span class="error">${esc(e.message)}</span>`; }
  });
  const refresh = async () => {
    const summary = await api('tasks/summary?minutes=15');
    document.getElementById('states').innerHTML = STATES.map(s =>
      `<a class="card" href="#/tasks?state=${s}" id="count-${s}"><b>${summary.byState[s] || 0}</b><span class="${s}">${s}</span></a>`).join('');
    chart(summary.perMinute);
    queues(summary.byQueue, await api('queues'));
  };
  await refresh();
  timer = setInterval(() => refresh().catch(() => {}), 2000);
}

function chart(minutes) {
  const width = 720, height = 160, bar = width / minutes.length;
  const max = Math.max(1, ...minutes.map(m => m.succeeded + m.dead));
  const bars = minutes.map((m, i) => {
    const ok = (m.succeeded / max) * (height - 20), bad = (m.dead / max) * (height - 20);
    const x = i * bar + 2, label = new Date(m.minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return `<rect class="ok" x="${x}" y="${height - 14 - ok}" width="${bar - 4}" height="${ok}"><title>${label}: ${m.succeeded} succeeded</title></rect>
            <rect class="bad" x="${x}" y="${height - 14 - ok - bad}" width="${bar - 4}" height="${bad}"><title>${label}: ${m.dead} dead</title></rect>
            ${i % 3 === 0 ? `<text x="${x}" y="${height - 2}">${label}</text>` : ''}`;
  }).join('');
  document.getElementById('chart').innerHTML = `<svg id="throughput" viewBox="0 0 ${width} ${height}" width="100%" height="${height}">${bars}</svg>`;
  const last = minutes.slice(-5), done = last.reduce((n, m) => n + m.succeeded + m.dead, 0), dead = last.reduce((n, m) => n + m.dead, 0);
  document.getElementById('rate').textContent =
    `last 5 minutes: ${(done / 5).toFixed(1)} tasks/min finished, failure rate ${done ? (100 * dead / done).toFixed(1) : '0.0'} %`;
}

function queues(byQueue, all) {
  document.getElementById('queues').innerHTML = `<table><tr><th>queue</th><th>depth</th><th>in flight</th><th>consumers</th>
    <th>succeeded</th><th>dead</th><th>dead letters</th><th></th></tr>${all.map(q => `
    <tr id="queue-${esc(q.name)}"><td>${esc(q.name)}${q.paused ? ' <b class="FAILED">paused</b>' : ''}</td><td>${q.depth}</td><td>${q.inFlight}</td>
    <td>${q.consumers}</td><td>${(byQueue[q.name] || {}).SUCCEEDED || 0}</td><td>${(byQueue[q.name] || {}).DEAD || 0}</td>
    <td><a href="#/dead-letters/${esc(q.name)}" id="dead-letters-${esc(q.name)}">${q.deadLetters}</a></td>
    <td><button data-queue="${esc(q.name)}" data-action="${q.paused ? 'resume' : 'pause'}">${q.paused ? 'Resume' : 'Pause'}</button></td></tr>`).join('')}</table>`;
  document.querySelectorAll('#queues button').forEach(b => b.addEventListener('click', async () => {
    await api(`queues/${b.dataset.queue}/${b.dataset.action}`, { method: 'POST' });
    queues(byQueue, await api('queues'));
  }));
}

async function tasks(query) {
  const params = new URLSearchParams(query);
  view.innerHTML = `<section><h2>Tasks</h2>
    <form class="filters" id="filters">
      <select name="state"><option value="">any state</option>${STATES.map(s => `<option ${params.get('state') === s ? 'selected' : ''}>${s}</option>`).join('')}</select>
      <input name="type" placeholder="type" value="${esc(params.get('type'))}">
      <input name="queue" placeholder="queue" value="${esc(params.get('queue'))}">
      <input name="keyPrefix" placeholder="key starts with" value="${esc(params.get('keyPrefix'))}">
      <button class="primary">Search</button></form>
    <div id="task-list"></div></section>`;
  document.getElementById('filters').addEventListener('submit', event => {
    event.preventDefault();
    const form = new URLSearchParams(new FormData(event.target));
    [...form.keys()].forEach(k => { if (!form.get(k)) form.delete(k); });
    location.hash = '#/tasks?' + form.toString();
  });
  const page = await api('tasks?' + new URLSearchParams([...params].filter(([, v]) => v)).toString() + '&limit=100');
  document.getElementById('task-list').innerHTML = `<p class="muted">${page.total} tasks, newest first</p>
    <table><tr><th>task</th><th>type</th><th>queue</th><th>state</th><th>attempts</th><th>key</th><th>created</th></tr>
    ${page.items.map(t => `<tr><td><a href="#/task/${esc(t.id)}">${esc(t.id.slice(0, 8))}</a></td><td>${esc(t.type)}</td><td>${esc(t.queue)}</td>
    <td>${state(t.state)}</td><td>${t.attempts}</td><td>${esc(t.key)}</td><td>${when(t.createdAt)}</td></tr>`).join('')}</table>`;
}

async function task(id) {
  const render = async () => {
    const t = await api('tasks/' + encodeURIComponent(id));
    // each failed attempt with its error, between the task's own times (startedAt is the last attempt's)
    const failures = (t.failures || []).map(f => [`attempt ${f.attempt} failed (${f.outcome})`, f.failedAt, f.error]);
    const timeline = [['created', t.createdAt], ['due', t.runAt], ...failures,
      [failures.length ? `attempt ${t.attempts} started` : 'started', t.startedAt], ['finished', t.finishedAt]]
      .filter(([, at]) => at).sort(([, a], [, b]) => Date.parse(a) - Date.parse(b))
      .map(([what, at, error]) => `<li>${what} ${when(at)}${error ? `: <span class="error">${esc(error)}</span>` : ''}</li>`).join('');
    view.innerHTML = `<section><h2>Task ${esc(t.id)}</h2>
      <dl><dt>state</dt><dd id="task-state">${state(t.state)}</dd><dt>type</dt><dd>${esc(t.type)}</dd><dt>queue</dt><dd>${esc(t.queue)}</dd>
      <dt>attempts</dt><dd>${t.attempts}</dd><dt>priority</dt><dd>${t.priority}</dd><dt>key</dt><dd>${esc(t.key)}</dd>
      <dt>progress</dt><dd>${t.progress ? `${t.progress.percent} % ${esc(t.progress.message)}` : ''}</dd>
      <dt>error</dt><dd class="error">${esc(t.error)}</dd><dt>timeline</dt><dd><ul id="task-timeline">${timeline}</ul></dd></dl></section>
      <section><h2>Payload</h2>${json(t.payload)}</section><section><h2>Result</h2>${json(t.result)}</section>`;
    return t;
  };
  const t = await render();
  if (!['SUCCEEDED', 'DEAD', 'CANCELLED'].includes(t.state)) {
    timer = setInterval(async () => {
      const now = await render().catch(() => null);
      if (now && ['SUCCEEDED', 'DEAD', 'CANCELLED'].includes(now.state)) clearInterval(timer);
    }, 1000);
  }
}

async function schedules() {
  const all = await api('schedules');
  view.innerHTML = `<section><h2>Schedules</h2><table><tr><th>name</th><th>cron</th><th>enabled</th><th>next fire times</th><th>last run</th></tr>
    ${all.map(s => `<tr><td>${esc(s.name)}</td><td><code>${esc(s.cron)}</code> ${esc(s.timezone)}</td><td>${s.enabled}</td>
    <td>${(s.nextFireTimes || []).slice(0, 3).map(when).join('<br>')}</td>
    <td>${s.lastRun ? `${when(s.lastRun.time)} ${state(s.lastRun.state)}` : ''}</td></tr>`).join('')}</table></section>`;
}

async function queuesView() {
  view.innerHTML = `<section><h2>Queues</h2><div id="queues"></div></section>`;
  queues((await api('tasks/summary?minutes=1')).byQueue, await api('queues'));
}

async function topics() {
  const render = async () => {
    const [all, expired] = await Promise.all([api('topics'), api('messages/expired?limit=20')]);
    view.innerHTML = `<section><h2>Publish</h2>
      <form class="filters" id="publish">
        <select id="publish-topic">${all.map(t => `<option>${esc(t.name)}</option>`).join('')}</select>
        <input id="publish-body" placeholder='body, e.g. {"key":"sensor-1","value":21.5}' value='{"key":"sensor-1","value":21.5}' size="36">
        <input id="publish-properties" placeholder='properties, e.g. {"region":"eu"}' size="24">
        <button class="primary" id="publish-button">Publish</button> <span id="published"></span>
      </form></section>
      ${all.map(t => `<section id="topic-${esc(t.name)}"><h2>Topic ${esc(t.name)}</h2>
      <p class="muted">dead letters (${esc(t.deadLetterQueue)}): ${t.deadLetters}</p>
      <table><tr><th>subscription</th><th>durable</th><th>selector</th><th>consumers</th><th>depth</th><th>in flight</th><th>delivered</th><th></th></tr>
      ${t.subscriptions.map(s => `<tr id="subscription-${esc(s.name)}"><td>${esc(s.name)}${s.paused ? ' <b class="FAILED">paused</b>' : ''}</td>
      <td>${s.durable}</td><td><code>${esc(s.selector)}</code></td><td>${s.consumers}</td><td>${s.depth}</td><td>${s.inFlight}</td><td>${s.delivered}</td>
      <td><button data-topic="${esc(t.name)}" data-subscription="${esc(s.name)}" data-action="${s.paused ? 'resume' : 'pause'}">${s.paused ? 'Resume' : 'Pause'}</button></td></tr>`).join('')}
      </table></section>`).join('')}
      <section><h2>Expired messages (${expired.total})</h2><table><tr><th>message</th><th>from</th><th>expired</th></tr>
      ${expired.items.map(m => `<tr><td>${esc(m.originalMessageId || m.messageId)}</td><td>${esc(m.originalQueue || m.originalAddress)}</td><td>${when(m.expiredAt)}</td></tr>`).join('')}
      </table></section>`;
    document.querySelectorAll('section[id^="topic-"] button').forEach(b => b.addEventListener('click', async () => {
      await api(`topics/${b.dataset.topic}/subscriptions/${b.dataset.subscription}/${b.dataset.action}`, { method: 'POST' });
      await render();
    }));
    document.getElementById('publish').addEventListener('submit', async event => {
      event.preventDefault();
      const out = document.getElementById('published');
      try {
        const properties = document.getElementById('publish-properties').value;
        const message = await api(`topics/${encodeURIComponent(document.getElementById('publish-topic').value)}/messages`, {
          method: 'POST', body: JSON.stringify({ body: JSON.parse(document.getElementById('publish-body').value),
            ...(properties ? { properties: JSON.parse(properties) } : {}) }) });
        out.innerHTML = `published <code id="published-id">${esc(message.messageId)}</code>`;
      } catch (e) { out.innerHTML = `<span class="error">${esc(e.message)}</span>`; }
    });
  };
  await render();
}

async function deadLetters(queue) {
  const render = async () => {
    const letters = await api(`queues/${encodeURIComponent(queue)}/dead-letters?limit=200`);
    view.innerHTML = `<section><h2>Dead letters of ${esc(queue)}</h2>
      <p><button id="retry-all" class="primary">Retry all</button> <button id="purge-all">Purge all</button></p>
      <table><tr><th>task</th><th>type</th><th>state</th><th>attempts</th><th>reason</th><th>last error</th><th></th></tr>
      ${letters.map(d => `<tr><td>${d.taskId ? `<a href="#/task/${esc(d.taskId)}">${esc(d.taskId.slice(0, 8))}</a>` : esc(d.messageId)}</td>
      <td>${esc(d.type)}</td><td>${d.state ? state(d.state) : ''}</td><td>${d.attempts ?? ''}</td><td>${esc(d.reason)}</td><td>${esc(d.lastError)}</td>
      <td>${d.taskId ? `<button class="retry" data-id="${esc(d.taskId)}">Retry</button>` : ''}</td></tr>`).join('')}</table>`;
    document.getElementById('retry-all').onclick = async () => { await api(`queues/${queue}/dead-letters/retry`, { method: 'POST', body: '{"all":true}' }); render(); };
    document.getElementById('purge-all').onclick = async () => { if (confirm('Remove every dead letter of ' + queue + '?')) { await api(`queues/${queue}/dead-letters`, { method: 'DELETE' }); render(); } };
    document.querySelectorAll('button.retry').forEach(b => b.onclick = async () => {
      await api(`queues/${queue}/dead-letters/retry`, { method: 'POST', body: JSON.stringify({ ids: [b.dataset.id] }) });
      location.hash = '#/task/' + b.dataset.id;
    });
  };
  await render();
}

async function route() {
  clearInterval(timer);
  if (!credentials()) { showLogin(); return; }
  document.getElementById('who').textContent = sessionStorage.getItem('courier.user') || '';
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  const [page, arg] = path.split('/');
  try {
    if (page === 'tasks') await tasks(query || '');
    else if (page === 'task') await task(decodeURIComponent(arg));
    else if (page === 'schedules') await schedules();
    else if (page === 'queues') await queuesView();
    else if (page === 'topics') await topics();
    else if (page === 'dead-letters') await deadLetters(decodeURIComponent(arg));
    else await overview();
  } catch (e) {
    if (e.message !== 'unauthorized') view.innerHTML = `<section class="error">${esc(e.message)}</section>`;
  }
}

window.addEventListener('hashchange', route);
route();
