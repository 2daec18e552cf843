# ftpconform: FTP conformance test suite.
#
#   make build         bin/ftpconform and bin/refftpd
#   make conformance   run the suite (against the embedded reference server, or TARGET=ftp://…)
#   make test          go vet, unit tests with the race detector, the browser test of report.html,
#                      the catalogue's freshness, the whole suite against the reference server
#                      (--profile secure --strict) compared with its baseline, the same over
#                      FTPS (explicit, implicit), IPv6 and active mode, the coverage check
#   make coverage      print which scenarios cover each command and reply code
#   make catalogue     regenerate docs/scenarios.md (the scenario catalogue)
#   make baseline      regenerate baselines/reference-server.json (the reference server's replies)
#   make regenerate    both: run it after adding scenarios or changing the reference server
#   make lint          gofmt and go vet
#   make bench         benchmarks (reference server throughput, reply parsing), as a table
#   make soak          the whole suite against the reference server SOAK_RUNS times (default 10),
#                      each compared with its baseline: a scenario that flakes shows up here

GO       ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS  := -X main.version=$(VERSION)

# make conformance TARGET=ftp://USER:PASS@HOST:PORT/SCRATCH ARGS='--profile rfc959 --read-only'
TARGET     ?=
ARGS       ?=
REPORT_DIR ?= conformance-report

# Where make test writes the reports of its own conformance run.
TEST_REPORT_DIR ?= $(REPORT_DIR)

# What make test, make baseline and the committed files hold the reference server to: every
# scenario of the widest profile, SHOULDs included.
REFERENCE_ARGS := --profile secure --strict
BASELINE       := baselines/reference-server.json
CATALOGUE      := docs/scenarios.md

.PHONY: all build conformance test vet unit lint clean FORCE
.PHONY: test-browser test-catalogue test-conformance test-variants test-coverage coverage catalogue baseline regenerate

all: build

build: bin/ftpconform bin/refftpd

# Go decides what is stale; make always asks it.
bin/ftpconform bin/refftpd: FORCE
	$(GO) build -ldflags '$(LDFLAGS)' -o $@ ./cmd/$(@F)

# TARGET reaches the runner through the environment, so no shell quoting can mangle a password.
ifneq ($(TARGET),)
conformance: export FTPCONFORM_TARGET := $(TARGET)
endif
conformance: bin/ftpconform
	bin/ftpconform --report-dir '$(REPORT_DIR)' $(ARGS)

test: vet unit test-browser test-catalogue test-conformance test-variants test-coverage

vet:
	$(GO) vet ./...

# The browser test runs on its own (test-browser), without the race detector's slowness.
unit:
	$(GO) test -race -skip '^TestReportInBrowser$$' ./...

# report.html in Debian's headless chromium (.ci/run installs it). Without chromium the test is
# skipped, and said to be.
test-browser:
	@echo '--- report.html in headless chromium'
	@if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 && [ -z "$$FTPCONFORM_CHROMIUM" ]; then \
		echo '*** SKIPPED: the browser test of report.html: chromium is not installed (apt-get install chromium, or run .ci/run)'; fi
	$(GO) test -count=1 -run '^TestReportInBrowser$$' -v ./cmd/ftpconform/

# The committed catalogue must be what the scenarios declare.
test-catalogue: bin/ftpconform
	@echo '--- $(CATALOGUE) is up to date'
	@new=$$(mktemp) && bin/ftpconform --catalogue > $$new && \
	if ! cmp -s $$new $(CATALOGUE); then \
		diff -u $(CATALOGUE) $$new | head -40; rm -f $$new; \
		echo "*** $(CATALOGUE) is stale (the scenarios changed): run 'make catalogue' (or 'make regenerate') and commit it"; exit 1; \
	fi; rm -f $$new

# The whole suite against the reference server, compared exactly with its committed baseline;
# the certificate it earns is signed with a throwaway key and verified.
test-conformance: bin/ftpconform
	@echo '--- the whole suite against the embedded reference server ($(REFERENCE_ARGS)), compared with $(BASELINE)'
	@key=$$(mktemp -d) && bin/ftpconform --gen-key $$key/key.pem >/dev/null && \
	if ! bin/ftpconform $(REFERENCE_ARGS) --report-dir '$(TEST_REPORT_DIR)' --baseline $(BASELINE) --baseline-exact --sign-key $$key/key.pem; then \
		rm -rf $$key; \
		echo "*** the reference server failed, or its replies differ from $(BASELINE) (see above)."; \
		echo "*** If the changes against the baseline are intended (new scenarios, a changed reply), run 'make baseline' (or 'make regenerate') and commit $(BASELINE)."; \
		exit 1; \
	fi && \
	bin/ftpconform --verify '$(TEST_REPORT_DIR)' --trust-key $$key/key.pem.pub; status=$$?; rm -rf $$key; exit $$status

