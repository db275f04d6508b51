// Test harness for the HTML page, inserted by tests/all/html_report.rs into a copy of the
// page before the page's own script (its hash added to the copy's CSP). It records
// errors, console.error calls and CSP violations from the start, then, after load, drives
// the page as a reviewer would and writes what it saw as JSON into <pre id=harness-result>.
// It is inserted inside a <script> element, so it never spells that element's end tag.
(function () {
  'use strict';
  var errors = [];
  var violations = [];
  window.addEventListener('error', function (e) {
    errors.push('error: ' + e.message);
  });
  document.addEventListener('securitypolicyviolation', function (e) {
    violations.push(e.violatedDirective + ' ' + e.blockedURI);
  });
  var consoleError = console.error;
  console.error = function () {
    errors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
    consoleError.apply(console, arguments);
  };
  // Tells the test that this browser's console reaches its stderr.
  console.log('pkgwarden-harness-alive');

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll('#packages tbody tr.pkg'));
  }
  function visible() {
    return rows().filter(function (tr) {
      return !tr.hidden;
    });
  }
  function scores() {
    return rows().map(function (tr) {
      return tr.querySelector('td.score').textContent;
    });
  }
  function setFilter(text) {
    var box = document.getElementById('filter');
    box.value = text;
    box.dispatchEvent(new Event('input'));
  }

  function run(c) {
    c.ready = document.body.dataset.ready === 'true';
    c.rows = rows().length;
    c.open_on_load = rows()
      .filter(function (tr) {
        return tr.getAttribute('aria-expanded') === 'true';
      })
      .map(function (tr) {
        return tr.dataset.id;
      });
    c.default_verdicts = rows().map(function (tr) {
      return tr.dataset.verdict;
    });
    c.names = rows().map(function (tr) {
      return tr.querySelector('td.name').textContent;
    });

    var score = document.querySelector('th[data-key="score"] button');
    score.click();
    c.scores_first_click = scores();
    score.click();
    c.scores_second_click = scores();

    setFilter('LIBPESHNX');
    c.filtered_names = visible().map(function (tr) {
      return tr.querySelector('td.name').textContent;
    });
    setFilter('');

    var clean = document.querySelector('#verdicts input[value="clean"]');
    clean.click();
    c.verdicts_without_clean = visible().map(function (tr) {
      return tr.dataset.verdict;
    });
    clean.click();
    c.visible_after_recheck = visible().length;

    var target = rows().filter(function (tr) {
      return tr.querySelector('td.name').textContent === 'libpeshnx';
    })[0];
    target.click();
    var detail = target.nextElementSibling;
    c.target_id = target.dataset.id;
    c.target_expanded = target.getAttribute('aria-expanded');
    c.detail_visible =
      !!detail && detail.classList.contains('detail') && !detail.hidden &&
      detail.getBoundingClientRect().height > 0;
    c.story = detail
      ? Array.prototype.map.call(detail.querySelectorAll('.story li'), function (li) {
          return li.innerText;
        })
      : [];
    c.marks = detail ? detail.querySelectorAll('pre.code mark').length : 0;
    c.hash = location.hash;

    // Every package open: all of the hostile package's text is now in the page.
    rows().forEach(function (tr) {
      if (tr.getAttribute('aria-expanded') !== 'true') tr.click();
    });
    c.pwned = typeof window.__pwned;
    c.injected_elements = document.querySelectorAll(
      'img, [onerror], iframe, object, embed, textarea, link, base, form'
    ).length;
    c.scripts = document.scripts.length;
    c.hostile_text_shown = document.body.textContent.indexOf('<script>window.__pwned=1<\/script>') >= 0;
  }

  window.addEventListener('load', function () {
    var result = { errors: errors, violations: violations, checks: {} };
    try {
      run(result.checks);
    } catch (e) {
      errors.push('harness: ' + e);
    }
    // Violation events are queued tasks: let those the checks caused arrive first.
    setTimeout(function () {
      var pre = document.createElement('pre');
      pre.id = 'harness-result';
      pre.textContent = JSON.stringify(result);
      document.body.appendChild(pre);
    }, 200);
  });
})();
