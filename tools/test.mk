# Test, lint, run, debug, ISO and benchmark targets. Included from the top-level Makefile,
# which defines B (build directory), QEMU and the rules of $(B)/apus.elf and of the test image
# $(B)/apus-test.elf, and declares these targets phony. See docs/testing.md.
#
#   make test                  every tier; ends with `N passed, N failed`, fails if N failed > 0
#   make lint                  the Swift files of tools/lint-paths.txt against .swift-format
#   make format                rewrite every Swift file (FILES="a.swift b.swift": only those)
#   make test-host             only `swift test`
#   make test-kernel           only the QEMU boots (RUNS="boot oops" picks some; see
#                              tools/test/run-kernel-tests.sh --list)
#   make run                   Apus on this terminal (Ctrl-A X quits); RUN_MEM=, RUN_CMDLINE=,
#                              RUN_INITRD= (default $(B)/initramfs.cpio.gz: busybox, a shell),
#                              RUN_KERNEL= (default $(B)/apus.elf; $(B)/apus-test.elf has the
#                              self-tests of apus.selftest=)
#   make debug                 the same, halted for gdb (prints the gdb command; DEBUG_PORT=,
#                              DEBUG_MODULES= more .ko directories; docs/debugging.md)
#   make iso                   $(B)/apus.iso (GRUB, Multiboot2)
#   make bench                 Apus against Debian's Linux on tools/bench's microbenchmarks
#                              under the same QEMU (ROUNDS=3, BENCH=pipe,clock: only those
#                              programs; PROFILE=1: Apus alone with its tick profiler;
#                              docs/performance.md); results in $(B)/bench/
#   make deps                  check/install the Debian packages and the Swift toolchain
#   make user-tests            $(B)/user-initramfs.cpio: busybox + tests/user, /init runs them
#   make fuzz                  the system-call fuzzer in QEMU (CALLS=, SEED=, docs/robustness.md)

RUN_MEM     ?= 256M
RUN_CMDLINE ?= console=ttyS0
RUNS        ?=
RUN_INITRD  ?= $(B)/initramfs.cpio.gz
RUN_KERNEL  ?= $(B)/apus.elf
QEMU_RUN_ARGS = -kernel $(RUN_KERNEL) -m $(RUN_MEM) -display none -no-reboot \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 -append "$(RUN_CMDLINE)" -initrd $(RUN_INITRD)
TEST_ENV = MAKE="$(MAKE)" B="$(B)" QEMU="$(QEMU)" SWIFT_FORMAT="$(SWIFT_BIN)swift-format"
FILES ?=

deps:
	@tools/install-deps.sh

test: deps
	@$(TEST_ENV) tools/test/run-all.sh

test-host: deps
	@$(TEST_ENV) tools/test/run-all.sh host

test-kernel: deps
	@$(TEST_ENV) tools/test/run-all.sh kernel $(RUNS)

lint:
	@$(TEST_ENV) tools/lint.py

format:
	@$(TEST_ENV) tools/lint.py --format $(FILES)

# QEMU's exit status is reported, not treated as an error: a self-test run ends with status 1
# (all passed) or 3 (something failed), see docs/testing.md.
run: deps $(RUN_KERNEL) $(RUN_INITRD)
	$(QEMU) $(QEMU_RUN_ARGS) -serial mon:stdio || echo "QEMU exit status $$?"

