# PatchGD harness. `make reproduce` runs the main job; `make test` the test suites.
# Every target that needs a dependency depends on `deps` (idempotent: installs only what is missing).

BUILD    ?= build
JOBS     ?= 2
DB       ?= results/results.db
REPORT   ?= results/out/report
PATCHGD  := $(BUILD)/harness/cli/patchgd
SWEEPS   := ultramnist panda latency ablation-sampling ablation-accumulation ablation-head memory-scaling equal-memory
# `make reproduce`: the default scale, a real (small) experiment on the needle task. Training
# sweeps run WORKERS runs at once (a narrow ResNet at 64² uses two cores poorly within one run;
# two one-thread runs side by side finish ~1.6x sooner here); the memory and latency sweeps run
# alone, since a run beside them would distort what they measure.
DEFAULT_TRAINING_SWEEPS := needle needle-resolution
DEFAULT_MEASURE_SWEEPS  := memory-scaling latency
WORKERS  ?= 2
CMAKE_FLAGS ?=
# OpenMP workers that spin while waiting starve each other when two processes share two
# cores (ctest -j2, concurrent sweeps); sleeping waits cost little at these sizes.
export OMP_WAIT_POLICY ?= PASSIVE

.PHONY: all deps deps-slurm configure build test test-slurm reproduce reproduce-smoke reproduce-mini \
        reproduce-paper reproduce-gigapixel tables plots report bench clean help test-asan

all: build

help:
	@echo "make reproduce        the default experiment (GD vs PatchGD on the needle task, 3 seeds), tables, claims, plots"
	@echo "make reproduce-smoke  toy sizes of every sweep (what the test suite runs)"
	@echo "make test             build and run every test suite (ctest)"
	@echo "make reproduce-mini   the CPU-sized comparison (hours on 2 cores; equal-memory alone ~2 h)"
	@echo "make reproduce-paper  the paper's settings (needs CUDA and the datasets)"
	@echo "make reproduce-gigapixel  PatchGD streamed from 8192² to 65536² slides under 1 GB (GIGAPIXEL_SCALE=mini: 8192², 16384²)"
	@echo "make table-NAME       one table from $(DB)   make bench   benchmarks into $(DB)"
	@echo "make report           one HTML page of $(DB): $(REPORT)/index.html"
	@echo "make test-slurm       the Slurm path against a real slurmctld + slurmd on localhost (root)"

deps:
	@./scripts/install-deps.sh

# Slurm's daemons and munge, for `make test-slurm` only: not part of `deps`, since on a
# workstation installing them may start system services.
deps-slurm: deps
	@./scripts/install-deps.sh slurm

# A real Slurm on this machine: submit, kill a task, resubmit the unfinished cells, merge.
test-slurm: build deps-slurm
	./scripts/test-slurm.sh

$(BUILD)/build.ninja: CMakeLists.txt | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) --timeout 600

# The README's main job: the default-scale sweeps (a task that needs resolution, 3 seeds per
# cell), then tables, plots, a verdict per claim of the paper and the HTML report, whose path
# is the last line printed. A sweep whose runs fail does not stop the others; the target fails
# at the end if any did.
reproduce: build
	@set -u; rc=0; start=$$(date +%s); \
	for s in $(DEFAULT_TRAINING_SWEEPS); do \
	  echo "== sweep $$s (scale=default, $(WORKERS) workers)"; \
	  $(PATCHGD) sweep experiments/sweeps/$$s.yaml scale=default --resume --workers $(WORKERS) --db $(DB) || rc=$$?; \
	done; \
	for s in $(DEFAULT_MEASURE_SWEEPS); do \
	  echo "== sweep $$s (scale=default)"; \
	  $(PATCHGD) sweep experiments/sweeps/$$s.yaml scale=default --resume --db $(DB) || rc=$$?; \
	done; \
	secs=$$(( $$(date +%s) - start )); \
	echo "sweeps took $$((secs / 60)) min $$((secs % 60)) s"; \
	$(PATCHGD) tables --db $(DB) --scale default --format md,latex,csv --out results/out/tables || rc=$$?; \
	$(PATCHGD) plot --db $(DB) --out results/out/plots || rc=$$?; \
	$(PATCHGD) claims --db $(DB) --scale default --out results/out/claims.md || rc=$$?; \
	echo "tables: results/out/tables  claims: results/out/claims.md  plots: results/out/plots  database: $(DB)"; \
	$(PATCHGD) report --db $(DB) --scale default --out $(REPORT) || rc=$$?; \
	exit $$rc

