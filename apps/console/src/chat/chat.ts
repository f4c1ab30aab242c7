/*
 * Livechat for customers: the pre-chat form, then the conversation.
 * Reliability rules: every message gets a client id (its idempotency key) and stays in a
 * local outbox (localStorage) until the server acknowledges it as stored; on every (re)connect
 * the outbox is sent again and the server resends what this browser missed (after `lastSeq`).
 * All text from people is put in the page with textContent, never as HTML.
 */
(function () {
  'use strict';

  var STORAGE_KEY = 'cg-livechat:v1';
  var ACK_TIMEOUT_MS = 10000;
  var MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
  var AUTO_RETRIES = 3;

  var I18N = {
    vi: {
      htmlLang: 'vi',
      title: 'Hỗ trợ khách hàng',
      other: 'EN',
      otherLabel: 'Switch to English',
      minimize: 'Thu nhỏ',
      formIntro:
        'Xin chào! Vui lòng cho chúng tôi biết cách liên hệ với bạn. Tin nhắn đầu tiên của bạn sẽ được ghi nhận là phản ánh/khiếu nại và bạn nhận được mã số ngay.',
      name: 'Họ và tên',
      email: 'Email',
      phone: 'Số điện thoại',
      contactHint: 'Cần ít nhất email hoặc số điện thoại.',
      domainOrId: 'Tên miền hoặc mã khách hàng (không bắt buộc)',
      start: 'Bắt đầu trò chuyện',
      starting: 'Đang mở…',
      placeholder: 'Nhập nội dung phản ánh…',
      send: 'Gửi',
      sending: 'Đang gửi…',
      received: 'Đã nhận',
      failed: 'Chưa gửi được',
      retry: 'Thử lại',
      connecting: 'Đang kết nối…',
      online: 'Đã kết nối',
      offline: 'Mất kết nối — đang thử lại…',
      noAgent:
        'Hiện chưa có nhân viên trực tuyến. Bạn vẫn có thể gửi khiếu nại: chúng tôi ghi nhận ngay, cấp mã số và trả lời trong thời hạn quy định.',
      receiptTitle: 'Đã tiếp nhận khiếu nại của bạn',
      caseNumber: 'Mã số',
      deadline: 'Hạn trả lời',
      withinDays: 'trong 5 ngày làm việc',
      byDate: function (d) {
        return 'trước 24:00 ngày ' + d;
      },
      receivedAt: 'Tiếp nhận lúc',
      keepNumber: 'Vui lòng giữ mã số này để tra cứu.',
      agentTyping: function (n) {
        return (n || 'Nhân viên') + ' đang nhập…';
      },
      you: 'Bạn',
      agent: 'Nhân viên CSKH',
      transcript: 'Gửi bản ghi qua email',
      transcriptQueued: 'Bản ghi cuộc trò chuyện sẽ được gửi tới email của bạn.',
      end: 'Kết thúc trò chuyện',
      endConfirm: 'Kết thúc cuộc trò chuyện này?',
      ended: 'Cuộc trò chuyện đã kết thúc. Cảm ơn bạn!',
      endedBy: 'Cuộc trò chuyện đã kết thúc.',
      newChat: 'Bắt đầu cuộc trò chuyện mới',
      attach: 'Đính kèm ảnh hoặc PDF',
      uploading: 'Đang tải tệp lên…',
      tooBig: 'Tệp quá lớn (tối đa 10 MB).',
      badType: 'Chỉ nhận ảnh (PNG, JPEG, GIF, WebP) hoặc PDF.',
      sessionExpired: 'Phiên trò chuyện đã hết hạn. Vui lòng điền lại thông tin.',
      formError: 'Vui lòng kiểm tra lại các ô được đánh dấu.',
      needContact: 'Cần email hoặc số điện thoại.',
      tooMany: 'Bạn thao tác quá nhanh, vui lòng chờ giây lát.',
      unavailable: 'Hệ thống đang bận, tin nhắn sẽ được gửi lại tự động.',
      genericError: 'Có lỗi xảy ra, vui lòng thử lại.',
    },
    en: {
      htmlLang: 'en',
      title: 'Customer support',
      other: 'VI',
      otherLabel: 'Chuyển sang tiếng Việt',
      minimize: 'Minimize',
      formIntro: 'Hello! Tell us how to reach you. Your first message is recorded as your complaint and you get a case number at once.',
      name: 'Full name',
      email: 'Email',
      phone: 'Phone number',
      contactHint: 'An email or a phone number is required.',
      domainOrId: 'Domain name or customer ID (optional)',
      start: 'Start chat',
      starting: 'Opening…',
      placeholder: 'Describe your problem…',
      send: 'Send',
      sending: 'Sending…',
      received: 'Received',
      failed: 'Not sent',
      retry: 'Retry',
      connecting: 'Connecting…',
      online: 'Connected',
      offline: 'Connection lost — retrying…',
      noAgent:
        'No agent is online right now. You can still send your complaint: it is recorded at once, you get a case number, and we answer within the deadline.',
      receiptTitle: 'Your complaint has been received',
      caseNumber: 'Case number',
      deadline: 'Answer due',
      withinDays: 'within 5 working days',
      byDate: function (d) {
        return 'by 24:00 on ' + d;
      },
      receivedAt: 'Received at',
      keepNumber: 'Please keep this number for reference.',
      agentTyping: function (n) {
        return (n || 'An agent') + ' is typing…';
      },
      you: 'You',
      agent: 'Support agent',
      transcript: 'Email me the transcript',
      transcriptQueued: 'The transcript will be sent to your email.',
      end: 'End chat',
      endConfirm: 'End this conversation?',
      ended: 'This conversation has ended. Thank you!',
      endedBy: 'The conversation has ended.',
      newChat: 'Start a new conversation',
      attach: 'Attach an image or PDF',
      uploading: 'Uploading the file…',
      tooBig: 'The file is too large (10 MB at most).',
      badType: 'Only images (PNG, JPEG, GIF, WebP) or PDF files.',
      sessionExpired: 'Your chat session has expired. Please fill in the form again.',
      formError: 'Please check the highlighted fields.',
      needContact: 'An email or a phone number is required.',
      tooMany: 'Too fast — please wait a moment.',
      unavailable: 'The system is busy; your message will be sent again automatically.',
      genericError: 'Something went wrong; please try again.',
    },
  };

  // ---- state ---------------------------------------------------------------------------
  var params = new URLSearchParams(location.search);
  var embedded = params.get('embed') === '1' && window.parent !== window;
  var parentOrigin = embedded ? embedderOrigin() : null;
  var stored = readStore();
  var lang = I18N[stored.lang] ? stored.lang : I18N[params.get('lang')] ? params.get('lang') : 'vi';
  var socket = null;
  var messages = new Map(); // id → server message view
  var lastSeq = 0;
  var conv = null; // conversation:state
  var connState = 'connecting';
  var typingTimer = null;
  var typingSentAt = 0;
  var typingOn = false;
  var toastTimer = null;
  var pumping = null; // the outbox message in flight

  function embedderOrigin() {
    try {
      if (location.ancestorOrigins && location.ancestorOrigins.length) return location.ancestorOrigins[0];
      return document.referrer ? new URL(document.referrer).origin : null;
    } catch (e) {
      return null;
    }
  }

  function readStore() {
    try {
      return JSON.parse(localStorage.getItem(STORAGE_KEY) || '{}') || {};
    } catch (e) {
      return {};
    }
  }
  function writeStore() {
    var json = JSON.stringify(stored);
    try {
      localStorage.setItem(STORAGE_KEY, json);
    } catch (e) {
      /* storage full or blocked: the chat still works for this page */
    }
    // Embedded: the loader keeps a copy in the host page's storage (ours may be partitioned or blocked).
    if (parentOrigin) window.parent.postMessage({ type: 'cg-livechat:store', state: json }, parentOrigin);
  }

  /** Embedded: asks the loader for the state it kept; gives up after a short wait. */
  function restoreFromParent(done) {
    if (!parentOrigin) return done();
    var finished = false;
    function finish() {
      if (finished) return;
      finished = true;
      window.removeEventListener('message', onMessage);
      done();
    }
    function onMessage(ev) {
      if (ev.source !== window.parent || ev.origin !== parentOrigin || !ev.data || ev.data.type !== 'cg-livechat:restore') return;
      if (!stored.token && typeof ev.data.state === 'string') {
        try {
          var fromParent = JSON.parse(ev.data.state) || {};
          if (fromParent.token) stored = fromParent;
        } catch (e) {
          /* ignore a damaged copy */
        }
      }
      finish();
    }
    window.addEventListener('message', onMessage);
    window.parent.postMessage({ type: 'cg-livechat:ready' }, parentOrigin);
    setTimeout(finish, 1000);
  }
  function outbox() {
    if (!Array.isArray(stored.outbox)) stored.outbox = [];
    return stored.outbox;
  }
  function t(key) {
    return I18N[lang][key];
  }
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
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    return Array.prototype.map
      .call(b, function (x) {
        return ('0' + x.toString(16)).slice(-2);
      })
      .join('');
  }
  function fmtTime(iso) {
    var d = new Date(iso);
    return isNaN(d) ? '' : d.toLocaleTimeString(lang === 'vi' ? 'vi-VN' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
  }
  function fmtDate(ymd) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
    return m ? m[3] + '/' + m[2] + '/' + m[1] : ymd;
  }
  function toast(text) {
    var box = $('lc-toast');
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () {
      box.hidden = true;
    }, 4000);
  }
  function errorText(error) {
    if (!error) return t('genericError');
    if (error.code === 'rate_limited' || error.code === 'too_many_in_flight') return t('tooMany');
    if (error.code === 'intake_unavailable' || error.code === 'storage_unavailable') return t('unavailable');
    return error.message || t('genericError');
  }

  // ---- static texts ----------------------------------------------------------------------
  function applyTexts() {
    document.documentElement.lang = t('htmlLang');
    if (embedded) document.documentElement.classList.add('lc-embedded');
    document.title = t('title');
    $('lc-title').textContent = t('title');
    $('lc-lang').textContent = t('other');
    $('lc-lang').setAttribute('aria-label', t('otherLabel'));
    $('lc-minimize').textContent = '–';
    $('lc-minimize').setAttribute('aria-label', t('minimize'));
    $('lc-minimize').hidden = !embedded;
    $('lc-form-intro').textContent = t('formIntro');
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (node) {
      node.textContent = t(node.getAttribute('data-i18n'));
    });
    $('lc-input').placeholder = t('placeholder');
    $('lc-attach-label').title = t('attach');
    $('lc-file').setAttribute('aria-label', t('attach'));
    renderStatus();
    renderBanner();
    renderAll();
  }

  function renderStatus() {
    $('lc').setAttribute('data-conn', connState);
    $('lc-status').textContent = connState === 'online' ? t('online') : connState === 'offline' ? t('offline') : t('connecting');
  }

  function renderBanner() {
    var banner = $('lc-banner');
    var show = conv && conv.status === 'open' && !conv.agentsOnline;
    banner.hidden = !show;
    banner.textContent = show ? t('noAgent') : '';
  }

  // ---- pre-chat form ---------------------------------------------------------------------
  function showForm(notice) {
    $('lc-form-view').hidden = false;
    $('lc-chat-view').hidden = true;
    $('lc').setAttribute('data-state', 'form');
    var prefill = stored.prefill || {};
    var f = $('lc-form');
    ['name', 'email', 'phone', 'ref'].forEach(function (k) {
      if (prefill[k] && !f.elements[k].value) f.elements[k].value = prefill[k];
    });
    var err = $('lc-form-error');
    err.hidden = !notice;
    err.textContent = notice || '';
  }

  function clearFieldErrors() {
    Array.prototype.forEach.call(document.querySelectorAll('.lc-field-error'), function (n) {
      n.textContent = '';
    });
    Array.prototype.forEach.call($('lc-form').elements, function (n) {
      if (n.removeAttribute) n.removeAttribute('aria-invalid');
    });
  }
  function fieldError(field, message) {
    var slot = document.querySelector('.lc-field-error[data-field="' + field + '"]');
    if (slot) slot.textContent = message;
    var input = $('lc-form').elements[field === 'domain' || field === 'customerId' ? 'ref' : field];
    if (input) input.setAttribute('aria-invalid', 'true');
  }

  function onSubmitForm(ev) {
    ev.preventDefault();
    clearFieldErrors();
    var f = ev.target;
    var v = function (k) {
      return f.elements[k].value.trim();
    };
    var body = { name: v('name'), locale: lang };
    if (v('email')) body.email = v('email');
    if (v('phone')) body.phone = v('phone');
    var ref = v('ref');
    if (ref) {
      if (/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(ref)) body.domain = ref.toLowerCase();
      else body.customerId = ref;
    }
    var bad = false;
    if (!body.name) {
      fieldError('name', t('formError'));
      bad = true;
    }
    if (!body.email && !body.phone) {
      fieldError('email', t('needContact'));
      bad = true;
    }
    if (bad) return showForm(t('formError'));
    stored.prefill = { name: v('name'), email: v('email'), phone: v('phone'), ref: ref };
    writeStore();
    var btn = $('lc-start');
    btn.disabled = true;
    btn.textContent = t('starting');
    fetch('/api/v1/livechat/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
      .then(function (res) {
        return res
          .json()
          .catch(function () {
            return {};
          })
          .then(function (json) {
            return { status: res.status, json: json };
          });
      })
      .then(function (r) {
        if (r.status === 201) {
          stored.token = r.json.token;
          stored.conversationId = r.json.conversationId;
          stored.outbox = [];
          writeStore();
          startChat();
          return;
        }
        (r.json.errors || []).forEach(function (e) {
          fieldError(e.field, e.message);
        });
        showForm(r.json.detail || r.json.title || t('genericError'));
      })
      .catch(function () {
        showForm(t('genericError'));
      })
      .then(function () {
        btn.disabled = false;
        btn.textContent = t('start');
      });
  }

  // ---- conversation ----------------------------------------------------------------------
  function startChat() {
    $('lc-form-view').hidden = true;
    $('lc-chat-view').hidden = false;
    $('lc').setAttribute('data-state', 'chat');
    messages.clear();
    lastSeq = 0;
    conv = null;
    // Whatever was in flight when the page went away is sent again (same client ids).
    outbox().forEach(function (m) {
      if (m.state === 'failed' && m.retryable) m.state = 'sending';
    });
    renderAll();
    connect();
  }

  function connect() {
    if (socket) {
      socket.removeAllListeners();
      socket.disconnect();
    }
    connState = 'connecting';
    renderStatus();
    // eslint-disable-next-line no-undef
    socket = io('/livechat', {
      auth: function (cb) {
        cb({ token: stored.token, lastSeq: lastSeq });
      },
      transports: ['websocket', 'polling'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      timeout: 10000,
    });
    socket.on('connect', function () {
      connState = 'online';
      renderStatus();
      flushOutbox();
    });
    socket.on('disconnect', function (reason) {
      connState = 'offline';
      renderStatus();
      pumping = null;
      // The server closed us on purpose (e.g. an error): come back after a pause.
      if (reason === 'io server disconnect')
        setTimeout(function () {
          if (socket && !socket.connected) socket.connect();
        }, 2000);
    });
    socket.on('connect_error', function (err) {
      connState = 'offline';
      renderStatus();
      var data = err && err.data;
      if (!data) return; // transport error: socket.io retries by itself
      if (data.code === 'unauthenticated' || data.code === 'conversation_not_found') {
        resetSession(t('sessionExpired'));
        return;
      }
      // Refused by the server's checks: socket.io does not retry these, so retry here.
      setTimeout(
        function () {
          if (socket && !socket.connected) socket.connect();
        },
        data.retryable ? 2000 : 10000,
      );
    });
    socket.on('conversation:state', function (state) {
      conv = state;
      renderBanner();
      renderAll();
    });
    socket.on('messages:sync', onSync);
    socket.on('message', function (m) {
      if (m && m.sender && m.sender.kind === 'agent') $('lc-typing').hidden = true;
      merge([m]);
    });
    socket.on('receipt', function (r) {
      if (conv) conv.receipt = r;
      renderAll();
    });
    socket.on('presence', function (p) {
      if (conv) conv.agentsOnline = Boolean(p && p.agentsOnline);
      renderBanner();
    });
    socket.on('typing', function (p) {
      var line = $('lc-typing');
      if (p && p.isTyping) {
        line.textContent = t('agentTyping')(p.name);
        line.hidden = false;
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () {
          line.hidden = true;
        }, 6000);
      } else {
        line.hidden = true;
      }
    });
    socket.on('livechat:error', function (e) {
      toast(errorText(e));
    });
  }

  function onSync(page) {
    merge((page && page.messages) || []);
    if (page && page.hasMore) {
      socket.timeout(ACK_TIMEOUT_MS).emit('messages:sync', { afterSeq: lastSeq }, function (err, res) {
        if (!err && res && res.ok) onSync(res);
      });
    }
  }

  function merge(list) {
    var changed = false;
    list.forEach(function (m) {
      if (!m || typeof m.id !== 'string') return;
      if (!messages.has(m.id)) changed = true;
      messages.set(m.id, m);
      if (m.seq > lastSeq) lastSeq = m.seq;
      // Our own message came back from the server: it is stored, whatever happened to the ack.
      var ob = outbox();
      var i = ob.findIndex(function (x) {
        return x.clientMessageId === m.id;
      });
      if (i >= 0) {
        ob.splice(i, 1);
        writeStore();
        changed = true;
      }
      if (m.type === 'notice' && m.data && m.data.event === 'ended' && conv) conv.status = 'ended';
      if (m.type === 'receipt' && conv && !conv.receipt && m.data) {
        conv.receipt = { caseNumber: m.data.caseNumber, deadlinePolicy: m.data.deadlinePolicy, receivedAt: m.createdAt };
      }
    });
    if (changed) renderAll();
  }

  function flushOutbox() {
    outbox().forEach(function (m) {
      if (m.state === 'failed' && m.retryable) m.state = 'sending';
      m.attempts = 0;
    });
    renderAll();
    pump();
  }

  // One message in flight at a time, in the order typed, so the conversation keeps that order.
  function pump() {
    if (pumping || !socket || !socket.connected) return; // sent on the next connect
    var next = outbox().find(function (m) {
      return m.state === 'sending';
    });
    if (!next) return;
    pumping = next;
    sendItem(next, function () {
      if (pumping === next) pumping = null;
      pump();
    });
  }

  function sendItem(m, done) {
    var sentOn = socket;
    var payload = {
      clientMessageId: m.clientMessageId,
      text: m.text,
      attachmentIds: (m.attachments || []).map(function (a) {
        return a.id;
      }),
    };
    socket.timeout(ACK_TIMEOUT_MS).emit('message:send', payload, function (err, res) {
      if (sentOn !== socket) return; // a newer connection took over
      if (err) {
        // No answer in time: still in the outbox; sent again on reconnect, or with the retry button.
        if (!socket.connected) return; // the disconnect handler resets the pump
        m.state = 'failed';
        m.retryable = true;
        m.error = null;
      } else if (res && res.ok) {
        if (res.receipt && conv) conv.receipt = res.receipt;
        merge([res.message]);
        return done();
      } else {
        var e = (res && res.error) || {};
        m.error = e;
        m.retryable = Boolean(e.retryable);
        m.attempts = (m.attempts || 0) + 1;
        if (e.code === 'conversation_ended' && conv) conv.status = 'ended';
        if (e.retryable && m.attempts < AUTO_RETRIES) {
          writeStore();
          renderAll();
          setTimeout(
            function () {
              if (sentOn === socket && socket.connected) sendItem(m, done);
            },
            Math.min(e.retryAfterMs || 2000, 15000),
          );
          return;
        }
        m.state = 'failed';
      }
      writeStore();
      renderAll();
      done();
    });
  }

  function queueMessage(text, attachments) {
    var m = { clientMessageId: newId(), text: text, attachments: attachments || [], state: 'sending', createdAt: new Date().toISOString() };
    outbox().push(m);
    writeStore();
    renderAll();
    pump();
  }

  function retry(m) {
    m.state = 'sending';
    m.attempts = 0;
    writeStore();
    renderAll();
    pump();
  }

  function resetSession(notice) {
    if (socket) {
      socket.removeAllListeners();
      socket.disconnect();
      socket = null;
    }
    delete stored.token;
    delete stored.conversationId;
    stored.outbox = [];
    writeStore();
    messages.clear();
    conv = null;
    lastSeq = 0;
    showForm(notice);
  }

  // ---- rendering -------------------------------------------------------------------------
  function renderAll() {
    var list = $('lc-messages');
    if (!list) return;
    list.textContent = '';
    var sorted = Array.from(messages.values()).sort(function (a, b) {
      return a.seq - b.seq;
    });
    sorted.forEach(function (m) {
      list.appendChild(renderMessage(m));
    });
    outbox().forEach(function (m) {
      list.appendChild(renderPending(m));
    });
    list.scrollTop = list.scrollHeight;
    var ended = conv && conv.status === 'ended';
    $('lc-ended').hidden = !ended;
    $('lc-compose').hidden = Boolean(ended);
    $('lc-transcript').hidden = !(conv && conv.hasEmail);
    $('lc-end').hidden = Boolean(ended) || !conv;
  }

  function fileChips(attachments) {
    var wrap = el('div');
    (attachments || []).forEach(function (a) {
      wrap.appendChild(el('div', 'lc-file', a.fileName + ' · ' + Math.max(1, Math.round(a.size / 1024)) + ' KB'));
    });
    return wrap;
  }

  function renderMessage(m) {
    var kind = m.sender && m.sender.kind;
    if (m.type === 'receipt') return renderReceipt(m);
    var li = el('li', 'lc-msg');
    li.setAttribute('data-kind', kind || 'system');
    li.setAttribute('data-id', m.id);
    li.setAttribute('data-state', 'received');
    if (m.type === 'notice') {
      li.appendChild(el('div', 'lc-bubble', m.data && m.data.event === 'ended' ? t('endedBy') : m.text));
      return li;
    }
    if (kind === 'agent') li.appendChild(el('div', 'lc-author', (m.sender.name || t('agent')) + ' · ' + t('agent')));
    var bubble = el('div', 'lc-bubble', m.text);
    if (m.attachments && m.attachments.length) bubble.appendChild(fileChips(m.attachments));
    li.appendChild(bubble);
    var meta = el('div', 'lc-meta', fmtTime(m.createdAt) + (kind === 'visitor' ? ' · ✓ ' + t('received') : ''));
    li.appendChild(meta);
    return li;
  }

  function renderPending(m) {
    var li = el('li', 'lc-msg');
    li.setAttribute('data-kind', 'visitor');
    li.setAttribute('data-id', m.clientMessageId);
    li.setAttribute('data-state', m.state);
    var bubble = el('div', 'lc-bubble', m.text);
    if (m.attachments && m.attachments.length) bubble.appendChild(fileChips(m.attachments));
    li.appendChild(bubble);
    var meta = el(
      'div',
      'lc-meta',
      m.state === 'failed' ? '⚠ ' + t('failed') + (m.error ? ': ' + errorText(m.error) : '') : '… ' + t('sending'),
    );
    if (m.state === 'failed') {
      var b = el('button', 'lc-retry', t('retry'));
      b.type = 'button';
      b.setAttribute('data-testid', 'retry');
      b.addEventListener('click', function () {
        retry(m);
      });
      meta.appendChild(b);
    }
    li.appendChild(meta);
    return li;
  }

  function renderReceipt(m) {
    var r = (conv && conv.receipt && conv.receipt.caseNumber === (m.data && m.data.caseNumber) && conv.receipt) || {
      caseNumber: m.data && m.data.caseNumber,
      receivedAt: m.createdAt,
    };
    var li = el('li', 'lc-msg lc-receipt');
    li.setAttribute('data-kind', 'system');
    li.setAttribute('data-id', m.id);
    li.setAttribute('data-testid', 'receipt');
    li.appendChild(el('strong', null, t('receiptTitle')));
    var dl = el('dl');
    dl.appendChild(el('dt', null, t('caseNumber')));
    var dd = el('dd', 'lc-case', r.caseNumber);
    dd.setAttribute('data-testid', 'case-number');
    dl.appendChild(dd);
    dl.appendChild(el('dt', null, t('receivedAt')));
    dl.appendChild(
      el('dd', null, new Date(r.receivedAt).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' })),
    );
    dl.appendChild(el('dt', null, t('deadline')));
    var due = el('dd', null, r.dueDate ? t('byDate')(fmtDate(r.dueDate)) : t('withinDays'));
    due.setAttribute('data-testid', 'deadline');
    dl.appendChild(due);
    li.appendChild(dl);
    li.appendChild(el('div', 'lc-meta', t('keepNumber')));
    return li;
  }

  // ---- composing -------------------------------------------------------------------------
  function onSend(ev) {
    ev.preventDefault();
    var input = $('lc-input');
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    autoGrow();
    stopTyping();
    queueMessage(text, []);
  }

  function onInput() {
    autoGrow();
    var now = Date.now();
    if (socket && socket.connected && (!typingOn || now - typingSentAt > 2000)) {
      socket.emit('typing', { isTyping: true });
      typingOn = true;
      typingSentAt = now;
    }
    clearTimeout(onInput.idle);
    onInput.idle = setTimeout(stopTyping, 3000);
  }
  function stopTyping() {
    if (typingOn && socket && socket.connected) socket.emit('typing', { isTyping: false });
    typingOn = false;
  }
  function autoGrow() {
    var input = $('lc-input');
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 2, 120) + 'px';
  }

  function onFile(ev) {
    var file = ev.target.files && ev.target.files[0];
    ev.target.value = '';
    if (!file) return;
    if (file.size > MAX_UPLOAD_BYTES) return toast(t('tooBig'));
    toast(t('uploading'));
    fetch('/api/v1/livechat/attachments?name=' + encodeURIComponent(file.name), {
      method: 'POST',
      headers: { authorization: 'Bearer ' + stored.token, 'content-type': 'application/octet-stream' },
      body: file,
    })
      .then(function (res) {
        return res.json().then(function (json) {
          return { status: res.status, json: json };
        });
      })
      .then(function (r) {
        if (r.status === 201) {
          $('lc-toast').hidden = true;
          queueMessage($('lc-input').value.trim(), [r.json]);
          $('lc-input').value = '';
        } else if (r.status === 415) toast(t('badType'));
        else if (r.status === 413) toast(t('tooBig'));
        else toast(r.json.detail || r.json.title || t('genericError'));
      })
      .catch(function () {
        toast(t('genericError'));
      });
  }

  function ask(event, done) {
    if (!socket || !socket.connected) return toast(t('offline'));
    socket.timeout(ACK_TIMEOUT_MS).emit(event, {}, function (err, res) {
      if (err) return toast(t('genericError'));
      if (!res.ok) return toast(errorText(res.error));
      done(res);
    });
  }

  // ---- start -----------------------------------------------------------------------------
  function init() {
    applyTexts();
    $('lc-form').addEventListener('submit', onSubmitForm);
    $('lc-compose').addEventListener('submit', onSend);
    $('lc-input').addEventListener('input', onInput);
    $('lc-input').addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) onSend(ev);
    });
    $('lc-file').addEventListener('change', onFile);
    $('lc-lang').addEventListener('click', function () {
      lang = lang === 'vi' ? 'en' : 'vi';
      stored.lang = lang;
      writeStore();
      applyTexts();
    });
    $('lc-minimize').addEventListener('click', function () {
      window.parent.postMessage({ type: 'cg-livechat:minimize' }, '*');
    });
    $('lc-transcript').addEventListener('click', function () {
      ask('transcript:request', function () {
        toast(t('transcriptQueued'));
      });
    });
    $('lc-end').addEventListener('click', function () {
      if (!window.confirm(t('endConfirm'))) return;
      ask('conversation:end', function () {
        if (conv) conv.status = 'ended';
        renderAll();
      });
    });
    $('lc-new').addEventListener('click', function () {
      resetSession('');
    });
    restoreFromParent(function () {
      if (I18N[stored.lang] && stored.lang !== lang) {
        lang = stored.lang;
        applyTexts();
      }
      if (stored.token) startChat();
      else showForm('');
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