# gdb's start-up file for `make debug`: the image's symbols (DWARF), QEMU's stub, the helpers
# (tools/gdb/apus.py: lx-dmesg, lx-ps, lx-lsmod, lx-symbols) and lx-symbols watching for
# modules, whose .ko files it looks for under DEBUG_MODULES, then $(KO). docs/debugging.md.
DEBUG_PORT    ?= 1234
DEBUG_MODULES ?=
debug: deps $(RUN_KERNEL) $(RUN_INITRD)
	@tools/install-deps.sh --debug
	@printf '%s\n' 'set pagination off' 'set confirm off' 'file $(abspath $(RUN_KERNEL))' \
	  'target remote localhost:$(DEBUG_PORT)' 'source $(abspath tools/gdb/apus.py)' \
	  'lx-symbols $(DEBUG_MODULES) $(abspath $(KO))' > $(B)/gdbinit
	@echo "QEMU is halted with its gdb stub on :$(DEBUG_PORT). In another terminal:"
	@echo ""
	@echo "    gdb -x $(B)/gdbinit"
	@echo ""
	@echo "(then e.g. 'break start_kernel', 'continue', 'lx-dmesg'). Ctrl-A X here quits QEMU."
	$(QEMU) $(QEMU_RUN_ARGS) -serial mon:stdio -gdb tcp:localhost:$(DEBUG_PORT) -S || echo "QEMU exit status $$?"

iso: deps $(B)/apus.elf $(RUN_INITRD)
	tools/make-iso.sh -o $(B)/apus.iso -k $(B)/apus.elf

syscall-docs: ; python3 tools/gen-syscall-docs.py

