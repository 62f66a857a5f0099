// The read-only timeline: a ruler in seconds (drag it to scrub), one row per track, one box
// per clip. Clips that overlap on a track are stacked in sub-lanes, and each overlap (a
// crossfade, say) is marked across the row. Clicking a clip jumps to its first frame.
//
// Geometry: every position is in pixels of the content box, `x(frame) = LABEL + frame * ppf`
// (pixels per frame = lane width × zoom / duration), so the playhead, the clips, the ruler and
// the in/out band all use one formula and line up at every zoom.

const LABEL = 90; // px: the track-name column (keep in step with --label in style.css)
const LANE_H = 24; // px per sub-lane
const MAX_ZOOM = 64;

// Stack clips into sub-lanes: first lane whose last clip ends at or before this start.
export function stackClips(clips) {
  const order = clips.map((c, i) => i).sort((a, b) => clips[a].start - clips[b].start || a - b);
  const ends = [];
  const lane = new Array(clips.length);
  for (const i of order) {
    let k = ends.findIndex((e) => e <= clips[i].start);
    if (k < 0) { k = ends.length; ends.push(0); }
    ends[k] = clips[i].end;
    lane[i] = k;
  }
  return { lane, lanes: Math.max(ends.length, 1) };
}

// Frame ranges where two clips of a track overlap: [{start, end, a, b, later}], `later`
// being the index of the clip that starts inside the other (its lane carries the mark).
export function overlaps(clips) {
  const out = [];
  const order = clips.map((c, i) => i).sort((a, b) => clips[a].start - clips[b].start || a - b);
  for (let i = 0; i < order.length; i++) {
    const p = clips[order[i]];
    for (let j = i + 1; j < order.length && clips[order[j]].start < p.end; j++) {
      const q = clips[order[j]];
      const end = Math.min(p.end, q.end);
      if (end > q.start) out.push({ start: q.start, end, a: p.id, b: q.id, later: order[j] });
    }
  }
  return out;
}

export class Timeline {
  constructor(root, { onSeek, onScrub, onZoom }) {
    this.root = root;
    this.content = root.querySelector("#tl-content");
    this.ruler = root.querySelector("#ruler");
    this.tracks = root.querySelector("#tracks");
    this.playhead = root.querySelector("#playhead");
    this.inout = root.querySelector("#inout");
    this.cachedBar = root.querySelector("#cached");
    this.duration = 1;
    this.fps = 30;
    this.zoom = 1;
    this.frame = 0;
    this.inPt = null;
    this.outPt = null;
    this.meta = null;
    this.onZoom = onZoom ?? (() => {});
    this.clipEls = new Map(); // "track:clip" -> element

    root.addEventListener("click", (ev) => {
      if (ev.target.closest(".ruler, .tl-zoom")) return;
      const clip = ev.target.closest(".clip");
      if (clip) { onSeek(Number(clip.dataset.start)); return; }
      if (ev.target.closest(".lane")) onSeek(this.frameAt(ev.clientX));
    });
    // Scrubbing: drag on the ruler (or the playhead's knob); half-size frames while moving.
    let dragging = false;
    const down = (ev) => {
      if (ev.button !== 0) return;
      dragging = true;
      ev.currentTarget.setPointerCapture(ev.pointerId);
      onScrub(this.frameAt(ev.clientX), false);
      ev.preventDefault();
    };
    const move = (ev) => { if (dragging) onScrub(this.frameAt(ev.clientX), false); };
    const up = (ev) => {
      if (!dragging) return;
      dragging = false;
      onScrub(this.frameAt(ev.clientX), true);
    };
    for (const el of [this.ruler, this.playhead]) {
      el.addEventListener("pointerdown", down);
      el.addEventListener("pointermove", move);
      el.addEventListener("pointerup", up);
      el.addEventListener("pointercancel", up);
    }
    root.addEventListener("wheel", (ev) => {
      if (!ev.ctrlKey) return;
      ev.preventDefault();
      this.setZoom(this.zoom * (ev.deltaY < 0 ? 1.25 : 0.8), ev.clientX);
    }, { passive: false });
    new ResizeObserver(() => this.layout()).observe(root);
  }

