# Hardened iSCSI initiator: iscsid (privilege-separated) and iscsiadm.
#
#   make               build every program into $(BUILD)
#   make deps          install every build and test dependency (apt-get)
#   make check         the whole suite; last line "N passed, N failed"
#   make check SANITIZE=1   the same, built with ASan and UBSan
#   make fuzz          libFuzzer harnesses (clang), each run FUZZ_SECONDS
#   make install DESTDIR=... PREFIX=/usr
#
# Layout rule that keeps this file short: every .c under $(CODE_DIRS) goes
# into one static archive, except the files named as a program's main.
# Programs, unit tests and fuzz harnesses link against that archive, and
# the linker pulls only what each one uses.

CODE_DIRS := base proto records privsep policy auth login discovery monitor kernel adm control

# Program name -> file holding its main(). A program whose main file does
# not exist yet is simply not built.
PROGRAM_MAINS := iscsiadm:adm/main.c iscsid:monitor/main.c iscsi-iname:adm/iname_main.c iscsi-worker:privsep/worker_main.c

PKGS := libseccomp libcap-ng libcrypto libnl-3.0 libnl-genl-3.0 libkmod
# Debian's libgdbm-dev ships no gdbm.pc; use pkg-config for gdbm where the
# distribution has one, plain -lgdbm otherwise.
GDBM_LIBS := $(shell pkg-config --libs gdbm 2>/dev/null || echo -lgdbm)

PREFIX     ?= /usr
SBINDIR    ?= $(PREFIX)/sbin
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
DESTDIR    ?=

CC ?= cc
ifeq ($(origin CC),default)
CC := gcc
endif

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD ?= build/san
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HARDEN := -fstack-protector-strong
else
BUILD ?= build
SAN_FLAGS :=
HARDEN := -fstack-protector-strong -D_FORTIFY_SOURCE=2
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) $(GDBM_LIBS)
ifeq ($(filter deps clean,$(MAKECMDGOALS)),)
ifneq ($(shell pkg-config --exists $(PKGS) cmocka 2>/dev/null && echo ok),ok)
$(error missing build dependencies: run 'make deps' first)
endif
endif
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wvla -Wstrict-prototypes
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 $(WARN) $(HARDEN) -fPIE $(SAN_FLAGS)
CPPFLAGS += -I. $(PKG_CFLAGS) -D_GNU_SOURCE -MMD -MP
LDFLAGS  += -pie -Wl,-z,relro,-z,now -Wl,--as-needed $(SAN_FLAGS)
LDLIBS   := $(PKG_LIBS)

prog_name = $(word 1,$(subst :, ,$1))
prog_main = $(word 2,$(subst :, ,$1))
EXISTING  := $(foreach p,$(PROGRAM_MAINS),$(if $(wildcard $(call prog_main,$p)),$p))
PROGRAMS  := $(foreach p,$(EXISTING),$(call prog_name,$p))
MAIN_SRCS := $(foreach p,$(PROGRAM_MAINS),$(call prog_main,$p))

