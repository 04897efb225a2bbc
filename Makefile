# nasgc: build, test, generate, benchmark.
GO ?= go

.PHONY: build test test-short generate check-generated bench bench-peer vet fmt-check

build:
	$(GO) build -o bin/nasgc ./cmd/nasgc

# The default test suite: everything, including the end-to-end tests that
# build and train generated programs on real MNIST.
test:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v '^antlr/'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go' | grep -v '^antlr/'); exit 1; }
	$(GO) test -timeout 20m ./...

# Quick tests only: skips building and training candidates.
test-short:
	$(GO) test -short ./...

# Regenerate the ANTLR parser from antlr/NASG.g4 (needs Java and npm).
generate:
	./antlr/generate.sh

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The peer comparison with PyTorch (issue 8): three networks trained by
# nasgc's generated programs and by PyTorch side by side; prints the table
# of docs/benchmarks.md. Needs Debian's python3-torch; takes minutes.
bench-peer:
	./bench/peer/run.sh
