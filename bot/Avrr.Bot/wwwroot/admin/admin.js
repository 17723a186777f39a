// Confirmation for buttons that change what migrants see; no inline script (the admin CSP forbids it).
document.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-confirm]');
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
