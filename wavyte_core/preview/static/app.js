// The studio page: state, transport, keyboard, events from the server.
import { AudioTrack } from "./audio.js";
import { FrameClient } from "./frames.js";
import { Timeline } from "./timeline.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const S = {
  meta: null, // the last `reload` event
  rev: 0,
  frame: initialFrame(),
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
  const m = /(?:^#|&)f=(\d+)/.exec(location.hash);
  return m ? Number(m[1]) : 0;
}

const canvas = $("view");
const frames = new FrameClient(canvas, onPaint, onFrameError);
frames.lossless = params.get("lossless") === "1";
const audio = new AudioTrack();
const timeline = new Timeline($("timeline"), (n) => { pause(); seek(n); });

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
  $("scrubber").value = String(n);
  if (document.activeElement !== $("goto")) $("goto").value = String(n);
  $("timecode").textContent = timecode(n);
  timeline.setFrame(n);
  $("still").href = `/still/${S.rev}/${n}`;
  if (!hashTimer) {
    // The URL keeps the playhead (a refresh returns to it); at most 4 updates/s in play.
    hashTimer = setTimeout(() => {
      hashTimer = 0;
      history.replaceState(null, "", `${location.search}#f=${S.frame}`);
    }, S.playing ? 250 : 0);
  }
}

function showError() {
  const msg = S.compError ?? S.frameError;
  $("error").hidden = !msg;
  $("error-text").textContent = msg ?? "";
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
    if (S.lastShown >= 0 && n > S.lastShown + 1) S.dropped += n - S.lastShown - 1;
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

function restartClock() {
  S.playStart = S.frame;
  S.lastShown = -1;
  frames.clearPlayback();
  const t0 = performance.now();
  S.clock = audio.start(S.frame / fps(), S.rate) ?? (() => ((performance.now() - t0) / 1000) * S.rate);
}

function play() {
  if (!S.meta || S.playing) return;
  if (S.frame >= rangeHi()) S.frame = rangeLo();
  S.playing = true;
  S.shown = [];
  S.dropped = 0;
  $("play").textContent = "❙❙";
  document.body.dataset.playing = "1";
  const ready = audio.load(S.rev);
  restartClock();
  if (ready) ready.then(() => { if (S.playing && !audio.source) restartClock(); });
  requestAnimationFrame(tick);
}

function pause() {
  if (!S.playing) return;
  S.playing = false;
  audio.stop();
  frames.clearPlayback();
  $("play").textContent = "▶";
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
  const painted = frames.playTick(target, hi, fps(), S.rate);
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
  $("scrubber").max = String(lastFrame());
  if (first && ev.transparent) { $("stage").classList.add("checker"); setPressed("checker", true); }
  if (S.inPt !== null && S.inPt > lastFrame()) S.inPt = null;
  if (S.outPt !== null && S.outPt > lastFrame()) S.outPt = null;
  timeline.build(ev);
  timeline.setInOut(S.inPt, S.outPt);
  S.compError = ev.error ? ev.error.message : null;
  showError();
  showRender(ev.render);
  if (revChanged || first) {
    frames.setRevision(ev.rev, ev.width, ev.height);
    fitCanvas();
    S.frame = clamp(S.frame);
    showPosition();
    if (S.playing) {
      const ready = audio.load(ev.rev);
      restartClock();
      if (ready) ready.then(() => { if (S.playing && !audio.source) restartClock(); });
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
$("exact").onclick = () => {
  frames.lossless = !frames.lossless;
  setPressed("exact", frames.lossless);
  if (!S.playing) frames.seek(S.frame, 1);
};
setPressed("exact", frames.lossless);
$("rate").onchange = () => { S.rate = Number($("rate").value); if (S.playing) restartClock(); $("rate").blur(); };
$("render").onclick = () => post("/api/render");
$("render-cancel").onclick = () => post("/api/render/cancel");
$("help-button").onclick = () => $("help").showModal();
$("goto").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter") { pause(); seek(Number($("goto").value)); $("goto").blur(); }
  if (ev.key === "Escape") $("goto").blur();
});

// A clicked button gives the focus back, so Space keeps meaning play/pause.
document.addEventListener("click", (ev) => {
  const button = ev.target.closest("button");
  if (button && ev.detail > 0) button.blur();
});

const scrubber = $("scrubber");
scrubber.addEventListener("input", () => {
  S.dragging = true;
  pause();
  seek(Number(scrubber.value), 0.5);
});
scrubber.addEventListener("change", () => {
  S.dragging = false;
  seek(Number(scrubber.value), 1);
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

// The canvas keeps the composition's pixel size; CSS scales it to fit the stage.
function fitCanvas() {
  const stage = $("stage");
  const w = stage.clientWidth - 24;
  const h = stage.clientHeight - 24;
  const k = Math.max(Math.min(w / canvas.width, h / canvas.height), 0.01);
  canvas.style.width = `${Math.floor(canvas.width * k)}px`;
  canvas.style.height = `${Math.floor(canvas.height * k)}px`;
}
new ResizeObserver(fitCanvas).observe($("stage"));

// The cached-frames bar: refreshed every second while the page is visible.
setInterval(async () => {
  if (!S.meta || document.hidden || !document.body.dataset.connected) return;
  try {
    const res = await fetch(`/api/cached/${S.rev}`, { cache: "no-store" });
    if (res.ok) timeline.setCached((await res.json()).frames);
  } catch (_) { /* the banner reports a lost server */ }
}, 1000);

window.wavyte = { state: S, audio, seek, play, pause };
connect();
