// Keeps the supervisor view current: on every queue change, re-read the figures and put them in as text.
(function () {
  'use strict';
  var root = document.getElementById('supervisor');
  function minutes(m) { return m === null || m === undefined ? '–' : m < 60 ? Math.round(m) + ' min' : (m / 60).toFixed(1) + ' h'; }
  function set(field, text) { var node = root.querySelector('[data-field=' + field + ']'); if (node) { node.textContent = text; } }
  function cell(text) { var td = document.createElement('td'); td.textContent = text; return td; }
  function refresh() {
    fetch(root.dataset.live, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (r) { return r.ok ? r.json() : null; }).then(function (v) {
      if (!v) { return; }
      set('waiting', v.waiting);
      set('withCounsellor', v.withCounsellor);
      set('oldestWaitingMinutes', minutes(v.oldestWaitingMinutes));
      set('oldestUrgentUnclaimed', v.oldestUrgentUnclaimed ? v.oldestUrgentUnclaimed + ', waiting ' + minutes(v.oldestUrgentUnclaimedMinutes) : 'none');
      set('medianWaitMinutes', minutes(v.medianWaitMinutes));
      set('medianFirstResponseMinutes', minutes(v.medianFirstResponseMinutes));
      set('waitingByLanguage', Object.keys(v.waitingByLanguage).map(function (k) { return k + ': ' + v.waitingByLanguage[k]; }).join(', '));
      var rows = v.counsellors.map(function (c) {
        var row = document.createElement('tr');
        [c.name, (c.available ? 'available' : 'away') + (c.present ? '' : ' (not connected)'), c.openCases + ' / ' + c.capacity, String(c.closedToday), minutes(c.medianFirstResponseMinutes)]
          .forEach(function (t) { row.appendChild(cell(t)); });
        return row;
      });
      document.getElementById('load').replaceChildren.apply(document.getElementById('load'), rows);
    });
  }
  function liveConnection(options) {
    var c = new signalR.HubConnectionBuilder().withUrl('/console/hub', options).withAutomaticReconnect().build();
    c.on('queue', refresh);
    c.onreconnected(refresh);
    return c;
  }
  // As in console.js: WebSockets without negotiation (no sticky sessions), else a negotiated fallback.
  var connection = liveConnection({ skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets });
  connection.start().catch(function () {
    connection = liveConnection({});
    return connection.start();
  });
  setInterval(refresh, 60000);
})();
