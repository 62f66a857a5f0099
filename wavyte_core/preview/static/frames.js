// Frames from the server, by index, painted on one canvas.
//
// Seeks (paused, stepping, scrubbing) follow "latest wins": each request carries a growing
// sequence number, at most two are in flight, and a newer wish replaces a waiting one. The
// server drops a request a newer seek has overtaken. Any frame that does arrive is painted
// if it is newer than the one on screen, so a long drag keeps showing frames.
//
// Playback asks for frames ahead of the clock (half size) — as far ahead as the measured
// latency says they take — keeps a small buffer, paints the newest frame due and forgets
// older ones. Above 1× only every `step`-th frame (on a grid from the play start) is asked
// for; only frames of that grid that were due and never painted count as dropped.
//
// Exactness: the canvas is float16 and bitmaps are decoded without premultiplying, so a
// transparent PNG's straight RGBA survives the canvas (an 8-bit canvas stores premultiplied
// bytes and reads back off by one where alpha is low).

// The playback grid: every frame at 1× and below, every ⌊rate⌋-th above.
export function playStep(rate) {
  return rate > 1 ? Math.floor(rate) : 1;
}

// Grid frames strictly between two painted frames: the ones that should have been shown.
export function droppedBetween(prev, n, step) {
  if (prev < 0 || n <= prev) return 0;
  return Math.max(Math.ceil((n - prev) / step) - 1, 0);
}

export class FrameClient {
  constructor(canvas, onPaint, onError) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d", { alpha: true, colorType: "float16" });
    this.onPaint = onPaint;
    this.onError = onError;
    this.rev = 0;
    this.lossless = false;
    this.page = Math.random().toString(36).slice(2); // seeks of other tabs never win over ours
    this.seq = 0;
    this.paintedSeq = 0;
    this.wanted = null;
    this.seeksInFlight = 0;
    this.buffer = new Map(); // playback: frame -> ImageBitmap
    this.pending = new Map(); // playback: frame -> AbortController
    this.latencyMs = 40;
    this.aborted = 0; // playback requests cancelled (a restart drops only stale ones)
  }

  setRevision(rev, width, height) {
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.rev = rev;
    this.clearPlayback();
  }

  url(n, scale, seq) {
    let u = `/frame/${this.rev}/${n}?scale=${scale}`;
    if (seq !== undefined) u += `&page=${this.page}&seek=${seq}`;
    if (this.lossless && scale === 1) u += "&lossless=1";
    return u;
  }

  async fetchBitmap(url, signal) {
    const t0 = performance.now();
    const res = await fetch(url, { signal, cache: "no-store" });
    if (res.status === 204) return null;
    if (!res.ok) {
      let message = `HTTP ${res.status}`;
      try { message = (await res.json()).error || message; } catch (_) { /* not JSON */ }
      const err = new Error(message);
      err.status = res.status;
      throw err;
    }
    const blob = await res.blob();
    const bitmap = await createImageBitmap(blob, {
      colorSpaceConversion: "none", premultiplyAlpha: "none",
    });
    this.latencyMs = 0.8 * this.latencyMs + 0.2 * (performance.now() - t0);
    return bitmap;
  }

  paint(bitmap, n, scale, rev) {
    const { ctx, canvas } = this;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.imageSmoothingEnabled = scale !== 1;
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    canvas.dataset.frame = String(n);
    canvas.dataset.rev = String(rev);
    canvas.dataset.scale = String(scale);
    canvas.dataset.paints = String(Number(canvas.dataset.paints ?? 0) + 1);
    this.onPaint(n, scale, rev);
  }

  // ------------------------------------------------------------------ seeks

  seek(n, scale) {
    this.wanted = { n, scale, seq: ++this.seq, rev: this.rev };
    this.pump();
  }

  pump() {
    while (this.wanted && this.seeksInFlight < 2) {
      const w = this.wanted;
      this.wanted = null;
      this.seeksInFlight++;
      this.fetchBitmap(this.url(w.n, w.scale, w.seq))
        .then((bitmap) => {
          if (!bitmap) return;
          if (w.seq > this.paintedSeq && w.rev === this.rev) {
            this.paintedSeq = w.seq;
            this.paint(bitmap, w.n, w.scale, w.rev);
          } else {
            bitmap.close();
          }
        })
        .catch((err) => { if (w.rev === this.rev) this.onError(err, w.n); })
        .finally(() => { this.seeksInFlight--; this.pump(); });
    }
  }

  // --------------------------------------------------------------- playback

  clearPlayback() {
    this.dropOutside(Infinity, -Infinity);
  }

  // Forget buffered and requested frames outside [lo, hi] (all when lo > hi); frames
  // still useful after a clock restart are kept, so nothing is asked for twice.
  dropOutside(lo, hi, step = 1, base = lo) {
    const keep = (n) => n >= lo && n <= hi && (n - base) % step === 0;
    for (const [n, c] of this.pending) {
      if (keep(n)) continue;
      c.abort();
      this.aborted++;
      this.pending.delete(n);
    }
    for (const [n, b] of this.buffer) if (!keep(n)) { b.close(); this.buffer.delete(n); }
  }

  // Called on every animation frame while playing: paint the newest buffered frame due at
  // `target`, drop everything older, and ask for the next frames, starting far enough
  // ahead to arrive in time. Returns the frame painted, or -1.
  playTick(target, last, fps, rate, base = 0, maxInFlight = 3) {
    let painted = -1;
    let best = -1;
    for (const n of this.buffer.keys()) if (n <= target && n > best) best = n;
    if (best >= 0) {
      const bitmap = this.buffer.get(best);
      this.buffer.delete(best);
      this.paintedSeq = ++this.seq;
      this.paint(bitmap, best, 0.5, this.rev);
      painted = best;
    }
    // Late frames still in flight are not aborted: the server renders them anyway, and one
    // arriving late is painted if nothing newer is there (and keeps the latency estimate,
    // and so the look-ahead, honest).
    for (const [n, b] of this.buffer) if (n < target) { b.close(); this.buffer.delete(n); }
    const lead = Math.ceil((this.latencyMs / 1000) * fps * Math.abs(rate));
    const step = playStep(rate); // above 1× not every frame can be shown
    const from = target + lead;
    const first = base + Math.max(Math.ceil((from - base) / step), 0) * step;
    for (let n = first; n <= last && this.pending.size < maxInFlight; n += step) {
      if (this.buffer.has(n) || this.pending.has(n)) continue;
      const ctl = new AbortController();
      const rev = this.rev;
      this.pending.set(n, ctl);
      this.fetchBitmap(this.url(n, 0.5), ctl.signal)
        .then((bitmap) => {
          if (!bitmap) return;
          if (this.pending.get(n) === ctl && rev === this.rev) this.buffer.set(n, bitmap);
          else bitmap.close();
        })
        .catch((err) => { if (err.name !== "AbortError" && rev === this.rev) this.onError(err, n); })
        .finally(() => { if (this.pending.get(n) === ctl) this.pending.delete(n); });
    }
    return painted;
  }
}
