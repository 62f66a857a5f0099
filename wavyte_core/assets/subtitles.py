"""Subtitle and transcript files → cues with word times.

Read once per Captions asset at prepare (and by ``wavyte captions --check``):

- ``.srt``, ``.vtt``, ``.ass``/``.ssa`` through ``pysubs2``; style tags are dropped, line
  breaks become spaces (captions reflow into their own lines). ASS karaoke tags
  (``\\k``, ``\\K``, ``\\kf``, ``\\ko``, centiseconds) give word times; a syllable without a
  space after it joins the next one into a word;
- ``.json`` word timings, Whisper style: ``{"segments": [{"start", "end", "text",
  "words": [{"start", "end", "word"}]}]}`` (``words`` optional per segment);
- a cue without word times gets them in proportion to its words' lengths.

Every problem names the file and, where the format has lines, the line of the cue
(``captions.srt:14``) or, for JSON, the path of the value (``segments[3].words[0].end``).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from wavyte_core.errors import AssetError

__all__ = ["Cue", "Word", "CueProblem", "read_cues", "cue_problems", "SUBTITLE_SUFFIXES"]

SUBTITLE_SUFFIXES = (".srt", ".vtt", ".ass", ".ssa", ".json")
#: Largest subtitle file read (explicit resource limit).
MAX_SUBTITLE_BYTES = 64 * 1024 * 1024

_TIMING = re.compile(r"^\s*(?P<a>(?:\d+:)?\d+:\d+[,.]\d+)\s*-->\s*(?P<b>(?:\d+:)?\d+:\d+[,.]\d+)")
_ASS_TAGS = re.compile(r"\{[^}]*\}")
_KARAOKE = re.compile(r"\{[^}]*?\\[kK][fo]?(\d+)[^}]*\}")
_HTML_TAGS = re.compile(r"</?[a-zA-Z][^>]*>")


@dataclass(frozen=True, slots=True)
class Word:
    start: float  # seconds
    end: float
    text: str


@dataclass(frozen=True, slots=True)
class Cue:
    start: float
    end: float
    words: tuple[Word, ...]
    where: str  # "file:line" or "file: segments[i]"

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True, slots=True)
class CueProblem:
    where: str
    rule: str
    fatal: bool  # refused at render; overlaps are reported by --check only

    def __str__(self) -> str:
        return f"{self.where}: {self.rule}"


def _ms(stamp: str) -> int:
    parts = stamp.replace(",", ".").split(":")
    secs = float(parts[-1])
    mins = int(parts[-2]) if len(parts) >= 2 else 0
    hours = int(parts[-3]) if len(parts) >= 3 else 0
    return int(round((hours * 3600 + mins * 60 + secs) * 1000))


def _timing_lines(text: str) -> list[tuple[int, int, int]]:
    """``(line number, start ms, end ms)`` of every ``-->`` line (SRT, VTT)."""
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        mt = _TIMING.match(line)
        if mt:
            out.append((n, _ms(mt["a"]), _ms(mt["b"])))
    return out


def _ass_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), start=1) if line.startswith("Dialogue:")]


def _split_words(text: str) -> list[str]:
    return [w for w in text.split() if w]


def proportional_words(words: list[str], start: float, end: float) -> tuple[Word, ...]:
    """Word times in proportion to the words' lengths (characters, at least 1 each)."""
    if not words:
        return ()
    weights = [max(len(w), 1) for w in words]
    total = float(sum(weights))
    span = max(end - start, 0.0)
    out = []
    acc = 0
    for w, k in zip(words, weights, strict=True):
        a = start + span * acc / total
        acc += k
        out.append(Word(a, start + span * acc / total, w))
    return tuple(out)


