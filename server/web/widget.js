/*
 * Zari chat widget. One tag embeds a chat bubble on any page:
 *
 *   <script src="https://bot.example.com/widget.js" defer
 *           data-title="Zari Mobile" data-lang="ka" data-color="#0b5cff"
 *           data-position="right"></script>
 *
 * data-server    API base URL (default: the folder widget.js was loaded from)
 * data-title     panel title (default: the pack's name)
 * data-lang      first UI language: ka, az or en (default: the browser's, else the pack's)
 * data-color     accent color, any CSS color (default #0b5cff)
 * data-position  right (default) or left
 * data-open      "true" opens the panel when the page loads
 *
 * Plain JavaScript, no dependencies, no build step. Everything lives in a
 * Shadow DOM, so the page's styles do not reach the widget and the widget's
 * do not reach the page. Texts are inserted as text, never as HTML.
 * docs/HTTP.md documents the API it talks to.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || window.__zariWidget) return;
  window.__zariWidget = true;

  var STRINGS = {
    en: {
      open: 'Open chat',
      close: 'Close chat',
      title: 'Support',
      conversation: 'Conversation',
      placeholder: 'Type your question…',
      input: 'Your message',
      send: 'Send',
      suggestions: 'Suggestions',
      related: 'Related questions',
      typing: 'Typing…',
      operator: 'An operator will continue the conversation here.',
      waiting: 'An operator will join this conversation shortly. Meanwhile I can still answer your questions.',
      joined: '{name} joined the conversation.',
      left: '{name} left the conversation.',
      operatorLabel: 'Operator',
      unavailable: 'We could not reach an operator right now. Please try again in a few minutes.',
      afterHours: 'Operators are offline right now. Your question has been saved, and an operator will see it.',
      offline: 'Operators are offline right now, but I can answer your questions.',
      error: 'Could not reach the server. Please check your connection and try again.',
      tooLong: 'That message is too long. Please shorten it.'
    },
    ka: {
      open: 'ჩატის გახსნა',
      close: 'ჩატის დახურვა',
      title: 'მხარდაჭერა',
      conversation: 'საუბარი',
      placeholder: 'დაწერეთ თქვენი კითხვა…',
      input: 'თქვენი შეტყობინება',
      send: 'გაგზავნა',
      suggestions: 'შემოთავაზებები',
      related: 'მსგავსი კითხვები',
      typing: 'იწერება…',
      operator: 'საუბარს აქვე გააგრძელებს ოპერატორი.',
      waiting: 'ოპერატორი მალე შემოგიერთდებათ. მანამდე კითხვებზე ისევ მე გიპასუხებთ.',
      joined: '{name} შემოუერთდა საუბარს.',
      left: '{name} გავიდა საუბრიდან.',
      operatorLabel: 'ოპერატორი',
      unavailable: 'ოპერატორთან დაკავშირება ახლა ვერ მოხერხდა. გთხოვთ, სცადოთ რამდენიმე წუთში.',
      afterHours: 'ოპერატორები ახლა ხაზზე არ არიან. თქვენი კითხვა შენახულია და ოპერატორი მას ნახავს.',
      offline: 'ოპერატორები ახლა ხაზზე არ არიან, თუმცა თქვენს კითხვებს მე გიპასუხებთ.',
      error: 'სერვერთან დაკავშირება ვერ მოხერხდა. შეამოწმეთ კავშირი და სცადეთ ხელახლა.',
      tooLong: 'შეტყობინება ძალიან გრძელია. გთხოვთ, შეამოკლოთ.'
    },
    az: {
      open: 'Çatı aç',
      close: 'Çatı bağla',
      title: 'Dəstək',
      conversation: 'Söhbət',
      placeholder: 'Sualınızı yazın…',
      input: 'Mesajınız',
      send: 'Göndər',
      suggestions: 'Təkliflər',
      related: 'Əlaqəli suallar',
      typing: 'Yazır…',
      operator: 'Söhbəti burada operator davam etdirəcək.',
      waiting: 'Operator tezliklə söhbətə qoşulacaq. O vaxta qədər suallarınızı mən cavablandıra bilərəm.',
      joined: '{name} söhbətə qoşuldu.',
      left: '{name} söhbətdən çıxdı.',
      operatorLabel: 'Operator',
      unavailable: 'Hazırda operatorla əlaqə qurmaq mümkün olmadı. Zəhmət olmasa, bir neçə dəqiqədən sonra yenidən cəhd edin.',
      afterHours: 'Operatorlar hazırda xətdə deyil. Sualınız qeydə alındı, operator ona baxacaq.',
      offline: 'Operatorlar hazırda xətdə deyil, amma suallarınızı mən cavablandıra bilərəm.',
      error: 'Serverlə əlaqə alınmadı. İnternet bağlantınızı yoxlayın və yenidən cəhd edin.',
      tooLong: 'Mesaj çox uzundur. Zəhmət olmasa, qısaldın.'
    }
  };
  var MAX_TEXT = 2000;

  function attr(name) {
    var v = script.getAttribute('data-' + name);
    return v === null ? '' : v.trim();
  }
  function pickLang(code) {
    code = (code || '').toLowerCase().slice(0, 2);
    return Object.prototype.hasOwnProperty.call(STRINGS, code) ? code : '';
  }

  // Default: the folder widget.js came from, so a server behind a path prefix
  // (https://example.ge/zari/widget.js) is reached under that prefix.
  var server = attr('server') || new URL('.', new URL(script.src, location.href)).href;
  server = server.replace(/\/+$/, '');
  var color = attr('color');
  if (!color || !(window.CSS && CSS.supports('color', color))) color = '#0b5cff';
  var position = attr('position') === 'left' ? 'left' : 'right';
  var fixedTitle = attr('title');
  var lang = pickLang(attr('lang')) || pickLang(navigator.language) || 'en';
  var storageKey = 'zari-session:' + server;
  var seqKey = 'zari-seq:' + server;

  var state = {
    session: null,
    welcome: null,     // GET /api/v1/welcome
    welcomed: false,
    busy: false,
    open: false,
    seq: 0,            // the last event seen (GET /api/v1/events)
    listening: false
  };
  try {
    state.session = sessionStorage.getItem(storageKey);
    state.seq = Number(sessionStorage.getItem(seqKey)) || 0;
  } catch (e) { /* storage blocked */ }

  // ---- DOM (in a shadow root) ---------------------------------------------
  var host = document.createElement('div');
  host.setAttribute('data-zari-widget', '');
  var root = host.attachShadow({ mode: 'open' });

  var css = [
    ':host { all: initial; position: fixed; bottom: 20px; ' + position + ': 20px; z-index: 2147483000;',
    '  --zari-accent: ' + color + '; }',
    // Set on the widget's own elements, not inherited from :host: a page rule
    // like `* { font-family: … !important }` reaches the host element.
    '.launcher, .panel { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto,',
    '  "Noto Sans", "Noto Sans Georgian", "DejaVu Sans", sans-serif; color: #1b1f24;',
    '  text-align: left; letter-spacing: normal; word-spacing: normal; text-transform: none;',
    '  font-style: normal; font-weight: 400; direction: ltr; visibility: visible; }',
    '*, *::before, *::after { box-sizing: border-box; }',
    'button, input { font: inherit; color: inherit; letter-spacing: normal; text-transform: none; }',
    '.launcher { width: 60px; height: 60px; border-radius: 50%; border: 0; cursor: pointer;',
    '  background: var(--zari-accent); color: #fff; box-shadow: 0 6px 20px rgba(0,0,0,.25);',
    '  display: grid; place-items: center; padding: 0; }',
    '.launcher svg { width: 28px; height: 28px; fill: currentColor; }',
    '.launcher:focus-visible, button:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }',
    'input:focus { outline: 2px solid var(--zari-accent); outline-offset: 0; border-color: transparent; }',
    '.panel { position: absolute; bottom: 76px; ' + position + ': 0; width: 370px; height: 560px;',
    '  max-height: calc(100vh - 110px); display: flex; flex-direction: column; background: #fff;',
    '  border-radius: 14px; box-shadow: 0 12px 40px rgba(0,0,0,.28); overflow: hidden; }',
    '.panel[hidden] { display: none; }',
    'header { display: flex; align-items: center; gap: 8px; padding: 12px 12px 12px 16px;',
    '  background: var(--zari-accent); color: #fff; }',
    'h2 { flex: 1; margin: 0; font-size: 16px; font-weight: 600; line-height: 1.3; }',
    '.close { width: 36px; height: 36px; border: 0; border-radius: 8px; background: transparent;',
    '  color: #fff; font-size: 24px; line-height: 1; cursor: pointer; }',
    '.close:hover { background: rgba(255,255,255,.18); }',
    '.log { flex: 1; overflow-y: auto; padding: 14px; display: flex; flex-direction: column; gap: 8px;',
    '  background: #f5f6f8; overscroll-behavior: contain; }',
    '.msg { max-width: 85%; padding: 8px 12px; border-radius: 14px; white-space: pre-wrap;',
    '  overflow-wrap: anywhere; }',
    '.msg.bot { align-self: flex-start; background: #fff; border: 1px solid #e2e5ea;',
    '  border-bottom-left-radius: 4px; }',
    '.msg.user { align-self: flex-end; background: var(--zari-accent); color: #fff;',
    '  border-bottom-right-radius: 4px; }',
    '.msg.typing { color: #5b6470; font-style: italic; }',
    '.msg.operator { align-self: flex-start; background: #e9f7ef; border: 1px solid #b7e1c7;',
    '  border-bottom-left-radius: 4px; }',
    '.msg .who { display: block; font-size: 12px; color: #3c6e51; margin-bottom: 2px; }',
    '.options { display: flex; flex-wrap: wrap; gap: 6px; align-self: flex-start; max-width: 100%; }',
    '.option { border: 1px solid var(--zari-accent); color: var(--zari-accent); background: #fff;',
    '  border-radius: 16px; padding: 6px 12px; cursor: pointer; text-align: left; }',
    '.option:hover:not(:disabled) { background: var(--zari-accent); color: #fff; }',
    '.option:disabled { opacity: .5; cursor: default; }',
    '.notice { align-self: stretch; font-size: 13px; color: #384150; background: #e8eefc;',
    '  border-radius: 8px; padding: 6px 10px; }',
    '.notice.after_hours, .notice.offline { background: #fff4d6; }',
    '.notice.error, .notice.unavailable { background: #fde2e1; color: #7a1410; }',
    'form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #e2e5ea; background: #fff; }',
    'input { flex: 1; min-width: 0; border: 1px solid #c6ccd5; border-radius: 10px; padding: 10px 12px;',
    '  background: #fff; }',
    '.send { border: 0; border-radius: 10px; padding: 0 16px; background: var(--zari-accent);',
    '  color: #fff; cursor: pointer; font-weight: 600; }',
    '.send:disabled { opacity: .6; cursor: default; }',
    '.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }',
    '@media (max-width: 480px) {',
    '  :host { bottom: 14px; ' + position + ': 14px; }',
    '  :host(.open) { inset: 0; }',
    '  :host(.open) .launcher { display: none; }',
    '  .panel { position: fixed; inset: 0; width: 100%; height: 100%; max-height: none;',
    '    border-radius: 0; }',
    '}',
    '@media (prefers-reduced-motion: no-preference) {',
    '  .panel { animation: zari-in .16s ease-out; }',
    '  @keyframes zari-in { from { opacity: 0; transform: translateY(8px); } }',
    '}'
  ].join('\n');
  if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    var style = document.createElement('style');
    style.textContent = css;
    root.appendChild(style);
  }

  function el(tag, props, children) {
    var e = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        if (k === 'text') e.textContent = props[k];
        else if (k === 'class') e.className = props[k];
        else e.setAttribute(k, props[k]);
      });
    }
    (children || []).forEach(function (c) { e.appendChild(c); });
    return e;
  }

  var launcher = el('button', { class: 'launcher', type: 'button', 'aria-expanded': 'false',
                                'aria-controls': 'zari-panel', 'aria-haspopup': 'dialog' });
  launcher.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">' +
    '<path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z' +
    'm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z"/></svg>';
  var title = el('h2', { id: 'zari-title' });
  var closeBtn = el('button', { class: 'close', type: 'button', text: '×' });
  var log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  var input = el('input', { type: 'text', autocomplete: 'off', maxlength: String(MAX_TEXT),
                            enterkeyhint: 'send' });
  var sendBtn = el('button', { class: 'send', type: 'submit' });
  var form = el('form', { novalidate: '' }, [input, sendBtn]);
  var panel = el('section', { class: 'panel', id: 'zari-panel', role: 'dialog',
                              'aria-labelledby': 'zari-title', hidden: '' },
                 [el('header', null, [title, closeBtn]), log, form]);
  root.appendChild(panel);
  root.appendChild(launcher);

  function t(key) { return (STRINGS[lang] || STRINGS.en)[key]; }

  function applyLang() {
    launcher.setAttribute('aria-label', state.open ? t('close') : t('open'));
    closeBtn.setAttribute('aria-label', t('close'));
    log.setAttribute('aria-label', t('conversation'));
    input.setAttribute('placeholder', t('placeholder'));
    input.setAttribute('aria-label', t('input'));
    sendBtn.textContent = t('send');
    title.textContent = fixedTitle || (state.welcome && state.welcome.name) || t('title');
    panel.setAttribute('lang', lang);
    root.querySelectorAll('.options').forEach(function (g) {
      g.setAttribute('aria-label', t(g.classList.contains('related') ? 'related' : 'suggestions'));
    });
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function addMessage(who, text, reply) {
    var m = el('div', { class: 'msg ' + who, text: text });
    if (reply) {
      m.setAttribute('data-action', reply.action || '');
      m.setAttribute('data-intent', reply.intent || '');
      m.setAttribute('data-language', reply.language || '');
      if (reply.language) m.setAttribute('lang', reply.language);
    }
    log.appendChild(m);
    scrollDown();
    return m;
  }

  function addNotice(kind, text) {
    var n = el('div', { class: 'notice ' + kind, 'data-kind': kind, text: text,
                        role: kind === 'error' ? 'alert' : 'status' });
    log.appendChild(n);
    scrollDown();
  }

  // Quick replies: a clarify's options, or the follow-ups of an answer.
  // A button sends its text, which the session recognizes as that choice.
  function addChoices(items, textKey, kind) {
    var group = el('div', { class: 'options ' + kind, role: 'group',
                            'aria-label': t(kind === 'related' ? 'related' : 'suggestions') });
    items.forEach(function (o) {
      var b = el('button', { class: 'option', type: 'button', text: o[textKey], 'data-intent': o.intent });
      b.addEventListener('click', function () {
        if (state.busy) return;
        group.querySelectorAll('button').forEach(function (x) { x.disabled = true; });
        send(o[textKey]);
      });
      group.appendChild(b);
    });
    log.appendChild(group);
    scrollDown();
  }

  function setBusy(busy) {
    state.busy = busy;
    sendBtn.disabled = busy;
    log.setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  // ---- Talking to the server ----------------------------------------------
  function showWelcome() {
    if (state.welcomed || !state.welcome) return;
    state.welcomed = true;
    var w = state.welcome;
    var l = w.welcome && w.welcome[lang] ? lang : w.default_language;
    addMessage('bot', (w.welcome && w.welcome[l]) || '', { action: 'welcome', language: l });
    if (w.operators_online === false) addNotice('offline', t('offline'));
  }

  function loadWelcome() {
    return fetch(server + '/api/v1/welcome', { headers: { Accept: 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (w) {
        state.welcome = w;
        if (!attr('lang') && !pickLang(navigator.language) && pickLang(w.default_language)) {
          lang = pickLang(w.default_language);
        }
        applyLang();
        if (state.open) showWelcome();
      })
      .catch(function () { /* the first message will report a connection problem */ });
  }

  function send(text) {
    text = text.trim();
    if (!text || state.busy) return;
    if (text.length > MAX_TEXT) { addNotice('error', t('tooLong')); return; }
    addMessage('user', text);
    setBusy(true);
    var typing = addMessage('bot typing', t('typing'));
    var body = { text: text };
    if (state.session) body.session = state.session;
    fetch(server + '/api/v1/message', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body)
    })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (j) {
          if (!r.ok) { var e = new Error(j.error || 'HTTP ' + r.status); e.status = r.status; throw e; }
          return j;
        });
      })
      .then(function (reply) {
        typing.remove();
        if (reply.session && reply.session !== state.session) {
          // A new conversation (the first message, or the old one expired).
          stopListening();
          state.session = reply.session;
          state.seq = 0;
          try {
            sessionStorage.setItem(storageKey, reply.session);
            sessionStorage.setItem(seqKey, '0');
          } catch (e) { /* ignore */ }
        }
        if (pickLang(reply.language) && reply.language !== lang) {
          lang = reply.language;
          applyLang();
        }
        if (reply.action !== 'relayed') addMessage('bot', reply.reply || '', reply);
        listen();
        if (reply.action === 'clarify' && reply.options && reply.options.length) {
          addChoices(reply.options, 'label', 'clarify');
        } else if (reply.suggestions && reply.suggestions.length) {
          addChoices(reply.suggestions, 'title', 'related');
        }
        if (reply.action === 'handoff' && reply.handoff) {
          if (reply.handoff.status === 'queued') addNotice('operator', t('operator'));
          else if (reply.handoff.status === 'waiting') addNotice('operator', t('waiting'));
          else if (reply.handoff.status === 'unavailable') addNotice('unavailable', t('unavailable'));
        } else if (reply.action === 'after_hours') {
          addNotice('after_hours', t('afterHours'));
        }
        host.dispatchEvent(new CustomEvent('zari:reply', { detail: reply }));
      })
      .catch(function (err) {
        typing.remove();
        addNotice('error', err && err.status === 413 ? t('tooLong') : t('error'));
        if (!input.value) input.value = text;
      })
      .then(function () {
        setBusy(false);
        if (state.open) input.focus();
      });
  }

  // ---- Live events (an operator's messages) --------------------------------
  // Server-Sent Events while the page is open, long polls where EventSource
  // is missing or keeps failing; reconnects with a growing delay.
  function onEvent(e) {
    if (!e || !e.seq || e.seq <= state.seq) return;  // seen already (a reconnect)
    state.seq = e.seq;
    try { sessionStorage.setItem(seqKey, String(e.seq)); } catch (err) { /* ignore */ }
    if (e.type === 'message') {
      var m = addMessage(e.role === 'operator' ? 'operator' : 'bot', '', { action: 'message' });
      m.setAttribute('data-role', e.role || '');
      if (e.role === 'operator') m.appendChild(el('span', { class: 'who', text: e.operator || t('operatorLabel') }));
      m.appendChild(document.createTextNode(e.text || ''));
    } else if (e.type === 'operator_joined') {
      addNotice('operator_joined', t('joined').replace('{name}', e.operator || t('operatorLabel')));
    } else if (e.type === 'operator_left') {
      addNotice('operator_left', t('left').replace('{name}', e.operator || t('operatorLabel')));
    } else if (e.type === 'notice' && e.text) {
      addNotice('notice', e.text);
    }
    host.dispatchEvent(new CustomEvent('zari:event', { detail: e }));
  }

  var retryMs = 1000;
  function again(fn) {
    setTimeout(fn, retryMs);
    retryMs = Math.min(retryMs * 2, 30000);
  }

  function listen() {
    if (state.listening || !state.session) return;
    state.listening = true;
    var url = server + '/api/v1/events?session=' + encodeURIComponent(state.session);
    if (!window.EventSource) return poll();
    var es = state.es = new EventSource(url + '&after=' + state.seq);
    es.onopen = function () { retryMs = 1000; };
    es.onmessage = function (m) { try { onEvent(JSON.parse(m.data)); } catch (err) { /* ignore */ } };
    es.onerror = function () {
      if (es.readyState !== EventSource.CLOSED) return;  // the browser reconnects by itself
      // Closed for good (404: the conversation expired; or no SSE): long polls.
      state.listening = false;
      es.close();
      again(function () { if (!state.listening) { state.listening = true; poll(); } });
    };
  }

  function stopListening() {
    if (state.es) state.es.close();
    state.es = null;
    state.listening = false;
    state.pollGen = (state.pollGen || 0) + 1;  // a long poll in flight is for the old conversation
  }

  function poll() {
    if (!state.session) { state.listening = false; return; }
    var gen = state.pollGen || 0;
    fetch(server + '/api/v1/events?session=' + encodeURIComponent(state.session) + '&after=' + state.seq +
          '&wait=25', { headers: { Accept: 'application/json' } })
      .then(function (r) {
        if (r.status === 404) { state.listening = false; return null; }  // expired: the next message starts anew
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      })
      .then(function (j) {
        if (!j || gen !== (state.pollGen || 0)) return;
        retryMs = 1000;
        (j.events || []).forEach(onEvent);
        poll();
      })
      .catch(function () { if (gen === (state.pollGen || 0)) again(poll); });
  }

  // ---- Behaviour -----------------------------------------------------------
  function setOpen(open) {
    state.open = open;
    panel.hidden = !open;
    host.classList.toggle('open', open);
    launcher.setAttribute('aria-expanded', open ? 'true' : 'false');
    applyLang();
    if (open) {
      showWelcome();
      input.focus();
    } else {
      launcher.focus();
    }
  }

  launcher.addEventListener('click', function () { setOpen(!state.open); });
  closeBtn.addEventListener('click', function () { setOpen(false); });
  panel.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { e.stopPropagation(); setOpen(false); }
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value;
    if (!text.trim() || state.busy) return;
    input.value = '';
    send(text);
  });

  applyLang();
  function mount() {
    document.body.appendChild(host);
    loadWelcome();
    listen();  // a conversation this tab already has
    if (attr('open') === 'true') setOpen(true);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
