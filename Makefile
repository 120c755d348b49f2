# Dossier: plain GNU Makefile.  The link lines below are the architecture:
#   lib/           libc (+ nettle for SHA-256)
#   proto/         lib, libzmq/czmq, msgpack-c
#   worker/engine/ lib, utf8proc, libstemmer, exttextcat, libxml2   (no zmq, hiredis, msgpack)
#   broker/        lib, proto, LMDB                                 (no hiredis)
#   worker/        lib, proto, engine, hiredis
#   client/        lib, proto, engine (analyze --local), hiredis
# `make check-layering` proves the two "no" rules from the built objects.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
CC        ?= cc
SANITIZE  ?=

# BUILD and BIN may be overridden (e.g. `make BUILD=build/mine BIN=build/mine/bin`) so that
# several builds can share one tree.
ifeq ($(SANITIZE),)
  BUILD   ?= build
  BIN     ?= bin
else
  BUILD   ?= build/san-$(subst $(comma),-,$(SANITIZE))
  BIN     ?= $(BUILD)/bin
endif
comma := ,

WARN      := -Wall -Wextra -Wpedantic -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
CFLAGS    ?= -O2 -g
BASEFLAGS := -std=c11 -D_GNU_SOURCE -DDS_VERSION='"$(VERSION)"' $(WARN) -Ilib -Iproto -Iworker/engine -Ibroker -Iworker -Iclient -Itests/support
ifneq ($(SANITIZE),)
  BASEFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
  LDSAN     := -fsanitize=$(SANITIZE)
endif

PKG_LIB    := nettle
PKG_PROTO  := libczmq libzmq msgpack
PKG_ENGINE := libutf8proc libexttextcat libxml-2.0
PKG_BROKER := lmdb
PKG_WORKER := hiredis
PKG_CLIENT := jansson
PKG_TEST   := check

pc_cflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pc_libs   = $(shell pkg-config --libs $(1) 2>/dev/null)

ALLCFLAGS := $(BASEFLAGS) $(call pc_cflags,$(PKG_LIB) $(PKG_PROTO) $(PKG_ENGINE) $(PKG_BROKER) $(PKG_WORKER) $(PKG_CLIENT) $(PKG_TEST)) $(CFLAGS)

LIBS_LIB    := $(call pc_libs,$(PKG_LIB))
LIBS_PROTO  := $(call pc_libs,$(PKG_PROTO))
LIBS_ENGINE := $(call pc_libs,$(PKG_ENGINE)) -lstemmer -lm
LIBS_BROKER := $(call pc_libs,$(PKG_BROKER))
LIBS_WORKER := $(call pc_libs,$(PKG_WORKER))
LIBS_CLIENT := $(call pc_libs,$(PKG_CLIENT))
LIBS_TEST   := $(call pc_libs,$(PKG_TEST)) -lpthread -lrt -lsubunit

