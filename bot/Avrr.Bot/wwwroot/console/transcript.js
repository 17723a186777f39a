// How one transcript entry reads in the console: its delivery tick and its machine translation. Pure DOM, always
// text (textContent), never HTML.
var AvrrTranscript = (function () {
  'use strict';

  var el = AvrrDom.el;

  function tick(delivery) {
    return { queued: '· queued', sent: '✓ sent', delivered: '✓✓ delivered', read: '✓✓ read', held: '⏸ held until the person writes', failed: '⚠ not delivered' }[delivery] || delivery;
  }

  // Machine translation beside the original, always marked as such; the person's words stay what they wrote.
  function translation(item, text, entry, personLanguage) {
    var t = entry.translation;
    if (!t || t.status === 'none') { return; }
    if (t.status === 'translated') {
      text.classList.add('original');
      text.setAttribute('lang', personLanguage || '');
      var translated = el('p', t.text, 'translation');
      translated.setAttribute('dir', 'auto');
      translated.setAttribute('lang', t.language);
      item.insertBefore(el('span', 'Automatic translation (' + t.language + '):', 'mt-label'), text);
      item.insertBefore(translated, text);
      item.insertBefore(el('span', 'Original:', 'mt-label'), text);
    } else if (t.status === 'original') {
      var mine = el('p', t.text, 'translation');
      mine.setAttribute('dir', 'auto');
      item.insertBefore(el('span', 'You wrote:', 'mt-label'), text);
      item.insertBefore(mine, text);
      item.insertBefore(el('span', 'Sent as automatic translation:', 'mt-label'), text);
    } else {
      item.appendChild(el('span', (entry.from === 'person' ? 'Not translated' : 'Sent as written, not translated') + (t.note ? ': ' + t.note : ''), 'mt-label mt-missing'));
    }
  }

  return { tick: tick, translation: translation };
})();
