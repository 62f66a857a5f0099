# Two commands on a fresh machine: `make demo` renders examples/demo.json to demo.mp4,
# `make test` runs every test. Both create .venv and install what they need themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PLUGINS := -e plugins/backend_skia -e plugins/decoder_pyav

.PHONY: demo test lint clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# compileall: an editable install compiles nothing, and with PYTHONDONTWRITEBYTECODE set
# every run would compile wavyte's own modules again (≈0.1 s of each `wavyte` command);
# a wheel install compiles them once, as this does.
$(VENV)/.installed: $(BIN)/python pyproject.toml wavyte_core/render/_rowblur.c wavyte_core/render/_blendpx.c plugins/backend_skia/pyproject.toml plugins/decoder_pyav/pyproject.toml
	$(BIN)/pip install -q -e . $(PLUGINS)
	$(BIN)/python -m compileall -q wavyte_core plugins
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed plugins/backend_cairo/pyproject.toml plugins/decoder_opencv/pyproject.toml plugins/effects_pack/pyproject.toml scripts/install-cairo scripts/install-chromium scripts/install-fonts plugins/executor_ray/pyproject.toml plugins/asset_lottie/pyproject.toml conformance/pyproject.toml
	$(BIN)/pip install -q -e '.[dev,preview]' -e plugins/decoder_opencv -e plugins/effects_pack
	$(BIN)/pip install -q -e conformance
	$(BIN)/pip install -q -e plugins/executor_ray
	$(BIN)/pip install -q -e plugins/asset_lottie
	scripts/install-cairo $(BIN)/pip
	scripts/install-chromium $(BIN)/pip
	scripts/install-fonts
	touch $@

demo: $(VENV)/.installed
	$(BIN)/wavyte render examples/demo.json -o demo.mp4

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

clean:
	rm -rf $(VENV) demo.mp4
