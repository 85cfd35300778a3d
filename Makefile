# Pixels to CNNs: the two commands a teacher or student needs are `make lab` and `make test`.
# Everything runs in a local virtual environment, .venv, built from requirements.txt.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: help lab test notebooks sync bench lock clean-venv colab-check test-other-cpu site reset

help:
	@echo "make lab        start JupyterLab on the lessons (creates .venv on first use)"
	@echo "make test       unit tests + every notebook through nbval"
	@echo "make reset LESSON=03  get lesson 03 back as committed; your version is kept as notebooks/mine-03_...ipynb"
	@echo "make notebooks  re-execute all notebooks in place, each in a fresh kernel (maintainers)"
	@echo "make sync       regenerate the notebooks' generated cells (Colab install, previous/next links)"
	@echo "make site       the course as an offline HTML book in site/ (index.html), one PDF per lesson in site/pdf/"
	@echo "make bench      measure notebook runtimes, memory, training speed and convolution speed"
	@echo "make lock       re-pin requirements.txt from what .venv has (maintainers)"
	@echo "make colab-check  run every lesson in a Colab-like Python 3.13 chroot (maintainers; root, ~3 GB)"
	@echo "make test-other-cpu  the notebook suite on another CPU's BLAS/oneDNN code paths (maintainers)"

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

# Learners: restore one lesson from git, keeping a dated copy of their version beside it.
# Plain Python, no .venv needed. Without LESSON it prints the usage.
reset:
	@$(PYTHON) tools/reset_lesson.py $(LESSON)

notebooks: $(STAMP)
	$(PY) tools/run_notebooks.py

sync: $(STAMP)
	$(PY) tools/sync_notebooks.py

bench: $(STAMP)
	$(PY) benchmarks/run.py

# From the committed notebooks, nothing re-executed, nothing fetched. PDFs need Debian's
# chromium; without it the HTML is still built and the skip is reported.
site: $(STAMP)
	$(PY) tools/build_site.py

lock: $(STAMP)
	@{ echo "# Exact versions of everything the course installs, tested together on Python 3.11."; \
	   echo "# \`make lab\` / \`make test\` install from this file; pyproject.toml keeps compatible ranges."; \
	   echo "# Regenerate with \`make lock\` after changing a version, then run \`make test\`."; \
	   $(PY) -m pip freeze --exclude-editable | grep -v '^-e' | sort -f; } > requirements.txt
	@touch $(STAMP)

clean-venv:
	rm -rf $(VENV)

# Not part of `make test` or CI: builds (once) a Debian 13 root outside the repository with
# Colab's versions and runs every lesson in it. LESSONS="07 08" runs only those.
colab-check:
	$(PYTHON) tools/colab_check.py $(LESSONS)

# Maintainers: do the compared outputs hold on another processor? Runs the notebook suite
# with OpenBLAS and oneDNN forced onto older code paths (default: Haswell = AVX2 without
# AVX-512), which changes the last digits of float results the way another CPU would.
# Never set these in `make test` or CI. Example: make test-other-cpu OPENBLAS_CORE=Sandybridge ONEDNN_ISA=AVX
OPENBLAS_CORE ?= Haswell
ONEDNN_ISA    ?= AVX2
test-other-cpu: $(STAMP)
	OPENBLAS_CORETYPE=$(OPENBLAS_CORE) OPENBLAS_NUM_THREADS=1 ONEDNN_MAX_CPU_ISA=$(ONEDNN_ISA) \
	    $(PY) -m pytest notebooks -m "not browser"
