// The urgent-case alert sound. Browsers allow audio only after a click in the page, so the console asks for one
// (the "Turn on alert sound" button); from then on the sound plays even when the tab has focus.
var AvrrSound = (function () {
  'use strict';
  var audio = null;

  function beep() {
    if (!audio) { return; }
    if (audio.state === 'suspended') { audio.resume(); }
    [0, 0.25].forEach(function (start) {
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime + start);
      gain.gain.exponentialRampToValueAtTime(0.3, audio.currentTime + start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + start + 0.2);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(audio.currentTime + start);
      oscillator.stop(audio.currentTime + start + 0.22);
    });
  }

  function toggle(button) {
    var on = button.getAttribute('aria-pressed') !== 'true';
    if (on) {
      // Created inside the click: browsers allow audio from then on in this page.
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      audio.resume();
      beep();
    }
    button.setAttribute('aria-pressed', on ? 'true' : 'false');
    button.textContent = on ? 'Alert sound on' : 'Turn on alert sound';
    if (!on && audio) { audio.suspend(); audio = null; }
  }

  return { beep: beep, toggle: toggle };
})();
