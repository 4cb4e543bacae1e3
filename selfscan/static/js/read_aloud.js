/* Reads a respondent page's texts aloud with the browser's own speech synthesis.
   Only when the person presses the button; the text never leaves the browser (no request is
   made). Without speech synthesis the control stays hidden. */
(function () {
  'use strict';
  var holder = document.querySelector('.read-aloud');
  if (!holder || !window.speechSynthesis || !window.SpeechSynthesisUtterance) {
    return;
  }
  var button = holder.querySelector('button');
  var speech = window.speechSynthesis;
  var lang = document.documentElement.lang === 'en' ? 'en-GB' : 'nl-NL';
  var speaking = false;

  function show(active) {
    speaking = active;
    button.setAttribute('aria-pressed', active ? 'true' : 'false');
    button.textContent = button.getAttribute(active ? 'data-stop-label' : 'data-start-label');
  }

  function texts() {
    var parts = [];
    document.querySelectorAll('[data-read-aloud]').forEach(function (element) {
      var text = element.textContent.replace(/\s+/g, ' ').trim();
      if (text) {
        parts.push(text);
      }
    });
    return parts;
  }

  button.addEventListener('click', function () {
    speech.cancel();
    if (speaking) {
      show(false);
      return;
    }
    var parts = texts();
    parts.forEach(function (text, index) {
      var utterance = new window.SpeechSynthesisUtterance(text);
      utterance.lang = lang;
      if (index === parts.length - 1) {
        utterance.onend = function () { show(false); };
      }
      utterance.onerror = function () { show(false); };
      speech.speak(utterance);
    });
    show(parts.length > 0);
  });
  window.addEventListener('pagehide', function () { speech.cancel(); });
  holder.hidden = false;
})();
