// The side panel: the composition's properties and its assets, each with what the server
// found out about it (kind, source file, size, duration) and its fields as written.

function row(dl, name, value) {
  const dt = document.createElement("dt");
  dt.textContent = name;
  const dd = document.createElement("dd");
  dd.textContent = value;
  dl.append(dt, dd);
}

function fieldText(v) {
  if (v === null || v === undefined) return "—";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

export function showPanel(propsEl, assetsEl, meta, media) {
  if (!meta) return;
  const fps = meta.fps.num / meta.fps.den;
  propsEl.replaceChildren();
  row(propsEl, "size", `${meta.width} × ${meta.height}`);
  row(propsEl, "fps", meta.fps.den === 1 ? `${meta.fps.num}` : `${meta.fps.num}/${meta.fps.den}`);
  row(propsEl, "duration", `${meta.duration} frames (${(meta.duration / fps).toFixed(2)} s)`);
  row(propsEl, "tracks", `${meta.tracks.length}`);
  row(propsEl, "clips", `${meta.tracks.reduce((k, t) => k + t.clips.length, 0)}`);
  assetsEl.replaceChildren();
  for (const a of media.assets ?? []) {
    const box = document.createElement("details");
    box.className = `asset kind-${a.kind}`;
    box.dataset.key = a.key;
    const summary = document.createElement("summary");
    const name = document.createElement("b");
    name.textContent = a.key;
    const kind = document.createElement("span");
    kind.className = "asset-kind";
    kind.textContent = a.kind;
    summary.append(name, " ", kind);
    box.append(summary);
    const dl = document.createElement("dl");
    dl.className = "props";
    for (const [k, v] of Object.entries(a.info ?? {})) row(dl, k, fieldText(v));
    for (const [k, v] of Object.entries(a.fields ?? {})) row(dl, k, fieldText(v));
    box.append(dl);
    assetsEl.append(box);
  }
}