def _karaoke_words(raw: str, start: float, end: float) -> tuple[Word, ...] | None:
    """Word times from ASS karaoke tags, or None when the event has none."""
    if not _KARAOKE.search(raw):
        return None
    raw = raw.replace("\\N", " ").replace("\\n", " ").replace("\\h", " ")
    pieces: list[tuple[float, float, str]] = []  # syllables
    t = start
    pos = 0
    pending_cs = 0
    for mt in re.finditer(r"\{([^}]*)\}", raw):
        seg = raw[pos : mt.start()]
        if seg:
            pieces.append((t, t + pending_cs / 100.0, seg))
            t += pending_cs / 100.0
            pending_cs = 0
        km = re.search(r"\\[kK][fo]?(\d+)", mt.group(1))
        if km:
            pending_cs = int(km.group(1))
        pos = mt.end()
    seg = raw[pos:]
    if seg:
        pieces.append((t, t + pending_cs / 100.0, seg))
    words: list[Word] = []
    cur: list[tuple[float, float, str]] = []

    def flush() -> None:
        text = "".join(p[2] for p in cur).strip()
        if text:
            words.append(Word(cur[0][0], max(p[1] for p in cur), text))
        cur.clear()

    for a, b, seg in pieces:
        parts = re.split(r"(\s+)", seg)
        for part in parts:
            if not part:
                continue
            if part.isspace():
                flush()
            else:
                cur.append((a, b, part))
    flush()
    if words:
        last = words[-1]
        if last.end < last.start:  # pragma: no cover - defensive
            words[-1] = Word(last.start, end, last.text)
    return tuple(words)