# The same suite over explicit and implicit FTPS, over IPv6 and with active data connections:
# the reference server must pass each (RFC 4217, RFC 2428).
VARIANTS := --tls=explicit --tls=implicit --ipv6 --active
test-variants: bin/ftpconform
	@for v in $(VARIANTS); do \
		echo "--- the whole suite against the embedded reference server ($(REFERENCE_ARGS) $$v)"; \
		dir="$(TEST_REPORT_DIR)/variant$$(echo $$v | tr -d -- '-=')"; \
		out=$$(bin/ftpconform $(REFERENCE_ARGS) $$v --report-dir "$$dir" 2>&1); status=$$?; \
		echo "$$out" | tail -n 4; [ $$status -eq 0 ] || { echo "$$out" | tail -n 40; exit 1; }; \
	done

# Every command and reply code of the seed table has a scenario; every section label exists.
test-coverage: bin/ftpconform
	@echo '--- coverage of the seed table (make coverage prints the whole matrix)'
	@bin/ftpconform --coverage > /dev/null

coverage: bin/ftpconform
	@bin/ftpconform --coverage

catalogue: bin/ftpconform
	bin/ftpconform --catalogue > $(CATALOGUE).tmp && mv $(CATALOGUE).tmp $(CATALOGUE)

# The baseline records the reference server's replies even where a scenario fails, so it is
# written whatever the verdict; make test then says what fails.
baseline: bin/ftpconform
	@mkdir -p $(dir $(BASELINE))
	@echo "bin/ftpconform $(REFERENCE_ARGS) --report-dir '$(TEST_REPORT_DIR)' --baseline-write $(BASELINE)"
	@bin/ftpconform $(REFERENCE_ARGS) --report-dir '$(TEST_REPORT_DIR)' --baseline-write $(BASELINE) || \
		echo "*** the reference server is not conformant (see above); $(BASELINE) records its replies all the same"

regenerate: catalogue baseline

# Timings belong here, never in tests. BENCH_ARGS passes more flags, e.g. BENCH_ARGS=-count=5.
BENCH_ARGS ?=
.PHONY: bench soak
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(BENCH_ARGS) ./harness ./reference-server

# Each run starts a fresh embedded server, and its parallel workers interleave the scenarios
# differently: what depends on timing or on a neighbour shows up as a changed verdict or code.
SOAK_RUNS ?= 10
soak: bin/ftpconform
	@mkdir -p '$(TEST_REPORT_DIR)'
	@for i in $$(seq 1 $(SOAK_RUNS)); do \
		echo "--- soak run $$i of $(SOAK_RUNS)"; \
		bin/ftpconform $(REFERENCE_ARGS) --report-dir '$(TEST_REPORT_DIR)/soak' --baseline $(BASELINE) $(ARGS) > '$(TEST_REPORT_DIR)/soak.log' 2>&1 \
			|| { tail -40 '$(TEST_REPORT_DIR)/soak.log'; echo "*** soak run $$i failed: $(TEST_REPORT_DIR)/soak/report.html"; exit 1; }; \
	done; echo "--- $(SOAK_RUNS) runs, every one as the baseline says"

lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

clean:
	rm -rf bin conformance-report

# --- interop: the suite on real FTP servers (see interop/README.md) ---
#   make interop            install (as root) and run vsftpd, proftpd, pure-ftpd and pyftpdlib,
#                           run the suite on each under each profile, write
#                           conformance-report/interop/index.html, compare with interop/expected/
#   make interop-expected   the same, but write the verdicts into interop/expected/ (review the diff)
# INTEROP_ARGS passes flags to cmd/interop, e.g. INTEROP_ARGS='-servers pyftpdlib -profiles modern'.
INTEROP_ARGS ?=
.PHONY: interop interop-expected
bin/interop: FORCE
	$(GO) build -o $@ ./cmd/interop
interop: bin/ftpconform bin/interop
	bin/interop $(INTEROP_ARGS)
interop-expected: bin/ftpconform bin/interop
	bin/interop -update $(INTEROP_ARGS)

# --- mutation: proof that every scenario can fail (see cmd/mutation and reference-server/README.md) ---
#   make mutation        every fault of the reference server's catalogue, each against the scenarios
#                        on its commands plus a sample; fails on a fault that no scenario catches, or a
#                        scenario that no fault fails (unless cmd/mutation/unfailable.txt says why)
#   make mutation-quick  a caught fault in every group of the catalogue; part of make test
# MUTATION_ARGS passes flags to bin/mutation, e.g. MUTATION_ARGS='--fault bare-lf' or '--jobs 4'.
MUTATION_ARGS ?=
MUTATION_DIR  ?= $(REPORT_DIR)/mutation
.PHONY: mutation mutation-quick
bin/mutation: FORCE
	$(GO) build -o $@ ./cmd/mutation
mutation: bin/ftpconform bin/mutation
	bin/mutation --out '$(MUTATION_DIR)' $(MUTATION_ARGS)
mutation-quick: bin/ftpconform bin/mutation
	bin/mutation --quick --out '$(MUTATION_DIR)/quick' $(MUTATION_ARGS)
test: mutation-quick
