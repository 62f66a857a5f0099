"""Where the previewed composition comes from, and which files make it change.

Three sources: a JSON file (``wavyte preview COMP.json``), a Python function
(``--python module:fn`` or ``--python path/to/file.py:fn``), and a composition handed over
in Python (``wv.preview(comp)``). Each can load the composition again after an edit and
says which files to watch: the JSON file or the Python module, plus every asset file the
loaded composition refers to.
"""

from __future__ import annotations

import importlib
import runpy
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from wavyte_core.errors import CompositionError, WavyteError
from wavyte_core.format.model import (
    AudioAsset,
    Composition,
    ImageAsset,
    SvgAsset,
    TextAsset,
    VideoAsset,
)

__all__ = [
    "CompositionSource",
    "FixedSource",
    "JsonFileSource",
    "PythonSource",
    "asset_files",
]


def asset_files(comp: Composition, root: Path) -> set[Path]:
    """The resolved files a composition reads (fonts, images, SVG, video, audio)."""
    out: set[Path] = set()
    for asset in comp.assets.values():
        if isinstance(asset, TextAsset):
            out.add((root / asset.font_source).resolve())
        elif isinstance(asset, (SvgAsset, ImageAsset, VideoAsset, AudioAsset)):
            out.add((root / asset.source).resolve())
    return out


class CompositionSource:
    """Base: ``load()`` returns an unchecked composition (the caller checks it)."""

    label: str = "composition"
    assets_root: Path = Path(".")

    def load(self) -> Composition:
        raise NotImplementedError

    def own_files(self) -> set[Path]:
        """Files whose change means the composition itself must be loaded again."""
        return set()

    def is_own_file(self, path: Path) -> bool:
        return path in self.own_files()

    @property
    def stem(self) -> str:
        """A short name for output files (stills, renders)."""
        return "preview"


class JsonFileSource(CompositionSource):
    def __init__(self, path: Path, assets_root: Path | None = None) -> None:
        self.path = path.resolve()
        self.assets_root = (assets_root or self.path.parent).resolve()
        self.label = path.name

    def load(self) -> Composition:
        from wavyte_core.format.load import load_composition_file

        return load_composition_file(self.path)

    def own_files(self) -> set[Path]:
        return {self.path}

    @property
    def stem(self) -> str:
        return self.path.stem


class FixedSource(CompositionSource):
    """A composition object (never reloaded; its assets still are), or a function called
    again on every change of its assets."""

    def __init__(
        self, comp: Composition | Callable[[], Composition], assets_root: Path | None = None
    ) -> None:
        self.comp = comp
        self.assets_root = (assets_root or Path(".")).resolve()
        self.label = getattr(comp, "__name__", "composition")

    def load(self) -> Composition:
        comp = self.comp if isinstance(self.comp, Composition) else _call_user(self.comp)
        return _as_composition(comp, self.label)


class PythonSource(CompositionSource):
    """``module:fn`` or ``file.py:fn``: a function that returns a `Composition` (or a
    builder). Run again after every edit of the module's folder's ``.py`` files."""

    def __init__(self, spec: str, assets_root: Path | None = None) -> None:
        target, sep, fn = spec.rpartition(":")
        if not sep or not target or not fn.isidentifier():
            raise CompositionError(
                "--python", f"expected module:function or file.py:function, got {spec!r}"
            )
        self.spec, self.fn = spec, fn
        self.label = spec
        if target.endswith(".py") or "/" in target:
            self.file: Path = Path(target).resolve()
            if not self.file.is_file():
                raise CompositionError("--python", f"{target}: no such file")
            self.module_name: str | None = None
        else:
            self.module_name = target
            module_file = self._import().__file__
            if module_file is None:
                raise CompositionError("--python", f"{target} is not a module file")
            self.file = Path(module_file).resolve()
        self.assets_root = (assets_root or self.file.parent).resolve()

    def _import(self) -> ModuleType:
        assert self.module_name is not None
        try:
            with _user_code(Path.cwd()):
                return importlib.import_module(self.module_name)
        except ModuleNotFoundError as exc:
            raise CompositionError("--python", f"cannot import {self.module_name}: {exc}") from None
        except Exception as exc:
            raise CompositionError("--python", _user_error(exc)) from None

    def _forget_local_modules(self) -> None:
        """Drop the modules of the function's folder from ``sys.modules``, so an edit of
        a helper module beside it is seen too (``importlib.reload`` would only redo one)."""
        folder = self.file.parent
        for name, module in list(sys.modules.items()):
            f = getattr(module, "__file__", None)
            if f and Path(f).resolve().parent == folder:
                del sys.modules[name]

    def load(self) -> Composition:
        self._forget_local_modules()
        if self.module_name is None:
            try:
                with _user_code(self.file.parent):
                    namespace: dict[str, Any] = runpy.run_path(str(self.file))
            except Exception as exc:
                raise CompositionError("--python", _user_error(exc)) from None
        else:
            namespace = vars(self._import())
        fn = namespace.get(self.fn)
        if not callable(fn):
            raise CompositionError("--python", f"{self.file.name} has no function {self.fn}()")
        return _as_composition(_call_user(fn), self.spec)

    def own_files(self) -> set[Path]:
        return {self.file}

    def is_own_file(self, path: Path) -> bool:
        # A helper module beside the function's module may change it too.
        return path.suffix == ".py" and path.parent == self.file.parent

    @property
    def stem(self) -> str:
        return self.file.stem


@contextmanager
def _user_code(folder: Path) -> Iterator[None]:
    """Run user code as ``python script.py`` would: its folder importable; and no
    bytecode cache, which could serve a stale module after an edit within one second."""
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    before = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        yield
    finally:
        sys.dont_write_bytecode = before


def _call_user(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except WavyteError:
        raise
    except Exception as exc:
        raise CompositionError("--python", _user_error(exc)) from None


def _as_composition(value: Any, what: str) -> Composition:
    if hasattr(value, "build") and not isinstance(value, Composition):
        value = value.build()  # a CompositionBuilder
    if not isinstance(value, Composition):
        raise CompositionError(
            "--python", f"{what} returned {type(value).__name__}, expected a Composition"
        )
    return value


def _user_error(exc: BaseException) -> str:
    """``file.py:12: NameError: name 'x' is not defined`` — the innermost frame of the
    traceback (where the user's code failed), in one line."""
    tb = traceback.extract_tb(exc.__traceback__)
    where = f"{Path(tb[-1].filename).name}:{tb[-1].lineno}: " if tb else ""
    if isinstance(exc, SyntaxError) and exc.filename:
        where = f"{Path(exc.filename).name}:{exc.lineno}: "
    return f"{where}{type(exc).__name__}: {exc}"
