// The revision's mixed audio (one WAV per revision), played in step with the frame clock.
//
// While audio plays, its clock is the playback clock (AudioContext.currentTime), so
// picture follows sound and neither drifts; without audio the page uses performance.now().

export class AudioTrack {
  constructor() {
    this.ctx = null;
    this.buffer = null;
    this.rev = -1;
    this.loading = null;
    this.source = null;
    this.gain = null;
    this.muted = false;
  }

  context() {
    if (!this.ctx) {
      try {
        this.ctx = new AudioContext();
        this.gain = this.ctx.createGain();
        this.gain.connect(this.ctx.destination);
        this.gain.gain.value = this.muted ? 0 : 1;
      } catch (_) {
        this.ctx = null;
      }
    }
    return this.ctx;
  }

  load(rev) {
    if (rev === this.rev) return this.loading;
    this.rev = rev;
    this.buffer = null;
    const ctx = this.context();
    if (!ctx) return null;
    this.loading = fetch(`/audio/${rev}`, { cache: "no-store" })
      .then((res) => (res.status === 200 ? res.arrayBuffer() : null))
      .then((data) => (data ? ctx.decodeAudioData(data) : null))
      .then((buffer) => { if (rev === this.rev) this.buffer = buffer; return buffer; })
      .catch(() => null);
    return this.loading;
  }

  setMuted(muted) {
    this.muted = muted;
    if (this.gain) this.gain.gain.value = muted ? 0 : 1;
  }

  // Start playing at `seconds` into the timeline at `rate`; returns a clock function
  // giving the seconds of timeline played since this call, or null without audio.
  start(seconds, rate) {
    this.stop();
    const ctx = this.ctx;
    if (!ctx || !this.buffer || rate <= 0) return null;
    if (ctx.state === "suspended") ctx.resume();
    if (ctx.state !== "running") return null;
    const src = ctx.createBufferSource();
    src.buffer = this.buffer;
    src.playbackRate.value = rate;
    src.connect(this.gain);
    const t0 = ctx.currentTime;
    src.start(t0, Math.min(seconds, this.buffer.duration));
    this.source = src;
    return () => (ctx.currentTime - t0) * rate;
  }

  stop() {
    if (this.source) {
      try { this.source.stop(); } catch (_) { /* already stopped */ }
      this.source.disconnect();
      this.source = null;
    }
  }
}
