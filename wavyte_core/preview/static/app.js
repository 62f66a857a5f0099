// The studio page: state, transport, keyboard, events from the server.
import { AudioTrack } from "./audio.js";
import { FrameClient, droppedBetween, playStep } from "./frames.js";
import { showPanel } from "./panel.js";
import { Timeline } from "./timeline.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
// The view lives in the URL hash (a refresh keeps it): #f=FRAME&exact=1&zoom=fit|0.5|1|2&tz=Z
const hashParams = () => new URLSearchParams(location.hash.slice(1));
const initial = hashParams();

const S = {
  meta: null, // the last `reload` event
  rev: 0,
  frame: initialFrame(),
  zoom: ["fit", "0.5", "1", "2"].includes(initial.get("zoom")) ? initial.get("zoom") : "fit",
  playing: false,
  rate: 1,
  loop: false,
  inPt: null,
  outPt: null,
  dragging: false,
  playStart: 0, // frame at which the clock started
  clock: null, // () => seconds of timeline since playStart
  shown: [], // paint times while playing (real fps)
  lastShown: -1,
  dropped: 0,
  frameError: null,
  compError: null,
};

function initialFrame() {
  const n = Number(hashParams().get("f"));
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

const canvas = $("view");
const frames = new FrameClient(canvas, onPaint, onFrameError);
frames.lossless = params.get("lossless") === "1" || initial.get("exact") === "1";
const audio = new AudioTrack();
const timeline = new Timeline($("timeline"), {
  onSeek: (n) => { pause(); seek(n); },
  onScrub: (n, done) => {
    S.dragging = !done;
    pause();
    seek(n, done ? 1 : 0.5);
  },
  onZoom: () => showPosition(),
});
const tz = Number(initial.get("tz"));
if (tz > 1) timeline.zoom = Math.min(tz, 64);

// ---------------------------------------------------------------- helpers

const fps = () => S.meta.fps.num / S.meta.fps.den;
const lastFrame = () => S.meta.duration - 1;
const clamp = (n) => Math.min(Math.max(Math.round(n), 0), lastFrame());
const rangeLo = () => (S.inPt ?? 0);
const rangeHi = () => (S.outPt ?? lastFrame());

function timecode(n) {
  const r = Math.max(1, Math.round(fps()));
  const ff = n % r;
  const total = Math.floor(n / r);
  const pad = (v) => String(v).padStart(2, "0");
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}:${pad(ff)}`;
}

function setPressed(id, on) {
  $(id).setAttribute("aria-pressed", on ? "true" : "false");
}

let hashTimer = 0;
function showPosition() {
  const n = S.frame;
  if (document.activeElement !== $("goto")) $("goto").value = String(n);
  $("timecode").textContent = timecode(n);
  timeline.setFrame(n);
  if (S.playing || !S.dragging) timeline.reveal();
  $("still").href = `/still/${S.rev}/${n}`;
  if (!hashTimer) {
    // The URL keeps the view (a refresh returns to it); at most 4 updates/s in play.
    hashTimer = setTimeout(() => {
      hashTimer = 0;
      history.replaceState(null, "", `${location.search}#${viewHash()}`);
    }, S.playing ? 250 : 0);
  }
}

function viewHash() {
  const h = new URLSearchParams();
  h.set("f", String(S.frame));
  if (frames.lossless) h.set("exact", "1");
  if (S.zoom !== "fit") h.set("zoom", S.zoom);
  if (timeline.zoom > 1) h.set("tz", String(Math.round(timeline.zoom * 100) / 100));
  return h.toString();
}

function showError() {
  const msg = S.compError ?? S.frameError;
  $("error").hidden = !msg;
  $("error-text").textContent = msg ?? "";
  // Nothing was ever drawn when the composition is broken from the start: no frame to keep.
  $("error-hint").textContent = S.meta
    ? "Showing the last good frame. Fix the file and it reloads."
    : "Nothing loaded yet. Fix the file and it loads.";
  document.body.dataset.error = msg ? "1" : "";
}

// ------------------------------------------------------------------ frames

function onPaint(n, scale, rev) {
  if (S.frameError) { S.frameError = null; showError(); }
  document.body.dataset.ready = "1";
  if (S.playing) {
    const now = performance.now();
    S.shown.push(now);
    while (S.shown.length && now - S.shown[0] > 1000) S.shown.shift();
    S.dropped += droppedBetween(S.lastShown, n, playStep(S.rate));
    S.lastShown = n;
  }
}

