// The case summary as the counsellor reads it: machine values already labelled by the server, always as text.
var AvrrSummary = (function () {
  'use strict';

  var el = AvrrDom.el;

  function time(iso) { return new Date(iso).toLocaleString(); }

  function section(title) { var s = el('section'); s.appendChild(el('h3', title)); return s; }

  function table(headers, rows) {
    var t = el('table');
    var head = el('tr');
    headers.forEach(function (h) { head.appendChild(el('th', h)); });
    var thead = el('thead'); thead.appendChild(head); t.appendChild(thead);
    var tbody = el('tbody');
    rows.forEach(function (cells) {
      var row = el('tr');
      cells.forEach(function (c) { var td = el('td', c); td.setAttribute('dir', 'auto'); row.appendChild(td); });
      tbody.appendChild(row);
    });
    t.appendChild(tbody);
    return t;
  }

  function render(box, data) {
    var s = data.summary;
    var parts = [el('h3', 'Case summary')];
    var facts = section('Request');
    var lines = [
      'Reason: ' + (data.reason || ''),
      'Urgency: ' + data.urgency,
      'Consent: ' + (s.consent ? (s.consent.given ? 'given' : 'declined') + (s.consent.at ? ' on ' + time(s.consent.at) : '') + (s.consent.version ? ' (notice ' + s.consent.version.slice(0, 8) + ')' : '') : 'not asked'),
      'Programme: ' + (s.programmeName || s.programme || 'not known'),
      'Content version: ' + (s.contentVersion || '?')
    ];
    lines.forEach(function (line) { facts.appendChild(el('p', line)); });
    parts.push(facts);
    if (s.flags.length) {
      var flags = section('Safety flags');
      flags.className = 'flags';
      s.flags.forEach(function (f) {
        var p = el('p');
        p.appendChild(el('strong', f.category));
        if (f.at) { p.appendChild(el('span', ' · ' + time(f.at))); }
        if (f.message) { var q = el('q', f.message); q.setAttribute('dir', 'auto'); p.appendChild(el('br')); p.appendChild(q); }
        else { p.appendChild(el('span', ' · the message was not kept (no consent)')); }
        flags.appendChild(p);
      });
      parts.push(flags);
    }
    if (s.preScreen) {
      var pre = section('Pre-screen: ' + s.preScreen.outcome + ' (' + s.preScreen.programmeName + ')');
      pre.appendChild(el('p', 'Not a decision: the rules that fired, from content version ' + s.preScreen.contentVersion + '.'));
      pre.appendChild(table(['Rule', 'Effect', 'Reason', 'Source', 'Verified'], s.preScreen.findings.map(function (f) { return [f.rule, f.effect, f.reason, f.source || '', f.lastVerified || '']; })));
      parts.push(pre);
    }
    if (s.answers.length) {
      var answers = section('Answers');
      answers.appendChild(table(['Question', 'Answer', 'In their words'], s.answers.map(function (a) { return [a.questionLabel, a.answerLabel, a.words || '']; })));
      parts.push(answers);
    }
    if (s.openQuestions.length) {
      var open = section('Not answered yet');
      s.openQuestions.forEach(function (q) { open.appendChild(el('p', q.label)); });
      parts.push(open);
    }
    box.replaceChildren.apply(box, parts);
  }

  return { render: render };
})();
