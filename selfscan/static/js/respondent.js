/* Saves a principle page as the person answers, so nothing is lost when they leave.
   Without JavaScript the page's buttons save it; this only adds saving in between. */
(function () {
  'use strict';
  var form = document.querySelector('form[data-autosave-url]');
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var status = document.getElementById('autosave-status');
  var progressText = document.getElementById('progress-text');
  var progressBar = document.getElementById('progress-bar');
  var timer = null;
  var busy = false;
  var again = false;

  function show(message) {
    if (status) {
      status.textContent = message;
    }
  }

  function save() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    var data = new FormData(form);
    data.delete('action');
    fetch(form.getAttribute('data-autosave-url'), {
      method: 'POST',
      body: data,
      credentials: 'same-origin',
      headers: { 'Accept': 'application/json', 'X-CSRFToken': data.get('csrf_token') || '' }
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        }, function () {
          return { ok: false, body: {} };
        });
      })
      .then(function (result) {
        if (result.ok && result.body.saved) {
          show(result.body.message);
          if (progressText) {
            progressText.textContent = result.body.progress_text;
          }
          if (progressBar) {
            progressBar.value = result.body.answered;
            progressBar.textContent = result.body.progress_text;
          }
        } else {
          show(result.body.message || form.getAttribute('data-failed-message'));
        }
      })
      .catch(function () {
        show(form.getAttribute('data-failed-message'));
      })
      .then(function () {
        busy = false;
        if (again) {
          again = false;
          save();
        }
      });
  }

  function later(delay) {
    if (leaving) {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  // Leaving through a button saves the page itself: drop a save that is still waiting, and
  // let one already under way finish first, so that it cannot land after the page's own save.
  var leaving = false;
  form.addEventListener('submit', function (event) {
    window.clearTimeout(timer);
    again = false;
    if (!busy || leaving) {
      return;
    }
    event.preventDefault();
    leaving = true;
    var submitter = event.submitter;
    var waited = 0;
    var wait = window.setInterval(function () {
      waited += 50;
      if (!busy || waited >= 5000) {
        window.clearInterval(wait);
        if (form.requestSubmit) {
          form.requestSubmit(submitter || undefined);
        } else {
          form.submit();
        }
      }
    }, 50);
  });
  form.addEventListener('change', function () { later(250); });
  form.addEventListener('input', function (event) {
    if (event.target && event.target.tagName === 'TEXTAREA') {
      later(1500);
    }
  });
})();