function onFrameError(err, n) {
  if (err.status === 409) { refreshState(); return; }
  S.frameError = err.message.startsWith("frame") ? err.message : `frame ${n}: ${err.message}`;
  showError();
}

function seek(n, scale = 1) {
  if (!S.meta) return;
  S.frame = clamp(n);
  showPosition();
  if (!S.playing) frames.seek(S.frame, scale);
  else restartClock();
}

// ---------------------------------------------------------------- playback

// Restart the play clock at the current frame. `keep`: the frames already buffered or
// requested ahead stay (the audio clock taking over must not cancel them).
function restartClock(keep = false) {
  S.playStart = S.frame;
  S.lastShown = -1;
  if (keep) frames.dropOutside(S.frame, rangeHi(), playStep(S.rate), S.frame);
  else frames.clearPlayback();
  const t0 = performance.now();
  S.clock = audio.start(S.frame / fps(), S.rate) ?? (() => ((performance.now() - t0) / 1000) * S.rate);
}

function play() {
  if (!S.meta || S.playing) return;
  if (S.frame >= rangeHi()) S.frame = rangeLo();
  S.playing = true;
  S.shown = [];
  S.dropped = 0;
  setPlayIcon(true);
  document.body.dataset.playing = "1";
  const ready = audio.load(S.rev);
  restartClock();
  if (ready) ready.then(() => { if (S.playing && !audio.source) restartClock(true); });
  requestAnimationFrame(tick);
}

function pause() {
  if (!S.playing) return;
  S.playing = false;
  audio.stop();
  frames.clearPlayback();
  setPlayIcon(false);
  $("fps").textContent = "paused";
  document.body.dataset.playing = "";
  frames.seek(S.frame, 1);
  showPosition();
}

function tick() {
  if (!S.playing) return;
  const hi = rangeHi();
  let target = S.playStart + Math.floor(S.clock() * fps() + 1e-6);
  if (target > hi) {
    if (S.loop) {
      S.frame = rangeLo();
      restartClock();
      target = S.frame;
    } else {
      S.frame = hi;
      pause();
      return;
    }
  }
  const painted = frames.playTick(target, hi, fps(), S.rate, S.playStart);
  if (painted >= 0) {
    S.frame = painted;
    showPosition();
  }
  $("fps").textContent = `${S.shown.length} fps of ${fps().toFixed(fps() % 1 ? 2 : 0)}` +
    (S.dropped ? `, ${S.dropped} dropped` : "");
  requestAnimationFrame(tick);
}

// ------------------------------------------------------------- server events

function applyState(ev) {
  const first = !S.meta;
  const revChanged = ev.rev !== S.rev;
  S.meta = ev;
  S.rev = ev.rev;
  $("label").textContent = ev.label;
  $("meta").textContent = `${ev.width}×${ev.height} · ${fps().toFixed(fps() % 1 ? 3 : 0)} fps · ` +
    `${ev.duration} frames · rev ${ev.rev}`;
  $("total").textContent = String(lastFrame());
  $("goto").max = String(lastFrame());
  $("goto").disabled = false;
  if (first && ev.transparent) { $("stage").classList.add("checker"); setPressed("checker", true); }
  if (S.inPt !== null && S.inPt > lastFrame()) S.inPt = null;
  if (S.outPt !== null && S.outPt > lastFrame()) S.outPt = null;
  timeline.build(ev);
  timeline.setInOut(S.inPt, S.outPt);
  if (revChanged || first) loadMedia(ev.rev);
  S.compError = ev.error ? ev.error.message : null;
  showError();
  showRender(ev.render);
  if (revChanged || first) {
    frames.setRevision(ev.rev, ev.width, ev.height);
    sizeCanvas();
    S.frame = clamp(S.frame);
    showPosition();
    if (S.playing) {
      const ready = audio.load(ev.rev);
      restartClock();
      if (ready) ready.then(() => { if (S.playing && !audio.source) restartClock(true); });
    } else {
      frames.seek(S.frame, 1);
    }
  }
}

function onEvent(ev) {
  if (ev.type === "reload") applyState(ev);
  else if (ev.type === "error") { S.compError = ev.message; showError(); }
  else if (ev.type === "render") showRender(ev);
}

async function refreshState() {
  const res = await fetch("/api/state", { cache: "no-store" });
  if (res.ok) onEvent(await res.json());
}

