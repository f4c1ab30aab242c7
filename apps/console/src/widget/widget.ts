/*
 * Livechat loader for any website: <script src="https://GATEWAY/livechat/widget.js" data-lang="vi" async></script>
 * Adds a chat button; the chat itself runs in an iframe served by the gateway, so the host
 * page's scripts never see the conversation and the gateway's CSP protects it.
 */
(function () {
  'use strict';
  if (window.CGLivechat) return;
  var script = document.currentScript;
  var origin = new URL(script && script.src ? script.src : location.href).origin;
  var lang = (script && script.getAttribute('data-lang')) === 'en' ? 'en' : 'vi';
  var OPEN_KEY = 'cg-livechat:open';
  var STATE_KEY = 'cg-livechat:state';
  var frame = null;
  var button = null;
  var isOpen = false;

  function small() {
    return window.matchMedia('(max-width: 480px)').matches;
  }

  function styleFrame() {
    if (!frame) return;
    var s = frame.style;
    s.position = 'fixed';
    s.zIndex = '2147483000';
    s.border = '0';
    s.background = '#fff';
    if (small()) {
      s.inset = '0';
      s.width = '100%';
      s.height = '100%';
      s.borderRadius = '0';
      s.boxShadow = 'none';
    } else {
      s.inset = 'auto';
      s.right = '20px';
      s.bottom = '88px';
      s.width = '380px';
      s.height = 'min(600px, calc(100vh - 108px))';
      s.borderRadius = '12px';
      s.boxShadow = '0 8px 32px rgba(0,0,0,.25)';
    }
    s.display = isOpen ? 'block' : 'none';
    if (button) button.style.display = isOpen && small() ? 'none' : 'flex';
  }

  function ensureFrame() {
    if (frame) return;
    frame = document.createElement('iframe');
    frame.src = origin + '/chat?embed=1&lang=' + lang;
    frame.title = lang === 'vi' ? 'Hỗ trợ khách hàng' : 'Customer support';
    frame.setAttribute('data-cg-livechat', 'frame');
    frame.setAttribute('allow', 'clipboard-write');
    document.body.appendChild(frame);
  }

  function open() {
    ensureFrame();
    isOpen = true;
    remember();
    styleFrame();
    button.setAttribute('aria-expanded', 'true');
  }

  function close() {
    isOpen = false;
    remember();
    styleFrame();
    button.setAttribute('aria-expanded', 'false');
  }

  function readState() {
    try {
      return localStorage.getItem(STATE_KEY);
    } catch (e) {
      return null;
    }
  }

  function writeState(state) {
    try {
      localStorage.setItem(STATE_KEY, state);
    } catch (e) {
      /* storage blocked or full */
    }
  }

  function remember() {
    try {
      sessionStorage.setItem(OPEN_KEY, isOpen ? '1' : '0');
    } catch (e) {
      /* storage blocked */
    }
  }

  function init() {
    button = document.createElement('button');
    button.type = 'button';
    button.setAttribute('data-cg-livechat', 'button');
    button.setAttribute('aria-label', lang === 'vi' ? 'Mở hỗ trợ trực tuyến' : 'Open live support');
    button.setAttribute('aria-expanded', 'false');
    // A speech-bubble icon drawn as SVG (no emoji font needed) and a label.
    var svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('width', '22');
    svg.setAttribute('height', '22');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    var path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z');
    path.setAttribute('fill', 'currentColor');
    svg.appendChild(path);
    button.appendChild(svg);
    button.appendChild(document.createTextNode(lang === 'vi' ? 'Hỗ trợ' : 'Support'));
    var s = button.style;
    s.position = 'fixed';
    s.right = '20px';
    s.bottom = '20px';
    s.zIndex = '2147483001';
    s.display = 'flex';
    s.alignItems = 'center';
    s.gap = '6px';
    s.padding = '0 18px';
    s.height = '52px';
    s.border = '0';
    s.borderRadius = '26px';
    s.background = '#0b5cad';
    s.color = '#fff';
    s.font = '600 15px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
    s.boxShadow = '0 4px 16px rgba(0,0,0,.25)';
    s.cursor = 'pointer';
    button.addEventListener('click', function () {
      if (isOpen) close();
      else open();
    });
    document.body.appendChild(button);
    // The chat in the iframe keeps its state (visitor token, unsent messages) in this page's
    // storage too: browsers partition or block storage of cross-site iframes, and the chat must
    // survive a reload of this page.
    window.addEventListener('message', function (ev) {
      if (ev.origin !== origin || !frame || ev.source !== frame.contentWindow || !ev.data) return;
      var d = ev.data;
      if (d.type === 'cg-livechat:minimize') close();
      else if (d.type === 'cg-livechat:ready') frame.contentWindow.postMessage({ type: 'cg-livechat:restore', state: readState() }, origin);
      else if (d.type === 'cg-livechat:store' && typeof d.state === 'string' && d.state.length < 200000) writeState(d.state);
    });
    window.addEventListener('resize', styleFrame);
    var wasOpen = false;
    try {
      wasOpen = sessionStorage.getItem(OPEN_KEY) === '1';
    } catch (e) {
      /* storage blocked */
    }
    if (wasOpen) open();
  }

  window.CGLivechat = {
    open: function () {
      open();
    },
    close: function () {
      close();
    },
  };
  if (document.body) init();
  else document.addEventListener('DOMContentLoaded', init);
})();