LIB_SRCS := $(filter-out $(MAIN_SRCS),$(wildcard $(addsuffix /*.c,$(CODE_DIRS))))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
ARCHIVE  := $(BUILD)/libiscsi-initiator.a

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:%.c=$(BUILD)/%)
TEST_HELPER_SRCS := $(wildcard tests/unit/helpers/*.c)
TEST_HELPER_OBJS := $(TEST_HELPER_SRCS:%.c=$(BUILD)/%.o)
FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)
REPLAY_BINS := $(patsubst tests/fuzz/fuzz_%.c,$(BUILD)/tests/fuzz/replay_%,$(FUZZ_SRCS))
# Small programs used by integration tests (fake targets, sandbox probes).
TOOL_SRCS  := $(wildcard tests/tools/*.c)
TOOL_BINS  := $(TOOL_SRCS:%.c=$(BUILD)/%)

# Keep the test and harness objects that pattern chains build. Named one
# by one: a bare .SECONDARY would also stop a new library source from
# refreshing an archive that looks newer than the sources it came from.
.SECONDARY: $(UNIT_BINS:%=%.o) $(TOOL_BINS:%=%.o) $(BUILD)/tests/fuzz/replay_main.o \
	$(patsubst tests/fuzz/%.c,$(BUILD)/tests/fuzz/%.o,$(FUZZ_SRCS))
.PHONY: all deps check unit-tests test-bins fuzz install clean demo bench bench-vm
all: $(PROGRAMS:%=$(BUILD)/%)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(ARCHIVE): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

define program_rule
$(BUILD)/$(call prog_name,$1): $(BUILD)/$(patsubst %.c,%.o,$(call prog_main,$1)) $(ARCHIVE)
	$$(CC) $$(LDFLAGS) $$^ $$(LDLIBS) -o $$@
endef
$(foreach p,$(EXISTING),$(eval $(call program_rule,$p)))

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CMOCKA_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/tests/unit/helpers/%.o: tests/unit/helpers/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CMOCKA_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/tests/unit/test_%: $(BUILD)/tests/unit/test_%.o $(TEST_HELPER_OBJS) $(ARCHIVE)
	$(CC) $(LDFLAGS) $^ $(CMOCKA_LIBS) $(LDLIBS) -o $@

$(BUILD)/tests/fuzz/replay_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay_main.o $(ARCHIVE)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(ARCHIVE)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

test-bins: all $(UNIT_BINS) $(REPLAY_BINS) $(TOOL_BINS)

# The suite: unit tests, fuzz corpus replays, then integration and VM
# tests; tests/run-suite prints the closing "N passed, N failed" line.
check: test-bins
	tests/run-suite $(BUILD)

unit-tests: test-bins
	tests/run-suite $(BUILD) unit

# 10,000 node records, ours beside the reference open-iscsi (needs root).
bench: all $(TOOL_BINS)
	tests/bench/records.sh $(BUILD)

# Sessions in the qemu VM: login, logout, -L/-U all over 64 targets and
# iscsid's memory, ours beside the reference open-iscsi.
bench-vm: all
	tests/bench/sessions.sh $(BUILD)
	tests/bench/recovery.sh $(BUILD)

# The main job shown in the qemu VM, each command with its output.
demo: all
	tests/demo/run $(BUILD)

# libFuzzer builds: the library is compiled again with clang and the
# fuzzer's instrumentation, in a tree of its own.
FUZZ_BUILD   := build/fuzz
FUZZ_CC      := clang
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS ?= 60
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_BINS    := $(patsubst tests/fuzz/fuzz_%.c,$(FUZZ_BUILD)/fuzz_%,$(FUZZ_SRCS))

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=gnu11 -I. $(PKG_CFLAGS) -D_GNU_SOURCE -DFUZZING -fsanitize=fuzzer-no-link,address,undefined -g -O1 -c $< -o $@

# An archive here too, so a harness pulls in only what it uses (the
# monitor's objects, for one, need symbols from its main).
$(FUZZ_BUILD)/libiscsi-initiator.a: $(FUZZ_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/libiscsi-initiator.a
	$(FUZZ_CC) -std=gnu11 -I. $(PKG_CFLAGS) -D_GNU_SOURCE -DFUZZING $(FUZZ_FLAGS) $^ $(LDLIBS) -o $@

fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
		name=$${f##*/fuzz_}; mkdir -p $(FUZZ_BUILD)/corpus/$$name; \
		echo "fuzzing $$name for $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			$(FUZZ_BUILD)/corpus/$$name tests/fuzz/corpus/$$name || exit 1; \
	done

# Debian packages for building, the unit suite, integration tests against
# tgtd and the VM suite. Does nothing when everything is already there.
DEB_PKGS := build-essential pkg-config clang libclang-rt-14-dev \
	libseccomp-dev libcap-ng-dev libssl-dev libgdbm-dev libnl-3-dev \
	libnl-genl-3-dev libkmod-dev libcmocka-dev openssl \
	qemu-system-x86 busybox-static tgt cpio xz-utils kmod tshark

deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -z "$$missing" ]; then echo "deps: all installed"; else \
		echo "deps: installing $$missing"; \
		echo "wireshark-common wireshark-common/install-setcap boolean false" | debconf-set-selections; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@# Debian's open-iscsi, unpacked under build/ (never installed): the
	@# reference for golden-output tests and the benchmark baseline.
	tests/reference/open-iscsi fetch

# The VM suite's kernel (Debian's, fetched and unpacked under build/vm)
# and the base of its initramfs; tests/vm/run also does this on demand.
.PHONY: vm-image
vm-image:
	tests/vm/build-image

install: all
	install -d -m 0755 $(DESTDIR)$(SBINDIR)
	install -m 0755 $(PROGRAMS:%=$(BUILD)/%) $(DESTDIR)$(SBINDIR)/
	$(if $(wildcard etc/iscsid.conf),install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/iscsi && \
		install -m 0644 etc/iscsid.conf $(DESTDIR)$(SYSCONFDIR)/iscsi/iscsid.conf)
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	for u in etc/systemd/*.service etc/systemd/*.socket; do \
		sed 's|/usr/sbin/|$(SBINDIR)/|g' "$$u" >$(DESTDIR)$(UNITDIR)/$${u##*/} && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$${u##*/} || exit 1; \
	done

clean:
	rm -rf build

-include $(shell find $(BUILD) -path '*/reference' -prune -o -name '*.d' -type f -print 2>/dev/null)