let socket = null;
function connect() {
  socket = new WebSocket(`ws://${location.host}/ws`);
  socket.onopen = () => {
    $("banner").hidden = true;
    $("conn").classList.add("up");
    document.body.dataset.connected = "1";
  };
  socket.onmessage = (m) => onEvent(JSON.parse(m.data));
  socket.onclose = () => {
    $("banner").hidden = false;
    $("conn").classList.remove("up");
    document.body.dataset.connected = "";
    setTimeout(connect, 1000);
  };
}

// --------------------------------------------------------------------- render

function showRender(r) {
  if (!r) return;
  const running = r.state === "running";
  $("render").disabled = running;
  $("render-cancel").hidden = !running;
  $("render-progress").hidden = !running;
  if (running) $("render-progress").value = r.total ? r.done / r.total : 0;
  const text = {
    idle: "",
    running: `rendering ${r.done}/${r.total}`,
    done: `wrote ${r.path} (${r.seconds} s, ${r.fps} fps)`,
    failed: `render failed: ${r.message}`,
    cancelled: "render cancelled",
    error: r.message,
  }[r.state] ?? "";
  $("render-status").textContent = text;
  document.body.dataset.render = r.state;
}

async function post(path) {
  const res = await fetch(path, { method: "POST", headers: { "X-Wavyte-Token": window.WAVYTE_TOKEN } });
  showRender(await res.json());
}

// ------------------------------------------------------------------- controls

function step(d) { pause(); seek((S.frame ?? 0) + d); }
function toggleLoop() { S.loop = !S.loop; setPressed("loop", S.loop); }
function toggleChecker() { setPressed("checker", $("stage").classList.toggle("checker")); }
function toggleMute() { audio.setMuted(!audio.muted); setPressed("mute", audio.muted); }
function markIn() { S.inPt = S.frame; if (S.outPt !== null && S.outPt < S.inPt) S.outPt = null; timeline.setInOut(S.inPt, S.outPt); }
function markOut() { S.outPt = S.frame; if (S.inPt !== null && S.inPt > S.outPt) S.inPt = null; timeline.setInOut(S.inPt, S.outPt); }
function clearMarks() { S.inPt = S.outPt = null; timeline.setInOut(null, null); }

$("play").onclick = () => (S.playing ? pause() : play());
$("prev").onclick = (ev) => step(ev.shiftKey ? -Math.round(fps()) : -1);
$("next").onclick = (ev) => step(ev.shiftKey ? Math.round(fps()) : 1);
$("first").onclick = () => { pause(); seek(rangeLo()); };
$("last").onclick = () => { pause(); seek(rangeHi()); };
$("loop").onclick = toggleLoop;
$("checker").onclick = toggleChecker;
$("mute").onclick = toggleMute;
$("mark-in").onclick = markIn;
$("mark-out").onclick = markOut;
$("mark-clear").onclick = clearMarks;
function toggleExact() {
  frames.lossless = !frames.lossless;
  setPressed("exact", frames.lossless);
  if (S.meta && !S.playing) frames.seek(S.frame, 1);
  if (S.meta) showPosition();
}
function togglePanel() {
  const hidden = $("panel").classList.toggle("closed");
  setPressed("panel-toggle", !hidden);
  sizeCanvas();
}
function setPlayIcon(playing) {
  $("play-glyph").setAttribute("d", playing ? "M3 2h4v12H3zM9 2h4v12H9z" : "M4 2l10 6-10 6z");
  const label = playing ? "Pause" : "Play";
  $("play").title = `${label} (Space)`;
  $("play").setAttribute("aria-label", label);
}
function setZoom(z) {
  S.zoom = z;
  $("zoom").value = z;
  $("stage").dataset.zoom = z;
  sizeCanvas();
  if (S.meta) showPosition();
}
// The frame box: anything typed is clamped to the timeline (not a number: the current frame).
function gotoTyped() {
  if (!S.meta) return;
  const v = Number($("goto").value);
  const n = $("goto").value.trim() !== "" && Number.isFinite(v) ? clamp(v) : S.frame;
  $("goto").value = String(n);
  pause();
  seek(n);
}
$("exact").onclick = toggleExact;
$("panel-toggle").onclick = togglePanel;
$("zoom").onchange = () => { setZoom($("zoom").value); $("zoom").blur(); };
$("tl-in").onclick = () => timeline.setZoom(timeline.zoom * 1.5);
$("tl-out").onclick = () => timeline.setZoom(timeline.zoom / 1.5);
$("tl-fit").onclick = () => timeline.setZoom(1);
setPressed("exact", frames.lossless);
$("rate").onchange = () => { S.rate = Number($("rate").value); if (S.playing) restartClock(); $("rate").blur(); };
$("render").onclick = () => post("/api/render");
$("render-cancel").onclick = () => post("/api/render/cancel");
$("help-button").onclick = () => $("help").showModal();
$("goto").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter") { gotoTyped(); $("goto").blur(); }
  if (ev.key === "Escape") { $("goto").value = String(S.frame); $("goto").blur(); }
});
$("goto").addEventListener("change", gotoTyped);

