// The broker's live dashboard: plain DOM, no build step. Everything shown comes from services and
// is set as text, never as HTML. The admin secret stays in memory and travels as a Bearer header.
'use strict';

(() => {
  /** Events kept on the page; older ones are removed. */
  const MAX_ROWS = 200;
  /** Events rendered per animation frame: at 1,000 events/s the page skips what it cannot show. */
  const PER_FRAME = 25;
  /** Payload text shown per event. */
  const MAX_PAYLOAD_CHARS = 2000;
  const POLL_MS = 2000;
  /** Service cards drawn at once: a broker may hold 10,000 services; the search narrows them. */
  const MAX_CARDS = 100;
  /** Calls whose response events are still awaited. */
  const MAX_PENDING_CALLS = 50;

  let secret;
  let started = false;
  let paused = false;
  let services = [];
  const names = new Map();
  const cards = new Map();
  const pendingCalls = new Map();
  let queue = [];
  let received = 0;
  let shown = 0;
  let skipped = 0;
  let streamState = '';
  let streamAbort;

  const $ = (id) => document.getElementById(id);

  /** An element with attributes/properties and children (strings become text). */
  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props ?? {})) {
      if (v === undefined || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k in e && typeof v !== 'string') e[k] = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) if (c !== undefined && c !== null) e.append(c);
    return e;
  }

  class AuthNeeded extends Error {}

  async function api(method, path, body) {
    const headers = { accept: 'application/json' };
    if (secret !== undefined) headers.authorization = `Bearer ${secret}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 401) {
      askSecret(secret === undefined ? '' : 'That secret was refused.');
      throw new AuthNeeded('the broker needs its admin secret');
    }
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, ok: res.ok, json, size: text.length };
  }

  function describeFailure(r) {
    const j = r.json ?? {};
    const violations = Array.isArray(j.violations) && j.violations.length ? `\n• ${j.violations.join('\n• ')}` : '';
    return `refused (${r.status}): ${j.error ?? 'no reason given'}${violations}`;
  }

  function setStatus(text) {
    // announced by screen readers (aria-live): only on changes of state, never per event
    if ($('status').textContent !== text) $('status').textContent = text;
  }

  function askSecret(problem) {
    secret = undefined;
    stopStream();
    const form = $('auth');
    // the poll and the stream both hear 401: the second must not wipe what the first said
    if (problem || form.hidden) $('auth-error').textContent = problem;
    if (form.hidden) {
      form.hidden = false;
      setStatus('This broker needs its admin secret.');
      $('secret').focus();
    }
  }

  // ---------------------------------------------------------------- services

  function kindOf(s) {
    return s['@class'] ?? 'Service';
  }

  function renderServices() {
    const box = $('services');
    $('service-count').textContent = `(${services.filter((s) => s.connected).length} online of ${services.length})`;
    const needle = $('service-search').value.trim().toLowerCase();
    const found = needle ? services.filter((s) => `${s.name}\n${s.uuid}`.toLowerCase().includes(needle)) : services;
    const drawn = found.slice(0, MAX_CARDS);
    $('service-more').textContent =
      found.length > drawn.length ? `Showing ${drawn.length} of ${found.length} services: search to narrow them down.` : needle ? `${found.length} of ${services.length} services match.` : '';
    const seen = new Set();
    for (const s of drawn) {
      seen.add(s.uuid);
      let card = cards.get(s.uuid);
      const infoKey = JSON.stringify(s);
      const formKey = JSON.stringify([s.functions, typesOf(s)]);
      if (!card) {
        card = { root: el('details', { class: 'service', open: true, 'data-uuid': s.uuid }), info: el('div'), forms: el('div') };
        card.summary = el('summary');
        card.root.append(card.summary, card.info, card.forms);
        cards.set(s.uuid, card);
      }
      if (card.infoKey !== infoKey) {
        card.infoKey = infoKey;
        renderSummary(card.summary, s);
        card.info.replaceChildren(...serviceInfo(s));
      }
      // rebuilt only when what they are generated from changes, so typing is never interrupted
      if (card.formKey !== formKey) {
        card.formKey = formKey;
        card.forms.replaceChildren(...serviceForms(s));
      }
    }
    for (const [uuid, card] of cards) {
      if (!seen.has(uuid)) {
        card.root.remove();
        cards.delete(uuid);
      }
    }
    const ordered = drawn.map((s) => cards.get(s.uuid).root);
    if (ordered.length === 0) box.replaceChildren(el('p', { class: 'empty', text: services.length ? 'No service matches.' : 'No service registered.' }));
    else if (ordered.some((c, i) => box.children[i] !== c) || box.children.length !== ordered.length) box.replaceChildren(...ordered);

    // rebuilt only when the names change: an open drop-down is not closed under the user's hand
    const namesKey = JSON.stringify(services.map((s) => [s.uuid, s.name]));
    if (namesKey === lastNamesKey) return;
    lastNamesKey = namesKey;
    const list = $('service-names');
    list.replaceChildren(...services.map((s) => el('option', { value: s.name })));
    const filter = $('filter-service');
    const chosen = filter.value;
    filter.replaceChildren(el('option', { value: '', text: 'All services' }), ...services.map((s) => el('option', { value: s.uuid, text: s.name })));
    filter.value = services.some((s) => s.uuid === chosen) ? chosen : '';
  }

  let lastNamesKey = '';

  function renderSummary(summary, s) {
    summary.replaceChildren(
      el('h3', { text: s.name }),
      el('span', { class: `badge ${s.connected ? 'online' : 'offline'}`, text: s.connected ? 'online' : 'offline' }),
      el('span', { class: 'badge', text: kindOf(s) }),
    );
  }

  function serviceInfo(s) {
    const facts = el('dl', { class: 'facts' });
    const fact = (k, v) => facts.append(el('dt', { text: k }), el('dd', { text: v }));
    fact('uuid', s.uuid);
    if (s.description) fact('description', s.description);
    fact('lifecycle', String(s.lifecycleState ?? ''));
    if (s.gateway !== undefined) fact('sub-service of', names.get(s.gateway) ?? s.gateway);
    const subs = services.filter((o) => o.gateway === s.uuid);
    if (subs.length) fact('sub-services', subs.map((o) => o.name).join(', '));
    const out = [facts];
    const events = Array.isArray(s.events) ? s.events : [];
    out.push(el('h4', { text: `Events (${events.length})` }));
    if (events.length) out.push(el('ul', { class: 'plain' }, ...events.map((e) => el('li', { text: `${e.eventId}${e.name && e.name !== e.eventId ? ` — ${e.name}` : ''}` }))));
    const params = configParams(s);
    const entries = Object.entries(params);
    out.push(el('h4', { text: `Configuration (${entries.length})` }));
    if (entries.length) {
      out.push(
        el(
          'table',
          { class: 'config' },
          el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Parameter' }), el('th', { scope: 'col', text: 'Type' }), el('th', { scope: 'col', text: 'Value' }))),
          el('tbody', {}, ...entries.map(([n, p]) => el('tr', {}, el('td', { text: n }), el('td', { text: typeText(p) }), el('td', { class: 'value', text: JSON.stringify(p?.value) ?? '' })))),
        ),
      );
    }
    return out;
  }

  function configParams(s) {
    const p = s.configuration?.parameters;
    return p && typeof p === 'object' && !Array.isArray(p) ? p : {};
  }

  function typesOf(s) {
    return Object.entries(configParams(s)).map(([n, p]) => [n, p?.type, p?.format]);
  }

  function typeText(p) {
    return `${String(p?.type ?? '?').toLowerCase()}${p?.format ? ` (${p.format})` : ''}`;
  }

  let idCounter = 0;
  const nextId = (prefix) => `${prefix}-${++idCounter}`;

  function serviceForms(s) {
    const out = [];
    const functions = Array.isArray(s.functions) ? s.functions : [];
    if (functions.length) out.push(el('h4', { text: `Functions (${functions.length})` }));
    for (const f of functions) out.push(functionForm(s, f));
    if (Object.keys(configParams(s)).length) out.push(configForm(s));
    return out;
  }

  // -------------------------------------------------- forms from data formats

  function resolve(schema, format) {
    let s = schema;
    for (let i = 0; i < 16 && s && typeof s.$ref === 'string'; i++) {
      const m = /^#\/(?:definitions\/)?(.+)$/.exec(s.$ref);
      const name = m ? decodeURIComponent(m[1]) : undefined;
      s = name !== undefined ? (format?.[name] ?? format?.definitions?.[name]) : undefined;
    }
    return s && typeof s === 'object' ? s : {};
  }

  /** An input for a schema; `read()` gives the typed value or throws an Error naming the problem. */
  function field(label, schema, required) {
    const id = nextId('f');
    const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
    const hint = `${type ?? 'JSON'}${schema.format ? ` ${schema.format}` : ''}${required ? '' : ', optional'}`;
    const errorId = `${id}-error`;
    let input;
    if (Array.isArray(schema.enum)) {
      input = el('select', { id }, ...(required ? [] : [el('option', { value: '', text: '(none)' })]), ...schema.enum.map((v, i) => el('option', { value: String(i), text: JSON.stringify(v) })));
    } else if (type === 'boolean') {
      input = el('select', { id }, ...(required ? [] : [el('option', { value: '', text: '(none)' })]), el('option', { value: 'true', text: 'true' }), el('option', { value: 'false', text: 'false' }));
    } else if (type === 'integer' || type === 'number') {
      input = el('input', { id, type: 'text', inputmode: type === 'integer' ? 'numeric' : 'decimal', autocomplete: 'off' });
    } else if (type === 'string') {
      input = el('input', { id, type: 'text', autocomplete: 'off' });
    } else {
      input = el('textarea', { id, rows: 2, placeholder: 'JSON' });
    }
    input.setAttribute('aria-describedby', errorId);
    const error = el('span', { id: errorId, class: 'error' });
    const wrap = el('label', { for: id }, `${label} (${hint})`, input, error);
    const read = () => {
      error.textContent = '';
      input.removeAttribute('aria-invalid');
      try {
        const raw = input.value;
        if (raw === '' && !required) return undefined;
        if (Array.isArray(schema.enum)) return schema.enum[Number(raw)];
        return typedValue(type, schema.format, raw);
      } catch (e) {
        error.textContent = e.message;
        input.setAttribute('aria-invalid', 'true');
        throw new Error(`${label}: ${e.message}`);
      }
    };
    return { wrap, read, input };
  }

  /** Parses and checks the text of a field as the declared type, like the broker's checks. */
  function typedValue(type, format, raw) {
    const t = String(type ?? '').toLowerCase();
    const f = String(format ?? '').toLowerCase().replace(/_/g, '-');
    const shown = JSON.stringify(raw.length > 40 ? `${raw.slice(0, 37)}...` : raw);
    switch (t) {
      case 'integer': {
        const n = Number(raw.trim());
        if (raw.trim() === '' || !Number.isSafeInteger(n)) throw new Error(`${shown} is not an integer`);
        if (f === 'int32' && (n < -2147483648 || n > 2147483647)) throw new Error(`${shown} is outside the INT32 range`);
        return n;
      }
      case 'number': {
        const n = Number(raw.trim());
        if (raw.trim() === '' || !Number.isFinite(n)) throw new Error(`${shown} is not a number`);
        if (f === 'float' && Math.abs(n) > 3.4028234663852886e38) throw new Error(`${shown} is outside the FLOAT range`);
        return n;
      }
      case 'boolean':
        if (raw === 'true') return true;
        if (raw === 'false') return false;
        throw new Error(`${shown} is not true or false`);
      case 'string':
        if ((f === 'date-time' || f === 'date') && Number.isNaN(new Date(raw).getTime())) throw new Error(`${shown} is not a ${f}`);
        return raw;
      default: {
        let v;
        try {
          v = JSON.parse(raw);
        } catch {
          throw new Error(`${shown} is not valid JSON`);
        }
        if (t === 'array' && !Array.isArray(v)) throw new Error('is not a JSON array');
        if (t === 'object' && (v === null || typeof v !== 'object' || Array.isArray(v))) throw new Error('is not a JSON object');
        return v;
      }
    }
  }

  function newCorrelationId() {
    if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
    // outside a secure context (plain http beyond localhost) randomUUID is missing
    const b = crypto.getRandomValues(new Uint8Array(16));
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function functionForm(s, f) {
    const format = f.dataFormat && typeof f.dataFormat === 'object' ? f.dataFormat : undefined;
    const fields = [];
    let build;
    if (format && format.dataObject !== undefined) {
      const root = resolve(format.dataObject, format);
      if (root.type === 'object' && root.properties && typeof root.properties === 'object') {
        const required = new Set(Array.isArray(root.required) ? root.required : []);
        const props = Object.entries(root.properties).map(([name, sch]) => [name, field(name, resolve(sch, format), required.has(name))]);
        fields.push(...props.map(([, fl]) => fl));
        build = () => {
          const o = {};
          const errors = [];
          for (const [name, fl] of props) {
            try {
              const v = fl.read();
              if (v !== undefined) o[name] = v;
            } catch (e) {
              errors.push(e.message);
            }
          }
          if (errors.length) throw new Error(errors.join('; '));
          return { dataObject: o };
        };
      } else {
        const fl = field('dataObject', root, true);
        fields.push(fl);
        build = () => ({ dataObject: fl.read() });
      }
    } else if (format && Object.keys(format).length) {
      // one key per parameter (the Java client's form): edited as JSON
      const fl = field('parameters', { type: 'object' }, true);
      fields.push(fl);
      build = () => fl.read();
    } else {
      build = () => ({});
    }
    const result = el('output', { class: 'result', 'aria-live': 'polite' });
    const responses = Array.isArray(f.responseEvents) ? f.responseEvents : [];
    const form = el(
      'form',
      { class: 'form call', 'data-function': f.functionId },
      el(
        'fieldset',
        {},
        el('legend', { text: `Call ${f.functionId}${f.name && f.name !== f.functionId ? ` — ${f.name}` : ''}${responses.length ? ` (answers with ${responses.length} response event${responses.length > 1 ? 's' : ''})` : ''}` }),
        ...fields.map((fl) => fl.wrap),
        el('button', { type: 'submit', text: 'Call' }),
        result,
      ),
    );
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      let parameters;
      const status = el('span');
      const answers = el('span');
      result.replaceChildren(status, answers);
      try {
        parameters = build();
      } catch (e) {
        status.textContent = `Not sent: ${e.message}`;
        return;
      }
      const correlationId = newCorrelationId();
      status.textContent = 'Sending…';
      // awaited before sending: a fast service answers before the broker's reply to this request arrives
      pendingCalls.set(correlationId, answers);
      while (pendingCalls.size > MAX_PENDING_CALLS) pendingCalls.delete(pendingCalls.keys().next().value);
      try {
        const r = await api('POST', `/service/${encodeURIComponent(s.uuid)}/call`, { functionId: f.functionId, parameters, correlationId });
        if (!r.ok) {
          pendingCalls.delete(correlationId);
          status.textContent = describeFailure(r);
          return;
        }
        status.textContent = `Delivered (correlation id ${correlationId}); waiting for response events…`;
      } catch (e) {
        pendingCalls.delete(correlationId);
        status.textContent = e instanceof AuthNeeded ? 'Not sent: enter the admin secret first.' : `Not sent: ${e.message}`;
      }
    });
    return form;
  }

  function configForm(s) {
    const params = configParams(s);
    const id = nextId('cfg');
    const select = el('select', { id: `${id}-name`, name: 'parameter' }, ...Object.entries(params).map(([n, p]) => el('option', { value: n, text: `${n} (${typeText(p)})` })));
    const value = el('input', { id: `${id}-value`, name: 'value', autocomplete: 'off', 'aria-describedby': `${id}-error` });
    const error = el('span', { id: `${id}-error`, class: 'error' });
    const result = el('output', { class: 'result', 'aria-live': 'polite' });
    const form = el(
      'form',
      { class: 'form config' },
      el(
        'fieldset',
        {},
        el('legend', { text: 'Change configuration' }),
        el('label', { for: select.id }, 'Parameter', select),
        el('label', { for: value.id }, 'New value', value, error),
        el('button', { type: 'submit', text: 'Set' }),
        result,
      ),
    );
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const name = select.value;
      const p = params[name];
      let v;
      error.textContent = '';
      value.removeAttribute('aria-invalid');
      try {
        v = typedValue(p?.type, p?.format, value.value);
      } catch (e) {
        error.textContent = `${e.message} (${typeText(p)})`;
        value.setAttribute('aria-invalid', 'true');
        result.textContent = '';
        value.focus();
        return;
      }
      result.textContent = 'Sending…';
      try {
        const r = await api('POST', `/service/${encodeURIComponent(s.uuid)}/configuration`, { params: { [name]: v } });
        result.textContent = r.ok ? `Sent: ${name} = ${JSON.stringify(v)}` : describeFailure(r);
        if (r.ok) void poll();
      } catch (e) {
        result.textContent = e instanceof AuthNeeded ? 'Not sent: enter the admin secret first.' : `Not sent: ${e.message}`;
      }
    });
    return form;
  }

  // ------------------------------------------------------------------- flows

  function endpoint(x, key) {
    if (!x || typeof x !== 'object') return '';
    const svc = names.get(x.service) ?? x.service;
    return `${svc} / ${x[key]}`;
  }

  let flowsKey = '';
  function renderFlows(flows) {
    const key = JSON.stringify(flows);
    if (key === flowsKey) return;
    flowsKey = key;
    const body = $('flows').tBodies[0];
    if (flows.length === 0) {
      body.replaceChildren(el('tr', {}, el('td', { colspan: 6, class: 'empty', text: 'No flow stored.' })));
      return;
    }
    body.replaceChildren(
      ...flows.map((f) => {
        const short = f.from !== undefined;
        const label = f.name ?? f.flowName ?? String(f.id);
        const toggle = el('button', {
          type: 'button',
          class: f.deployed ? 'secondary' : undefined,
          text: f.deployed ? 'Undeploy' : 'Deploy',
          'aria-label': `${f.deployed ? 'Undeploy' : 'Deploy'} flow ${label}`,
          onclick: () => flowAction('PUT', `/integrationFlow/${encodeURIComponent(f.id)}/${f.deployed ? 'undeploy' : 'deploy'}`),
        });
        return el(
          'tr',
          { 'data-flow': String(f.id) },
          el('td', { text: String(f.id) }),
          el('td', { text: String(label) }),
          el('td', { text: short ? endpoint(f.from, 'event') : '(MSB flow)' }),
          el('td', { text: short ? endpoint(f.to, 'function') : '' }),
          el('td', { class: 'state', text: f.deployed ? 'deployed' : 'not deployed' }),
          el('td', {}, toggle),
        );
      }),
    );
  }

  async function flowAction(method, path, body) {
    try {
      const r = await api(method, path, body);
      if (!r.ok) $('flow-form').elements.result.textContent = describeFailure(r);
      await poll();
      return r;
    } catch (e) {
      $('flow-form').elements.result.textContent = e instanceof AuthNeeded ? 'Enter the admin secret first.' : e.message;
      return undefined;
    }
  }

  function onFlowSubmit(ev) {
    ev.preventDefault();
    const f = ev.target.elements;
    const out = f.result;
    const def = { from: { service: f.fromService.value.trim(), event: f.fromEvent.value.trim() }, to: { service: f.toService.value.trim(), function: f.toFunction.value.trim() } };
    if (f.name.value.trim()) def.name = f.name.value.trim();
    if (f.map.value.trim()) {
      try {
        def.map = typedValue('object', undefined, f.map.value);
      } catch (e) {
        out.textContent = `Mapping: ${e.message}`;
        f.map.focus();
        return;
      }
    }
    out.textContent = 'Creating…';
    void flowAction('POST', f.deploy.checked ? '/integrationFlow/create/deploy' : '/integrationFlow/create', def).then((r) => {
      if (r?.ok) out.textContent = `Flow ${r.json.id} created${r.json.deployed ? ' and deployed' : ''}.`;
    });
  }

  // ------------------------------------------------------------------ polling

  let pollTimer;
  let pollMs = POLL_MS;
  async function poll() {
    clearTimeout(pollTimer);
    // a hidden tab asks for nothing; it polls again when shown
    if (document.hidden) return;
    let size = 0;
    try {
      const [s, f] = await Promise.all([api('GET', '/service'), api('GET', '/integrationFlow')]);
      size = s.size + f.size;
      if (s.ok && Array.isArray(s.json)) {
        services = s.json;
        names.clear();
        for (const x of services) names.set(x.uuid, x.name);
        renderServices();
      }
      if (f.ok && Array.isArray(f.json)) renderFlows(f.json);
      if (streamState === 'open') setStatus('Connected: live');
    } catch (e) {
      if (e instanceof AuthNeeded) return;
      setStatus(`The broker does not answer (${e.message}); retrying.`);
    }
    // a listing of a full registry is tens of MiB: the larger the answers, the rarer the polls
    pollMs = Math.min(POLL_MS + (size / 1e6) * 2000, 30_000);
    pollTimer = setTimeout(poll, pollMs);
  }

  // ------------------------------------------------------------- event stream

  function stopStream() {
    streamAbort?.abort();
    streamAbort = undefined;
  }

  /**
   * Reads `GET /events` with fetch rather than EventSource, which cannot send the Authorization
   * header. Each event only goes into a bounded queue here; rendering happens per frame.
   */
  async function openStream() {
    stopStream();
    const abort = new AbortController();
    streamAbort = abort;
    const headers = { accept: 'text/event-stream' };
    if (secret !== undefined) headers.authorization = `Bearer ${secret}`;
    let retryMs = 2000;
    try {
      const res = await fetch('/events', { headers, signal: abort.signal, cache: 'no-store' });
      if (res.status === 401) return askSecret(secret === undefined ? '' : 'That secret was refused.');
      if (!res.ok || !res.body) {
        retryMs = 5000;
        throw new Error(`the event stream answered ${res.status}`);
      }
      streamState = 'open';
      setStatus('Connected: live');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(l[5] === ' ' ? 6 : 5))
            .join('\n');
          if (data) onEvent(data);
        }
      }
      throw new Error('the event stream ended');
    } catch (e) {
      if (abort.signal.aborted) return;
      streamState = 'closed';
      setStatus(`Event stream interrupted (${e.message}); reconnecting.`);
      setTimeout(() => {
        if (streamAbort === abort) void openStream();
      }, retryMs);
    }
  }

  function onEvent(data) {
    let e;
    try {
      e = JSON.parse(data);
    } catch {
      return;
    }
    received++;
    if (e.correlationId !== undefined && pendingCalls.has(e.correlationId)) {
      pendingCalls.get(e.correlationId).append(el('span', { class: 'response', text: `\nResponse event ${e.eventId}: ${payloadText(e)}` }));
    }
    queue.push(e);
    // never more than a screenful waits: what could not be drawn in time is counted, not kept
    if (queue.length > MAX_ROWS) {
      skipped += queue.length - MAX_ROWS;
      queue = queue.slice(-MAX_ROWS);
    }
  }

  function payloadText(e) {
    if (!('payload' in e)) return '(no payload)';
    const text = JSON.stringify(e.payload) ?? '';
    return text.length > MAX_PAYLOAD_CHARS ? `${text.slice(0, MAX_PAYLOAD_CHARS)}… (${text.length} characters)` : text;
  }

  function matches(e) {
    const svc = $('filter-service').value;
    const id = $('filter-event').value.trim();
    return (svc === '' || e.service === svc) && (id === '' || e.eventId.includes(id));
  }

  function frame() {
    if (!paused && queue.length) {
      const take = queue.length > PER_FRAME ? queue.splice(queue.length - PER_FRAME) : queue.splice(0);
      skipped += queue.length;
      queue = [];
      const list = $('events');
      const fragment = document.createDocumentFragment();
      for (let i = take.length - 1; i >= 0; i--) {
        const e = take[i];
        if (!matches(e)) continue;
        shown++;
        fragment.append(
          el(
            'li',
            { 'data-event': e.eventId, 'data-service': e.service },
            el('span', { class: 'meta', text: `${e.postDate ?? ''} · ${names.get(e.service) ?? e.service} · ` }),
            el('strong', { text: e.eventId }),
            e.correlationId !== undefined ? el('span', { class: 'meta', text: ` · correlation ${e.correlationId}` }) : undefined,
            el('code', { text: payloadText(e) }),
          ),
        );
      }
      list.prepend(fragment);
      while (list.children.length > MAX_ROWS) list.lastElementChild.remove();
    }
    requestAnimationFrame(frame);
  }

  setInterval(() => {
    $('stream-stats').textContent = `${received} received · ${shown} shown${skipped ? ` · ${skipped} skipped to keep up` : ''}${paused ? ' · paused' : ''}`;
  }, 500);

  // -------------------------------------------------------------------- start

  function start() {
    if (started) return;
    started = true;
    void poll();
    void openStream();
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('auth').addEventListener('submit', (ev) => {
      ev.preventDefault();
      // a header cannot carry these; fetch would fail on every request
      if (!/^[\x21-\x7e]+$/.test($('secret').value)) {
        $('auth-error').textContent = 'A secret is printable ASCII without spaces.';
        return;
      }
      secret = $('secret').value;
      $('secret').value = '';
      $('auth').hidden = true;
      $('auth-error').textContent = '';
      setStatus('Connecting…');
      started = false;
      start();
    });
    $('pause').addEventListener('click', () => {
      paused = !paused;
      if (paused) queue = [];
      $('pause').setAttribute('aria-pressed', String(paused));
      $('pause').textContent = paused ? 'Resume' : 'Pause';
    });
    $('clear').addEventListener('click', () => $('events').replaceChildren());
    $('service-search').addEventListener('input', () => renderServices());
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && started && $('auth').hidden) void poll();
    });
    $('flow-form').addEventListener('submit', onFlowSubmit);
    requestAnimationFrame(frame);
    start();
  });
})();
