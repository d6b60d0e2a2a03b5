# Test, run, debug, ISO and benchmark targets. Included from the top-level Makefile, which
# defines B (build directory), QEMU and the $(B)/apus.elf rule and declares these targets
# phony. See docs/testing.md.
#
#   make test                  every tier; ends with `N passed, N failed`, fails if N failed > 0
#   make test-host             only `swift test`
#   make test-kernel           only the QEMU boots (RUNS="boot oops" picks some; see
#                              tools/test/run-kernel-tests.sh --list)
#   make run                   Apus on this terminal (Ctrl-A X quits); RUN_MEM=, RUN_CMDLINE=
#   make debug                 the same, halted for gdb (prints the gdb command)
#   make iso                   $(B)/apus.iso (GRUB, Multiboot2)
#   make bench                 QEMU launch -> first kernel line, median and min
#   make deps                  check/install the Debian packages and the Swift toolchain

RUN_MEM     ?= 256M
RUN_CMDLINE ?= console=ttyS0
RUNS        ?=
# The initramfs, when a later build step has made one.
RUN_INITRD   = $(wildcard $(B)/initramfs.cpio.gz)
QEMU_RUN_ARGS = -kernel $(B)/apus.elf -m $(RUN_MEM) -display none -no-reboot \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 -append "$(RUN_CMDLINE)" \
  $(if $(RUN_INITRD),-initrd $(RUN_INITRD))
TEST_ENV = MAKE="$(MAKE)" B="$(B)" QEMU="$(QEMU)"

deps:
	@tools/install-deps.sh

test: deps
	@$(TEST_ENV) tools/test/run-all.sh

test-host: deps
	@$(TEST_ENV) tools/test/run-all.sh host

test-kernel: deps
	@$(TEST_ENV) tools/test/run-all.sh kernel $(RUNS)

# QEMU's exit status is reported, not treated as an error: a self-test run ends with status 1
# (all passed) or 3 (something failed), see docs/testing.md.
run: deps $(B)/apus.elf
	$(QEMU) $(QEMU_RUN_ARGS) -serial mon:stdio || echo "QEMU exit status $$?"

debug: deps $(B)/apus.elf
	@tools/install-deps.sh --debug
	@echo "QEMU is halted with its gdb stub on :1234. In another terminal:"
	@echo ""
	@echo "    gdb $(B)/apus.elf -ex 'target remote :1234'"
	@echo ""
	@echo "(then e.g. 'hbreak start_kernel', 'continue'). Ctrl-A X here quits QEMU."
	$(QEMU) $(QEMU_RUN_ARGS) -serial mon:stdio -s -S || echo "QEMU exit status $$?"

iso: deps $(B)/apus.elf
	tools/make-iso.sh -o $(B)/apus.iso -k $(B)/apus.elf

syscall-docs: ; python3 tools/gen-syscall-docs.py

bench: deps $(B)/apus.elf
	@QEMU="$(QEMU)" tools/bench/boot-time.sh $(B)/apus.elf