// A clicked button gives the focus back, so Space keeps meaning play/pause.
document.addEventListener("click", (ev) => {
  const button = ev.target.closest("button");
  if (button && ev.detail > 0) button.blur();
});


document.addEventListener("keydown", (ev) => {
  const tag = document.activeElement?.tagName;
  if (tag === "INPUT" && document.activeElement.type !== "range") return;
  if (tag === "SELECT" || !S.meta || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const second = Math.round(fps());
  const actions = {
    " ": () => (S.playing ? pause() : play()),
    ArrowLeft: () => step(ev.shiftKey ? -second : -1),
    ArrowRight: () => step(ev.shiftKey ? second : 1),
    Home: () => { pause(); seek(rangeLo()); },
    End: () => { pause(); seek(rangeHi()); },
    g: () => { pause(); $("goto").focus(); $("goto").select(); },
    i: markIn,
    o: markOut,
    x: clearMarks,
    l: toggleLoop,
    t: toggleChecker,
    m: toggleMute,
    s: () => $("still").click(),
    e: toggleExact,
    p: togglePanel,
    "+": () => timeline.setZoom(timeline.zoom * 1.5),
    "=": () => timeline.setZoom(timeline.zoom * 1.5),
    "-": () => timeline.setZoom(timeline.zoom / 1.5),
    "?": () => $("help").showModal(),
  };
  const action = actions[ev.key.length === 1 ? ev.key.toLowerCase() : ev.key] ?? actions[ev.key];
  if (action) {
    ev.preventDefault();
    action();
  }
});

window.addEventListener("hashchange", () => {
  const n = initialFrame();
  if (S.meta && n !== S.frame) { pause(); seek(n); }
});

// The canvas keeps the composition's pixel size; CSS scales it: to fit the stage, or by a
// fixed factor of screen pixels per frame pixel (100 %: an Exact frame seen 1:1; the stage
// scrolls when it does not fit).
function sizeCanvas() {
  const stage = $("stage");
  // 100 % means one frame pixel per device pixel (on a HiDPI screen too).
  let k = Number(S.zoom) / (window.devicePixelRatio || 1);
  if (S.zoom === "fit") {
    const w = stage.clientWidth - 24;
    const h = stage.clientHeight - 24;
    k = Math.max(Math.min(w / canvas.width, h / canvas.height), 0.01);
  }
  canvas.style.width = `${Math.floor(canvas.width * k)}px`;
  canvas.style.height = `${Math.floor(canvas.height * k)}px`;
  canvas.style.imageRendering = S.zoom !== "fit" && Number(S.zoom) >= 1 ? "pixelated" : "auto";
}
new ResizeObserver(sizeCanvas).observe($("stage"));

// Waveforms, thumbnails and asset details: computed once per revision by the server.
async function loadMedia(rev) {
  try {
    const res = await fetch(`/api/media/${rev}`, { cache: "no-store" });
    if (!res.ok || rev !== S.rev) return;
    const media = await res.json();
    timeline.setMedia(media);
    showPanel($("comp-props"), $("assets"), S.meta, media);
    document.body.dataset.media = String(rev);
  } catch (_) { /* the banner reports a lost server */ }
}

// The cached-frames bar: refreshed every second while the page is visible.
setInterval(async () => {
  if (!S.meta || document.hidden || !document.body.dataset.connected) return;
  try {
    const res = await fetch(`/api/cached/${S.rev}`, { cache: "no-store" });
    if (res.ok) timeline.setCached((await res.json()).frames);
  } catch (_) { /* the banner reports a lost server */ }
}, 1000);

setZoom(S.zoom);
setPressed("exact", frames.lossless);
window.wavyte = { state: S, audio, frames, timeline, seek, play, pause };
connect();
