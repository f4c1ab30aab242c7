// Staff console: plain DOM, no framework. Every text from the server is set with textContent
// (never innerHTML), so customer text can never run as markup.
(() => {
  const $ = (sel, root = document) => root.querySelector(sel);
  const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'class') node.className = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c ?? ''));
    return node;
  };
  const DEPARTMENTS = ['triage', 'domain', 'hosting', 'email', 'billing', 'technical', 'sales', 'customer_care'];
  const STATUSES = ['triage', 'routed', 'in_progress', 'answered', 'closed'];
  const fmt = (iso) => (iso ? new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }) : '');
  let session = JSON.parse(sessionStorage.getItem('cg-staff') || 'null');
  let page = 1;

  async function api(path, options = {}) {
    const headers = {
      ...(options.body ? { 'content-type': 'application/json' } : {}),
      ...(session ? { authorization: `Bearer ${session.token}` } : {}),
    };
    const res = await fetch(path, { ...options, headers });
    const body = await res.json().catch(() => ({}));
    if (res.status === 401 && session) signOut();
    if (!res.ok) {
      const fields = (body.errors || []).map((e) => `${e.field}: ${e.message}`).join('; ');
      throw new Error(`${body.title || res.statusText}${fields ? ` — ${fields}` : body.detail ? ` — ${body.detail}` : ''}`);
    }
    return body;
  }

  function signOut() {
    session = null;
    sessionStorage.removeItem('cg-staff');
    render();
  }

  function render() {
    $('#login-view').hidden = !!session;
    $('#app-view').hidden = !session;
    $('#who').hidden = !session;
    if (!session) return;
    $('#who-name').textContent =
      `${session.staff.name} (${session.staff.role}${session.staff.department ? `, ${session.staff.department}` : ''})`;
    $('#tab-call').hidden = !['hotline_operator', 'admin'].includes(session.staff.role);
    $('#case-detail').hidden = true;
    showTab('cases');
    loadCases();
  }

  $('#login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    $('#login-error').textContent = '';
    try {
      session = await api('/api/v1/auth/login', {
        method: 'POST',
        body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
      });
      sessionStorage.setItem('cg-staff', JSON.stringify(session));
      render();
    } catch (err) {
      $('#login-error').textContent = err.message;
    }
  });
  $('#logout').addEventListener('click', signOut);

  function showTab(tab) {
    for (const o of document.querySelectorAll('nav button')) o.classList.toggle('active', o.dataset.tab === tab);
    for (const p of document.querySelectorAll('[data-panel]')) p.hidden = p.dataset.panel !== tab;
  }
  for (const b of document.querySelectorAll('nav button')) b.addEventListener('click', () => showTab(b.dataset.tab));

  for (const d of DEPARTMENTS) $('#filters [name=department]').append(el('option', { value: d }, d));
  for (const s of STATUSES) $('#filters [name=status]').append(el('option', { value: s }, s));
  $('#filters').addEventListener('submit', (e) => {
    e.preventDefault();
    page = 1;
    loadCases();
  });
  $('#prev').addEventListener('click', () => {
    if (page > 1) {
      page--;
      loadCases();
    }
  });
  $('#next').addEventListener('click', () => {
    page++;
    loadCases();
  });

  async function loadCases() {
    const form = new FormData($('#filters'));
    const params = new URLSearchParams({ page: String(page), pageSize: '20' });
    for (const k of ['department', 'status', 'channel', 'q', 'escalated']) if (form.get(k)) params.set(k, form.get(k));
    const tbody = $('#case-table tbody');
    try {
      const list = await api(`/api/v1/cases?${params}`);
      tbody.replaceChildren(
        ...list.items.map((c) =>
          el(
            'tr',
            { onclick: () => showCase(c.caseNumber) },
            el('td', {}, c.caseNumber),
            el('td', {}, fmt(c.receivedAt)),
            el('td', {}, c.channel),
            el('td', {}, [c.customer?.name, c.customer?.phone || c.customer?.email].filter(Boolean).join(' · ')),
            el('td', {}, el('span', { class: `badge ${c.department}` }, c.department)),
            el(
              'td',
              {},
              el('span', { class: `badge ${c.status}` }, c.status),
              c.escalated ? el('span', { class: 'badge escalated' }, 'escalated') : '',
            ),
            el('td', {}, el('span', { class: `badge ${c.priority}` }, c.priority)),
            el('td', {}, c.deadlines?.target?.dueDate ?? ''),
          ),
        ),
      );
      $('#page-info').textContent = ` page ${list.page} of ${Math.max(1, list.totalPages)} (${list.total} cases) `;
      $('#prev').disabled = list.page <= 1;
      $('#next').disabled = list.page >= list.totalPages;
    } catch (err) {
      tbody.replaceChildren(el('tr', {}, el('td', { colspan: '8', class: 'error' }, err.message)));
    }
  }

  async function showCase(caseNumber) {
    const box = $('#case-detail');
    box.hidden = false;
    box.replaceChildren(el('p', {}, 'Loading…'));
    try {
      const c = await api(`/api/v1/cases/${encodeURIComponent(caseNumber)}`);
      const d = c.deadlines || {};
      const skipped = (d.explanation?.skipped || []).map((s) => `${s.date} — ${s.reason}`);
      box.replaceChildren(
        el('h3', {}, `${c.caseNumber} · ${c.subject || c.channel}`),
        el(
          'dl',
          {},
          el('dt', {}, 'Status'),
          el('dd', {}, `${c.status} (${c.department}, priority ${c.priority})`),
          el('dt', {}, 'Customer'),
          el('dd', {}, [c.customer?.name, c.customer?.phone, c.customer?.email, c.customer?.customerId].filter(Boolean).join(' · ')),
          el('dt', {}, 'Received'),
          el('dd', {}, `${fmt(c.receivedAt)} via ${c.channel}`),
          el('dt', {}, 'Classification'),
          el(
            'dd',
            {},
            c.classification
              ? `${c.classification.department} ${Math.round(c.classification.confidence * 100)}% by ${c.classification.method}${c.classification.runnerUp ? `; runner-up ${c.classification.runnerUp.department} ${Math.round(c.classification.runnerUp.confidence * 100)}%` : ''}`
              : '',
          ),
          el('dt', {}, 'Evidence'),
          el('dd', {}, (c.classification?.evidence || []).join(', ')),
          el('dt', {}, 'Answer due'),
          el('dd', {}, d.target ? `${d.target.dueDate} 24:00 (${d.target.workingDays ?? ''} working days)` : ''),
          el('dt', {}, 'Legal limit'),
          el('dd', {}, d.cap ? `${d.cap.dueDate} 24:00` : ''),
          el('dt', {}, 'Days not counted'),
          el(
            'dd',
            {},
            el('details', {}, el('summary', {}, `${skipped.length} days`), el('ul', {}, ...skipped.map((s) => el('li', {}, s)))),
          ),
        ),
        el('pre', { class: 'body' }, c.bodyText),
        actions(c),
        el('h4', {}, 'Handling journal'),
        el(
          'ol',
          { class: 'journal' },
          ...c.journal.map((j) => el('li', {}, el('time', {}, fmt(j.at)), `${j.message}${j.actor?.name ? ` — ${j.actor.name}` : ''}`)),
        ),
      );
    } catch (err) {
      box.replaceChildren(el('p', { class: 'error' }, err.message));
    }
  }

  function actions(c) {
    const wrap = el('div', { class: 'row' });
    const role = session.staff.role;
    const status = el('span', { role: 'status' });
    if (['cs_agent', 'supervisor', 'admin'].includes(role) && ['triage', 'routed'].includes(c.status)) {
      const select = el('select', {}, ...DEPARTMENTS.filter((d) => d !== 'triage').map((d) => el('option', { value: d }, d)));
      select.value = c.department === 'triage' ? c.classification?.bestGuess || 'domain' : c.department;
      wrap.append(
        'Department: ',
        select,
        el(
          'button',
          {
            type: 'button',
            onclick: async () => {
              try {
                await api(`/api/v1/cases/${c.caseNumber}/classification`, {
                  method: 'PATCH',
                  body: JSON.stringify({ department: select.value }),
                });
                await showCase(c.caseNumber);
                loadCases();
              } catch (err) {
                status.textContent = err.message;
              }
            },
          },
          'Move',
        ),
      );
    }
    if (['supervisor', 'admin'].includes(role) && !['answered', 'closed'].includes(c.status)) {
      const days = el('input', { type: 'number', min: '1', max: '60', value: '3', style: 'width:5em' });
      const reason = el('input', { placeholder: 'Reason for the extension', style: 'width:18em' });
      wrap.append(
        ' Extend by ',
        days,
        ' working days ',
        reason,
        el(
          'button',
          {
            type: 'button',
            onclick: async () => {
              try {
                await api(`/api/v1/cases/${c.caseNumber}/extensions`, {
                  method: 'POST',
                  body: JSON.stringify({ extraWorkingDays: Number(days.value), reason: reason.value }),
                });
                await showCase(c.caseNumber);
              } catch (err) {
                status.textContent = err.message;
              }
            },
          },
          'Extend',
        ),
      );
    }
    wrap.append(status);
    return wrap;
  }

  $('#call-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const opt = (k) => (f.get(k) ? { [k]: f.get(k) } : {});
    const out = $('#call-result');
    try {
      const r = await api('/api/v1/hotline/calls', {
        method: 'POST',
        body: JSON.stringify({
          caller: { name: f.get('name'), phone: f.get('phone'), ...opt('email'), ...opt('customerId') },
          notes: f.get('notes'),
          ...opt('callId'),
          resolvedOnCall: f.get('resolvedOnCall') === 'on',
        }),
      });
      out.className = '';
      out.textContent = `Recorded. Read the case number to the caller: ${r.caseNumber}${r.duplicate ? ' (this call was already recorded)' : ''}.`;
      e.target.callId.value = r.callId; // a retry reuses it, so nothing is recorded twice
    } catch (err) {
      out.className = 'error';
      out.textContent = err.message;
    }
  });

  $('#deadline-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const local = new FormData(e.target).get('receivedAt');
    const out = $('#deadline-result');
    try {
      const r = await api(`/api/v1/calendar/deadline?receivedAt=${encodeURIComponent(`${local}:00+07:00`)}`);
      out.replaceChildren(
        el('p', {}, `Answer due ${r.target.dueDate} 24:00; legal limit ${r.cap.dueDate} 24:00 (Asia/Ho_Chi_Minh).`),
        el('ul', {}, ...r.explanation.skipped.map((s) => el('li', {}, `${s.date} — ${s.reason}`))),
      );
    } catch (err) {
      out.replaceChildren(el('p', { class: 'error' }, err.message));
    }
  });

  render();
})();
