/* goodwill dashboard: charts drawn with uPlot from JSON the page embeds, redrawn after
 * htmx swaps a fragment. No build step; colours from the Okabe–Ito palette, which stays
 * readable with every common kind of colour blindness. */
(function () {
  "use strict";

  var OKABE_ITO = {
    orange: "#E69F00", sky: "#56B4E9", green: "#009E73", yellow: "#F0E442",
    blue: "#0072B2", vermillion: "#D55E00", purple: "#CC79A7", black: "#000000",
    grey: "#999999"
  };
  var LEVEL_COLOURS = {
    transactional: OKABE_ITO.orange, fruitful: OKABE_ITO.sky,
    growing_together: OKABE_ITO.green, unknown: OKABE_ITO.grey
  };
  var KIND_COLOURS = {
    order: OKABE_ITO.blue, interaction: OKABE_ITO.green, complaint: OKABE_ITO.vermillion,
    invoice: OKABE_ITO.orange, payment: OKABE_ITO.sky, promise: OKABE_ITO.purple,
    quote: OKABE_ITO.black
  };

  function readJson(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    try { return JSON.parse(el.textContent || "null"); } catch (e) { return null; }
  }

  function widthOf(el) {
    return Math.max(280, Math.floor(el.clientWidth || el.parentNode.clientWidth || 600));
  }

  function clear(el) {
    if (el._uplot) { el._uplot.destroy(); el._uplot = null; }
    while (el.firstChild) { el.removeChild(el.firstChild); }
  }

  /* Points of one series, drawn as circles of their own size (uPlot's mode 2). */
  function pointPainter(sizes, outlined) {
    return function (u, seriesIdx) {
      var data = u.data[seriesIdx], xs = data[0], ys = data[1];
      var series = u.series[seriesIdx], ctx = u.ctx, ratio = uPlot.pxRatio;
      ctx.save();
      ctx.beginPath();
      ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
      ctx.clip();
      ctx.fillStyle = series._colour + "B3";
      ctx.strokeStyle = "#000000";
      for (var i = 0; i < xs.length; i++) {
        if (xs[i] == null || ys[i] == null) { continue; }
        var cx = u.valToPos(xs[i], "x", true), cy = u.valToPos(ys[i], "y", true);
        var r = (sizes[seriesIdx][i] || 3) * ratio;
        ctx.beginPath();
        ctx.arc(cx, cy, r, 0, 2 * Math.PI);
        ctx.fill();
        if (outlined[seriesIdx][i]) { ctx.lineWidth = 1.2 * ratio; ctx.stroke(); }
      }
      ctx.restore();
      return null;
    };
  }

  /* The nearest point to the cursor, within a few pixels: [series, index] or null. */
  function nearest(u, left, top, limit) {
    var best = null, bestD = limit * limit;
    for (var s = 1; s < u.data.length; s++) {
      var xs = u.data[s][0], ys = u.data[s][1];
      for (var i = 0; i < xs.length; i++) {
        if (ys[i] == null) { continue; }
        var dx = u.valToPos(xs[i], "x") - left, dy = u.valToPos(ys[i], "y") - top;
        var d = dx * dx + dy * dy;
        if (d <= bestD) { bestD = d; best = [s, i]; }
      }
    }
    return best;
  }

  function scatter(el, chart, opts) {
    clear(el);
    if (!chart || !chart.series || !chart.series.length) {
      el.textContent = el.getAttribute("data-empty") || "";
      return;
    }
    var data = [null], series = [{}], sizes = [null], outlined = [null], meta = [null];
    chart.series.forEach(function (s) {
      var colour = opts.colour(s);
      data.push([s.x, s.y]);
      sizes.push(opts.size(s));
      outlined.push(s.attention || s.x.map(function () { return false; }));
      meta.push(s);
      series.push({ label: s.label || s.kind, stroke: colour, fill: colour, _colour: colour,
                    paths: null, points: { show: false } });
    });
    var paint = pointPainter(sizes, outlined);
    series.forEach(function (s, i) { if (i > 0) { s.paths = paint; } });
    var tip = document.createElement("div");
    tip.className = "chart-tip";
    tip.setAttribute("data-testid", opts.testid + "-tip");
    tip.hidden = true;
    var u = new uPlot({
      mode: 2, width: widthOf(el), height: opts.height || 360,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: opts.scales, axes: opts.axes, series: series
    }, data, el);
    el._uplot = u;
    el.appendChild(tip);
    var hit = null;
    u.over.addEventListener("mousemove", function (ev) {
      var box = u.over.getBoundingClientRect();
      hit = nearest(u, ev.clientX - box.left, ev.clientY - box.top, 10);
      if (!hit) { tip.hidden = true; u.over.style.cursor = ""; return; }
      var s = meta[hit[0]], i = hit[1];
      tip.innerHTML = "";
      tip.appendChild(opts.tip(s, i));
      tip.style.left = (u.valToPos(s.x[i], "x") + u.over.offsetLeft + 12) + "px";
      tip.style.top = (u.valToPos(s.y[i], "y") + u.over.offsetTop - 8) + "px";
      tip.hidden = false;
      u.over.style.cursor = opts.href ? "pointer" : "";
    });
    u.over.addEventListener("click", function () {
      if (hit && opts.href) { window.location.href = opts.href(meta[hit[0]], hit[1]); }
    });
  }

  function accountLink(id, text) {
    var a = document.createElement("a");
    a.href = "/accounts/" + encodeURIComponent(id);
    a.textContent = text;
    a.setAttribute("data-testid", "chart-point-link");
    a.setAttribute("data-account-id", id);
    return a;
  }

  function drawPortfolio() {
    var el = document.getElementById("portfolio-chart");
    if (!el) { return; }
    var chart = readJson("portfolio-chart-data");
    var maxRevenue = 1;
    (chart && chart.series || []).forEach(function (s) {
      s.revenue.forEach(function (r) { if (r > maxRevenue) { maxRevenue = r; } });
    });
    scatter(el, chart, {
      testid: "portfolio-chart",
      colour: function (s) { return LEVEL_COLOURS[s.level] || OKABE_ITO.grey; },
      size: function (s) {
        return s.revenue.map(function (r) { return 2.5 + 11 * Math.sqrt(Math.max(r, 0) / maxRevenue); });
      },
      scales: { x: { time: false, distr: 3 }, y: { range: [0, 100] } },
      axes: [{ label: el.getAttribute("data-x-label") || "" },
             { label: el.getAttribute("data-y-label") || "" }],
      tip: function (s, i) {
        var box = document.createElement("span");
        box.appendChild(accountLink(s.ids[i], s.names[i] + " (" + s.ids[i] + ")"));
        box.appendChild(document.createTextNode(" · " + s.label));
        return box;
      },
      href: function (s, i) { return "/accounts/" + encodeURIComponent(s.ids[i]); }
    });
  }

  function drawHistory() {
    var el = document.getElementById("history-chart");
    var chart = readJson("account-chart-data");
    if (!el || !chart) { return; }
    clear(el);
    var h = chart.history;
    if (!h || h.x.length === 0) { el.textContent = el.getAttribute("data-empty") || ""; return; }
    var u = new uPlot({
      width: widthOf(el), height: 260,
      scales: { x: { time: true }, health: { range: [0, 100] }, value: {} },
      series: [
        {},
        { label: el.getAttribute("data-health-label"), scale: "health",
          stroke: OKABE_ITO.blue, width: 2 },
        { label: el.getAttribute("data-value-label"), scale: "value",
          stroke: OKABE_ITO.orange, width: 2, dash: [6, 4] }
      ],
      axes: [{}, { scale: "health" }, { scale: "value", side: 1, grid: { show: false } }]
    }, [h.x, h.health, h.value], el);
    el._uplot = u;
  }

  function drawTimeline() {
    var el = document.getElementById("timeline-chart");
    var t = readJson("timeline-chart-data");
    if (!el || !t) { return; }
    var names = JSON.parse(el.getAttribute("data-kind-labels") || "{}");
    t.series.forEach(function (s) {
      s.y = s.x.map(function () { return t.kinds.length - s.lane; });
      s.label = names[s.kind] || s.kind;
    });
    scatter(el, t, {
      testid: "timeline-chart", height: 200,
      colour: function (s) { return KIND_COLOURS[s.kind] || OKABE_ITO.grey; },
      size: function (s) { return s.x.map(function () { return 4; }); },
      scales: { x: { time: true }, y: { range: [0.5, t.kinds.length + 0.5] } },
      axes: [{}, { values: function (u, ticks) {
        return ticks.map(function (v) {
          var k = t.kinds[t.kinds.length - v];
          return Number.isInteger(v) && k ? (names[k] || k) : "";
        });
      }, size: 110 }],
      tip: function (s, i) {
        var span = document.createElement("span");
        span.textContent = s.label + " " + s.refs[i] + " · " + new Date(s.x[i] * 1000).toISOString().slice(0, 10);
        return span;
      }
    });
  }

  /* The language links name the address the page was loaded from; after htmx has pushed
   * a filtered, sorted or paged view, point them at that view instead. */
  function keepLanguageLinks() {
    var links = document.querySelectorAll("a[hreflang]");
    for (var i = 0; i < links.length; i++) {
      var params = new URLSearchParams(window.location.search);
      params.set("lang", links[i].getAttribute("hreflang"));
      links[i].href = window.location.pathname + "?" + params.toString();
    }
  }

  function drawAll() {
    if (typeof uPlot === "undefined") { return; }
    drawPortfolio();
    drawHistory();
    drawTimeline();
  }

  document.addEventListener("DOMContentLoaded", drawAll);
  document.addEventListener("htmx:afterSettle", drawAll);
  document.addEventListener("htmx:pushedIntoHistory", keepLanguageLinks);
  document.addEventListener("htmx:historyRestore", keepLanguageLinks);
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(drawAll, 150);
  });
  window.goodwill = { redraw: drawAll, palette: OKABE_ITO };
})();