LIB_SRC    := $(sort $(wildcard lib/*.c))
PROTO_SRC  := $(sort $(wildcard proto/*.c))
ENGINE_SRC := $(sort $(wildcard worker/engine/*.c))
BROKER_SRC := $(sort $(wildcard broker/*.c))
WORKER_SRC := $(sort $(wildcard worker/*.c))
CLIENT_SRC := $(sort $(wildcard client/*.c))
TSUP_SRC   := $(sort $(wildcard tests/support/*.c))
UNIT_SRC   := $(sort $(wildcard tests/unit/check_*.c)) $(sort $(wildcard tests/integration/check_*.c))
FUZZ_SRC   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
EXAMPLE_SRC:= $(sort $(wildcard examples/c/*.c))

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))

LIB_A    := $(BUILD)/libds.a
PROTO_A  := $(BUILD)/libdsproto.a
ENGINE_A := $(BUILD)/libdsengine.a
TSUP_A   := $(BUILD)/libdstest.a
# objects with a main() are the binaries' own; everything else in a folder is its library
BROKER_MAIN := $(BUILD)/broker/main.o
WORKER_MAIN := $(BUILD)/worker/main.o
CLIENT_MAIN := $(BUILD)/client/main.o
BROKER_A := $(BUILD)/libbroker.a
WORKER_A := $(BUILD)/libworker.a
CLIENT_A := $(BUILD)/libclient.a

BINARIES := $(BIN)/dossier-broker $(BIN)/dossier-worker $(BIN)/dossier
UNIT_BINS := $(patsubst %.c,$(BIN)/%,$(UNIT_SRC))
EXAMPLE_BINS := $(patsubst examples/c/%.c,$(BIN)/examples/%,$(EXAMPLE_SRC))
TOOL_BINS := $(patsubst tools/%.c,$(BIN)/tools/%,$(sort $(wildcard tools/*.c)))

# keep the objects of test and tool binaries (intermediates of pattern rules) between runs
.SECONDARY:
.PHONY: all test run install lint check-layering fuzz fuzz-build clean bench bench-quick eval tests examples
all: $(BINARIES) $(EXAMPLE_BINS) $(TOOL_BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(ALLCFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

$(LIB_A): $(call obj,$(LIB_SRC))
$(PROTO_A): $(call obj,$(PROTO_SRC))
$(ENGINE_A): $(call obj,$(ENGINE_SRC)) $(BUILD)/empty.o
$(TSUP_A): $(call obj,$(TSUP_SRC)) $(BUILD)/empty.o
$(BROKER_A): $(filter-out $(BROKER_MAIN),$(call obj,$(BROKER_SRC))) $(BUILD)/empty.o
$(WORKER_A): $(filter-out $(WORKER_MAIN),$(call obj,$(WORKER_SRC))) $(BUILD)/empty.o
$(CLIENT_A): $(filter-out $(CLIENT_MAIN),$(call obj,$(CLIENT_SRC))) $(BUILD)/empty.o
# libdossier as installed: the client library with the lib/ code it uses, in one archive
$(BUILD)/libdossier.a: $(call obj,$(PROTO_SRC)) $(call obj,$(LIB_SRC))
$(BUILD)/%.a:
	@mkdir -p $(dir $@)
	@rm -f $@
	@ar rcs $@ $^

# a library with no sources yet is an archive of one empty object
$(BUILD)/empty.o:
	@mkdir -p $(dir $@)
	@echo 'typedef int ds_empty_unit;' | $(CC) -x c -c - -o $@

$(BIN)/dossier-broker: $(BROKER_MAIN) $(BROKER_A) $(PROTO_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $^ $(LIBS_BROKER) $(LIBS_PROTO) $(LIBS_LIB) -lm

$(BIN)/dossier-worker: $(WORKER_MAIN) $(WORKER_A) $(ENGINE_A) $(PROTO_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $^ $(LIBS_WORKER) $(LIBS_ENGINE) $(LIBS_PROTO) $(LIBS_LIB)

$(BIN)/dossier: $(CLIENT_MAIN) $(CLIENT_A) $(ENGINE_A) $(PROTO_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $^ $(LIBS_CLIENT) $(LIBS_WORKER) $(LIBS_ENGINE) $(LIBS_PROTO) $(LIBS_LIB)

ALL_A := $(TSUP_A) $(CLIENT_A) $(WORKER_A) $(BROKER_A) $(ENGINE_A) $(PROTO_A) $(LIB_A)
ALL_LIBS := $(LIBS_TEST) $(LIBS_CLIENT) $(LIBS_WORKER) $(LIBS_BROKER) $(LIBS_ENGINE) $(LIBS_PROTO) $(LIBS_LIB)

$(BIN)/tests/%: $(BUILD)/tests/%.o $(ALL_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $^ $(ALL_LIBS)

$(BIN)/examples/%: $(BUILD)/examples/c/%.o $(PROTO_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $^ $(LIBS_PROTO) $(LIBS_LIB)

$(BIN)/tools/%: $(BUILD)/tools/%.o $(ENGINE_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $^ $(LIBS_ENGINE) $(LIBS_LIB)

tests: all $(UNIT_BINS)

# `make test`: installs missing packages, builds, runs every Check suite (each starts
# its own redis-server where it needs one) and ends with "N passed, N failed".
test:
	@pkg-config --exists $(PKG_PROTO) $(PKG_WORKER) $(PKG_CLIENT) $(PKG_BROKER) $(PKG_TEST) $(PKG_ENGINE) && command -v redis-server >/dev/null \
	  || bash deploy/install-deps.sh
	@$(MAKE) --no-print-directory tests
	@DS_BIN=$(abspath $(BIN)) bash tests/run.sh $(UNIT_BINS)

run:
	@bash deploy/install-deps.sh
	@$(MAKE) --no-print-directory all
	@bash deploy/run-local.sh

install: all $(BUILD)/libdossier.a
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/share/dossier
	install -m 755 $(BINARIES) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 proto/dossier.h $(DESTDIR)$(PREFIX)/include/ 2>/dev/null || true
	install -m 644 $(BUILD)/libdossier.a $(DESTDIR)$(PREFIX)/lib/libdossier.a
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' proto/dossier.pc.in \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/dossier.pc 2>/dev/null || true
	cp -r data/. $(DESTDIR)$(PREFIX)/share/dossier/
	install -m 644 proto/SPEC.md proto/result.schema.json $(DESTDIR)$(PREFIX)/share/dossier/

FUZZ_BINS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -DDS_VERSION='"$(VERSION)"' -g -O1 -Ilib -Iproto -Iworker/engine \
  -fsanitize=fuzzer,address,undefined $(call pc_cflags,$(PKG_LIB) $(PKG_PROTO) $(PKG_ENGINE))
build/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(PROTO_SRC) $(ENGINE_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $^ $(LIBS_PROTO) $(LIBS_ENGINE) $(LIBS_LIB)
fuzz-build: $(FUZZ_BINS)
FUZZ_SECONDS ?= 30
fuzz: fuzz-build
	@set -e; for f in $(FUZZ_BINS); do \
	  n=$$(basename $$f); mkdir -p build/fuzz/corpus-$$n; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
	  mkdir -p tests/fuzz/seeds/$$n; \
	  if $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix=build/fuzz/ \
	       build/fuzz/corpus-$$n tests/fuzz/seeds/$$n > build/fuzz/$$n.log 2>&1; then \
	    tail -n 6 build/fuzz/$$n.log; \
	  else \
	    tail -n 60 build/fuzz/$$n.log; echo "fuzz: $$n FAILED (artifact in build/fuzz/)"; exit 1; \
	  fi; \
	done

check-layering: all
	@bash tests/check-layering.sh $(BUILD) $(BIN)

lint:
	@bash tests/lint.sh

# `make bench-quick` (under a minute) and `make bench` (a few minutes): Dossier beside the
# peer queues on this machine, written to bench/RESULTS.md (bench/README.md).
bench: all
	@BIN=$(BIN) BUILD=$(BUILD) bash bench/run.sh full
bench-quick: all
	@BIN=$(BIN) BUILD=$(BUILD) bash bench/run.sh quick

clean:
	rm -rf build bin

# `make eval`: the entity stage's P/R/F1 per type on the GMB held-out slice and on re3d,
# and its throughput (tools/eval.sh; the corpora live in ../shared/data/ner).
eval: $(BIN)/tools/ner_eval
	@bash tools/eval.sh $(abspath $(BIN))

# `make ner-model`: retrains data/ner/model.bin and data/ner/lexicon.tsv (tools/train.sh).
.PHONY: ner-model
ner-model: $(BIN)/tools/ner_train
	@bash tools/train.sh $(abspath $(BIN))