def _read_text(path: Path, label: str) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_SUBTITLE_BYTES:
            raise AssetError(label, f"file is {size} bytes, larger than {MAX_SUBTITLE_BYTES}")
        data = path.read_bytes()
    except OSError as exc:
        raise AssetError(label, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AssetError(label, f"not UTF-8 text (byte {exc.start})") from None


def read_cues(path: Path, label: str | None = None) -> tuple[list[Cue], list[CueProblem]]:
    """The cues of a subtitle or transcript file, in file order, and the problems found
    (fatal ones: negative times, end before start; overlaps: not fatal). A file that does
    not parse raises `AssetError` naming it (and the line or JSON path)."""
    label = label or path.name
    suffix = path.suffix.lower()
    if suffix not in SUBTITLE_SUFFIXES:
        raise AssetError(
            label, f"unsupported captions file type '{suffix}' ({', '.join(SUBTITLE_SUFFIXES)})"
        )
    text = _read_text(path, label)
    cues = _read_json(text, label) if suffix == ".json" else _read_subs(text, suffix, label)
    if not cues:
        raise AssetError(label, "no cues found (an empty or unparsable subtitle file)")
    return cues, cue_problems(cues)


def _read_subs(text: str, suffix: str, label: str) -> list[Cue]:
    import pysubs2

    fmt = {".srt": "srt", ".vtt": "vtt", ".ass": "ass", ".ssa": "ssa"}[suffix]
    if fmt == "srt":
        _check_srt_blocks(text, label)
    try:
        subs = pysubs2.SSAFile.from_string(text, format_=fmt)
    except Exception as exc:
        raise AssetError(label, f"not a valid {fmt.upper()} file: {exc}") from None
    if fmt in ("srt", "vtt"):
        stamps = _timing_lines(text)
        lines_of = _match_lines(subs, stamps)
    else:
        dl = _ass_lines(text)
        lines_of = dl if len(dl) == len(subs) else [0] * len(subs)
    cues: list[Cue] = []
    for ev, line in zip(subs, lines_of, strict=True):
        if ev.is_comment:
            continue
        start, end = ev.start / 1000.0, ev.end / 1000.0
        where = f"{label}:{line}" if line else label
        words = _karaoke_words(ev.text, start, end) if fmt in ("ass", "ssa") else None
        if words is None:
            plain = _HTML_TAGS.sub("", _ASS_TAGS.sub("", ev.plaintext))
            words = proportional_words(_split_words(plain), start, max(end, start))
        if not words:
            continue
        cues.append(Cue(start, end, words, where))
    return cues


def _check_srt_blocks(text: str, label: str) -> None:
    """An SRT block whose timing line is malformed (pysubs2 would skip it in silence)."""
    lines = text.splitlines()
    for n, line in enumerate(lines, start=1):
        if "-->" in line and not _TIMING.match(line):
            raise AssetError(f"{label}:{n}", f"malformed SRT timing line {line.strip()!r}")
    if text.strip() and not any("-->" in ln for ln in lines):
        raise AssetError(label, "not a valid SRT file (no 'start --> end' timing line)")


def _match_lines(subs: object, stamps: list[tuple[int, int, int]]) -> list[int]:
    """The file line of each event: the next timing line with the same times."""
    out: list[int] = []
    k = 0
    for ev in subs:  # type: ignore[attr-defined]
        line = 0
        for j in range(k, len(stamps)):
            n, a, b = stamps[j]
            if abs(a - ev.start) <= 1 and abs(b - ev.end) <= 1:
                line, k = n, j + 1
                break
        out.append(line)
    return out


def _jerr(label: str, path: str, rule: str) -> AssetError:
    return AssetError(f"{label}: {path}", rule)


def _num(v: object, label: str, path: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise _jerr(label, path, f"expected a number of seconds, got {json.dumps(v)[:40]}")
    return float(v)


def _read_json(text: str, label: str) -> list[Cue]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AssetError(f"{label}:{exc.lineno}", f"invalid JSON: {exc.msg}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("segments"), list):
        raise _jerr(label, "segments", 'expected {"segments": [...]} (Whisper-style word timings)')
    cues: list[Cue] = []
    for i, seg in enumerate(doc["segments"]):
        sp = f"segments[{i}]"
        if not isinstance(seg, dict):
            raise _jerr(label, sp, "expected an object with start, end, text, words")
        start = _num(seg.get("start"), label, sp + ".start")
        end = _num(seg.get("end"), label, sp + ".end")
        words_raw = seg.get("words")
        words: list[Word] = []
        if words_raw is not None:
            if not isinstance(words_raw, list):
                raise _jerr(label, sp + ".words", "expected an array of words")
            for j, w in enumerate(words_raw):
                wp = f"{sp}.words[{j}]"
                if not isinstance(w, dict):
                    raise _jerr(label, wp, "expected an object with start, end, word")
                tx = w.get("word", w.get("text"))
                if not isinstance(tx, str):
                    raise _jerr(label, wp + ".word", "expected a string")
                ws = _num(w.get("start"), label, wp + ".start")
                we = _num(w.get("end"), label, wp + ".end")
                if we < ws:
                    raise _jerr(label, wp, f"word ends ({we}) before it starts ({ws})")
                for k, part in enumerate(_split_words(tx)):
                    words.append(Word(ws, we, part) if k == 0 else Word(we, we, part))
        if not words:
            txt = seg.get("text", "")
            if not isinstance(txt, str):
                raise _jerr(label, sp + ".text", "expected a string")
            words = list(proportional_words(_split_words(txt), start, max(end, start)))
        if words:
            cues.append(Cue(start, end, tuple(words), f"{label}: {sp}"))
    return cues


def cue_problems(cues: list[Cue]) -> list[CueProblem]:
    """Negative times and ends before starts (fatal), and overlapping cues (reported)."""
    out: list[CueProblem] = []
    for c in cues:
        if c.start < 0 or c.end < 0:
            out.append(CueProblem(c.where, f"negative time ({c.start:.3f} --> {c.end:.3f})", True))
        if c.end < c.start:
            out.append(
                CueProblem(
                    c.where, f"cue ends ({c.end:.3f} s) before it starts ({c.start:.3f} s)", True
                )
            )
    order = sorted(range(len(cues)), key=lambda i: (cues[i].start, i))
    for a, b in zip(order, order[1:], strict=False):
        ca, cb = cues[a], cues[b]
        if cb.start < ca.end and ca.end > ca.start and cb.end > cb.start:
            out.append(
                CueProblem(
                    cb.where,
                    f"overlaps the cue at {ca.where} ({cb.start:.3f} s < {ca.end:.3f} s)",
                    False,
                )
            )
    return out
