/*
 * Zari operator console (GET /operator): log in, see the queue of
 * conversations handed to a person, join one, answer the customer (Zari's
 * suggestions are one click away), leave it as resolved or not.
 *
 * Plain JavaScript, no dependencies, no build step. Customer and operator
 * texts are inserted as text (textContent), never as HTML. The login
 * cookie is HttpOnly; the CSRF token it needs lives only in this page's
 * sessionStorage. Events come from /api/v1/operator/events (Server-Sent
 * Events, or long polls where EventSource is missing). docs/HTTP.md.
 */
(function () {
  'use strict';

  var STRINGS = {
    en: {
      title: 'Zari — operators', logout: 'Log out', loginTitle: 'Log in', id: 'Operator id', password: 'Password',
      login: 'Log in', queue: 'Conversations', empty: 'No conversation selected.', join: 'Join',
      leaveResolved: 'Leave: resolved', leaveUnresolved: 'Leave: not resolved', send: 'Send',
      placeholder: 'Write to the customer…', waiting: 'waiting', joined: 'joined', afterHours: 'after hours',
      callback: 'call back', user: 'Customer', bot: 'Zari', operator: 'Operator', you: 'you', heldBy: 'held by',
      badLogin: 'Wrong operator id or password.', tooMany: 'Too many attempts. Try again in a minute.',
      failed: 'The server did not answer. Check the connection.', nobody: 'No one is waiting.',
      reason_requested: 'asked for a person', reason_intent: 'topic for a person', reason_misses: 'bot did not understand'
    },
    ka: {
      title: 'Zari — ოპერატორები', logout: 'გასვლა', loginTitle: 'შესვლა', id: 'ოპერატორის ID', password: 'პაროლი',
      login: 'შესვლა', queue: 'საუბრები', empty: 'საუბარი არჩეული არ არის.', join: 'შეერთება',
      leaveResolved: 'დასრულება: გადაწყდა', leaveUnresolved: 'დასრულება: ვერ გადაწყდა', send: 'გაგზავნა',
      placeholder: 'მისწერეთ მომხმარებელს…', waiting: 'ელოდება', joined: 'შეერთებული', afterHours: 'არასამუშაო საათებში',
      callback: 'გადარეკვა', user: 'მომხმარებელი', bot: 'Zari', operator: 'ოპერატორი', you: 'თქვენ', heldBy: 'ესაუბრება',
      badLogin: 'ID ან პაროლი არასწორია.', tooMany: 'ძალიან ბევრი მცდელობა. სცადეთ ერთ წუთში.',
      failed: 'სერვერმა არ უპასუხა. შეამოწმეთ კავშირი.', nobody: 'არავინ ელოდება.',
      reason_requested: 'ითხოვა ოპერატორი', reason_intent: 'ოპერატორის თემა', reason_misses: 'ბოტმა ვერ გაიგო'
    },
    az: {
      title: 'Zari — operatorlar', logout: 'Çıxış', loginTitle: 'Giriş', id: 'Operator ID', password: 'Şifrə',
      login: 'Daxil ol', queue: 'Söhbətlər', empty: 'Söhbət seçilməyib.', join: 'Qoşul',
      leaveResolved: 'Bitir: həll olundu', leaveUnresolved: 'Bitir: həll olunmadı', send: 'Göndər',
      placeholder: 'Müştəriyə yazın…', waiting: 'gözləyir', joined: 'qoşulub', afterHours: 'iş saatından sonra',
      callback: 'geri zəng', user: 'Müştəri', bot: 'Zari', operator: 'Operator', you: 'siz', heldBy: 'danışır',
      badLogin: 'Operator ID və ya şifrə səhvdir.', tooMany: 'Çox cəhd. Bir dəqiqədən sonra yenidən cəhd edin.',
      failed: 'Server cavab vermədi. Bağlantını yoxlayın.', nobody: 'Gözləyən yoxdur.',
      reason_requested: 'operator istədi', reason_intent: 'operator mövzusu', reason_misses: 'bot başa düşmədi'
    }
  };

  var $ = function (id) { return document.getElementById(id); };
  var lang = pickLang(localStorage.getItem('zari-operator-lang') || navigator.language) || 'en';
  var me = null;          // {id, name, languages}
  var csrf = null;
  var queue = [];         // GET /api/v1/operator/queue
  var selected = null;    // session id
  var suggestions = {};   // session id → Zari's suggestions for its last message
  var events = null;      // EventSource
  var pollAfter = 0;

  function pickLang(code) {
    code = (code || '').toLowerCase().slice(0, 2);
    return Object.prototype.hasOwnProperty.call(STRINGS, code) ? code : '';
  }
  function t(key) { return STRINGS[lang][key] || STRINGS.en[key] || key; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function applyLang() {
    document.documentElement.lang = lang;
    $('lang').value = lang;
    document.querySelectorAll('[data-t]').forEach(function (e) { e.textContent = t(e.getAttribute('data-t')); });
    $('text').placeholder = t('placeholder');
    renderQueue();
    renderConversation();
  }

  // ---- the API -------------------------------------------------------------
  function api(method, path, body) {
    var headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (csrf) headers['X-Zari-CSRF'] = csrf;
    return fetch('/api/v1/operator/' + path, {
      method: method, headers: headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (r.status === 401 && path !== 'login') showLogin();
        if (!r.ok) { var e = new Error(j.error || ('HTTP ' + r.status)); e.status = r.status; throw e; }
        return j;
      });
    });
  }

  // ---- logging in ----------------------------------------------------------
  function showLogin() {
    me = null; csrf = null;
    try { sessionStorage.removeItem('zari-operator'); } catch (e) { /* ignore */ }
    if (events) { events.close(); events = null; }
    $('desk').hidden = true; $('logout').hidden = true; $('login').hidden = false; $('who').textContent = '';
    $('login-id').focus();
  }

  function showDesk() {
    $('login').hidden = true; $('desk').hidden = false; $('logout').hidden = false;
    $('who').textContent = me.name;
    refreshQueue();
    listen();
  }

  $('login').addEventListener('submit', function (ev) {
    ev.preventDefault();
    $('login-error').textContent = '';
    api('POST', 'login', { id: $('login-id').value.trim(), password: $('login-password').value })
      .then(function (j) {
        me = j.operator; csrf = j.csrf;
        $('login-password').value = '';
        try { sessionStorage.setItem('zari-operator', JSON.stringify({ me: me, csrf: csrf })); } catch (e) { /* ignore */ }
        if (me.languages && me.languages.length && !localStorage.getItem('zari-operator-lang')) {
          lang = pickLang(me.languages[0]) || lang; applyLang();
        }
        showDesk();
      })
      .catch(function (e) {
        $('login-error').textContent = e.status === 429 ? t('tooMany') : e.status === 401 ? t('badLogin') : t('failed');
      });
  });

  $('logout').addEventListener('click', function () {
    api('POST', 'logout', {}).catch(function () {}).then(showLogin);
  });

  $('lang').addEventListener('change', function () {
    lang = pickLang($('lang').value) || 'en';
    localStorage.setItem('zari-operator-lang', lang);
    applyLang();
  });

  // ---- the queue -------------------------------------------------------------
  function refreshQueue() {
    return api('GET', 'queue').then(function (j) {
      queue = j.conversations || [];
      renderQueue();
      renderConversation();
    }).catch(function () { /* shown by the next event or the login form */ });
  }

  function current() {
    for (var i = 0; i < queue.length; i++) if (queue[i].session === selected) return queue[i];
    return null;
  }

  function renderQueue() {
    var list = $('queue-list');
    list.textContent = '';
    if (!queue.length) { list.appendChild(el('p', 'badge', t('nobody'))); return; }
    queue.forEach(function (c) {
      var b = el('button', 'item');
      b.type = 'button';
      b.setAttribute('data-session', c.session);
      b.setAttribute('aria-current', c.session === selected ? 'true' : 'false');
      var line = el('span', 'line1');
      line.appendChild(el('span', 'badge ' + c.status, t(c.status)));
      line.appendChild(el('span', 'badge', (c.language || '').toUpperCase()));
      if (c.after_hours) line.appendChild(el('span', 'badge after', t('afterHours')));
      if (c.callback) line.appendChild(el('span', 'badge callback', t('callback') + ': ' + c.callback));
      if (c.reason) line.appendChild(el('span', 'badge', t('reason_' + c.reason)));
      if (c.status === 'joined' && c.operator_name) {
        line.appendChild(el('span', 'badge', t('heldBy') + ' ' + (c.operator === me.id ? t('you') : c.operator_name)));
      }
      b.appendChild(line);
      var last = (c.transcript || []).filter(function (x) { return x.role === 'user'; }).pop();
      b.appendChild(el('span', 'last', last ? last.text : ''));
      b.addEventListener('click', function () { selected = c.session; renderQueue(); renderConversation(); });
      list.appendChild(b);
    });
  }

  // ---- one conversation ------------------------------------------------------
  function renderConversation() {
    var c = current();
    $('empty').hidden = !!c;
    $('transcript').hidden = !c; $('actions').hidden = !c;
    var mine = !!(c && me && c.status === 'joined' && c.operator === me.id);
    $('composer').hidden = !mine;
    if (!c) { $('suggestions').textContent = ''; return; }
    var box = $('transcript');
    box.textContent = '';
    (c.transcript || []).forEach(function (turn) {
      var m = el('div', 'msg ' + turn.role);
      m.appendChild(el('span', 'role', t(turn.role)));
      m.appendChild(document.createTextNode(turn.text));
      box.appendChild(m);
    });
    box.scrollTop = box.scrollHeight;
    $('join').hidden = mine; $('join').disabled = c.status === 'joined' && !mine;
    $('leave-resolved').hidden = !mine; $('leave-unresolved').hidden = !mine;
    renderSuggestions(mine ? suggestions[c.session] : null);
  }

  function renderSuggestions(list) {
    var box = $('suggestions');
    box.textContent = '';
    // Zari's likely answers only: the best one, and others not far behind.
    var best = list && list.length ? list[0].score : 0;
    (list || []).slice(0, 3).forEach(function (s, i) {
      if (!s.answer || (i > 0 && s.score < Math.max(0.15, best / 3))) return;
      var b = el('button', 'suggestion');
      b.type = 'button';
      b.appendChild(el('span', 'intent', s.intent + ' · ' + Math.round(s.score * 100) + '%'));
      b.appendChild(document.createTextNode(s.answer));
      b.addEventListener('click', function () { say(s.answer); });
      box.appendChild(b);
    });
  }

  function act(verb, body) {
    var id = selected;
    return api('POST', 'conversations/' + encodeURIComponent(id) + '/' + verb, body)
      .then(function () { return refreshQueue(); })
      .catch(function (e) { alert(e.message); refreshQueue(); });
  }
  function say(text) {
    text = (text || '').trim();
    if (!text) return;
    act('messages', { text: text }).then(function () { $('text').value = ''; $('text').focus(); });
  }

  $('join').addEventListener('click', function () { act('join', {}); });
  $('leave-resolved').addEventListener('click', function () { act('leave', { resolved: true }); });
  $('leave-unresolved').addEventListener('click', function () { act('leave', { resolved: false }); });
  $('composer').addEventListener('submit', function (ev) { ev.preventDefault(); say($('text').value); });
  $('text').addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && !ev.shiftKey) { ev.preventDefault(); say($('text').value); }
  });

  // ---- events ----------------------------------------------------------------
  function onEvent(e) {
    pollAfter = Math.max(pollAfter, e.seq || 0);
    if (e.type === 'message' && e.suggestions) suggestions[e.session] = e.suggestions;
    refreshQueue();
  }

  function listen() {
    if (window.EventSource) {
      events = new EventSource('/api/v1/operator/events', { withCredentials: true });
      events.onmessage = function (m) { try { onEvent(JSON.parse(m.data)); } catch (err) { /* ignore */ } };
      events.onerror = function () {
        // 401 after a logout or an expired token: the queue call notices it.
        if (events && events.readyState === EventSource.CLOSED) { events = null; setTimeout(poll, 3000); }
      };
    } else {
      poll();
    }
  }

  function poll() {
    if (!me) return;
    api('GET', 'events?after=' + pollAfter + '&wait=25').then(function (j) {
      (j.events || []).forEach(onEvent);
      pollAfter = j.next || pollAfter;
      poll();
    }).catch(function () { setTimeout(poll, 5000); });
  }

  // ---- start -----------------------------------------------------------------
  applyLang();
  try {
    var saved = JSON.parse(sessionStorage.getItem('zari-operator') || 'null');
    if (saved && saved.me && saved.csrf) { me = saved.me; csrf = saved.csrf; }
  } catch (e) { /* ignore */ }
  if (me) { showDesk(); } else { showLogin(); }
})();