# ---- the benchmarks (docs/performance.md): tools/bench/*.c, static with musl, in an initramfs
# whose /init (tools/bench/init.sh) runs them; tools/bench/bench.py boots it on both kernels.
BENCH_PROGRAMS := $(patsubst tools/bench/%.c,$(B)/bench/bin/%,$(sort $(wildcard tools/bench/*.c)))
BENCH_INITRAMFS := $(B)/bench-initramfs.cpio
ROUNDS  ?= 3
BENCH   ?=
PROFILE ?=
.PHONY: bench-programs

$(B)/bench/bin/%: tools/bench/%.c tools/bench/bench.h
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_CFLAGS) $< -o $@

bench-programs: $(BENCH_PROGRAMS)

$(BENCH_INITRAMFS): $(ROOTFS_DEPS) tools/bench/init.sh $(BENCH_PROGRAMS)
	BUSYBOX=$(BUSYBOX) tools/rootfs/mkrootfs --init tools/bench/init.sh \
	  $(foreach p,$(BENCH_PROGRAMS),--add $(p):bench/$(notdir $(p))) $(B)/bench-root -o $@

bench: deps $(B)/apus.elf $(BENCH_INITRAMFS)
	@$(TEST_ENV) BUSYBOX=$(BUSYBOX) ROUNDS=$(ROUNDS) BENCH=$(BENCH) PROFILE=$(PROFILE) tools/bench/bench.py

# ---- initramfs images: tools/mkinitramfs packs a directory that tools/rootfs/mkrootfs fills
# with Debian's busybox-static, its applet links, /etc and an /init (docs/testing.md).
BUSYBOX     ?= /bin/busybox
ROOTFS_DEPS := tools/mkinitramfs tools/rootfs/mkrootfs $(wildcard $(BUSYBOX))

# `make run`'s: /init prints a banner and runs busybox's shell on the console.
$(B)/initramfs.cpio.gz: $(ROOTFS_DEPS) tools/rootfs/init
	BUSYBOX=$(BUSYBOX) tools/rootfs/mkrootfs $(B)/rootfs -o $@

# The user tier's: /init is tests/user/init.sh, which runs the static test programs in /tests
# (tests/user/*.c built with musl, a few also with glibc) and busybox applets. The staged
# directory, $(B)/user-root, is what tools/test/user_linux.py runs on the host. Not gzipped:
# the kernel reads a plain archive in place, and inflating 6 MiB costs 2 s under TCG.
USER_CC     ?= musl-gcc
GLIBC_CC    ?= gcc
USER_CFLAGS := -static -O2 -Wall -Wextra -Werror -pthread
USER_PROGRAMS := $(patsubst tests/user/%.c,$(B)/user/%,$(sort $(wildcard tests/user/*.c)))
# glibc's startup, threads (clone3, rseq) and sbrk differ from musl's; its static libc.a
# comes with libc6-dev and is optional.
GLIBC_TESTS := fork_wait exec_args files mm threads pi_futex vdso
ifneq ($(filter /%,$(shell $(GLIBC_CC) -print-file-name=libc.a 2>/dev/null)),)
USER_PROGRAMS += $(GLIBC_TESTS:%=$(B)/user/%-glibc)
endif

$(B)/user/%-glibc: tests/user/%.c tests/user/tap.h
	@mkdir -p $(B)/user
	$(GLIBC_CC) $(USER_CFLAGS) $< -o $@

$(B)/user/%: tests/user/%.c tests/user/tap.h tests/user/sysvipc.h
	@mkdir -p $(B)/user
	$(USER_CC) $(USER_CFLAGS) $< -o $@

# tests/user itself: its time changes when a program is added or removed.
# With the modules of tools/module-sdk/sdk.mk in /lib/modules and their database in
# /lib/modules/$(KERNEL_RELEASE).
$(B)/user-initramfs.cpio: $(ROOTFS_DEPS) tests/user tests/user/init.sh $(USER_PROGRAMS) $(MODULE_FILES)
	BUSYBOX=$(BUSYBOX) tools/rootfs/mkrootfs --init tests/user/init.sh \
	  $(foreach p,$(USER_PROGRAMS),--add $(p):tests/$(notdir $(p))) $(MODULE_ADDS) $(B)/user-root -o $@

user-tests: $(B)/user-initramfs.cpio

# ---- the fuzz run (docs/robustness.md): tools/fuzz's fuzzer and exec corpus, static with
# musl, in an initramfs whose /init runs them as uid 65534 and then checks the kernel.
# `make fuzz` boots it; CALLS=, SEED= and EXEC= (malformed programs) choose the run, and
# REPLAY=INDEX makes call INDEX of SEED alone, printed; WORKERS=N runs N fuzzing processes at
# once (docs/robustness.md).
CALLS ?= 20000
SEED  ?= 1
EXEC  ?= 400
FUZZ_INITRAMFS := $(B)/fuzz-initramfs.cpio

# The numbers the fuzzer favours: those docs/syscalls.md lists as implemented or partial.
$(B)/fuzz/syscalls.h: docs/syscalls.md
	@mkdir -p $(dir $@)
	awk -F'|' '$$4 ~ /implemented|partial/ { gsub(/[ `]/, "", $$2); gsub(/[ `]/, "", $$3); \
	  printf "    %s, /* %s */\n", $$2, $$3 }' $< > $@

$(B)/fuzz/fuzz: tools/fuzz/fuzz.c tools/fuzz/rng.h $(B)/fuzz/syscalls.h
	$(USER_CC) $(USER_CFLAGS) -I $(B)/fuzz $< -o $@

$(B)/fuzz/exec-corpus: tools/fuzz/exec_corpus.c tools/fuzz/rng.h
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_CFLAGS) $< -o $@

$(FUZZ_INITRAMFS): $(ROOTFS_DEPS) tools/fuzz/init.sh $(B)/fuzz/fuzz $(B)/fuzz/exec-corpus
	BUSYBOX=$(BUSYBOX) tools/rootfs/mkrootfs --init tools/fuzz/init.sh \
	  --add $(B)/fuzz/fuzz:fuzz/fuzz --add $(B)/fuzz/exec-corpus:fuzz/exec-corpus $(B)/fuzz-root -o $@

.PHONY: fuzz
fuzz: deps $(B)/apus.elf $(FUZZ_INITRAMFS)
	@$(TEST_ENV) FUZZ_CALLS=$(CALLS) FUZZ_SEED=$(SEED) FUZZ_EXEC=$(EXEC) FUZZ_REPLAY=$(REPLAY) \
	  FUZZ_WORKERS=$(or $(WORKERS),1) tools/test/run-kernel-tests.sh fuzz
