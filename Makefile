# Brobyg: `make run` sets up and serves the product, `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup demo lint format hostile bench bench-matching bench-openday bench-overview clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo

# Serves the web app and runs the django-q2 cluster; Ctrl-C stops both. Links in e-mails and
# calendar feeds point at the host and port served on.
run: demo
	DEBUG=1 SITE_URL=http://$(HOST):$(PORT) $(PY) manage.py serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff for style, import-linter for the direction of dependencies between apps (pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Hostile clients, longer than in `make test`: more generated requests per API operation and
# role (new ones each run), and more addresses of each page for the form crawler.
hostile: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-20} FUZZ_RANDOM=1 CRAWL_PAGES_PER_NAME=$${CRAWL_PAGES_PER_NAME:-3} \
		$(PY) -m pytest -s -p no:cacheprovider tests/test_api_schema_fuzz.py tests/web/test_form_crawler.py

bench: $(STAMP)
	$(PY) bench/booking_throughput.py

# Adoption matching for every 8th-grade class in Denmark, from the database to a stored proposal.
bench-matching: $(STAMP)
	$(PY) bench/adoption_matching.py

# Open-day matching at ten times IGEday 2018, from the database to stored placements.
bench-openday: $(STAMP)
	$(PY) bench/openday_matching.py

# The coordinator's dashboard on ten years of national history (1,000,000 bookings and adoption
# activities) in PostgreSQL at TEST_POSTGRES_URL: every section for Denmark and one region.
bench-overview: $(STAMP)
	$(PY) bench/overview_dashboard.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
