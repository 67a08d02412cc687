/// The live page at `/`: current faces with their emotion bars, the last hour's emotion share, fps and health,
/// updated from `/api/v1/events` (Server-Sent Events) and the JSON documents without reloading. One file: inline
/// CSS and script, nothing fetched from elsewhere. The annotated frame only when snapshots are allowed.
public enum LivePage {
    public static let html = """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>fer-live</title><link rel="icon" href="data:,">
    <style>
    body{font:15px/1.4 system-ui,-apple-system,"DejaVu Sans",sans-serif;margin:0;background:#10151c;color:#e8edf2}
    header{display:flex;gap:18px;align-items:baseline;padding:12px 18px;background:#19212b;flex-wrap:wrap}
    h1{font-size:20px;margin:0}h2{font-size:15px;margin:0 0 8px;color:#aab6c3;font-weight:600}
    .pill{padding:2px 10px;border-radius:10px;font-size:13px;background:#445}.ok{background:#1f7a3d}.bad{background:#a33}
    main{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:14px;padding:14px 18px}
    section{background:#19212b;border-radius:8px;padding:12px 14px}
    .face{margin:0 0 12px}.face .top{display:flex;justify-content:space-between;font-weight:600}
    .bars{display:grid;grid-template-columns:70px 1fr 40px;gap:2px 8px;font-size:12px;margin-top:4px;color:#aab6c3}
    .bar{height:10px;background:#2a3440;border-radius:3px;overflow:hidden;align-self:center}.bar>div{height:100%}
    #events{list-style:none;margin:0;padding:0;font:12px/1.5 ui-monospace,"DejaVu Sans Mono",monospace;max-height:260px;overflow:hidden}
    .muted{color:#7d8a97;font-size:13px}#snapshot{max-width:100%;border-radius:6px}
    .legend{display:flex;flex-wrap:wrap;gap:10px;font-size:12px;margin-top:6px}.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:3px}
    footer{padding:4px 18px 16px;font-size:12px;color:#7d8a97}footer a{color:#9cc3ff}
    </style></head><body>
    <header><h1>fer-live</h1><span id="status" class="pill">connecting</span>
    <span>fps <b id="fps">–</b></span><span>faces <b id="faces">0</b></span><span id="detail" class="muted"></span></header>
    <main>
    <section><h2>Faces now</h2><div id="tracks"><p class="muted">No face in view.</p></div></section>
    <section><h2>Last hour: share of face time per minute</h2><svg id="hour" viewBox="0 0 360 120" width="100%" role="img"></svg>
    <div id="legend" class="legend"></div></section>
    <section><h2>Events</h2><ul id="events"><li class="muted">waiting for events…</li></ul></section>
    <section id="snapshot-box" hidden><h2>Camera</h2><img id="snapshot" alt="annotated frame"></section>
    </main>
    <footer>Expressions, not feelings: labels say what a face shows for a moment. Endpoints:
    <a href="/healthz">/healthz</a> · <a href="/metrics">/metrics</a> · <a href="/api/v1/tracks">/api/v1/tracks</a> ·
    <a href="/api/v1/summary">/api/v1/summary</a></footer>
    <script>
    "use strict";
    const $ = (id) => document.getElementById(id);
    let colors = {};
    let snapshots = false;
    const order = ["angry","disgust","fear","happy","sad","surprise","neutral","uncertain"];
    function color(label) { return colors[label] || "#888"; }
    function el(tag, attrs, text) {
      const e = document.createElement(tag);
      for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
      if (text !== undefined) e.textContent = text;
      return e;
    }
    async function getJSON(path) {
      const r = await fetch(path, {cache: "no-store"});
      return r.json();
    }
    async function refreshTracks() {
      const doc = await getJSON("/api/v1/tracks");
      const box = $("tracks");
      box.replaceChildren();
      $("faces").textContent = doc.tracks.length;
      if (doc.tracks.length === 0) { box.append(el("p", {class: "muted"}, "No face in view.")); return; }
      for (const t of doc.tracks) {
        const face = el("div", {class: "face", "data-track": t.id});
        const top = el("div", {class: "top"});
        top.append(el("span", {}, "#" + t.id + " " + (t.emotion || "…")));
        top.append(el("span", {class: "muted"}, t.confidence != null ? Math.round(t.confidence * 100) + " %" : ""));
        face.append(top);
        if (t.probabilities) {
          const bars = el("div", {class: "bars"});
          const labels = Object.keys(t.probabilities).sort((a, b) => order.indexOf(a) - order.indexOf(b));
          for (const label of labels) {
            const p = t.probabilities[label];
            bars.append(el("span", {}, label));
            const bar = el("div", {class: "bar"});
            const fill = el("div");
            fill.style.width = (p * 100).toFixed(1) + "%";
            fill.style.background = color(label);
            bar.append(fill);
            bars.append(bar);
            bars.append(el("span", {}, Math.round(p * 100) + "%"));
          }
          face.append(bars);
        }
        box.append(face);
      }
    }
    async function refreshHealth() {
      const h = await getJSON("/healthz");
      const s = $("status");
      s.textContent = h.status;
      s.className = "pill " + (h.status === "ok" ? "ok" : "bad");
      $("detail").textContent = h.detail;
    }
    function drawHour(minutes) {
      const svg = $("hour");
      svg.replaceChildren();
      const ns = "http://www.w3.org/2000/svg";
      const w = 360 / minutes.length, h = 104;
      const seen = new Set();
      minutes.forEach((m, i) => {
        const labels = Object.keys(m.seconds).sort((a, b) => order.indexOf(a) - order.indexOf(b));
        const total = labels.reduce((s, l) => s + m.seconds[l], 0);
        let y = h;
        for (const label of labels) {
          if (total <= 0) break;
          const part = m.seconds[label] / total * h;
          y -= part;
          const r = document.createElementNS(ns, "rect");
          r.setAttribute("x", (i * w).toFixed(2)); r.setAttribute("y", y.toFixed(2));
          r.setAttribute("width", (w + 0.3).toFixed(2)); r.setAttribute("height", part.toFixed(2));
          r.setAttribute("fill", color(label));
          svg.append(r);
          seen.add(label);
        }
      });
      const axis = document.createElementNS(ns, "text");
      axis.setAttribute("x", "0"); axis.setAttribute("y", "118"); axis.setAttribute("fill", "#7d8a97");
      axis.setAttribute("font-size", "10"); axis.textContent = "60 min ago";
      const now = document.createElementNS(ns, "text");
      now.setAttribute("x", "360"); now.setAttribute("y", "118"); now.setAttribute("fill", "#7d8a97");
      now.setAttribute("font-size", "10"); now.setAttribute("text-anchor", "end"); now.textContent = "now";
      svg.append(axis, now);
      const legend = $("legend");
      legend.replaceChildren();
      for (const label of order.filter((l) => seen.has(l)).concat([...seen].filter((l) => !order.includes(l)))) {
        const item = el("span");
        const sw = el("span", {class: "sw"});
        sw.style.background = color(label);
        item.append(sw, document.createTextNode(label));
        legend.append(item);
      }
    }
    async function refreshSummary() {
      const s = await getJSON("/api/v1/summary");
      colors = s.colors;
      $("fps").textContent = s.fps == null ? "–" : s.fps.toFixed(1);
      drawHour(s.last_hour);
      snapshots = s.snapshots;
      $("snapshot-box").hidden = !snapshots;
    }
    function refreshSnapshot() {
      if (snapshots) $("snapshot").src = "/snapshot.jpg?" + Date.now();
    }
    function describe(e) {
      const time = (e.time || "").slice(11, 19);
      switch (e.type) {
        case "track_start": return time + " #" + e.track + " appeared";
        case "emotion": return time + " #" + e.track + " " + (e.previous ? e.previous + " → " : "") + e.emotion;
        case "track_end": return time + " #" + e.track + " left after " + e.dwell_seconds + " s (" + (e.dominant_emotion || "–") + ")";
        case "source": return time + " source " + e.state + ": " + e.detail;
        case "stats": return time + " " + e.fps + " fps, " + e.faces + " faces";
        default: return time + " " + e.type;
      }
    }
    let pending = null;
    function soon() {
      if (pending) return;
      pending = setTimeout(() => { pending = null; refreshTracks().catch(() => {}); }, 150);
    }
    function listen() {
      const source = new EventSource("/api/v1/events");
      source.onopen = () => { $("status").textContent === "connecting" && refreshHealth().catch(() => {}); };
      source.onmessage = (m) => {
        const e = JSON.parse(m.data);
        const list = $("events");
        if (list.firstElementChild && list.firstElementChild.classList.contains("muted")) list.replaceChildren();
        list.prepend(el("li", {"data-type": e.type}, describe(e)));
        while (list.children.length > 14) list.lastElementChild.remove();
        if (e.type !== "stats") soon();
      };
    }
    refreshSummary().then(refreshTracks).then(refreshHealth).then(refreshSnapshot).catch(() => {});
    listen();
    setInterval(() => { refreshHealth().catch(() => {}); refreshTracks().catch(() => {}); refreshSnapshot(); }, 2000);
    setInterval(() => { refreshSummary().catch(() => {}); }, 10000);
    </script></body></html>
    """
}