  // Pixels per frame at the current zoom.
  ppf() {
    const lane = Math.max(this.root.clientWidth - LABEL - 8, 50);
    return (lane * this.zoom) / this.duration;
  }

  x(frame) {
    return LABEL + frame * this.ppf();
  }

  // The frame under a viewport x: the frame whose box [x(n), x(n+1)) holds it.
  frameAt(clientX) {
    const box = this.content.getBoundingClientRect();
    const n = Math.floor((clientX - box.left - LABEL) / this.ppf());
    return Math.min(Math.max(n, 0), this.duration - 1);
  }

  setZoom(z, anchorClientX = null) {
    const zoom = Math.min(Math.max(z, 1), MAX_ZOOM);
    if (zoom === this.zoom) return;
    const rootBox = this.root.getBoundingClientRect();
    // Keep the frame under the anchor (the mouse, else the playhead) where it is on screen.
    const anchorFrame = anchorClientX === null ? this.frame : this.frameAt(anchorClientX);
    const screenX = anchorClientX === null
      ? this.x(this.frame) - this.root.scrollLeft
      : anchorClientX - rootBox.left;
    this.zoom = zoom;
    this.layout();
    this.root.scrollLeft = Math.max(this.x(anchorFrame) - screenX, 0);
    this.onZoom(zoom);
  }

  build(meta) {
    this.meta = meta;
    this.duration = Math.max(meta.duration, 1);
    this.fps = meta.fps.num / meta.fps.den;
    this.ruler.setAttribute("aria-valuemax", String(this.duration - 1));
    this.tracks.replaceChildren();
    this.clipEls.clear();
    meta.tracks.forEach((track, ti) => {
      const { lane, lanes } = stackClips(track.clips);
      const row = document.createElement("div");
      row.className = "track";
      row.style.height = `${lanes * LANE_H}px`;
      row.dataset.lanes = String(lanes);
      const name = document.createElement("span");
      name.className = "track-name";
      name.textContent = track.name;
      name.title = track.name;
      const body = document.createElement("div");
      body.className = "lane";
      row.append(name, body);
      for (const o of overlaps(track.clips)) {
        const el = document.createElement("div");
        el.className = "overlap";
        el.style.top = `${lane[o.later] * LANE_H}px`;
        el.dataset.start = String(o.start);
        el.dataset.end = String(o.end);
        el.title = `${o.a} × ${o.b}: frames ${o.start}–${o.end - 1}`;
        body.append(el);
      }
      track.clips.forEach((c, ci) => {
        const el = document.createElement("div");
        el.className = `clip kind-${c.kind}`;
        el.style.top = `${lane[ci] * LANE_H}px`;
        el.dataset.start = String(c.start);
        el.dataset.end = String(c.end);
        el.dataset.id = c.id;
        el.dataset.lane = String(lane[ci]);
        el.dataset.key = `${ti}:${ci}`;
        const label = document.createElement("span");
        label.className = "clip-label";
        label.textContent = c.id;
        el.append(label);
        el.title = `${c.id} (${c.kind} ${c.asset}): frames ${c.start}–${c.end - 1}`;
        body.append(el);
        this.clipEls.set(`${ti}:${ci}`, el);
      });
      this.tracks.append(row);
    });
    this.layout();
  }

  // Everything positioned in pixels; called on build, zoom and resize.
  layout() {
    if (!this.meta) return;
    const ppf = this.ppf();
    this.content.style.width = `${LABEL + this.duration * ppf + 8}px`;
    const px = (n) => `${n * ppf}px`;
    for (const el of this.tracks.querySelectorAll(".clip, .overlap")) {
      const a = Number(el.dataset.start);
      const b = Number(el.dataset.end);
      el.style.left = px(a);
      el.style.width = px(Math.max(b - a, 0));
    }
    this.drawRuler(ppf);
    this.cachedBar.style.width = px(this.duration);
    this.setFrame(this.frame);
    this.setInOut(this.inPt, this.outPt);
  }