reproduce-smoke reproduce-mini: reproduce-%: build
	$(PATCHGD) data panda-synthetic --out results/data/panda-synthetic --per-grade 8 --side 1024
	@set -e; for s in $(SWEEPS); do \
	  echo "== sweep $$s (scale=$*)"; \
	  case " $(DEFAULT_MEASURE_SWEEPS) " in *" $$s "*) w=1 ;; *) w=$(WORKERS) ;; esac; \
	  $(PATCHGD) sweep experiments/sweeps/$$s.yaml scale=$* --resume --workers $$w --db $(DB); \
	done
	$(PATCHGD) tables --db $(DB) --scale $* --format md,latex,csv --out results/out/tables
	$(PATCHGD) plot --db $(DB) --out results/out/plots
	@echo "tables: results/out/tables  plots: results/out/plots  database: $(DB)"
	@$(PATCHGD) report --db $(DB) --scale $* --out $(REPORT)

reproduce-paper: build
	@$(PATCHGD) check-paper || { echo "reproduce-paper needs a CUDA build of LibTorch and the PANDA data (see README)"; exit 2; }
	@set -e; for s in $(SWEEPS); do $(PATCHGD) sweep experiments/sweeps/$$s.yaml scale=paper device=cuda --resume --db $(DB); done
	$(PATCHGD) tables --db $(DB) --scale paper --format md,latex,csv --out results/out/tables
	$(PATCHGD) plot --db $(DB) --out results/out/plots
	@$(PATCHGD) report --db $(DB) --scale paper --out $(REPORT)

# Gigapixel PatchGD (issue 16): synthetic slides written tile by tile (65536²: ~10 min and a few
# GB of disk for 6 slides), then one step and one prediction per side, streamed, under 1 GB.
# GIGAPIXEL_SCALE: default (all four sides; the 65536² run takes 25 min on 2 cores), mini (8192²
# and 16384²), paper (CUDA), smoke (512², 1024²).
GIGAPIXEL_SCALE ?= default
reproduce-gigapixel: build
	@set -e; case "$(GIGAPIXEL_SCALE)" in \
	  smoke) sides="512 1024" ;; mini) sides="8192 16384" ;; *) sides="8192 16384 32768 65536" ;; esac; \
	for s in $$sides; do \
	  $(PATCHGD) data panda-synthetic --out results/data/gigapixel/$$s --per-grade 1 --levels 4 --side $$s; \
	done
	$(PATCHGD) sweep experiments/sweeps/gigapixel.yaml scale=$(GIGAPIXEL_SCALE) --resume --db $(DB); \
	  rc=$$?; $(PATCHGD) tables --db $(DB) --table gigapixel --scale $(GIGAPIXEL_SCALE) --format md,csv --out results/out/tables; exit $$rc

table-%: build
	$(PATCHGD) tables --db $(DB) --table $* --format md,latex,csv --out results/out/tables

tables: build
	$(PATCHGD) tables --db $(DB) --format md,latex,csv --out results/out/tables

plots: build
	$(PATCHGD) plot --db $(DB) --out results/out/plots

# One static HTML page of the database (every run; `make report SCALE=default` for one scale).
report: build
	@$(PATCHGD) report --db $(DB) $(if $(SCALE),--scale $(SCALE)) --out $(REPORT)

# Benchmarks: Google Benchmark JSON under results/bench, loaded into the database.
BENCH_FILTER ?= .
bench: build
	@test -x $(BUILD)/bench/patchgd_bench || { echo "make bench: $(BUILD) was configured without the benchmarks;" \
	  "reconfigure it: cmake -S . -B $(BUILD) -DPATCHGD_BENCH=ON"; exit 2; }
	@mkdir -p results/bench
	$(BUILD)/bench/patchgd_bench --benchmark_filter='$(BENCH_FILTER)' \
	  --benchmark_out=results/bench/bench.json --benchmark_out_format=json
	$(PATCHGD) bench-load results/bench/bench.json --db $(DB)

# Sanitizers over the suites that do not need LibTorch's own code instrumented.
test-asan: deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPATCHGD_SANITIZE=ON -DPATCHGD_BENCH=OFF -DPATCHGD_PCH=OFF
	cmake --build build-asan -j $(JOBS) --target config_tests store_tests results_tests
	ASAN_OPTIONS=detect_leaks=1 ./build-asan/tests/config_tests
	ASAN_OPTIONS=detect_leaks=1 ./build-asan/tests/store_tests
	ASAN_OPTIONS=detect_leaks=1 ./build-asan/tests/results_tests

clean:
	rm -rf $(BUILD) build-asan results/out results/bench
