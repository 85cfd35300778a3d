# Pixels to CNNs: the two commands a teacher or student needs are `make lab` and `make test`.
# Everything runs in a local virtual environment, .venv, built from requirements.txt.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: help lab test notebooks sync bench lock clean-venv

help:
	@echo "make lab        start JupyterLab on the lessons (creates .venv on first use)"
	@echo "make test       unit tests + every notebook through nbval"
	@echo "make notebooks  re-execute all notebooks in place, each in a fresh kernel (maintainers)"
	@echo "make sync       regenerate the notebooks' generated cells (Colab install, previous/next links)"
	@echo "make bench      measure notebook runtimes, memory, training speed and convolution speed"
	@echo "make lock       re-pin requirements.txt from what .venv has (maintainers)"

# The environment is rebuilt only when the pins or the package metadata change,
# so a second `make lab` starts the server at once.
$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

# Bound to localhost, token authentication on (the default). --allow-root only when
# run as root (containers, some classroom machines), where Jupyter refuses otherwise.
ROOT_FLAG := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --no-browser --ServerApp.root_dir=notebooks $(ROOT_FLAG)

test: $(STAMP)
	$(PY) -m pytest

notebooks: $(STAMP)
	$(PY) tools/run_notebooks.py

sync: $(STAMP)
	$(PY) tools/sync_notebooks.py

bench: $(STAMP)
	$(PY) benchmarks/run.py

lock: $(STAMP)
	@{ echo "# Exact versions of everything the course installs, tested together on Python 3.11."; \
	   echo "# \`make lab\` / \`make test\` install from this file; pyproject.toml keeps compatible ranges."; \
	   echo "# Regenerate with \`make lock\` after changing a version, then run \`make test\`."; \
	   $(PY) -m pip freeze --exclude-editable | grep -v '^-e' | sort -f; } > requirements.txt
	@touch $(STAMP)

clean-venv:
	rm -rf $(VENV)