  drawRuler(ppf) {
    for (const t of this.ruler.querySelectorAll(".tick")) t.remove();
    const pxPerSecond = ppf * this.fps;
    // Seconds between labels: the smallest step keeping labels ≥ 60 px apart.
    const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
    let every = steps.find((s) => s * pxPerSecond >= 60) ?? 600;
    const frameLabels = pxPerSecond >= 60 * 2 && ppf >= 12; // zoomed far in: label frames
    if (frameLabels) every = Math.max(1, Math.ceil(60 / ppf)) / this.fps;
    for (let t = 0; t * this.fps < this.duration; t += every) {
      const n = Math.round(t * this.fps);
      const tick = document.createElement("span");
      tick.className = "tick";
      tick.style.left = `${n * ppf}px`;
      tick.textContent = frameLabels ? `${n}` : `${Math.round(t)}s`;
      this.ruler.append(tick);
    }
  }

  // Frames the server has cached, as a thin bar under the ruler (one pixel per frame).
  setCached(frames) {
    const bar = this.cachedBar;
    bar.width = this.duration;
    const ctx = bar.getContext("2d");
    ctx.clearRect(0, 0, bar.width, 1);
    ctx.fillStyle = "#47c98a";
    for (const n of frames) ctx.fillRect(n, 0, 1, 1);
    bar.dataset.count = String(frames.length);
  }

  setFrame(frame) {
    this.frame = frame;
    this.playhead.style.left = `${this.x(frame)}px`;
    this.ruler.setAttribute("aria-valuenow", String(frame));
  }

  // Scroll the timeline so the playhead stays visible (while playing or stepping).
  reveal() {
    const x = this.x(this.frame);
    const left = this.root.scrollLeft + LABEL;
    const right = this.root.scrollLeft + this.root.clientWidth - 20;
    if (x < left || x > right) this.root.scrollLeft = Math.max(x - LABEL - 40, 0);
  }

  setInOut(inPt, outPt) {
    this.inPt = inPt;
    this.outPt = outPt;
    if (inPt === null && outPt === null) {
      this.inout.hidden = true;
      return;
    }
    const a = inPt ?? 0;
    const b = (outPt ?? this.duration - 1) + 1;
    this.inout.hidden = false;
    this.inout.style.left = `${this.x(a)}px`;
    this.inout.style.width = `${Math.max(b - a, 0) * this.ppf()}px`;
  }

  // Per-clip media from the server: waveform peaks on audio clips, thumbnails on video clips.
  setMedia(media) {
    for (const [key, m] of Object.entries(media.clips ?? {})) {
      const el = this.clipEls.get(key);
      if (!el) continue;
      el.querySelector(".wave, .thumbs")?.remove();
      if (m.peaks) el.prepend(waveform(m.peaks));
      if (m.thumbs?.length) el.prepend(thumbStrip(m.thumbs));
    }
  }
}

// An SVG polygon of the peaks (0..1 of full scale), stretched to the clip's box (no
// per-zoom redraw) and scaled so the loudest peak fills 90 % of the lane; `data-max` keeps
// the loudest peak in full-scale units.
function waveform(raw) {
  const max = Math.max(...raw, 0);
  const k = max > 0 ? 0.9 / max : 0;
  const peaks = raw.map((p) => p * k);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "wave");
  svg.setAttribute("viewBox", `0 0 ${peaks.length} 2`);
  svg.setAttribute("preserveAspectRatio", "none");
  const top = peaks.map((p, i) => `${i},${(1 - p).toFixed(3)} ${i + 1},${(1 - p).toFixed(3)}`);
  const bottom = peaks.map((p, i) => `${i + 1},${(1 + p).toFixed(3)} ${i},${(1 + p).toFixed(3)}`).reverse();
  const poly = document.createElementNS(ns, "polygon");
  poly.setAttribute("points", [...top, ...bottom].join(" "));
  svg.append(poly);
  svg.dataset.peaks = String(peaks.length);
  svg.dataset.max = String(max);
  return svg;
}

function thumbStrip(thumbs) {
  const strip = document.createElement("div");
  strip.className = "thumbs";
  for (const src of thumbs) {
    const img = document.createElement("img");
    img.src = src;
    img.alt = "";
    strip.append(img);
  }
  return strip;
}
