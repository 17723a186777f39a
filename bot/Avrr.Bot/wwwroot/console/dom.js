// The one way the console puts text into the page: as text (textContent), never as HTML.
var AvrrDom = (function () {
  'use strict';

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  return { el: el };
})();
