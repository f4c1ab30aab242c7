/*
 * Livechat loader for any website: <script src="https://GATEWAY/livechat/widget.js" data-lang="vi" async></script>
 * Adds a chat button; the chat itself runs in an iframe served by the gateway, so the host
 * page's scripts never see the conversation and the gateway's CSP protects it. Built as one
 * classic script (IIFE): no modules, no other files, loadable cross-origin.
 */
import { LIVECHAT_FRAME_MESSAGES, LIVECHAT_STORAGE_KEYS, LIVECHAT_LOADER_TEXTS, type LivechatLocale } from '@cg/contracts';

declare global {
  interface Window {
    CGLivechat?: { open: () => void; close: () => void };
  }
}

/** The chat keeps a copy of its state here; larger messages are refused. */
const MAX_STATE_CHARS = 200_000;

function install(): void {
  const script = document.currentScript as HTMLScriptElement | null;
  const origin = new URL(script?.src || location.href).origin;
  const lang: LivechatLocale = script?.getAttribute('data-lang') === 'en' ? 'en' : 'vi';
  const texts = LIVECHAT_LOADER_TEXTS[lang];
  let frame: HTMLIFrameElement | null = null;
  let button: HTMLButtonElement | null = null;
  let isOpen = false;

  const small = () => window.matchMedia('(max-width: 480px)').matches;

  function styleFrame(): void {
    if (!frame) return;
    // Styles go through the CSSOM, which host pages' CSPs allow (style attributes may be blocked).
    const s = frame.style;
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

  function ensureFrame(): HTMLIFrameElement {
    if (frame) return frame;
    frame = document.createElement('iframe');
    frame.src = `${origin}/chat?embed=1&lang=${lang}`;
    frame.title = texts.frameTitle;
    frame.setAttribute('data-cg-livechat', 'frame');
    frame.setAttribute('allow', 'clipboard-write');
    document.body.appendChild(frame);
    return frame;
  }

  function setOpen(open: boolean): void {
    if (open) ensureFrame();
    isOpen = open;
    remember();
    styleFrame();
    button?.setAttribute('aria-expanded', String(open));
  }

  function readState(): string | null {
    try {
      return localStorage.getItem(LIVECHAT_STORAGE_KEYS.hostState);
    } catch {
      return null;
    }
  }

  function writeState(state: string): void {
    try {
      localStorage.setItem(LIVECHAT_STORAGE_KEYS.hostState, state);
    } catch {
      /* storage blocked or full */
    }
  }

  function remember(): void {
    try {
      sessionStorage.setItem(LIVECHAT_STORAGE_KEYS.hostOpen, isOpen ? '1' : '0');
    } catch {
      /* storage blocked */
    }
  }

  function init(): void {
    const b = document.createElement('button');
    button = b;
    b.type = 'button';
    b.setAttribute('data-cg-livechat', 'button');
    b.setAttribute('aria-label', texts.buttonLabel);
    b.setAttribute('aria-expanded', 'false');
    // A speech-bubble icon drawn as SVG (no emoji font needed) and a label.
    const svgNs = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(svgNs, 'svg');
    svg.setAttribute('width', '22');
    svg.setAttribute('height', '22');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    const path = document.createElementNS(svgNs, 'path');
    path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z');
    path.setAttribute('fill', 'currentColor');
    svg.appendChild(path);
    b.appendChild(svg);
    b.appendChild(document.createTextNode(texts.button));
    const s = b.style;
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
    b.addEventListener('click', () => setOpen(!isOpen));
    document.body.appendChild(b);
    // The chat in the iframe keeps its state (visitor token, unsent messages) in this page's
    // storage too: browsers partition or block storage of cross-site iframes, and the chat must
    // survive a reload of this page.
    window.addEventListener('message', (ev: MessageEvent<{ type?: string; state?: unknown }>) => {
      if (ev.origin !== origin || !frame || ev.source !== frame.contentWindow || !ev.data) return;
      const d = ev.data;
      if (d.type === LIVECHAT_FRAME_MESSAGES.minimize) setOpen(false);
      else if (d.type === LIVECHAT_FRAME_MESSAGES.ready)
        frame.contentWindow?.postMessage({ type: LIVECHAT_FRAME_MESSAGES.restore, state: readState() }, origin);
      else if (d.type === LIVECHAT_FRAME_MESSAGES.store && typeof d.state === 'string' && d.state.length < MAX_STATE_CHARS)
        writeState(d.state);
    });
    window.addEventListener('resize', styleFrame);
    let wasOpen = false;
    try {
      wasOpen = sessionStorage.getItem(LIVECHAT_STORAGE_KEYS.hostOpen) === '1';
    } catch {
      /* storage blocked */
    }
    if (wasOpen) setOpen(true);
  }

  window.CGLivechat = { open: () => setOpen(true), close: () => setOpen(false) };
  if (document.body) init();
  else document.addEventListener('DOMContentLoaded', init);
}

// document.currentScript is only set while the script first runs: read it now.
if (!window.CGLivechat) install();
