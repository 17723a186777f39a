// The counsellors' console: the queue and the open case in one page. Everything the person wrote is put into the page
// as text (textContent), never as HTML. Live updates come over SignalR as "look again" nudges; data comes from the API.
(function () {
  'use strict';
  var body = document.getElementById('console');
  var token = body.dataset.token;
  var current = null;          // the reference of the open case
  var view = null;             // its last CaseView
  var cursor = -1;             // transcript entries up to here are shown and final
  var entries = new Map();     // seq -> rendered <li>
  var alerted = new Set();

  function $(id) { return document.getElementById(id); }

  var el = AvrrDom.el;

  function api(method, path, payload) {
    var init = { method: method, headers: { 'Accept': 'application/json' }, credentials: 'same-origin' };
    if (method !== 'GET') {
      init.headers['RequestVerificationToken'] = token;
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(payload || {});
    }
    return fetch('/api/console' + path, init).then(function (response) {
      if (response.status === 204) { return null; }
      return response.json().catch(function () { return null; }).then(function (data) {
        if (!response.ok) {
          var error = new Error((data && (data.detail || data.title)) || ('HTTP ' + response.status));
          error.status = response.status;
          throw error;
        }
        return data;
      });
    });
  }

  function minutesSince(iso) {
    var minutes = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000));
    if (minutes < 60) { return minutes + ' min'; }
    var hours = Math.floor(minutes / 60);
    return hours < 48 ? hours + ' h ' + (minutes % 60) + ' min' : Math.floor(hours / 24) + ' days';
  }

  function time(iso) { return new Date(iso).toLocaleString(); }

  // ---- alerts and sound -------------------------------------------------------------------------------------------
  function urgent(reference) {
    if (alerted.has(reference)) { return; }
    alerted.add(reference);
    var box = $('alert');
    box.replaceChildren(el('strong', 'Urgent case waiting: '), caseLink(reference), el('span', ' '));
    var dismiss = el('button', 'Dismiss', 'secondary');
    dismiss.type = 'button';
    dismiss.addEventListener('click', function () { box.hidden = true; });
    box.appendChild(dismiss);
    box.hidden = false;
    // Always, also when this tab has focus: an urgent case must not wait for someone to look.
    AvrrSound.beep();
  }

  $('sound').addEventListener('click', function () { AvrrSound.toggle(this); });

  // ---- presence and profile ---------------------------------------------------------------------------------------
  var me = null;
  function showPresence(available) {
    $('presence').setAttribute('aria-pressed', available ? 'true' : 'false');
    $('presence').textContent = available ? 'Available' : 'Away';
    $('presence').className = available ? '' : 'secondary';
  }

  $('presence').addEventListener('click', function () {
    var available = this.getAttribute('aria-pressed') !== 'true';
    api('PUT', '/me/presence', { available: available }).then(function () { showPresence(available); }, problem);
  });

  function loadMe() {
    return api('GET', '/me').then(function (data) {
      me = data;
      showPresence(data.available);
      var form = $('profile');
      form.displayName.value = data.displayName;
      form.uiLanguage.value = data.uiLanguage || '';
      form.capacity.value = data.capacity;
      form.querySelectorAll('input[name=languages]').forEach(function (box) { box.checked = data.languages.indexOf(box.value) >= 0; });
    });
  }

  $('profile').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = this;
    var languages = Array.prototype.filter.call(form.querySelectorAll('input[name=languages]'), function (b) { return b.checked; }).map(function (b) { return b.value; });
    api('PUT', '/me', { displayName: form.displayName.value, languages: languages, uiLanguage: form.uiLanguage.value || null, capacity: Number(form.capacity.value) })
      .then(function () { form.querySelector('.status').textContent = 'Saved.'; if (current) { openCase(current, false); } },
            function (error) { form.querySelector('.status').textContent = error.message; });
  });

  // ---- queue ------------------------------------------------------------------------------------------------------
  function caseLink(reference) {
    var link = el('a', reference);
    link.href = '/console/cases/' + encodeURIComponent(reference);
    link.addEventListener('click', function (event) { event.preventDefault(); openCase(reference, true); });
    return link;
  }

  function loadQueue() {
    var form = $('filters');
    var query = new URLSearchParams();
    ['language', 'programme', 'channel', 'minAgeMinutes'].forEach(function (name) { if (form[name].value) { query.set(name, form[name].value); } });
    return api('GET', '/queue?' + query.toString()).then(function (items) {
      var rows = items.map(function (item) {
        var row = el('tr', null, 'urgency-' + item.urgency + (item.reference === current ? ' selected' : ''));
        var id = 'q-' + item.reference;
        var ref = el('td'); ref.id = id; ref.appendChild(caseLink(item.reference));
        row.appendChild(ref);
        row.appendChild(el('td', item.urgency));
        row.appendChild(el('td', minutesSince(item.createdAt)));
        row.appendChild(el('td', item.language || '?'));
        row.appendChild(el('td', item.channel));
        row.appendChild(el('td', item.assignee || (item.status === 'waiting' ? 'waiting' : '')));
        var action = el('td');
        if (item.status === 'waiting') {
          var claim = el('button', 'Claim');
          claim.type = 'button';
          claim.setAttribute('aria-describedby', id);
          claim.addEventListener('click', function () { claimCase(item.reference); });
          action.appendChild(claim);
        }
        row.appendChild(action);
        if (item.urgency === 'urgent' && item.status === 'waiting') { urgent(item.reference); }
        return row;
      });
      $('queue').replaceChildren.apply($('queue'), rows);
      $('queue-empty').hidden = items.length > 0;
    }, problem);
  }

  $('filters').addEventListener('change', loadQueue);

  function claimCase(reference) {
    api('POST', '/cases/' + encodeURIComponent(reference) + '/claim').then(function () {
      openCase(reference, true);
      loadQueue();
    }, function (error) { problem(error); loadQueue(); });
  }

  // ---- the case ---------------------------------------------------------------------------------------------------
  function problem(error) {
    var box = $('case-problem');
    box.textContent = error.message || String(error);
    box.hidden = false;
  }

  function clearProblem() { $('case-problem').hidden = true; }

  function openCase(reference, push) {
    if (push && reference !== current) { history.pushState({ reference: reference }, '', '/console/cases/' + encodeURIComponent(reference)); }
    var switching = reference !== current;
    current = reference;
    if (switching) { entries.clear(); cursor = -1; $('transcript').replaceChildren(); clearProblem(); }
    return api('GET', '/cases/' + encodeURIComponent(reference)).then(function (data) {
      view = data;
      render(data);
      if (connection && connection.state === 'Connected') { connection.invoke('Watch', reference); }
    }, function (error) {
      $('case').hidden = true;
      $('case-empty').hidden = false;
      $('case-empty').textContent = error.status === 404 ? 'There is no case ' + reference + '.' : error.message;
    });
  }

  function option(value, label) { var o = el('option', label); o.value = value; return o; }

  function render(data) {
    $('case-empty').hidden = true;
    $('case').hidden = false;
    $('case-title').textContent = data.reference + ' · ' + data.status.replace('_', ' ') + (data.urgency !== 'normal' ? ' · ' + data.urgency : '');
    $('case-title').className = 'urgency-' + data.urgency;
    var meta = [data.channel, (data.languageName || data.language || '?') + (data.language ? ' (' + data.language + ')' : ''), 'opened ' + time(data.createdAt)];
    if (data.assignee) { meta.push('with ' + data.assignee); }
    if (data.outcome) { meta.push('outcome: ' + data.outcome); }
    if (data.optedOut) { meta.push('the person said stop: nothing is sent until they write again'); }
    $('case-meta').textContent = meta.join(' · ');
    renderActions(data);
    var translation = data.translation;
    $('translate-option').hidden = !translation.available;
    $('translate-text').textContent = translation.available
      ? 'Translate automatically into ' + (data.languageName || translation.personLanguage) + ' (' + translation.provider + ')'
      : '';
    renderTranscript(data.transcript, true);
    renderWindow(data);
    renderNotes(data.notes);
    AvrrSummary.render($('summary'), data);
    var events = data.events.map(function (e) { return el('li', time(e.at) + ' · ' + e.actor + ' · ' + e.kind + (e.detail ? ': ' + e.detail : '')); });
    $('events').replaceChildren.apply($('events'), events);
    $('export').href = '/api/console/cases/' + encodeURIComponent(data.reference) + '/export';
    $('export').setAttribute('download', data.reference + '.json');
    document.querySelectorAll('#queue tr').forEach(function (row) { row.classList.toggle('selected', row.querySelector('a') && row.querySelector('a').textContent === data.reference); });
  }

  function renderActions(data) {
    $('claim').hidden = !data.canClaim;
    $('transfer-group').hidden = !data.canManage && !(data.canClaim && me && me.roles.indexOf('Supervisor') >= 0);
    $('handback-group').hidden = !data.canManage;
    $('close-group').hidden = !data.canManage;
    $('release').hidden = !data.canManage || !data.assigneeId;
    $('composer').hidden = !data.canSpeak;
    $('note-form').hidden = !data.canManage;
    $('resume-at').replaceChildren.apply($('resume-at'), data.resumePoints.map(function (c) { return option(c.id, c.label); }));
    $('outcome').replaceChildren.apply($('outcome'), data.outcomes.map(function (c) { return option(c.id, c.label); }));
    var canned = [option('', 'Canned response…')].concat(data.canned.map(function (c) { var o = option(c.id, c.label); o.dataset.text = c.text; return o; }));
    $('canned').replaceChildren.apply($('canned'), canned);
    if (!$('transfer-group').hidden) {
      api('GET', '/colleagues').then(function (people) {
        var choices = people.filter(function (p) { return p.userId !== data.assigneeId; }).map(function (p) {
          return option(p.userId, p.displayName + ' (' + (p.languages.join(', ') || 'no languages set') + '; ' + p.openCases + '/' + p.capacity + (p.available ? ', available' : ', away') + ')');
        });
        $('transfer-to').replaceChildren.apply($('transfer-to'), choices);
      });
    }
  }

  function renderTranscript(list, full) {
    var log = $('transcript');
    if (full) { entries.clear(); log.replaceChildren(); }
    list.forEach(function (entry) {
      var item = entries.get(entry.seq);
      var fresh = !item;
      if (fresh) { item = el('li'); entries.set(entry.seq, item); }
      item.className = 'from-' + entry.from;
      var who = entry.from === 'person' ? 'Person' : entry.from === 'counsellor' ? (entry.name || 'Counsellor') : 'Bot';
      var head = el('div', who + ' · ' + time(entry.at), 'who');
      var text = el('p', entry.text, 'text');
      text.setAttribute('dir', 'auto');
      item.replaceChildren(head, text);
      AvrrTranscript.translation(item, text, entry, view && view.language);
      if (entry.delivery) {
        var tick = el('span', AvrrTranscript.tick(entry.delivery), 'tick tick-' + entry.delivery);
        tick.setAttribute('title', entry.error || entry.delivery);
        head.appendChild(tick);
      }
      if (fresh) { insertInOrder(log, item, entry.seq); }
    });
    // The cursor stays before the first message whose tick may still change or whose translation is on its way.
    var translating = view && view.translation && view.translation.available;
    var pending = list.filter(function (e) {
      return (e.delivery && ['queued', 'sent', 'delivered', 'held'].indexOf(e.delivery) >= 0 && !(e.delivery === 'sent' && view && view.channel === 'directline'))
        || (translating && e.from === 'person' && !e.translation);
    });
    var last = list.length ? list[list.length - 1].seq : cursor;
    var firstPending = pending.length ? pending[0].seq - 1 : null;
    if (full) { cursor = firstPending !== null ? firstPending : last; }
    else { cursor = firstPending !== null ? Math.min(firstPending, last) : Math.max(cursor, last); }
    log.scrollTop = log.scrollHeight;
  }

  function insertInOrder(log, item, seq) {
    item.dataset.seq = seq;
    var after = Array.prototype.find.call(log.children, function (child) { return Number(child.dataset.seq) > seq; });
    log.insertBefore(item, after || null);
  }



  var windowTimer = null;
  function renderWindow(data) {
    var box = $('window');
    clearInterval(windowTimer);
    $('template').hidden = true;
    if (!data.window || data.status === 'closed') { box.hidden = true; $('send').disabled = false; return; }
    function tick() {
      var w = data.window;
      var left = w.closesAt ? Date.parse(w.closesAt) - Date.now() : -1;
      if (w.open && left > 0) {
        var h = Math.floor(left / 3600000), m = Math.floor((left % 3600000) / 60000);
        box.textContent = 'WhatsApp window: ' + h + ' h ' + m + ' min left to write freely.';
        $('send').disabled = false;
        $('template').hidden = true;
      } else if (w.templateSent) {
        box.textContent = 'WhatsApp window closed. The re-engagement template was sent: your replies are held and delivered in order when the person answers.';
        $('send').disabled = false;
        $('template').hidden = true;
      } else {
        box.textContent = 'WhatsApp window closed: free text cannot be sent. ' + (w.templateConfigured ? 'Send the re-engagement template first.' : 'No re-engagement template is configured (Channels:WhatsApp:Templates).');
        $('send').disabled = true;
        $('template').hidden = !data.canSpeak || !w.templateConfigured;
        if (w.open) { refreshStatus(); }
      }
    }
    box.hidden = false;
    tick();
    windowTimer = setInterval(tick, 30000);
  }

  function renderNotes(notes) {
    $('notes').replaceChildren.apply($('notes'), notes.map(function (n) {
      var item = el('li');
      item.appendChild(el('div', n.author + ' · ' + time(n.at), 'who'));
      var text = el('p', n.text, 'text');
      text.setAttribute('dir', 'auto');
      item.appendChild(text);
      return item;
    }));
  }

  function refreshStatus() { if (current) { openCase(current, false); } }

  function refreshTranscript() {
    if (!current) { return; }
    api('GET', '/cases/' + encodeURIComponent(current) + '/transcript?after=' + cursor).then(function (list) { renderTranscript(list, false); }, function () { });
  }

  function act(path, payload) {
    clearProblem();
    return api('POST', '/cases/' + encodeURIComponent(current) + path, payload).then(function (result) {
      refreshStatus();
      loadQueue();
      return result;
    }, function (error) { problem(error); throw error; });
  }

  $('claim').addEventListener('click', function () { claimCase(current); });
  $('transfer').addEventListener('click', function () { act('/transfer', { to: $('transfer-to').value }); });
  $('handback').addEventListener('click', function () { act('/handback', { resumeAt: $('resume-at').value }); });
  $('close').addEventListener('click', function () { act('/close', { outcome: $('outcome').value }); });
  $('release').addEventListener('click', function () { act('/release'); });
  $('template').addEventListener('click', function () { act('/template'); });
  $('canned').addEventListener('change', function () {
    var chosen = this.selectedOptions[0];
    // Canned responses are already in the person's language: sent as they are.
    if (chosen && chosen.dataset.text) { $('message').value = chosen.dataset.text; $('translate').checked = false; $('message').focus(); }
    this.value = '';
  });
  $('composer').addEventListener('submit', function (event) {
    event.preventDefault();
    var text = $('message').value;
    if (!text.trim()) { return; }
    clearProblem();
    var translate = !$('translate-option').hidden && $('translate').checked;
    api('POST', '/cases/' + encodeURIComponent(current) + '/messages', { text: text, translate: translate }).then(function () {
      $('message').value = '';
      $('translate').checked = true;
      refreshTranscript();
    }, problem);
  });
  $('note-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var text = $('note').value;
    if (!text.trim()) { return; }
    act('/notes', { text: text }).then(function () { $('note').value = ''; });
  });

  window.addEventListener('popstate', function () {
    var match = /\/console\/cases\/([^/]+)$/.exec(location.pathname);
    if (match) { openCase(decodeURIComponent(match[1]), false); }
  });

  // ---- live updates -----------------------------------------------------------------------------------------------
  // WebSockets without the negotiate request, so any instance behind a load balancer can take the connection (no
  // sticky sessions); where WebSockets are blocked, a negotiated connection falls back to long polling.
  function liveConnection(options) {
    var c = new signalR.HubConnectionBuilder().withUrl('/console/hub', options).withAutomaticReconnect([0, 1000, 2000, 5000, 10000, 20000]).build();
    c.on('queue', function () { loadQueue(); if (current) { refreshTranscript(); } });
    c.on('urgent', function (reference) { urgent(reference); loadQueue(); });
    c.on('case', function () { refreshTranscript(); });
    c.onreconnecting(function () { $('connection').textContent = 'Reconnecting… new messages will appear when the connection is back.'; $('connection').hidden = false; });
    c.onreconnected(function () {
      $('connection').hidden = true;
      loadQueue();
      if (current) { c.invoke('Watch', current); refreshStatus(); }
    });
    c.onclose(function () { $('connection').textContent = 'Live updates stopped. Reload the page.'; $('connection').hidden = false; });
    return c;
  }
  var connection = liveConnection({ skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets });

  setInterval(function () { if (connection.state === 'Connected') { connection.invoke('Heartbeat'); } }, 60000);
  // Times in the queue age while nobody acts.
  setInterval(loadQueue, 60000);

  loadMe().then(function () {
    return connection.start().catch(function () {
      connection = liveConnection({});
      return connection.start();
    }).then(function () {
      body.dataset.live = 'true';
      loadQueue();
      if (body.dataset.reference) { openCase(body.dataset.reference, false); }
    }, function () {
      $('connection').textContent = 'Live updates are not available; the queue refreshes every minute.';
      $('connection').hidden = false;
      loadQueue();
      if (body.dataset.reference) { openCase(body.dataset.reference, false); }
    });
  });
})();
