# Apus build. `make` builds build/apus.elf; `make help` lists the rest.
# The kernel is four Swift modules linked with assembly, layered so that
# imports only point down:  ABI <- Lib <- Core (arch/x86_64/core, the only
# unsafe code) <- Kernel (the rest of arch/x86_64, init, ipc, kernel, mm, drivers, fs).
# The in-kernel self-tests (tests/kernel) are a fifth module above Kernel,
# linked only into the test image build/apus-test.elf (Linux: CONFIG_KUNIT).

SWIFT_BIN ?= $(dir $(shell command -v swiftc 2>/dev/null || echo /opt/swift/usr/bin/swiftc))
SWIFTC    := $(SWIFT_BIN)swiftc
CLANG     := $(SWIFT_BIN)clang
LLD       := $(SWIFT_BIN)ld.lld
NM        := $(SWIFT_BIN)llvm-nm
OBJDUMP   := $(SWIFT_BIN)llvm-objdump
QEMU      ?= qemu-system-x86_64

B := build
ARCH := arch/x86_64
CORE := $(ARCH)/core
# The C structures of the system-call ABI (a clang module the ABI module re-exports).
UAPI := include/uapi/linux

# -O, not -Osize: at -Osize (LLVM's minsize) every constant-size copy of a struct is an inline
# `rep movsb`, and under TCG each byte of it is a pass through a translated block; -O makes the
# text a fifth larger (3.0 to 3.6 MB) and every figure of `make bench` 10-45% faster.
# -g: DWARF for gdb (`make debug`, docs/debugging.md); QEMU loads only the image's segments.
# No references to the clang modules' own debug info: gdb cannot read those.
EMBEDDED_FLAGS := -enable-experimental-feature Embedded -target x86_64-unknown-none-elf \
  -wmo -parse-as-library -O -g -Xfrontend -no-clang-module-breadcrumbs \
  -Xcc -mno-red-zone -Xcc -mno-sse -Xcc -mno-sse2 -Xcc -mno-mmx \
  -I $(B)/modules -I $(CORE)/include -Xcc -fmodule-map-file=$(UAPI)/module.modulemap \
  -module-cache-path $(B)/module-cache
SAFE_FLAGS := -strict-memory-safety -warnings-as-errors
# Core is the one module allowed unsafe code; every unsafe site in it is still
# marked `unsafe`. Its lock types keep their values inline (a raw layout).
CORE_FLAGS := -strict-memory-safety -warnings-as-errors -enable-experimental-feature RawLayout \
  -enable-experimental-feature BuiltinModule

