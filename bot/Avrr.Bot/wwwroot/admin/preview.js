// A preview conversation against a draft: the server runs one turn per request and returns the state, which stays
// here (nothing is stored). Text is inserted with textContent only.
(() => {
  const log = document.getElementById('preview');
  const draft = log.dataset.draft;
  const token = log.dataset.token;
  const input = document.getElementById('preview-input');
  const language = document.getElementById('preview-language');
  let state = null;

  function bubble(text, who, dir) {
    const div = document.createElement('div');
    div.className = who;
    div.textContent = text;
    if (dir) div.dir = dir;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  async function turn(text, value) {
    const response = await fetch(`/admin/drafts/${draft}/preview`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'RequestVerificationToken': token },
      body: JSON.stringify({ state, text, value, locale: language.value }),
    });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      bubble(problem.detail || `The preview failed (${response.status}).`, 'bot error');
      return;
    }
    const result = await response.json();
    state = result.state;
    for (const reply of result.replies) {
      const div = bubble(reply.text, 'bot', reply.rightToLeft ? 'rtl' : 'ltr');
      div.lang = reply.language;
      if (reply.choices.length > 0) {
        const choices = document.createElement('div');
        choices.className = 'choices';
        for (const choice of reply.choices) {
          const button = document.createElement('button');
          button.type = 'button';
          button.textContent = choice.title;
          button.addEventListener('click', () => { bubble(choice.title, 'user'); turn(choice.title, choice.value); });
          choices.appendChild(button);
        }
        div.appendChild(choices);
      }
    }
    for (const signal of result.signals) {
      bubble(`(the real bot would now: ${signal})`, 'bot');
    }
  }

  document.getElementById('preview-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    bubble(text, 'user');
    turn(text, null);
  });
  document.getElementById('preview-start').addEventListener('submit', (event) => {
    event.preventDefault();
    state = null;
    log.replaceChildren();
    turn(null, null);
  });
  turn(null, null);
})();
