/* timeline.html: filters, labels, range buttons and the table, in the page itself.
 *
 * The events come from the figure (layout.meta.events, plain data); every
 * text is written with textContent or compared as a string, never parsed as
 * markup.  Nothing is loaded from the network.
 */
(function () {
  'use strict';
  var DAY = 86400000;
  var gd = document.getElementById('timeline-figure');
  if (!gd) { return; }

  function ready() {
    if (gd._fullLayout && gd.on && gd.data) { init(); } else { setTimeout(ready, 40); }
  }

  function init() {
    var data = document.getElementById('tl-events');
    var records = data ? JSON.parse(data.textContent) : [];
    var byId = {};
    records.forEach(function (r) { byId[r.id] = r; });
    var original = gd.data.map(function (t) {
      var m = t.marker || {};
      return {
        ids: (t.customdata || []).slice(), x: (t.x || []).slice(), y: (t.y || []).slice(),
        base: t.base ? t.base.slice() : null, hovertext: (t.hovertext || []).slice(),
        width: Array.isArray(t.width) ? t.width.slice() : null,
        size: Array.isArray(m.size) ? m.size.slice() : null,
        opacity: Array.isArray(m.opacity) ? m.opacity.slice() : null
      };
    });
    var search = document.getElementById('tl-search');
    var actor = document.getElementById('tl-actor');
    var outlet = document.getElementById('tl-outlet');
    var dateSource = document.getElementById('tl-date-source');
    var count = document.getElementById('tl-count');
    var table = document.getElementById('tl-table');
    var kept = null;  // null: everything shown

    function matches(r) {
      var words = (search && search.value || '').toLowerCase().split(/\s+/).filter(Boolean);
      for (var i = 0; i < words.length; i++) {
        if (r.search.indexOf(words[i]) < 0) { return false; }
      }
      if (actor && actor.value && r.actors.indexOf(actor.value) < 0) { return false; }
      if (outlet && outlet.value && r.outlets.indexOf(outlet.value) < 0) { return false; }
      if (dateSource && dateSource.value && r.date_source !== dateSource.value) { return false; }
      return true;
    }

    function pick(list, idx) { return list ? idx.map(function (i) { return list[i]; }) : undefined; }

    function apply() {
      var active = (search && search.value.trim()) || (actor && actor.value) ||
        (outlet && outlet.value) || (dateSource && dateSource.value);
      kept = null;
      if (active) {
        kept = {};
        records.forEach(function (r) { if (matches(r)) { kept[r.id] = true; } });
      }
      var update = { x: [], y: [], base: [], customdata: [], hovertext: [], width: [],
        'marker.size': [], 'marker.opacity': [] };
      original.forEach(function (o) {
        var idx = [];
        o.ids.forEach(function (id, i) { if (!kept || kept[id]) { idx.push(i); } });
        update.x.push(pick(o.x, idx)); update.y.push(pick(o.y, idx));
        update.base.push(pick(o.base, idx)); update.customdata.push(pick(o.ids, idx));
        update.hovertext.push(pick(o.hovertext, idx)); update.width.push(pick(o.width, idx));
        update['marker.size'].push(pick(o.size, idx));
        update['marker.opacity'].push(pick(o.opacity, idx));
      });
      var labels = {};
      (gd.layout.annotations || []).forEach(function (a, i) {
        var name = String(a.name || '');
        if (name.indexOf('label:') === 0) {
          labels['annotations[' + i + '].visible'] = !kept || !!kept[name.slice(6)];
        }
      });
      Plotly.restyle(gd, update).then(function () { return Plotly.relayout(gd, labels); });
      var n = 0;
      if (table) {
        table.querySelectorAll('tbody tr').forEach(function (row) {
          var show = !kept || !!kept[row.getAttribute('data-id')];
          row.hidden = !show;
          if (show) { n++; }
        });
      }
      if (count) {
        count.textContent = kept ? n + ' of ' + records.length + ' events' : records.length + ' events';
      }
    }

    // the range buttons: with a filter in effect, the window goes where the
    // events still shown are densest (without one, the figure's own windows do)
    var WINDOWS = { '1w': 7, '1m': 31, '3m': 92, '1y': 366, '10y': 3653 };
    gd.on('plotly_buttonclicked', function (ev) {
      var days = WINDOWS[ev.button && ev.button.label];
      if (!kept || !days) { return; }
      var mids = records.filter(function (r) { return kept[r.id]; }).map(function (r) {
        return (Date.parse(r.start) + Date.parse(r.end) + DAY) / 2;
      }).sort(function (a, b) { return a - b; });
      if (!mids.length) { return; }
      var best = 0, bestI = 0, j = 0;
      for (var i = 0; i < mids.length; i++) {
        while (j < mids.length && mids[j] - mids[i] <= days * 0.9 * DAY) { j++; }
        if (j - i > best) { best = j - i; bestI = i; }
      }
      var centre = (mids[bestI] + mids[bestI + best - 1]) / 2;
      Plotly.relayout(gd, { 'xaxis.range': [new Date(centre - days * DAY / 2).toISOString(),
        new Date(centre + days * DAY / 2).toISOString()] });
    });

    // labels: hide one whose drawn box meets a label of higher rank
    function meets(a, b) {
      return !(a.right + 1 <= b.left || b.right + 1 <= a.left ||
               a.bottom + 1 <= b.top || b.bottom + 1 <= a.top);
    }
    function cull() {
      var anns = gd.layout.annotations || [];
      var boxes = [];
      var drawn = Array.prototype.slice.call(gd.querySelectorAll('.annotation'));
      drawn.sort(function (a, b) { return a.getAttribute('data-index') - b.getAttribute('data-index'); });
      drawn.forEach(function (el) {
        var a = anns[+el.getAttribute('data-index')];
        if (!a || String(a.name || '').indexOf('label:') !== 0) { return; }
        el.style.visibility = '';
        var box = el.getBoundingClientRect();
        if (!box.width) { return; }
        if (boxes.some(function (b) { return meets(b, box); })) {
          el.style.visibility = 'hidden';
        } else {
          boxes.push(box);
        }
      });
    }
    gd.on('plotly_afterplot', cull);
    cull();

    // a click on a mark brings its row of the table into view
    gd.on('plotly_click', function (ev) {
      var id = ev.points && ev.points[0] && ev.points[0].customdata;
      if (!table || !id) { return; }
      table.querySelectorAll('tr.tl-current').forEach(function (r) { r.classList.remove('tl-current'); });
      var rows = table.querySelectorAll('tbody tr');
      for (var i = 0; i < rows.length; i++) {
        if (rows[i].getAttribute('data-id') === String(id)) {
          rows[i].classList.add('tl-current');
          rows[i].scrollIntoView({ block: 'nearest' });
          rows[i].focus({ preventScroll: true });
          break;
        }
      }
    });

    // sorting the table by its header buttons
    if (table) {
      table.querySelectorAll('thead button').forEach(function (button) {
        button.addEventListener('click', function () {
          var key = button.getAttribute('data-key');
          var th = button.parentNode;
          var down = th.getAttribute('aria-sort') === 'ascending';
          table.querySelectorAll('thead th').forEach(function (h) { h.removeAttribute('aria-sort'); });
          th.setAttribute('aria-sort', down ? 'descending' : 'ascending');
          var numeric = ['n_sources', 'n_docs', 'confidence'].indexOf(key) >= 0;
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var x = a.getAttribute('data-' + key), y = b.getAttribute('data-' + key);
            var c = numeric ? parseFloat(x) - parseFloat(y) : (x < y ? -1 : x > y ? 1 : 0);
            return down ? -c : c;
          });
          rows.forEach(function (r) { body.appendChild(r); });
        });
      });
    }

    [search, actor, outlet, dateSource].forEach(function (el) {
      if (el) { el.addEventListener(el === search ? 'input' : 'change', apply); }
    });
    var reset = document.getElementById('tl-reset');
    if (reset) {
      reset.addEventListener('click', function () {
        [search, actor, outlet, dateSource].forEach(function (el) { if (el) { el.value = ''; } });
        apply();
      });
    }
    gd.setAttribute('data-tl-ready', '1');
  }

  ready();
}());