ABI_SRC    := $(sort $(shell find include/uapi -name '*.swift'))
LIB_SRC    := $(sort $(shell find lib -name '*.swift'))
CORE_SRC   := $(sort $(shell find $(CORE) -name '*.swift'))
KERNEL_SRC := $(sort $(shell find $(ARCH) init ipc kernel mm drivers fs -name '*.swift' ! -path '$(CORE)/*'))
ASM_SRC    := $(sort $(shell find $(CORE) -name '*.S' ! -name '*.lds.S'))
ASM_OBJ    := $(patsubst %.S,$(B)/obj/%.o,$(ASM_SRC))
# C in Core: the debug table, whose layout gdb reads from its DWARF (debug_info.h).
C_SRC      := $(sort $(shell find $(CORE) -name '*.c'))
C_OBJ      := $(patsubst %.c,$(B)/obj/%.o,$(C_SRC))
TEST_SRC   := $(sort $(shell find tests/kernel -name '*.swift'))
TEST_ASM   := $(sort $(shell find tests/kernel -name '*.S'))
TEST_HDR   := $(wildcard tests/kernel/*.h tests/kernel/module.modulemap)
ARCH_HDR   := $(wildcard $(CORE)/include/* $(CORE)/boot/*.h $(CORE)/kernel/*.h)

.PHONY: all run test debug iso clean help deps test-host test-kernel bench user-tests lint format
all: $(B)/apus.elf

# run, test, lint, format, debug, iso, bench and deps live in tools/test.mk; the module SDK
# and `make modules` in tools/module-sdk/sdk.mk.
include tools/module-sdk/sdk.mk
include tools/test.mk

help:
	@echo "make            build build/apus.elf"
	@echo "make run        boot Apus in QEMU on this terminal (Ctrl-A X quits)"
	@echo "make test       lint + host unit tests + in-kernel self-tests + boot checks"
	@echo "make lint       check formatting and line length (.swift-format)"
	@echo "make format     rewrite the Swift files as .swift-format says"
	@echo "make $(B)/apus-test.elf   the kernel with its self-tests (apus.selftest=)"
	@echo "make debug      boot halted with QEMU's gdb stub"
	@echo "make iso        GRUB (Multiboot2) image build/apus.iso"
	@echo "make bench      Apus against Linux on the same microbenchmarks (docs/performance.md)"

# One Swift module: $(call swift_module,Name,sources,other prerequisites,flags)
# $(B)/obj/Name.sources holds the list of sources and is rewritten only when the list changes,
# so that deleting or renaming a source file rebuilds the module too.
define swift_module
$(if $(filter-out $(2),$(file <$(B)/obj/$(1).sources))$(filter-out $(file <$(B)/obj/$(1).sources),$(2)),\
  $(shell mkdir -p $(B)/obj)$(file >$(B)/obj/$(1).sources,$(2)))
$(B)/obj/$(1).o $(B)/modules/$(1).swiftmodule &: $(2) $(3) $(B)/obj/$(1).sources | $(B)/obj $(B)/modules
	$(SWIFTC) $(EMBEDDED_FLAGS) $(4) -module-name $(1) \
	  -emit-module -emit-module-path $(B)/modules/$(1).swiftmodule -c $(2) -o $(B)/obj/$(1).o
	@# swiftc leaves an output's timestamp alone when its bytes are unchanged.
	@touch $(B)/obj/$(1).o $(B)/modules/$(1).swiftmodule
endef
$(eval $(call swift_module,ABI,$(ABI_SRC),$(wildcard $(UAPI)/*),-swift-version 6 $(SAFE_FLAGS)))
$(eval $(call swift_module,Lib,$(LIB_SRC),$(B)/modules/ABI.swiftmodule,-swift-version 6 $(SAFE_FLAGS)))
$(eval $(call swift_module,Core,$(CORE_SRC),$(B)/modules/Lib.swiftmodule $(ARCH_HDR),-swift-version 6 $(CORE_FLAGS)))
$(eval $(call swift_module,Kernel,$(KERNEL_SRC),$(B)/modules/Core.swiftmodule,-swift-version 6 $(SAFE_FLAGS)))
$(eval $(call swift_module,SelfTests,$(TEST_SRC),$(B)/modules/Kernel.swiftmodule $(TEST_HDR),-swift-version 6 $(SAFE_FLAGS) \
  -I tests/kernel))

$(B)/obj $(B)/modules:
	mkdir -p $@

$(B)/obj/%.o: %.S $(ARCH_HDR)
	@mkdir -p $(dir $@)
	$(CLANG) -target x86_64-unknown-none-elf -g -I $(CORE) -c $< -o $@

$(B)/obj/%.o: %.c $(ARCH_HDR)
	@mkdir -p $(dir $@)
	$(CLANG) -target x86_64-unknown-none-elf -ffreestanding -mno-red-zone -mgeneral-regs-only -O2 -g \
	  -Wall -Werror -I $(CORE)/include -c $< -o $@

# User programs the kernel self-tests exec (tests/kernel/user), embedded by
# tests/kernel/user_elf_images.S: freestanding C, linked static (ET_EXEC) and
# as a static PIE, which must need no relocation at run time.
FREESTANDING_CFLAGS := -target x86_64-unknown-linux-gnu -ffreestanding -fno-builtin -nostdlib \
  -fno-stack-protector -fno-asynchronous-unwind-tables -O2 -Wall -Werror
USER_ELF := $(B)/user/exec-check $(B)/user/exec-check-pie

$(B)/user/exec-check: tests/kernel/user/exec_check.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FREESTANDING_CFLAGS) -fno-pic -c $< -o $@.o
	$(LLD) -static -e _start $@.o -o $@

$(B)/user/exec-check-pie: tests/kernel/user/exec_check.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FREESTANDING_CFLAGS) -fPIE -c $< -o $@.o
	$(LLD) -pie --no-dynamic-linker -e _start $@.o -o $@
	@if $(OBJDUMP) --dynamic-reloc $@ | grep -q R_X86_64; then \
	  echo "$@ needs run-time relocations; a static PIE here must not"; rm -f $@; exit 1; fi

$(B)/obj/tests/kernel/user_elf_images.o: tests/kernel/user_elf_images.S $(USER_ELF)
	@mkdir -p $(dir $@)
	$(CLANG) -target x86_64-unknown-none-elf -DEXEC_CHECK='"$(B)/user/exec-check"' \
	  -DEXEC_CHECK_PIE='"$(B)/user/exec-check-pie"' -c $< -o $@

# The vDSO (arch/x86_64/entry/vdso, as Linux's): user-mode C linked as a
# shared object at address 0, embedded in the image by vdso-image.S. The
# kernel maps the file as it is, so it must need no relocation and nothing
# from outside.
VDSO := $(ARCH)/entry/vdso
VDSO_CFLAGS := -target x86_64-unknown-linux-gnu -ffreestanding -fno-builtin -nostdlib -fPIC -O2 \
  -fno-stack-protector -fasynchronous-unwind-tables -Wall -Werror
VDSO_OBJ := $(B)/vdso/vclock_gettime.o $(B)/vdso/vgetcpu.o

$(B)/vdso/%.o: $(VDSO)/%.c $(VDSO)/vdso.h $(VDSO)/vdso_data.h
	@mkdir -p $(dir $@)
	$(CLANG) $(VDSO_CFLAGS) -c $< -o $@

$(B)/vdso/vdso64.so: $(VDSO_OBJ) $(VDSO)/vdso.lds
	$(LLD) -shared -soname=linux-vdso.so.1 --hash-style=both --eh-frame-hdr --build-id=none \
	  -Bsymbolic -z max-page-size=4096 -z noexecstack -T $(VDSO)/vdso.lds $(VDSO_OBJ) -o $@
	@if $(OBJDUMP) --dynamic-reloc $@ | grep -q R_X86_64 || $(NM) -u $@ | grep -q .; then \
	  echo "$@ needs relocations or outside symbols; the vDSO must not"; rm -f $@; exit 1; fi

$(B)/obj/$(VDSO)/vdso-image.o: $(VDSO)/vdso-image.S $(B)/vdso/vdso64.so
	@mkdir -p $(dir $@)
	$(CLANG) -target x86_64-unknown-none-elf -DVDSO_IMAGE='"$(B)/vdso/vdso64.so"' -c $< -o $@

$(B)/vmlinux.lds: $(CORE)/kernel/vmlinux.lds.S $(CORE)/boot/layout.h
	@mkdir -p $(B)
	$(CLANG) -E -P -x c -I $(CORE) $< -o $@

KERNEL_OBJ := $(B)/obj/ABI.o $(B)/obj/Lib.o $(B)/obj/Core.o $(B)/obj/Kernel.o $(ASM_OBJ) $(C_OBJ) $(B)/obj/$(VDSO)/vdso-image.o
TEST_ASM_OBJ := $(patsubst %.S,$(B)/obj/%.o,$(TEST_ASM))
TEST_OBJ   := $(B)/obj/SelfTests.o $(TEST_ASM_OBJ)
$(TEST_ASM_OBJ): $(wildcard tests/kernel/*.h)
# String's Unicode tables (normalisation, grapheme breaks) come from the toolchain.
UNICODE_TABLES := $(SWIFT_BIN)../lib/swift/embedded/x86_64-unknown-none-elf/libswiftUnicodeDataTables.a
LINK = $(LLD) -nostdlib -static -z max-page-size=4096 --no-dynamic-linker -T $(B)/vmlinux.lds

# One kernel image: $(call kernel_image,name,objects,extra link flags) links $(B)/name.elf.
# Two links, as Linux's kallsyms does: the first image's symbols are encoded
# into a section placed after all code, and the second link fills it in.
define kernel_image
$(B)/$(1).elf: $(2) $(B)/obj/kallsyms-empty.o $(B)/vmlinux.lds $(B)/kallsyms-tool tools/kallsyms.sh tools/check-image.sh
	$(LINK) $(3) $(2) $(B)/obj/kallsyms-empty.o $(UNICODE_TABLES) -o $(B)/$(1).pass1.elf
	tools/kallsyms.sh $(B)/$(1).pass1.elf $(B)/kallsyms-tool $(B)/$(1).kallsyms.bin
	$(CLANG) -target x86_64-unknown-none-elf -c tools/kallsyms-section.S \
	  -DKALLSYMS_BIN='"$(B)/$(1).kallsyms.bin"' -o $(B)/obj/$(1).kallsyms.o
	$(LINK) $(3) $(2) $(B)/obj/$(1).kallsyms.o $(UNICODE_TABLES) -o $$@
	tools/check-image.sh $(B)/$(1).pass1.elf $$@
endef
$(B)/obj/kallsyms-empty.o: | $(B)/obj
	$(CLANG) -target x86_64-unknown-none-elf -c -x assembler /dev/null -o $@

# Without tests/kernel, init's self-test hook is the kernel's own "not built
# in" notice (Linux: the CONFIG_KUNIT=n stub of kunit_run_all_tests).
$(eval $(call kernel_image,apus,$(KERNEL_OBJ),--defsym=apus_selftests_run=apus_selftests_absent))
$(eval $(call kernel_image,apus-test,$(KERNEL_OBJ) $(TEST_OBJ),))

# A host program that encodes the symbol table with the kernel's own Lib code.
$(B)/kallsyms-tool: tools/kallsyms/main.swift lib/Kallsyms.swift lib/IntegerFormatting.swift
	@mkdir -p $(B)
	$(SWIFTC) -O $^ -o $@

clean:
	rm -rf $(B)
