// Drives the official botframework-directlinejs client against the bot and prints one JSON line of what it saw.
// Usage: node directline-client.js <domain> <token> <websocket|polling> <basic|reconnect> [timeoutMs]
'use strict';
global.XMLHttpRequest = require('xhr2');
// Every request the client makes and how it ended, so a failure says which call went wrong.
const requests = [];
const originalOpen = global.XMLHttpRequest.prototype.open;
global.XMLHttpRequest.prototype.open = function (method, url) {
  const entry = { method, url: String(url).replace(/^.*\/v3\/directline/, '').replace(/t=[^&]*/, 't=…'), at: Date.now() };
  requests.push(entry);
  this.addEventListener('loadend', () => { entry.status = this.status; entry.ms = Date.now() - entry.at; });
  return originalOpen.apply(this, arguments);
};
const WebSocket = require('ws');
const [domain, token, mode, scenario, timeoutArg] = process.argv.slice(2);
if (mode === 'websocket') {
  // directlinejs checks the global before it uses its WebSocket option (the Direct Line 3.0 API reference).
  global.WebSocket = WebSocket;
}
const { DirectLine, ConnectionStatus } = require('botframework-directlinejs');

const timeoutMs = Number(timeoutArg || 30000);
const seen = [];
const statuses = [];
let finished = false;

function finish(result) {
  if (finished) { return; }
  finished = true;
  process.stdout.write(JSON.stringify({ ...result, seen, statuses, requests: result.ok ? undefined : requests }) + '\n');
  setTimeout(() => process.exit(0), 50);
}

const directLine = new DirectLine({ token, domain, webSocket: mode === 'websocket', pollingInterval: 300, WebSocket });
directLine.connectionStatus$.subscribe((s) => statuses.push(ConnectionStatus[s]));

let postedId = null;
let readyAnnounced = false;
directLine.activity$.subscribe((activity) => {
  seen.push({ id: activity.id, role: activity.from && activity.from.role, text: activity.text, replyToId: activity.replyToId });
  const replies = seen.filter((a) => a.role === 'bot');
  if (scenario === 'basic' && postedId && replies.some((r) => r.replyToId === postedId) && seen.some((a) => a.id === postedId)) {
    finish({ ok: true, postedId });
  }
  if (scenario === 'reconnect') {
    if (!readyAnnounced && replies.length >= 1) {
      readyAnnounced = true;
      // Tells the test to restart the server and post more while this client is disconnected.
      process.stdout.write('READY\n');
    }
    if (replies.some((r) => (r.text || '').endsWith(': missed while away'))) {
      finish({ ok: true, postedId });
    }
  }
});

directLine.postActivity({ type: 'message', text: 'hello', from: { id: 'ignored', name: 'tester' } }).subscribe(
  (id) => { postedId = id; },
  (error) => finish({ ok: false, error: String(error && error.message || error) }));

setTimeout(() => finish({ ok: false, error: 'timeout' }), timeoutMs);
