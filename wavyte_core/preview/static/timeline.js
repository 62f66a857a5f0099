// The read-only timeline: a ruler in seconds, one row per track, one box per clip.
// Clicking a clip jumps to its first frame; clicking elsewhere jumps to that time.

export class Timeline {
  constructor(root, onSeek) {
    this.root = root;
    this.ruler = root.querySelector("#ruler");
    this.overlay = root.querySelector("#overlay");
    this.tracks = root.querySelector("#tracks");
    this.playhead = root.querySelector("#playhead");
    this.inout = root.querySelector("#inout");
    this.duration = 1;
    root.addEventListener("click", (ev) => {
      const clip = ev.target.closest(".clip");
      if (clip) {
        onSeek(Number(clip.dataset.start));
        return;
      }
      const box = this.overlay.getBoundingClientRect();
      const x = (ev.clientX - box.left) / Math.max(box.width, 1);
      onSeek(Math.round(Math.min(Math.max(x, 0), 1) * (this.duration - 1)));
    });
  }

  pct(frame) {
    return `${(100 * frame) / this.duration}%`;
  }

  build(meta) {
    this.duration = Math.max(meta.duration, 1);
    const fps = meta.fps.num / meta.fps.den;
    const seconds = meta.duration / fps;
    const every = seconds <= 10 ? 1 : seconds <= 60 ? 5 : seconds <= 300 ? 30 : 60;
    this.ruler.replaceChildren();
    for (let s = 0; s * fps < meta.duration; s += every) {
      const tick = document.createElement("span");
      tick.style.left = this.pct(s * fps);
      tick.textContent = `${s}s`;
      this.ruler.append(tick);
    }
    this.tracks.replaceChildren();
    for (const track of meta.tracks) {
      const row = document.createElement("div");
      row.className = "track";
      const name = document.createElement("span");
      name.className = "track-name";
      name.textContent = track.name;
      const lane = document.createElement("div");
      lane.className = "lane";
      row.append(name, lane);
      for (const c of track.clips) {
        const el = document.createElement("div");
        el.className = `clip kind-${c.kind}`;
        el.style.left = this.pct(c.start);
        el.style.width = this.pct(Math.max(c.end - c.start, 0));
        el.dataset.start = String(c.start);
        el.dataset.id = c.id;
        el.textContent = c.id;
        el.title = `${c.id} (${c.kind} ${c.asset}): frames ${c.start}–${c.end - 1}`;
        lane.append(el);
      }
      this.tracks.append(row);
    }
  }

  // Frames the server has cached, as a thin bar under the ruler (one pixel per frame).
  setCached(frames) {
    const bar = this.root.querySelector("#cached");
    bar.width = this.duration;
    const ctx = bar.getContext("2d");
    ctx.clearRect(0, 0, bar.width, 1);
    ctx.fillStyle = "#47c98a";
    for (const n of frames) ctx.fillRect(n, 0, 1, 1);
    bar.dataset.count = String(frames.length);
  }

  setFrame(frame) {
    this.playhead.style.left = this.pct(frame);
  }

  setInOut(inPt, outPt) {
    if (inPt === null && outPt === null) {
      this.inout.hidden = true;
      return;
    }
    const a = inPt ?? 0;
    const b = (outPt ?? this.duration - 1) + 1;
    this.inout.hidden = false;
    this.inout.style.left = this.pct(a);
    this.inout.style.width = this.pct(Math.max(b - a, 0));
  }
}
