# ftpconform: FTP conformance test suite.
#
#   make build         bin/ftpconform and bin/refftpd
#   make conformance   run the suite (against the embedded reference server, or TARGET=ftp://…)
#   make test          go vet, unit tests with the race detector, then the whole suite --strict
#   make lint          gofmt and go vet

GO       ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS  := -X main.version=$(VERSION)

# make conformance TARGET=ftp://USER:PASS@HOST:PORT/SCRATCH ARGS='--profile rfc959 --read-only'
TARGET     ?=
ARGS       ?=
REPORT_DIR ?= conformance-report

# Where make test writes the reports of its own conformance run.
TEST_REPORT_DIR ?= $(REPORT_DIR)

.PHONY: all build conformance test vet unit lint clean FORCE

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

test: vet unit bin/ftpconform
	@echo '--- the whole suite against the embedded reference server, --strict'
	bin/ftpconform --strict --report-dir '$(TEST_REPORT_DIR)'

vet:
	$(GO) vet ./...

unit:
	$(GO) test -race ./...

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
