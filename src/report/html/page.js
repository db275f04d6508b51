// The pkgwarden triage page: builds the summary, the package table and each package's
// details from the JSON in #data. Every string in that JSON was written by a package's
// author, so it reaches the page through textContent and text nodes only, never as
// markup; the page's Content-Security-Policy allows this script and nothing else.
(function () {
  'use strict';

  const data = JSON.parse(document.getElementById('data').textContent);
  const VERDICTS = ['malicious', 'suspicious', 'error', 'clean'];
  const NUMERIC = { score: true, findings: true };
  const tbody = document.querySelector('#packages tbody');
  const headers = Array.from(document.querySelectorAll('#packages th[data-key]'));
  const filter = document.getElementById('filter');
  const checks = {};
  let sortKey = null;
  let sortDir = 1;

  /** An element with a class and text (as text, never markup). */
  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  /** Appends `text` to `parent` with its `quoted` parts as <code>. */
  function withCode(parent, text) {
    text.split('`').forEach(function (part, i) {
      if (part !== '') {
        parent.appendChild(i % 2 ? el('code', null, part) : document.createTextNode(part));
      }
    });
    return parent;
  }

  function summary() {
    const s = data.summary;
    const line = document.getElementById('summary');
    const chip = function (text, kind, zero) {
      line.appendChild(el('span', 'chip chip-' + kind + (zero ? ' zero' : ''), text));
    };
    chip(s.packages + ' packages', 'total', false);
    VERDICTS.forEach(function (v) {
      chip(s[v] + ' ' + v, v, s[v] === 0);
    });
    chip(s.partial + ' partial', 'partial', s.partial === 0);
    chip(s.input_errors.length + ' input errors', 'error', s.input_errors.length === 0);
    chip(s.seconds.toFixed(2) + ' s', 'time', false);
    line.appendChild(el('span', 'tool', data.tool.name + ' ' + data.tool.version));
    if (s.stopped) {
      chip('stopped early: ' + s.packages + ' of ' + s.total + ' scanned', 'error', false);
    }
    const errors = document.getElementById('input-errors');
    s.input_errors.forEach(function (e) {
      errors.appendChild(el('li', null, 'error: ' + e));
    });
    s.skipped.forEach(function (k) {
      errors.appendChild(el('li', null, 'skipped: ' + k));
    });
    if (s.top_rules.length) {
      const top = document.getElementById('top-rules');
      top.appendChild(document.createTextNode('Top rules in flagged packages: '));
      s.top_rules.forEach(function (r, i) {
        if (i) top.appendChild(document.createTextNode(', '));
        top.appendChild(el('code', null, r[0]));
        top.appendChild(document.createTextNode(' ' + r[1]));
      });
    }
  }

  /** A table row, and what filtering and sorting need to know of it. */
  function makeRow(p, index) {
    const tr = el('tr', 'pkg');
    tr.tabIndex = 0;
    tr.dataset.id = p.id;
    tr.dataset.verdict = p.verdict;
    tr.setAttribute('aria-expanded', 'false');
    const verdict = el('td', 'verdict');
    verdict.appendChild(el('span', 'badge badge-' + p.verdict, p.verdict));
    if (p.partial) verdict.appendChild(el('span', 'badge badge-partial', 'partial'));
    tr.appendChild(verdict);
    tr.appendChild(el('td', 'num score', p.verdict === 'error' ? '—' : p.score));
    tr.appendChild(el('td', 'ecosystem', p.ecosystem));
    tr.appendChild(el('td', 'name', p.name));
    tr.appendChild(el('td', 'version', p.version));
    const rule = el('td', 'rule');
    if (p.rule) rule.appendChild(el('code', null, p.rule));
    tr.appendChild(rule);
    tr.appendChild(el('td', 'num findings', p.findings));
    tr.appendChild(el('td', 'path', p.path));
    const row = {
      p: p,
      index: index,
      tr: tr,
      detail: null,
      open: false,
      text: (p.name + '\n' + p.path + '\n' + (p.rule || '')).toLowerCase(),
    };
    tr.addEventListener('click', function () {
      // Selecting text in a row to copy it does not fold the row.
      if (String(window.getSelection()) === '') toggle(row, !row.open);
    });
    tr.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        toggle(row, !row.open);
      }
    });
    return row;
  }

  /** Opens or closes a row's details, built the first time they are opened. */
  function toggle(row, open) {
    if (open && !row.detail) {
      row.detail = detailRow(row.p);
      row.tr.after(row.detail);
    }
    row.open = open;
    row.tr.setAttribute('aria-expanded', String(open));
    if (row.detail) row.detail.hidden = !open || row.tr.hidden;
    const link = '#pkg=' + row.p.id;
    if (open) {
      setHash(link);
    } else if (location.hash === link) {
      setHash(null);
    }
  }

  /** Makes the address a deep link to the open package (or none), without scrolling. */
  function setHash(hash) {
    try {
      history.replaceState(null, '', hash || location.pathname + location.search);
    } catch (e) {
      // Some browsers refuse history changes on file:// pages; the link is a convenience.
    }
  }

  function detailRow(p) {
    const d = p.detail;
    const tr = el('tr', 'detail');
    const td = el('td');
    td.colSpan = headers.length;
    tr.appendChild(td);
    const box = el('div', 'detail-box');
    td.appendChild(box);

    const ident = el('p', 'ident');
    ident.appendChild(el('strong', null, p.name));
    if (p.version) ident.appendChild(document.createTextNode(' ' + p.version));
    ident.appendChild(document.createTextNode(' (' + p.ecosystem + ') '));
    ident.appendChild(el('span', 'path', p.path));
    box.appendChild(ident);
    if (d.sha256 || d.size !== undefined) {
      const meta = el('p', 'meta');
      if (d.sha256) {
        meta.appendChild(document.createTextNode('sha256 '));
        meta.appendChild(el('code', null, d.sha256));
      }
      if (d.size !== undefined) {
        meta.appendChild(document.createTextNode('  ' + d.size.toLocaleString('en') + ' bytes'));
      }
      box.appendChild(meta);
    }
    if (d.story) {
      const story = el('ul', 'story');
      d.story.forEach(function (line) {
        story.appendChild(withCode(el('li'), line));
      });
      box.appendChild(story);
    }
    if (d.why) {
      const w = d.why;
      const why = el('p', 'why');
      why.appendChild(document.createTextNode('why ' + p.verdict + ': '));
      why.appendChild(el('code', null, w.rule));
      why.appendChild(
        document.createTextNode(
          (w.at ? ' at ' + w.at : '') +
            ' (' + w.severity + ', ' + w.confidence + ' confidence): ' + w.policy
        )
      );
      box.appendChild(why);
    }
    list(box, 'errors', 'error: ', d.errors);
    if (d.findings) {
      box.appendChild(el('h3', null, 'Findings, worst first'));
      d.findings.forEach(function (f) {
        box.appendChild(findingBlock(f));
      });
    }
    const unlisted = p.findings - (d.findings ? d.findings.length : 0);
    if (unlisted > 0) {
      box.appendChild(
        el(
          'p',
          'unlisted',
          unlisted + ' low-severity finding(s), context only, are not listed here; ' +
            'pkgwarden scan --verbose shows them.'
        )
      );
    }
    list(box, 'notes', 'note: ', d.notes);
    return tr;
  }

  function findingBlock(f) {
    const block = el('div', 'finding');
    const head = el('div', 'finding-head');
    head.appendChild(el('span', 'sev sev-' + f.severity, f.severity));
    head.appendChild(el('code', 'rule', f.rule));
    if (data.rules[f.rule]) head.appendChild(el('span', 'rule-title', data.rules[f.rule]));
    head.appendChild(el('span', 'loc', f.at || '(package)'));
    head.appendChild(el('span', 'when', f.phase + ', ' + f.confidence + ' confidence'));
    block.appendChild(head);
    block.appendChild(withCode(el('p', 'message'), f.message));
    if (f.code) {
      const pre = el('pre', 'code');
      pre.appendChild(document.createTextNode(f.code[0]));
      if (f.code[1] !== '') pre.appendChild(el('mark', null, f.code[1]));
      pre.appendChild(document.createTextNode(f.code[2]));
      block.appendChild(pre);
    }
    return block;
  }

  function list(parent, className, prefix, items) {
    if (!items) return;
    const ul = el('ul', className);
    items.forEach(function (item) {
      ul.appendChild(el('li', null, prefix + item));
    });
    parent.appendChild(ul);
  }

  function comparator(key) {
    if (key === 'verdict') {
      return function (a, b) {
        return VERDICTS.indexOf(a.p.verdict) - VERDICTS.indexOf(b.p.verdict);
      };
    }
    if (NUMERIC[key]) {
      return function (a, b) {
        return a.p[key] - b.p[key];
      };
    }
    return function (a, b) {
      return (a.p[key] || '').localeCompare(b.p[key] || '');
    };
  }

  /** Sorts by a column; the same column again reverses. Ties keep the report's order. */
  function sortBy(key) {
    if (sortKey === key) {
      sortDir = -sortDir;
    } else {
      sortKey = key;
      sortDir = NUMERIC[key] ? -1 : 1;
    }
    const cmp = comparator(key);
    const ordered = rows.slice().sort(function (a, b) {
      return sortDir * cmp(a, b) || a.index - b.index;
    });
    headers.forEach(function (th) {
      const state = sortDir > 0 ? 'ascending' : 'descending';
      th.setAttribute('aria-sort', th.dataset.key === key ? state : 'none');
    });
    place(ordered);
  }

  function place(ordered) {
    const frag = document.createDocumentFragment();
    ordered.forEach(function (r) {
      frag.appendChild(r.tr);
      if (r.detail) frag.appendChild(r.detail);
    });
    tbody.appendChild(frag);
  }

  /** Shows the rows whose verdict is ticked and whose name, path or rule has the text. */
  function apply() {
    const q = filter.value.trim().toLowerCase();
    let shown = 0;
    rows.forEach(function (r) {
      const show = checks[r.p.verdict].checked && (q === '' || r.text.includes(q));
      r.tr.hidden = !show;
      if (r.detail) r.detail.hidden = !show || !r.open;
      if (show) shown += 1;
    });
    document.getElementById('shown').textContent = shown + ' of ' + rows.length + ' shown';
  }

  /** `#pkg=<id>` opens that package and scrolls to it. */
  function fromHash() {
    const m = /^#pkg=([0-9a-f]{12})$/.exec(location.hash);
    const row = m && rows.find(function (r) {
      return r.p.id === m[1];
    });
    if (!row) return;
    if (row.tr.hidden) {
      checks[row.p.verdict].checked = true;
      filter.value = '';
      apply();
    }
    toggle(row, true);
    const top = row.tr.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.8) row.tr.scrollIntoView({ block: 'start' });
  }

  summary();
  const rows = data.packages.map(makeRow);
  const verdicts = document.getElementById('verdicts');
  VERDICTS.forEach(function (v) {
    const label = el('label', 'verdict-toggle');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = true;
    box.value = v;
    box.addEventListener('change', apply);
    checks[v] = box;
    label.appendChild(box);
    label.appendChild(el('span', 'badge badge-' + v, v + ' ' + data.summary[v]));
    verdicts.appendChild(label);
  });
  headers.forEach(function (th) {
    const button = el('button', 'sort', th.textContent);
    button.type = 'button';
    button.addEventListener('click', function () {
      sortBy(th.dataset.key);
    });
    th.textContent = '';
    th.appendChild(button);
    th.setAttribute('aria-sort', 'none');
  });
  filter.addEventListener('input', apply);
  window.addEventListener('hashchange', fromHash);
  place(rows);
  if (rows.length === 0) {
    const empty = el('tr', 'empty');
    const td = el('td', null, 'No packages were scanned.');
    td.colSpan = headers.length;
    empty.appendChild(td);
    tbody.appendChild(empty);
  }
  apply();
  fromHash();
  document.body.dataset.ready = 'true';
})();
