# The module SDK and the modules built with it (docs/modules.md). Included from the top-level
# Makefile, which defines B.
#
#   make modules      build/module-sdk (headers, the kbuild-style Makefile, vermagic, the export
#                     list) and the in-tree examples, each built by its own unchanged Makefile
#                     as an out-of-tree module would be: build/ko/hello-c/hello.ko,
#                     build/ko/ticker-c/ticker.ko
#
# The user tier's test modules (tests/modules/*.c, one directory, one Makefile) and the
# malformed copies tools/module-sdk/malform.py makes of them go into its initramfs.

SDK := $(B)/module-sdk
KO  := $(B)/ko
KERNEL_RELEASE := $(shell sed -n 's/.*static let release = "\(.*\)"/\1/p' kernel/UTSName.swift)
SDK_HEADERS := $(sort $(wildcard include/linux/*.h))

# VERMAGIC_STRING must equal ModuleLoader.versionMagic (kernel/module/ModuleLoader.swift).
$(SDK)/Makefile: tools/module-sdk/Makefile tools/module-sdk/sdk.mk $(SDK_HEADERS) kernel/UTSName.swift \
  kernel/module/Exports.swift
	rm -rf $(SDK)
	mkdir -p $(SDK)/include/linux $(SDK)/include/generated
	cp $(SDK_HEADERS) $(SDK)/include/linux/
	echo 'KERNELRELEASE := $(KERNEL_RELEASE)' > $(SDK)/kernel.mk
	echo '#define VERMAGIC_STRING "$(KERNEL_RELEASE) SMP preempt mod_unload "' > $(SDK)/include/generated/vermagic.h
	grep -o '("[^"]*", \(true\|false\))' kernel/module/Exports.swift | \
	  sed 's/("\([^"]*\)", true)/0x00000000\t\1\tvmlinux\tEXPORT_SYMBOL_GPL\t/; s/("\([^"]*\)", false)/0x00000000\t\1\tvmlinux\tEXPORT_SYMBOL\t/' \
	  > $(SDK)/Module.symvers
	echo 'SWIFTC := $(abspath $(SWIFTC))' >> $(SDK)/kernel.mk
	cp tools/module-sdk/Makefile $@

# The Swift module API, compiled once for the SDK: a module needs only its .swiftmodule
# (Embedded Swift emits what a module uses into the module), the header and the module map.
SWIFT_API := $(wildcard tools/module-sdk/swift/*)
$(SDK)/swift/Linux.swiftmodule: $(SWIFT_API) $(SDK)/Makefile
	rm -rf $(SDK)/swift
	mkdir -p $(SDK)/swift
	cp $(SWIFT_API) $(SDK)/swift/
	$(MAKE) --no-print-directory -C $(SDK) M=$(abspath $(SDK)/swift) $(abspath $@)

# A C example, $(call c_example,FOLDER,NAME): its sources and Makefile copied to build/ko/FOLDER
# and built there with `make`, KERNEL_DIR pointing at the SDK (its Makefile uses $(PWD), so the
# shell cds first).
define c_example
$(KO)/$(1)/$(2).ko: modules/$(1)/$(2).c modules/$(1)/Makefile $(SDK)/Makefile
	rm -rf $(KO)/$(1)
	mkdir -p $(KO)/$(1)
	cp modules/$(1)/$(2).c modules/$(1)/Makefile $(KO)/$(1)/
	cd $(KO)/$(1) && $(MAKE) --no-print-directory KERNEL_DIR=$(abspath $(SDK))
endef
$(eval $(call c_example,hello-c,hello))
$(eval $(call c_example,ticker-c,ticker))

# The Swift examples (the hello module, the echo misc device) have only a Kbuild file: the SDK
# is run on each one's directory, as `make -C build/module-sdk M=$PWD modules` runs it on an
# out-of-tree module's.
SWIFT_EXAMPLES := $(KO)/hello/hello.ko $(KO)/echo/echo.ko
$(SWIFT_EXAMPLES): $(KO)/%.ko: modules/%.swift $(SDK)/swift/Linux.swiftmodule
	rm -rf $(dir $@)
	mkdir -p $(dir $@)
	cp $< $(dir $<)Kbuild $(dir $@)
	$(MAKE) --no-print-directory -C $(SDK) M=$(abspath $(dir $@)) modules
$(KO)/hello/hello.ko: modules/hello/Kbuild
$(KO)/echo/echo.ko: modules/echo/Kbuild

# The self-tests' copy of hello.ko (tests/kernel/module_images.S).
$(B)/obj/tests/kernel/module_images.o: tests/kernel/module_images.S $(KO)/hello-c/hello.ko
	@mkdir -p $(dir $@)
	$(CLANG) -target x86_64-unknown-none-elf -DHELLO_KO='"$(KO)/hello-c/hello.ko"' -c $< -o $@

# duplicate_export.c exports what exporter.c does: built on its own, as a module from another
# build would be, so that user.ko's depends= names exporter alone.
TEST_MODULE_SRC := $(sort $(filter-out tests/modules/duplicate_export.c,$(wildcard tests/modules/*.c)))
TEST_MODULES := $(patsubst tests/modules/%.c,$(KO)/tests/%.ko,$(TEST_MODULE_SRC))
DUPLICATE_MODULE := $(KO)/duplicate/duplicate_export.ko
MALFORMED_MODULES := $(addprefix $(KO)/malformed/,truncated.ko machine.ko offset.ko reloc.ko vermagic.ko)

$(TEST_MODULES) &: $(TEST_MODULE_SRC) $(SDK)/Makefile
	rm -rf $(KO)/tests
	mkdir -p $(KO)/tests
	cp $(TEST_MODULE_SRC) $(KO)/tests/
	echo 'obj-m := $(notdir $(TEST_MODULES:.ko=.o))' > $(KO)/tests/Makefile
	$(MAKE) --no-print-directory -C $(SDK) M=$(abspath $(KO)/tests) modules

$(DUPLICATE_MODULE): tests/modules/duplicate_export.c $(SDK)/Makefile
	rm -rf $(KO)/duplicate
	mkdir -p $(KO)/duplicate
	cp $< $(KO)/duplicate/
	echo 'obj-m := duplicate_export.o' > $(KO)/duplicate/Makefile
	$(MAKE) --no-print-directory -C $(SDK) M=$(abspath $(KO)/duplicate) modules

$(MALFORMED_MODULES) &: $(KO)/hello-c/hello.ko tools/module-sdk/malform.py
	mkdir -p $(KO)/malformed
	python3 tools/module-sdk/malform.py $(KO)/hello-c/hello.ko $(KO)/malformed

# The module database, as `make modules_install` lays it out for out-of-tree modules: the C
# hello and the test modules (not the duplicate export nor the malformed copies) in
# lib/modules/RELEASE/extra, and what the host's depmod (Debian's kmod) writes from their
# .modinfo (depends=, alias=) and export tables: modules.dep, modules.alias, modules.symbols and
# their .bin forms, which modprobe reads. modules.order, modules.builtin and
# modules.builtin.modinfo are what kbuild installs beside them (empty: nothing is built in).
DEPMOD := $(shell command -v depmod || echo /sbin/depmod)
MODULE_DB := $(KO)/install/lib/modules/$(KERNEL_RELEASE)
DB_MODULES := $(KO)/hello-c/hello.ko $(TEST_MODULES)
DB_FILES := modules.dep modules.dep.bin modules.alias modules.alias.bin modules.symbols \
  modules.symbols.bin modules.builtin.bin modules.builtin.alias.bin modules.devname modules.softdep \
  modules.order modules.builtin modules.builtin.modinfo
$(addprefix $(MODULE_DB)/,$(DB_FILES)) &: $(DB_MODULES)
	rm -rf $(KO)/install
	mkdir -p $(MODULE_DB)/extra
	cp $(DB_MODULES) $(MODULE_DB)/extra/
	printf 'extra/%s\n' $(notdir $(DB_MODULES)) > $(MODULE_DB)/modules.order
	: > $(MODULE_DB)/modules.builtin
	: > $(MODULE_DB)/modules.builtin.modinfo
	$(DEPMOD) -b $(abspath $(KO)/install) $(KERNEL_RELEASE)

# What the user tier's initramfs holds, as mkrootfs --add arguments.
MODULE_FILES := $(KO)/hello-c/hello.ko $(SWIFT_EXAMPLES) $(KO)/ticker-c/ticker.ko $(TEST_MODULES) \
  $(DUPLICATE_MODULE) $(MALFORMED_MODULES) $(addprefix $(MODULE_DB)/,$(DB_FILES))
MODULE_ADDS := --add $(KO)/hello-c/hello.ko:lib/modules/hello.ko \
  --add $(KO)/ticker-c/ticker.ko:lib/modules/ticker.ko \
  --add $(KO)/hello/hello.ko:lib/modules/swift/hello.ko \
  --add $(KO)/echo/echo.ko:lib/modules/swift/echo.ko \
  $(foreach m,$(TEST_MODULES) $(DUPLICATE_MODULE) $(MALFORMED_MODULES),--add $(m):lib/modules/$(notdir $(patsubst %/,%,$(dir $(m))))/$(notdir $(m))) \
  $(foreach f,$(DB_FILES) $(addprefix extra/,$(notdir $(DB_MODULES))),--add $(MODULE_DB)/$(f):lib/modules/$(KERNEL_RELEASE)/$(f))

.PHONY: modules
modules: $(SDK)/Makefile $(KO)/hello-c/hello.ko $(SWIFT_EXAMPLES) $(KO)/ticker-c/ticker.ko
