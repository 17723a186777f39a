// Avrr.Bot web chat: the official Web Chat bundle talking to this host's own Direct Line endpoint.
(function () {
  'use strict';

  var STORAGE_KEY = 'avrr.webchat';
  var RTL = ['ar', 'fa', 'ps', 'ur', 'he', 'ckb', 'dv', 'yi'];
  var params = new URLSearchParams(window.location.search);
  var forcePolling = params.get('transport') === 'polling';
  var pageLocale = params.get('lang') || navigator.language || 'en';
  var element = document.getElementById('webchat');
  var leave = document.getElementById('leave');
  var current = { locale: pageLocale, dir: isRtl(pageLocale) ? 'rtl' : 'ltr' };
  var directLine;
  var store;

  function isRtl(locale) {
    return RTL.indexOf(String(locale || '').toLowerCase().split(/[-_]/)[0]) >= 0;
  }

  function leaveQuickly() {
    // Clear everything this page kept, then replace the history entry so Back does not return here.
    try { sessionStorage.clear(); localStorage.removeItem(STORAGE_KEY); } catch (e) { /* storage may be disabled */ }
    if (directLine) { try { directLine.end(); } catch (e) { /* already ended */ } }
    element.innerHTML = '';
    window.location.replace(leave.getAttribute('data-url'));
  }

  leave.addEventListener('click', leaveQuickly);
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') { leaveQuickly(); }
  });

  function applyPageText(config) {
    if (config.title) { document.getElementById('title').textContent = config.title; document.title = config.title; }
    if (config.quickExit) { leave.textContent = config.quickExit; }
    if (config.quickExitUrl) { leave.setAttribute('data-url', config.quickExitUrl); }
    document.getElementById('note').textContent = config.note || '';
  }

  function applyDirection(locale, dir) {
    document.documentElement.lang = locale;
    document.documentElement.dir = dir;
    element.setAttribute('dir', dir);
  }

  function saved() {
    try {
      var value = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null');
      return value && value.expiresAt > Date.now() + 60000 ? value : null;
    } catch (e) {
      return null;
    }
  }

  function fetchToken() {
    return fetch('/webchat/token?lang=' + encodeURIComponent(pageLocale), { method: 'POST', credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) { throw new Error('token ' + response.status); }
        return response.json();
      });
  }

  function render() {
    window.WebChat.renderWebChat({
      directLine: directLine,
      store: store,
      locale: current.locale,
      dir: current.dir,
      styleOptions: {
        hideUploadButton: true,
        bubbleBorderRadius: 10,
        bubbleFromUserBorderRadius: 10,
        suggestedActionLayout: 'flow',
        suggestedActionHeight: 44,
        sendBoxHeight: 52,
        rootHeight: '100%',
        fontSizeSmall: '80%',
        primaryFont: getComputedStyle(document.documentElement).getPropertyValue('--avrr-font').trim() || undefined
      }
    }, element);
  }

  function followConversationLanguage(activity) {
    // The bot marks each reply with its language and direction; the page follows so Arabic or Farsi read right to left.
    if (!activity || activity.type !== 'message' || !activity.from || activity.from.role !== 'bot') { return; }
    var dir = activity.channelData && activity.channelData.avrr && activity.channelData.avrr.dir;
    var locale = activity.locale || current.locale;
    dir = dir || (isRtl(locale) ? 'rtl' : 'ltr');
    if (dir !== current.dir || locale !== current.locale) {
      current = { locale: locale, dir: dir };
      applyDirection(locale, dir);
      render();
      loadPageText(locale);
    }
  }

  function start(session, resuming) {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    var useWebSocket = !forcePolling && typeof window.WebSocket !== 'undefined';
    var options = {
      token: session.token,
      domain: window.location.origin + '/v3/directline',
      webSocket: useWebSocket,
      pollingInterval: 1000
    };
    if (resuming) { options.conversationId = session.conversationId; }
    directLine = window.WebChat.createDirectLine(options);

    var joined = false;
    store = window.WebChat.createStore({}, function () {
      return function (next) {
        return function (action) {
          if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED' && !joined && !resuming) {
            joined = true;
            next(action);
            return next({ type: 'WEB_CHAT/SEND_EVENT', payload: { name: 'webchat/join', value: { locale: pageLocale } } });
          }
          if (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') {
            followConversationLanguage(action.payload.activity);
          }
          return next(action);
        };
      };
    });

    // Fallback: if the WebSocket cannot connect (some proxies block it), start again with polling.
    if (useWebSocket) {
      var sub = directLine.connectionStatus$.subscribe(function (status) {
        if (status === 4 /* FailedToConnect */ && !forcePolling) {
          sub.unsubscribe();
          forcePolling = true;
          start(session, true);
        }
      });
    }

    applyDirection(current.locale, current.dir);
    render();
  }

  function loadPageText(locale) {
    fetch('/webchat/config?lang=' + encodeURIComponent(locale), { credentials: 'same-origin' })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(applyPageText)
      .catch(function () { /* the page works without its header text */ });
  }

  loadPageText(pageLocale);

  var existing = saved();
  if (existing) {
    start(existing, true);
  } else {
    fetchToken().then(function (token) {
      start({ token: token.token, conversationId: token.conversationId, expiresAt: Date.now() + token.expires_in * 1000 }, false);
    }).catch(function () {
      element.textContent = '…';
    });
  }
})();
