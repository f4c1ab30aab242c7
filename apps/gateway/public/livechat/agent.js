/*
 * Minimal live view for customer-support agents (until the staff console exists): sign in,
 * see open conversations, answer in real time. Text is always set with textContent.
 */
(function () {
  'use strict';
  var TOKEN_KEY = 'cg-livechat-agent-token';
  var ACK_TIMEOUT_MS = 10000;
  var socket = null;
  var conversations = new Map(); // id → summary
  var unread = new Map(); // id → count
  var openId = null;
  var openMessages = new Map(); // id → message view (of the open conversation)
  var pending = new Map(); // clientMessageId → { text, state }
  var typingTimer = null;

  function $(id) {
    return document.getElementById(id);
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    return Array.prototype.map
      .call(b, function (x) {
        return ('0' + x.toString(16)).slice(-2);
      })
      .join('');
  }
  function time(iso) {
    var d = new Date(iso);
    return isNaN(d) ? '' : d.toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit' });
  }

  function showLogin(error) {
    $('ag-app').hidden = true;
    $('ag-login').hidden = false;
    $('ag-login-error').hidden = !error;
    $('ag-login-error').textContent = error || '';
  }

  function onLogin(ev) {
    ev.preventDefault();
    var f = ev.target;
    fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: f.elements.email.value.trim(), password: f.elements.password.value }),
    })
      .then(function (res) {
        return res.json().then(function (j) {
          return { status: res.status, json: j };
        });
      })
      .then(function (r) {
        if (r.status !== 200) return showLogin(r.json.detail || r.json.title || 'Đăng nhập thất bại');
        sessionStorage.setItem(TOKEN_KEY, r.json.token);
        $('ag-me').textContent = r.json.staff.name + ' (' + r.json.staff.role + ')';
        start();
      })
      .catch(function () {
        showLogin('Không kết nối được máy chủ');
      });
  }

  function start() {
    $('ag-login').hidden = true;
    $('ag-app').hidden = false;
    // eslint-disable-next-line no-undef
    socket = io('/livechat-staff', { auth: { token: sessionStorage.getItem(TOKEN_KEY) }, transports: ['websocket', 'polling'] });
    socket.on('connect', function () {
      $('ag-status').textContent = '● trực tuyến';
      socket.timeout(ACK_TIMEOUT_MS).emit('conversations:list', {}, function (err, res) {
        if (err || !res.ok) return;
        res.conversations.forEach(function (c) {
          conversations.set(c.conversationId, c);
        });
        renderList();
        if (openId) openConversation(openId);
      });
    });
    socket.on('disconnect', function () {
      $('ag-status').textContent = '○ mất kết nối…';
    });
    socket.on('connect_error', function (err) {
      var code = err && err.data && err.data.code;
      if (code === 'unauthenticated' || code === 'forbidden') {
        socket.disconnect();
        sessionStorage.removeItem(TOKEN_KEY);
        showLogin(err.message);
      }
    });
    socket.on('conversation:updated', function (c) {
      conversations.set(c.conversationId, c);
      renderList();
      if (c.conversationId === openId) renderHead();
    });
    socket.on('message', function (m) {
      if (m.conversationId === openId) {
        openMessages.set(m.id, m);
        pending.delete(m.id);
        renderMessages();
      } else if (m.sender && m.sender.kind === 'visitor') {
        unread.set(m.conversationId, (unread.get(m.conversationId) || 0) + 1);
        renderList();
      }
    });
    socket.on('typing', function (p) {
      if (!p || p.conversationId !== openId) return;
      $('ag-typing').hidden = !p.isTyping;
      clearTimeout(typingTimer);
      if (p.isTyping)
        typingTimer = setTimeout(function () {
          $('ag-typing').hidden = true;
        }, 6000);
    });
  }

  function renderList() {
    var ul = $('ag-conversations');
    ul.textContent = '';
    Array.from(conversations.values())
      .filter(function (c) {
        return c.status === 'open' || c.conversationId === openId;
      })
      .sort(function (a, b) {
        return String(b.lastMessageAt).localeCompare(String(a.lastMessageAt));
      })
      .forEach(function (c) {
        var li = el('li');
        li.setAttribute('data-id', c.conversationId);
        if (c.conversationId === openId) li.setAttribute('aria-current', 'true');
        var name = el('div', 'ag-name', c.customer.name || '—');
        var n = unread.get(c.conversationId);
        if (n) name.appendChild(el('span', 'ag-badge', n));
        li.appendChild(name);
        li.appendChild(el('div', 'ag-preview', (c.caseNumber ? c.caseNumber + ' · ' : '') + (c.lastMessagePreview || '')));
        li.addEventListener('click', function () {
          openConversation(c.conversationId);
        });
        ul.appendChild(li);
      });
  }

  function openConversation(id) {
    openId = id;
    unread.delete(id);
    openMessages.clear();
    pending.clear();
    renderList();
    socket.timeout(ACK_TIMEOUT_MS).emit('conversation:open', { conversationId: id }, function (err, res) {
      if (err || !res.ok) return;
      conversations.set(id, res.conversation);
      res.messages.forEach(function (m) {
        openMessages.set(m.id, m);
      });
      $('ag-empty').hidden = true;
      $('ag-conv').hidden = false;
      renderHead();
      renderMessages();
      $('ag-input').focus();
    });
  }

  function renderHead() {
    var c = conversations.get(openId);
    if (!c) return;
    $('ag-customer').textContent = c.customer.name || '—';
    $('ag-contact').textContent = [c.customer.email, c.customer.phone, c.customer.domain, c.customer.customerId]
      .filter(Boolean)
      .join(' · ');
    $('ag-case').textContent = c.caseNumber || '';
    $('ag-end').hidden = c.status !== 'open';
    $('ag-compose').hidden = c.status !== 'open';
  }

  function renderMessages() {
    var ol = $('ag-messages');
    ol.textContent = '';
    Array.from(openMessages.values())
      .sort(function (a, b) {
        return a.seq - b.seq;
      })
      .forEach(function (m) {
        ol.appendChild(renderMessage(m));
      });
    pending.forEach(function (p, id) {
      var li = el('li', 'ag-msg', p.text);
      li.setAttribute('data-kind', 'agent');
      li.setAttribute('data-state', p.state);
      li.setAttribute('data-id', id);
      li.appendChild(el('span', 'ag-meta', p.state === 'failed' ? 'chưa gửi được: ' + (p.error || '') : 'đang gửi…'));
      ol.appendChild(li);
    });
    ol.scrollTop = ol.scrollHeight;
  }

  function renderMessage(m) {
    var kind = (m.sender && m.sender.kind) || 'system';
    var text = m.text;
    if (m.type === 'receipt') text = 'Đã cấp mã số khiếu nại ' + (m.data && m.data.caseNumber) + ' cho khách.';
    if (m.type === 'notice' && m.data && m.data.event === 'ended') text = 'Cuộc trò chuyện đã kết thúc.';
    var li = el('li', 'ag-msg', text);
    li.setAttribute('data-kind', kind);
    li.setAttribute('data-id', m.id);
    (m.attachments || []).forEach(function (a) {
      var link = el('a', null, 'Tệp: ' + a.fileName);
      link.href = '#';
      link.addEventListener('click', function (ev) {
        ev.preventDefault();
        download(a);
      });
      li.appendChild(el('br'));
      li.appendChild(link);
    });
    li.appendChild(el('span', 'ag-meta', (kind === 'agent' ? (m.sender.name || '') + ' · ' : '') + time(m.createdAt)));
    return li;
  }

  function download(a) {
    fetch('/api/v1/livechat/attachments/' + encodeURIComponent(a.id), {
      headers: { authorization: 'Bearer ' + sessionStorage.getItem(TOKEN_KEY) },
    })
      .then(function (res) {
        return res.blob();
      })
      .then(function (blob) {
        var url = URL.createObjectURL(blob);
        var link = document.createElement('a');
        link.href = url;
        link.download = a.fileName;
        link.click();
        setTimeout(function () {
          URL.revokeObjectURL(url);
        }, 10000);
      });
  }

  function onSend(ev) {
    ev.preventDefault();
    var input = $('ag-input');
    var text = input.value.trim();
    if (!text || !openId) return;
    input.value = '';
    var id = newId();
    var conversationId = openId;
    pending.set(id, { text: text, state: 'sending' });
    renderMessages();
    socket
      .timeout(ACK_TIMEOUT_MS)
      .emit('message:send', { conversationId: conversationId, clientMessageId: id, text: text }, function (err, res) {
        var p = pending.get(id);
        if (!p) return;
        if (!err && res.ok) {
          pending.delete(id);
          if (conversationId === openId) openMessages.set(res.message.id, res.message);
        } else {
          p.state = 'failed';
          p.error = err ? 'không có phản hồi' : res.error.message;
        }
        renderMessages();
      });
  }

  function init() {
    $('ag-login-form').addEventListener('submit', onLogin);
    $('ag-compose').addEventListener('submit', onSend);
    $('ag-input').addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) onSend(ev);
    });
    var typingSentAt = 0;
    $('ag-input').addEventListener('input', function () {
      // At most every 2 s: the server budgets events per connection.
      if (!socket || !openId || Date.now() - typingSentAt < 2000) return;
      typingSentAt = Date.now();
      socket.emit('typing', { conversationId: openId, isTyping: true });
    });
    $('ag-end').addEventListener('click', function () {
      if (!openId || !window.confirm('Kết thúc cuộc trò chuyện này?')) return;
      socket.timeout(ACK_TIMEOUT_MS).emit('conversation:end', { conversationId: openId }, function () {});
    });
    $('ag-logout').addEventListener('click', function () {
      sessionStorage.removeItem(TOKEN_KEY);
      if (socket) socket.disconnect();
      location.reload();
    });
    if (sessionStorage.getItem(TOKEN_KEY)) start();
    else showLogin('');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
