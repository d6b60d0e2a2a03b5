#!/bin/sh
# /init of the user-space test initramfs (docs/testing.md, "The user tier").
#
# Runs every test program in /tests and re-emits its TAP results under one global numbering,
# then checks busybox applets run as separate programs (fork + execve of /bin/NAME, never
# shell builtins), prints the plan and `# user: N passed, M failed`, and powers the machine
# off with `poweroff -f` (reboot(2); QEMU then exits).
#
# APUS_TESTS=NAME,... runs only those programs, and the applet checks only if it names
# `applets` (the mount and hostname ones if it names `mounts`, the /proc ones if `procps`, the
# loadable-module ones if `modules`, the module API's if `modules` or `module_api`;
# on Apus: a word APUS_TESTS=... on the kernel command line, which the kernel hands to /init
# as an environment variable, as Linux does).
#
# On the host, to check the tests against Linux (tools/test/user_linux.py does this):
#     APUS_TEST_ROOT=$PWD/build/user-root build/user-root/bin/sh build/user-root/init
# Every path is then taken below APUS_TEST_ROOT, and the machine is left on (not pid 1).
R=${APUS_TEST_ROOT:-}
export PATH=$R/bin:$R/sbin:$R/usr/bin:$R/usr/sbin HOME=$R/root TMPDIR=$R/tmp/user-tests
# As the machine's init, mount what a Debian init mounts (initramfs-tools' init): /proc, /sys,
# and /dev if the kernel has not mounted devtmpfs there. Each may be missing (no procfs yet).
if [ "$$" = 1 ]; then
    mount -t proc -o nodev,noexec,nosuid proc /proc 2>/dev/null || echo "# cannot mount /proc"
    mount -t sysfs -o nodev,noexec,nosuid sysfs /sys 2>/dev/null || echo "# cannot mount /sys"
    [ -e /dev/null ] || mount -t devtmpfs -o nosuid,mode=0755 udev /dev 2>/dev/null || echo "# cannot mount /dev"
fi

n=0
failed=0

# chosen NAME: whether NAME is to run (APUS_TESTS is unset or names it).
chosen() {
    case ",${APUS_TESTS:-$1}," in
        *",$1,"*) return 0 ;;
        *) return 1 ;;
    esac
}

# run APPLET ARGS...: the applet's link in /bin, /sbin, /usr/bin or /usr/sbin run by its full
# path, so that it is a program of its own (fork + execve), not a shell builtin.
run() {
    for run_dir in bin sbin usr/bin usr/sbin; do
        if [ -x "$R/$run_dir/$1" ]; then
            run_name=$1
            shift
            "$R/$run_dir/$run_name" "$@"
            return
        fi
    done
    echo "init.sh: no applet $1" >&2
    return 127
}

# diag TEXT: TEXT as `# ` lines.
diag() {
    printf '%s\n' "$1" | while IFS= read -r diag_line; do echo "# $diag_line"; done
}

# result ok|fail DESCRIPTION [REASON]: one TAP line, numbered; REASON follows a failure.
result() {
    n=$((n + 1))
    if [ "$1" = ok ]; then
        echo "ok $n - $2"
    else
        failed=$((failed + 1))
        echo "not ok $n - $2"
        [ -n "${3:-}" ] && diag "$3"
    fi
    return 0
}

# same DESCRIPTION ACTUAL EXPECTED: a result from comparing two strings.
same() {
    if [ "$2" = "$3" ]; then
        result ok "$1"
    else
        result fail "$1" "got '$2', expected '$3'"
    fi
}

# status DESCRIPTION EXPECTED COMMAND...: a result from COMMAND's exit status.
status() {
    status_desc=$1 status_want=$2
    shift 2
    status_out=$("$@" 2>&1)
    status_got=$?
    if [ "$status_got" = "$status_want" ]; then
        result ok "$status_desc"
    else
        result fail "$status_desc" "$* exited with $status_got, expected $status_want: $status_out"
    fi
}

# run_program PATH: run one test program, its output in a file, and relay its results.
run_program() {
    name=${1##*/}
    out=$TMPDIR/$name.out
    echo "# running $name"
    "$1" > "$out" 2>&1
    code=$?
    results=0
    plan=
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in
            "ok "*) results=$((results + 1)); rest=${line#ok }; result ok "$name: ${rest#* - }" ;;
            "not ok "*) results=$((results + 1)); rest=${line#not ok }; result fail "$name: ${rest#* - }" ;;
            "1.."*) plan=${line#1..} ;;
            "#"*) echo "$line" ;;
            *) echo "# $name: $line" ;;
        esac
    done < "$out"
    if [ "$code" = 0 ] && [ "$plan" = "$results" ] && [ "$results" -gt 0 ]; then
        result ok "$name: exited 0 after its plan 1..$plan"
    elif [ "$code" -gt 128 ]; then
        result fail "$name: killed by signal $((code - 128)) after $results results" "plan '${plan:-none}'"
    else
        result fail "$name: exit status $code, plan '${plan:-none}', $results results"
    fi
}

# applets: busybox applets, each a program of its own, on files in a scratch directory.
applets() {
    work=$TMPDIR/applets
    run rm -rf "$work"
    if ! run mkdir -p "$work" || ! cd "$work"; then
        result fail "applets: cannot enter $work"
        return
    fi

    listing=$(run ls -l "$R/" 2>&1)
    case "$listing" in
        *" bin"*" dev"*" init"*" tests"*) result ok "ls -l / shows bin, dev, init and tests" ;;
        *) result fail "ls -l / shows bin, dev, init and tests" "$listing" ;;
    esac

    status "mkdir -p a/b/c" 0 run mkdir -p a/b/c
    status "the new directory a/b/c exists (test -d)" 0 run test -d a/b/c
    run echo hi > file
    same "echo hi > file, then cat file" "$(run cat file)" "hi"
    same "cat of two files" "$(run cat file file)" "$(printf 'hi\nhi')"
    status "mv file moved" 0 run mv file moved
    same "the moved file has the content, the old name is gone" \
        "$(run cat moved) $(run ls file 2>/dev/null)" "hi "
    run printf 'one two\nthree four five\n' > words
    same "wc -l" "$(run wc -l < words)" "2"
    same "wc -w" "$(run wc -w < words)" "5"
    same "wc -c" "$(run wc -c < words)" "24"
    run seq 1 100 > numbers
    same "head -n 3 of seq 1 100" "$(run head -n 3 numbers)" "$(printf '1\n2\n3')"
    same "tail -n 1" "$(run tail -n 1 numbers)" "100"
    run printf 'pear\napple\nfig\n' > fruit
    same "sort" "$(run sort fruit)" "$(printf 'apple\nfig\npear')"
    same "a pipeline: seq | sort -rn | head -n 2" \
        "$(run seq 1 1000 | run sort -rn | run head -n 2)" "$(printf '1000\n999')"
    same "sed s///" "$(run sed 's/hi/hello/' moved)" "hello"
    same "sed -n 2p" "$(run sed -n 2p fruit)" "apple"
    same "grep -c" "$(run grep -c p fruit)" "2"
    status "grep without a match exits 1" 1 run grep -q zzz fruit
    same "find a -type d" "$(run find a -type d | run sort)" "$(printf 'a\na/b\na/b/c')"
    same "uname -s" "$(run uname -s)" "Linux"
    uname_all=$(run uname -a)
    case "$uname_all" in
        Linux\ *) result ok "uname -a starts with Linux" ;;
        *) result fail "uname -a starts with Linux" "$uname_all" ;;
    esac
    status "rm -r a" 0 run rm -r a
    status "a is gone (test ! -e a)" 0 run test ! -e a
    status "true exits 0" 0 run true
    status "false exits 1" 1 run false
    status "sh -c 'exit 7' exits 7" 7 run sh -c 'exit 7'
    same "sh -c runs a program" "$(run sh -c "$R/bin/echo from a child shell")" "from a child shell"
    same "md5sum of abc" "$(run printf abc | run md5sum)" "900150983cd24fb0d6963f7d28e17f72  -"
    same "xargs" "$(run echo a b | run xargs "$R/bin/echo" x)" "x a b"
    same "env -i sets only what it is given" "$(run env -i APUS=1 "$R/bin/busybox" env)" "APUS=1"
    run ln -s moved link
    same "ln -s and readlink" "$(run readlink link)" "moved"
    run chmod 640 moved
    same "chmod 640, then stat -c %a" "$(run stat -c %a moved)" "640"
    run touch empty
    same "touch makes an empty file" "$(run stat -c %s empty)" "0"
    status "sleep 0.1" 0 run sleep 0.1

    # The kernel log: busybox dmesg is syslog(2) (READ_ALL, READ_CLEAR, CONSOLE_LEVEL); the
    # markers are logged through /dev/kmsg at level 7, which no console shows.
    echo "<7>apus-dmesg-marker" > /dev/kmsg
    case "$(run dmesg)" in
        *"] apus-dmesg-marker"*) result ok "dmesg shows a record written to /dev/kmsg" ;;
        *) result fail "dmesg shows a record written to /dev/kmsg" ;;
    esac
    case "$(run dmesg -r)" in
        *"<15>["*"] apus-dmesg-marker"*) result ok "dmesg -r shows its priority, <15>" ;;
        *) result fail "dmesg -r shows its priority, <15>" ;;
    esac
    same "dmesg -c prints the log" "$(run dmesg -c | run grep -c apus-dmesg-marker)" "1"
    same "and clears it" "$(run dmesg | run grep -c apus-dmesg-marker)" "0"
    console_level=7
    [ -r /proc/sys/kernel/printk ] && read -r console_level _ < /proc/sys/kernel/printk
    status "dmesg -n 1" 0 run dmesg -n 1
    status "dmesg -n 9 is refused" 1 run dmesg -n 9
    status "dmesg -n $console_level" 0 run dmesg -n "$console_level"

    # Archives: 200 KB of busybox's own bytes and some text, in a small tree.
    run mkdir -p src/sub
    run head -c 200000 $R/bin/busybox > src/sub/binary
    run seq 1 5000 > src/text
    run dd if=src/sub/binary of=src/copy bs=4096 count=3 2>/dev/null
    same "dd bs=4096 count=3 copies 12288 bytes" "$(run stat -c %s src/copy)" "12288"
    status "tar -cf of a tree" 0 run tar -cf tree.tar src
    run mkdir out
    status "tar -xf into another directory" 0 run tar -xf tree.tar -C out
    status "the extracted binary file is identical (cmp)" 0 run cmp src/sub/binary out/src/sub/binary
    same "the extracted text has the same md5sum" "$(run md5sum < out/src/text)" "$(run md5sum < src/text)"
    run cp src/sub/binary data
    status "gzip data" 0 run gzip data
    status "gzip replaced data with data.gz" 0 run test -f data.gz -a ! -e data
    status "gunzip data.gz" 0 run gunzip data.gz
    status "the gunzipped file is identical (cmp)" 0 run cmp data src/sub/binary
    status "tar -czf (tar runs gzip)" 0 run tar -czf tree.tgz src
    run mkdir outz
    status "tar -xzf" 0 run tar -xzf tree.tgz -C outz
    status "the files through tar -z are identical (cmp)" 0 run cmp src/sub/binary outz/src/sub/binary
    cd /
}

# mounts: busybox's mount, umount, df, stat -f and hostname on a scratch tmpfs, and the mqueue
# file system on /dev/mqueue. They change the system, so they run only as the machine's init
# (on Apus), not on a host.
mounts() {
    if [ "$$" != 1 ]; then
        result ok "mount, umount, df and hostname applets # SKIP not the machine's init"
        return
    fi
    point=$TMPDIR/mounted
    run mkdir -p "$point"
    status "mount -t tmpfs -o size=1m,mode=700" 0 run mount -t tmpfs -o size=1m,mode=700 scratch "$point"
    same "stat -f -c '%T %b %S' shows the tmpfs and its size" \
        "$(run stat -f -c '%T %b %S' "$point")" "tmpfs 256 4096"
    same "stat -c %a: mode=700 is the root's mode" "$(run stat -c %a "$point")" "700"
    run head -c 10000 "$R/bin/busybox" > "$point/file"
    same "stat -f -c %f counts the pages a file took" "$(run stat -f -c %f "$point")" "253"
    if [ -r /proc/mounts ]; then
        case "$(run mount)" in
            *"scratch on $point type tmpfs (rw,relatime,size=1024k,mode=700)"*) result ok "mount lists the tmpfs" ;;
            *) result fail "mount lists the tmpfs" "$(run mount)" ;;
        esac
        df_line=$(run df -k "$point" | run tail -n 1)
        case "$df_line" in
            "scratch"*" 1024 "*" 12 "*" 1012 "*"% $point") result ok "df -k shows the tmpfs's size and use" ;;
            *) result fail "df -k shows the tmpfs's size and use" "$df_line" ;;
        esac
        # busybox finds the mount in /proc/mounts to remount it.
        status "mount -o remount,ro" 0 run mount -o remount,ro "$point"
        status "a read-only tmpfs refuses touch" 1 run touch "$point/new"
    else
        for check in "mount lists the tmpfs" "df -k shows the tmpfs's size and use" \
            "mount -o remount,ro" "a read-only tmpfs refuses touch"; do
            result ok "$check # SKIP no /proc/mounts"
        done
    fi
    status "umount" 0 run umount "$point"
    status "the mount point is empty again" 0 run test ! -e "$point/file"
    old_name=$(run hostname)
    status "hostname apus-test" 0 run hostname apus-test
    same "hostname shows the new name" "$(run hostname)" "apus-test"
    same "uname -n too" "$(run uname -n)" "apus-test"
    run hostname "$old_name"
    # POSIX message queues where Linux systems mount them; touch makes a queue of the default size.
    run mkdir -p /dev/mqueue
    status "mount -t mqueue none /dev/mqueue" 0 run mount -t mqueue none /dev/mqueue
    run touch /dev/mqueue/apus-queue
    same "cat of a queue shows its status line" "$(run cat /dev/mqueue/apus-queue)" \
        "QSIZE:0          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     "
    status "rm of a queue" 0 run rm /dev/mqueue/apus-queue
    status "umount /dev/mqueue" 0 run umount /dev/mqueue
}

# has DESCRIPTION TEXT PATTERN: a result from whether TEXT matches the shell PATTERN.
has() {
    case "$2" in
        $3) result ok "$1" ;;
        *) result fail "$1" "$2" ;;
    esac
}

# memfree: MemFree of /proc/meminfo, in kB.
memfree() {
    run grep MemFree /proc/meminfo | while read -r _ kb _; do echo "$kb"; done
}

# memfree_kept NAME BEFORE: MemFree is within 64 kB of BEFORE (a slab page of the shell's own
# work may come or go; one page lost per module cycle would be far more).
memfree_kept() {
    after=$(memfree)
    if [ $(($2 - after)) -le 64 ]; then
        result ok "$1 ($2 kB, $after kB)"
    else
        result fail "$1" "$2 kB before, $after kB after"
    fi
}

# pci_sysfs: the PCI bus through busybox (docs/pci.md; Debian's busybox has no lspci): the
# functions in /sys/bus/pci/devices and /proc/bus/pci/devices agree, QEMU's Intel host bridge is
# at 00:00.0, and a driverless virtio function's `enable` counts as Linux's enable_store does,
# with decoding on once enabled (read back from `config` with od). Only as the machine's init:
# enabling a host's devices is not a test's to do.
pci_sysfs() {
    if [ "$$" != 1 ]; then
        result ok "PCI functions through sysfs # SKIP not the machine's init"
        return
    fi
    pci=/sys/bus/pci/devices
    listed=$(run ls $pci | run wc -l)
    has "ls $pci lists functions" "$listed" "[1-9]*"
    same "/proc/bus/pci/devices has a line per function" "$(run wc -l < /proc/bus/pci/devices)" "$listed"
    same "function 0 on bus 0 is an Intel host bridge" "$(run cat $pci/0000:00:00.0/vendor $pci/0000:00:00.0/class)" \
        "0x8086
0x060000"
    virtio=
    for function in $pci/*; do
        [ "$(run cat "$function/vendor")" = 0x1af4 ] && [ ! -e "$function/driver" ] && virtio=$function && break
    done
    if [ -z "$virtio" ]; then
        result ok "enable counts and enables # SKIP no driverless virtio function on this machine"
        return
    fi
    has "the virtio function's uevent names it" "$(run cat "$virtio/uevent")" "*PCI_ID=1AF4:*MODALIAS=pci:v00001AF4d*"
    same "a driverless function starts disabled" "$(run cat "$virtio/enable")" 0
    status "disabling it is EIO" 1 sh -c "echo 0 > $virtio/enable"
    status "a word is EINVAL" 1 sh -c "echo on > $virtio/enable"
    echo 2 > "$virtio/enable"
    same "any nonzero number enables it" "$(run cat "$virtio/enable")" 1
    # The command register's low byte: bit 0 I/O, bit 1 memory decoding.
    same "enabled, it decodes I/O and memory" \
        "$(( $(run od -An -tu1 -j4 -N1 "$virtio/config" | run tr -d ' ') & 3 ))" 3
    echo 0 > "$virtio/enable"
    same "writing 0 disables it" "$(run cat "$virtio/enable")" 0
}

# modules: loadable modules (docs/modules.md) through busybox's insmod, lsmod, modinfo and
# rmmod: the textbook hello.ko, malformed and failing modules, and load/unload cycles that
# must give every page back. The modules are Apus's and loading them changes the kernel, so
# they run only as the machine's init (on Apus), not on a host.
modules() {
    if [ "$$" != 1 ]; then
        result ok "insmod, lsmod, modinfo and rmmod of Apus modules # SKIP not the machine's init"
        return
    fi
    mods=/lib/modules
    run dmesg -c > /dev/null
    status "insmod hello.ko" 0 run insmod $mods/hello.ko
    has "dmesg: initializing, loaded successfully" "$(run dmesg)" \
        "*Hello module: initializing*Hello module: loaded successfully*"
    same "cat /proc/hello_proc" "$(run cat /proc/hello_proc)" "Hello from kernel module!"
    echo "Test message" > /proc/hello_proc
    has "dmesg: received 13 bytes" "$(run dmesg)" "*Hello module: received 13 bytes*"
    has "lsmod lists hello" "$(run lsmod)" "*hello*"
    has "/proc/modules in Linux's format" "$(run cat /proc/modules)" \
        "hello [1-9]*[0-9] 0 - Live 0x[0-9a-f]??????????????? (O)"
    has "/proc/kallsyms lists hello_read [hello]" "$(run grep hello_read /proc/kallsyms)" \
        "[0-9a-f]??????????????? t hello_read	[[]hello[]]"
    has "modinfo shows license, author, description, version" "$(run modinfo $mods/hello.ko)" \
        "*author:*Your Name*description:*Hello World kernel module with proc interface*license:*GPL*version:*1.0*"
    has "a second insmod is EEXIST" "$(run insmod $mods/hello.ko 2>&1)" "*File exists*"
    # /sys/module/NAME (Linux's kernel/module/sysfs.c): made at load, gone at unload.
    sys=/sys/module
    same "/sys/module/hello/initstate" "$(run cat $sys/hello/initstate)" live
    same "/sys/module/hello/version from .modinfo" "$(run cat $sys/hello/version)" 1.0
    same "/sys/module/hello/srcversion is modinfo's" "$(run cat $sys/hello/srcversion)" \
        "$(run modinfo -F srcversion $mods/hello.ko)"
    has "24 hex digits, as modpost writes" "$(run cat $sys/hello/srcversion)" \
        "$(printf '%024d' 0 | sed 's/0/[0-9A-F]/g')"
    same "/sys/module/hello/taint" "$(run cat $sys/hello/taint)" O
    same "/sys/module/hello/coresize is /proc/modules' size" "$(run cat $sys/hello/coresize)" \
        "$(run sed -n 's/^hello \([0-9]*\) .*/\1/p' /proc/modules)"
    same "/sys/module/hello/initsize" "$(run cat $sys/hello/initsize)" 0
    same "sections/.text is the module's address" "$(run cat $sys/hello/sections/.text)" \
        "$(run sed -n 's/^hello .* \(0x[0-9a-f]*\) .*/\1/p' /proc/modules)"
    has "sections/ lists .data and .rodata" "$(run ls -a $sys/hello/sections)" "*.data*.rodata*"
    same "sections/ files are 0400" "$(run stat -c %a $sys/hello/sections/.text)" 400
    run sh -c "echo 2 > /proc/sys/kernel/kptr_restrict"
    same "zeros when kptr_restrict hides addresses" "$(run cat $sys/hello/sections/.text)" 0x0000000000000000
    run sh -c "echo 0 > /proc/sys/kernel/kptr_restrict"
    status "uevent takes an action" 0 run sh -c "echo add > $sys/hello/uevent"
    status "uevent refuses another word" 1 run sh -c "echo bogus > $sys/hello/uevent"
    status "uevent is write-only" 1 run cat $sys/hello/uevent
    status "no parameters/ without parameters" 1 run test -e $sys/hello/parameters
    status "rmmod hello" 0 run rmmod hello
    status "/sys/module/hello is gone" 1 run test -e $sys/hello
    has "dmesg: unloaded" "$(run dmesg)" "*Hello module: unloaded*"
    status "/proc/hello_proc is gone" 1 run test -e /proc/hello_proc
    status "lsmod no longer lists hello" 1 run sh -c "lsmod | grep -q '^hello '"
    status "rmmod of a module not loaded fails" 1 run rmmod hello

    for bad in truncated machine offset reloc vermagic; do
        has "insmod malformed/$bad.ko: ENOEXEC" "$(run insmod $mods/malformed/$bad.ko 2>&1)" \
            "*invalid module format*"
    done
    has "dmesg: version magic ... should be ..." "$(run dmesg)" \
        "*hello: version magic '5.1.0-apus SMP preempt mod_unload ' should be '6.1.0-apus SMP preempt mod_unload '*"
    has "an unknown symbol: ENOENT" "$(run insmod $mods/tests/unknown_symbol.ko 2>&1)" "*unknown symbol*"
    has "dmesg: Unknown symbol no_such_function (err -2)" "$(run dmesg)" \
        "*unknown_symbol: Unknown symbol no_such_function (err -2)*"
    has "a GPL-only symbol in a proprietary module: ENOENT" "$(run insmod $mods/tests/gpl_only.ko 2>&1)" \
        "*unknown symbol*"
    has "dmesg: Unknown symbol ktime_get (err -2)" "$(run dmesg)" "*gpl_only: Unknown symbol ktime_get (err -2)*"
    has "an init returning -ENODEV fails insmod" "$(run insmod $mods/tests/init_fails.ko 2>&1)" "*No such device*"
    has "and leaves nothing loaded" "$(run cat /proc/modules)" ""
    status "insmod timed.ko (GPL-only ktime_get, kmalloc, formats)" 0 run insmod $mods/tests/timed.ko
    has "dmesg: printk's formats" "$(run dmesg)" "*timed: -7 42 beef str c    ab| 1  |002*timed: ok*"
    status "rmmod timed" 0 run rmmod timed
    has "dmesg: timed: exit" "$(run dmesg)" "*timed: exit*"
    status "insmod proprietary.ko" 0 run insmod $mods/tests/proprietary.ko
    has "/proc/modules shows (PO)" "$(run cat /proc/modules)" "proprietary * Live 0x* (PO)"
    same "kernel.tainted has P" "$(($(run cat /proc/sys/kernel/tainted) & 1))" 1
    status "rmmod proprietary" 0 run rmmod proprietary
    status "insmod no_exit.ko" 0 run insmod $mods/tests/no_exit.ko
    has "/proc/modules shows [permanent]" "$(run cat /proc/modules)" "no_exit * 0 [[]permanent[]], Live *"
    has "rmmod of a module without exit: EBUSY" "$(run rmmod no_exit 2>&1)" "*busy*"
    status "rmmod -f (O_TRUNC) removes it" 0 run rmmod -f no_exit
    same "kernel.tainted has R" "$(($(run cat /proc/sys/kernel/tainted) & 8))" 8

    # Modules using each other: user.ko calls exporter.ko's EXPORT_SYMBOL and EXPORT_SYMBOL_GPL.
    has "user.ko without exporter: ENOENT" "$(run insmod $mods/tests/user.ko 2>&1)" "*unknown symbol*"
    has "dmesg: user: Unknown symbol my_function (err -2)" "$(run dmesg)" "*user: Unknown symbol my_function (err -2)*"
    status "insmod exporter.ko" 0 run insmod $mods/tests/exporter.ko
    status "insmod user.ko" 0 run insmod $mods/tests/user.ko
    has "dmesg: user calls my_function and my_gpl_function" "$(run dmesg)" \
        "*user: my_function(21) = 42, my_gpl_function(41) = 42*"
    has "/proc/modules: exporter used by user" "$(run cat /proc/modules)" \
        "user * 0 - Live 0x* (O)*exporter * 1 user, Live 0x* (O)"
    same "/sys/module/exporter/refcnt" "$(run cat $sys/exporter/refcnt)" 1
    same "/sys/module/user/refcnt" "$(run cat $sys/user/refcnt)" 0
    same "exporter/holders/user links to user" "$(run readlink $sys/exporter/holders/user)" ../../user
    same "and leads there" "$(run cat $sys/exporter/holders/user/initstate)" live
    same "user/holders is empty" "$(run ls $sys/user/holders)" ""
    status "no version without one in .modinfo" 1 run test -e $sys/exporter/version
    status "nor srcversion" 1 run test -e $sys/exporter/srcversion
    has "/proc/kallsyms lists my_function [exporter]" "$(run grep my_function /proc/kallsyms)" \
        "*T my_function	[[]exporter[]]*"
    has "a duplicate export: ENOEXEC" "$(run insmod $mods/duplicate/duplicate_export.ko 2>&1)" "*invalid module format*"
    has "dmesg: exports duplicate symbol (owned by exporter)" "$(run dmesg)" \
        "*duplicate_export: exports duplicate symbol my_function (owned by exporter)*"
    has "rmmod exporter while user uses it: EWOULDBLOCK" "$(run rmmod exporter 2>&1)" \
        "*can't unload module 'exporter': Resource temporarily unavailable*"
    has "rmmod -f does not force it" "$(run rmmod -f exporter 2>&1)" "*temporarily unavailable*"
    status "rmmod user" 0 run rmmod user
    has "exporter's count drops to 0" "$(run cat /proc/modules)" "exporter * 0 - Live *"
    same "and /sys/module/exporter/refcnt" "$(run cat $sys/exporter/refcnt)" 0
    status "the holders link goes with user" 1 run test -L $sys/exporter/holders/user
    status "rmmod exporter" 0 run rmmod exporter
    status "/sys/module/exporter is gone" 1 run test -e $sys/exporter
    # modprobe from the database the build installs in /lib/modules/RELEASE (the host's depmod
    # over extra/*.ko, as `make modules_install` runs it): depends= (which the SDK writes as
    # modpost does) in modules.dep, so dependencies load first and -r removes them too;
    # MODULE_ALIAS in modules.alias; exports in modules.symbols.
    release=$(run uname -r)
    db=/lib/modules/$release
    has "modinfo shows user's depends" "$(run modinfo $mods/tests/user.ko)" "*depends:*exporter*"
    has "modules.dep: user.ko needs exporter.ko" "$(run cat $db/modules.dep)" "*extra/user.ko: extra/exporter.ko*"
    has "modules.alias: timed's MODULE_ALIAS" "$(run cat $db/modules.alias)" "*alias apus-timed timed*"
    has "modules.symbols: my_function is exporter's" "$(run cat $db/modules.symbols)" \
        "*alias symbol:my_function exporter*"
    same "busybox depmod agrees with modules.dep" "$(run depmod -n | run grep '^extra/.*:' | run sort)" \
        "$(run sort $db/modules.dep)"
    status "modprobe user" 0 run modprobe user
    has "/proc/modules: both, exporter used by user" "$(run cat /proc/modules)" \
        "user * 0 - Live *exporter * 1 user, Live *"
    status "modprobe -r user" 0 run modprobe -r user
    has "removes both" "$(run cat /proc/modules)" ""
    status "modprobe apus-timed (an alias)" 0 run modprobe apus-timed
    has "loads timed" "$(run cat /proc/modules)" "timed * Live *"
    status "modprobe -r apus-timed" 0 run modprobe -r apus-timed
    has "removes it" "$(run cat /proc/modules)" ""
    status "modprobe symbol:my_function loads its exporter" 0 run modprobe symbol:my_function
    has "exporter is loaded" "$(run cat /proc/modules)" "exporter * Live *"
    status "rmmod exporter" 0 run rmmod exporter

    # Module parameters: each type set by insmod's arguments, as Linux's parse_args reads them.
    status "insmod params.ko with no arguments" 0 run insmod $mods/tests/params.ko
    has "dmesg: the defaults" "$(run dmesg)" \
        "*params: count=1 ucount=2 big=3 ubig=4 small=5 usmall=6 flag=0 name=world my_int=7*"
    # /sys/module/params/parameters (Linux's kernel/params.c): a file per parameter with a
    # nonzero perm, of that mode, showing the variable in its type's format; writes set it.
    p=$sys/params/parameters
    same "parameters/ lists those with a perm" "$(cd $p && echo *)" "big count flag name small ubig ucount usmall"
    same "and shows the defaults" "$(cd $p && run cat big count flag name small ubig ucount usmall)" \
        "$(printf '3\n1\nN\nworld\n5\n4\n2\n6')"
    same "modes from module_param's perm" "$(run stat -c %a $p/count $p/ucount)" "$(printf '644\n444')"
    status "write count" 0 run sh -c "echo 0x2a > $p/count"
    same "count reads 42" "$(run cat $p/count)" 42
    status "write -5" 0 run sh -c "echo -5 > $p/count"
    same "count reads -5" "$(run cat $p/count)" -5
    has "a malformed value: EINVAL" "$(run sh -c "echo 12abc > $p/count" 2>&1)" "*Invalid argument*"
    has "out of range: ERANGE" "$(run sh -c "echo 2147483648 > $p/count" 2>&1)" "*out of range*"
    same "count is unchanged" "$(run cat $p/count)" -5
    has "a 0444 parameter: EACCES even for root" "$(run sh -c "echo 1 > $p/ucount" 2>&1)" "*Permission denied*"
    status "write flag" 0 run sh -c "echo on > $p/flag"
    same "flag reads Y" "$(run cat $p/flag)" Y
    status "write name" 0 run sh -c "printf 'new name' > $p/name"
    same "name reads the new string" "$(run cat $p/name)" "new name"
    grep -q '^nobody:' /etc/passwd || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
    has "a 0644 parameter as uid 65534: EACCES" \
        "$(run su nobody -s /bin/sh -c "echo 3 > $p/count" 2>&1)" "*Permission denied*"
    same "but it reads" "$(run su nobody -s /bin/sh -c "cat $p/count")" -5
    # A charp written at run time is kmalloc'd and the one it replaces freed: many writes of a
    # long string leave MemFree where it was (300 lost kilobyte strings would be 300 kB).
    long=$(printf '%01000d' 7)
    run sh -c "printf $long > $p/name"
    before=$(memfree)
    rounds=0
    while [ $rounds -lt 300 ]; do
        printf '%s' "$long$rounds" > $p/name || break
        rounds=$((rounds + 1))
    done
    same "300 writes of a 1000-byte charp" "$rounds" 300
    memfree_kept "MemFree is the same after them" "$before"
    has "a charp over 1024 bytes: ENOSPC" "$(run sh -c "echo $(printf '%01025d' 1) > $p/name" 2>&1)" "*No space left*"
    status "write name" 0 run sh -c "echo last > $p/name"
    same "a charp keeps the newline written, as Linux's" "$(run cat $p/name)" "$(printf 'last\n')"
    exec 3< $p/name 4> $p/count
    status "rmmod params" 0 run rmmod params
    has "dmesg: exit sees the string written" "$(run dmesg)" "*params: goodbye, last*"
    status "/sys/module/params is gone" 1 run test -e $sys/params
    same "a parameter file open across the unload reads nothing" "$(run cat <&3)" ""
    has "and writes ENODEV" "$( (echo 1 >&4) 2>&1)" "*No such device*"
    exec 3<&- 4>&-
    status "insmod params.ko with one of each" 0 run insmod $mods/tests/params.ko count=-12 ucount=0x10 \
        big=-9000000000 ubig=18446744073709551615 small=-32768 usmall=65535 flag 'name="hello world"' \
        my-int=010 bogus=1
    has "dmesg: each value set, dashes as underscores" "$(run dmesg)" \
        "*params: count=-12 ucount=16 big=-9000000000 ubig=18446744073709551615 small=-32768 usmall=65535 flag=1 name=hello world my_int=8*"
    has "dmesg: an unknown parameter is logged and ignored" "$(run dmesg)" "*params: unknown parameter 'bogus' ignored*"
    same "parameters/ shows the values set" "$(cd $p && run cat big count flag name small ubig ucount usmall)" \
        "$(printf -- '-9000000000\n-12\nY\nhello world\n-32768\n18446744073709551615\n16\n65535')"
    status "rmmod params" 0 run rmmod params
    has "dmesg: the charp lives as long as the module" "$(run dmesg)" "*params: goodbye, hello world*"
    has "a malformed number: EINVAL" "$(run insmod $mods/tests/params.ko count=12abc 2>&1)" "*Invalid argument*"
    has "dmesg: \`12abc' invalid for parameter \`count'" "$(run dmesg)" "*params: \`12abc' invalid for parameter \`count'*"
    has "a short out of range: ERANGE" "$(run insmod $mods/tests/params.ko small=32768 2>&1)" "*out of range*"
    has "a charp without a value: EINVAL" "$(run insmod $mods/tests/params.ko name 2>&1)" "*Invalid argument*"
    has "modinfo shows parm" "$(run modinfo $mods/tests/params.ko)" "*parm:*count:How many (int)*"
    has "and nothing stays loaded" "$(run cat /proc/modules)" ""

    # Every failure gives back what it took, and so does every unload: MemFree is the same
    # after many of them. One round first, so page tables and caches exist before measuring;
    # a slab page of the shell's own work may come or go (4 kB), so 64 kB of slack is allowed
    # where one page lost per load would be 800 kB. (tests/user/module_cycles.c counts the
    # pages of 1,000 loads and unloads exactly, without a shell in between.)
    cycle() {
        for bad in truncated machine offset reloc vermagic; do run insmod $mods/malformed/$bad.ko 2> /dev/null; done
        run insmod $mods/tests/unknown_symbol.ko 2> /dev/null
        run insmod $mods/tests/init_fails.ko 2> /dev/null
        run insmod $mods/hello.ko && run rmmod hello
        run insmod $mods/tests/exporter.ko && run insmod $mods/tests/user.ko
        run rmmod user && run rmmod exporter
    }
    cycle
    before=$(memfree)
    rounds=0
    while [ $rounds -lt 20 ]; do cycle; rounds=$((rounds + 1)); done
    memfree_kept "MemFree is the same after 20 rounds of loads and failed loads" "$before"
    run dmesg -c > /dev/null
}

# module_api: the C module API for locking, waiting, timers and work (docs/modules.md): every
# call checked inside kapi.ko's init, the ticker example's interval_ms, written in /sys/module,
# changing its rate (loosely: some ticks at each rate, more at the faster one), and the loader cancelling what a buggy
# module's exit left pending. Apus-only, as `modules`; APUS_TESTS=module_api runs it alone.
module_api() {
    if [ "$$" != 1 ]; then
        result ok "the C module API for locks, waits, timers and work # SKIP not the machine's init"
        return
    fi
    mods=/lib/modules
    run dmesg -c > /dev/null
    status "insmod kapi.ko (mutex, spinlock, wait queues, timers, work, sleeps, vmalloc)" 0 \
        run insmod $mods/tests/kapi.ko
    kapi_log=$(run dmesg -c)
    has "dmesg: every check passed" "$kapi_log" "*kapi: every check passed*"
    case "$kapi_log" in
        *"kapi: FAIL"*) result fail "dmesg: no check failed" "$kapi_log" ;;
        *) result ok "dmesg: no check failed" ;;
    esac
    status "rmmod kapi" 0 run rmmod kapi

    has "modinfo ticker.ko shows interval_ms" "$(run modinfo $mods/ticker.ko)" \
        "*parm:*interval_ms:Milliseconds between ticks*"
    status "insmod ticker.ko interval_ms=500" 0 run insmod $mods/ticker.ko interval_ms=500
    same "/sys/module/ticker/parameters/interval_ms" "$(run cat /sys/module/ticker/parameters/interval_ms)" 500
    run sleep 1
    slow=$(run cat /proc/ticker)
    # interval_ms is 0644: written at run time, it changes the rate of the ticking module.
    echo 50 > /sys/module/ticker/parameters/interval_ms
    run sleep 1
    fast=$(run cat /proc/ticker)
    status "rmmod ticker" 0 run rmmod ticker
    slow_ticks=${slow#ticks: }
    slow_ticks=${slow_ticks%%,*}
    fast_ticks=${fast#ticks: }
    fast_ticks=${fast_ticks%%,*}
    case "$slow_ticks$fast_ticks" in
        "" | *[!0-9]*) slow_ticks=0 fast_ticks=0 ;;
    esac
    has "/proc/ticker at 500 ms" "$slow" "ticks: [0-9]*, interval_ms: 500"
    has "/proc/ticker after the write" "$fast" "ticks: [0-9]*, interval_ms: 50"
    if [ "$slow_ticks" -ge 1 ] 2>/dev/null && [ $((fast_ticks - slow_ticks)) -gt "$slow_ticks" ] 2>/dev/null; then
        result ok "a second at 50 ms ticks more than one at 500 ms ($((fast_ticks - slow_ticks)) > $slow_ticks >= 1)"
    else
        result fail "a second at 50 ms ticks more than one at 500 ms" "'$slow' then '$fast'"
    fi
    has "dmesg: ticker: tick N from its work, and its exit" "$(run dmesg -c)" \
        "*ticker: ticking every 500 ms*ticker: tick 1*ticker: tick 2*ticker: stopped after*"

    status "insmod leaky.ko" 0 run insmod $mods/tests/leaky.ko
    status "rmmod leaky, which leaves its timer and work pending" 0 run rmmod leaky
    run sleep 2
    leaky_log=$(run dmesg -c)
    has "dmesg: the loader cancels the timer" "$leaky_log" \
        "*leaky: timer_list forgotten_timer still pending at unload, cancelled*"
    has "dmesg: and the delayed work's timer" "$leaky_log" \
        "*leaky: timer_list forgotten_work+0x20 still pending at unload, cancelled*"
    has "dmesg: and the kmalloc'd delayed work's timer" "$leaky_log" \
        "*leaky: timer_list 0x* still pending at unload, cancelled*"
    case "$leaky_log" in
        *"after the unload"*) result fail "neither ran after the unload" "$leaky_log" ;;
        *) result ok "neither ran after the unload" ;;
    esac
    has "and nothing stays loaded" "$(run cat /proc/modules)" ""
}

# swift_modules: the same textbook session with the hello module written in Swift
# (modules/hello), and load/unload cycles that give every page back.
swift_modules() {
    [ "$$" = 1 ] || return 0
    ko=/lib/modules/swift/hello.ko
    run dmesg -c > /dev/null
    status "insmod the Swift hello.ko" 0 run insmod $ko
    has "dmesg: Swift initializing, loaded successfully" "$(run dmesg)" \
        "*Hello module: initializing*Hello module: loaded successfully*"
    same "cat /proc/hello_proc (Swift)" "$(run cat /proc/hello_proc)" "Hello from kernel module!"
    same "dd reads it 5 bytes at a time (Swift)" "$(run dd if=/proc/hello_proc bs=5 2> /dev/null)" \
        "Hello from kernel module!"
    echo "Test message" > /proc/hello_proc
    has "dmesg: Swift received 13 bytes" "$(run dmesg)" "*Hello module: received 13 bytes*"
    has "lsmod lists the Swift hello" "$(run lsmod)" "*hello*"
    has "/proc/modules lists the Swift hello" "$(run cat /proc/modules)" \
        "hello [1-9]*[0-9] 0 - Live 0x[0-9a-f]??????????????? (O)"
    has "/proc/kallsyms lists its init_module [hello]" "$(run grep init_module /proc/kallsyms)" \
        "*[0-9a-f]??????????????? [tT] init_module	[[]hello[]]*"
    # Its weak copies of the Swift runtime are bound to the kernel's: none is the module's own.
    same "/proc/kallsyms lists no swift_* runtime function of the Swift hello" \
        "$(run grep -c ' swift_[A-Za-z_]*	[[]hello[]]$' /proc/kallsyms)" 0
    has "modinfo of the Swift hello.ko" "$(run modinfo $ko)" \
        "*author:*Your Name*description:*Hello World kernel module with proc interface*license:*GPL*"
    same "modinfo -F version of the Swift hello.ko" "$(run modinfo -F version $ko)" "1.0"
    same "/sys/module/hello/version from the Swift declaration" "$(run cat /sys/module/hello/version)" "1.0"
    same "and its srcversion is modinfo's" "$(run cat /sys/module/hello/srcversion)" \
        "$(run modinfo -F srcversion $ko)"
    status "rmmod the Swift hello" 0 run rmmod hello
    has "dmesg: Swift unloaded" "$(run dmesg)" "*Hello module: unloaded*"
    status "/proc/hello_proc is gone (Swift)" 1 run test -e /proc/hello_proc

    run insmod $ko && run rmmod hello
    before=$(memfree)
    rounds=0
    while [ $rounds -lt 100 ]; do
        run insmod $ko && run cat /proc/hello_proc > /dev/null && run rmmod hello || break
        rounds=$((rounds + 1))
    done
    same "100 insmod/cat/rmmod cycles of the Swift hello.ko" "$rounds" 100
    memfree_kept "MemFree is the same after the Swift cycles" "$before"
    run dmesg -c > /dev/null
}

# misc_modules: the Swift echo device /dev/apus_echo through busybox: insmod, the node and its
# number in /proc/misc and sysfs, echo and cat, rmmod refused while a shell descriptor holds
# it open, then unloaded with its node gone; and load/use/unload cycles that give every page
# back.
misc_modules() {
    [ "$$" = 1 ] || return 0
    ko=/lib/modules/swift/echo.ko
    run dmesg -c > /dev/null
    status "insmod the Swift echo.ko" 0 run insmod $ko
    minor=$(run awk '$2 == "apus_echo" { print $1 }' /proc/misc)
    has "dmesg: echo names its minor" "$(run dmesg)" "*echo: /dev/apus_echo is misc minor $minor*"
    has "ls -l /dev/apus_echo: a char device 10, $minor" "$(run ls -l /dev/apus_echo)" "crw-rw-rw-*10, *$minor *"
    same "/sys/class/misc/apus_echo/dev" "$(run cat /sys/class/misc/apus_echo/dev)" "10:$minor"
    has "/proc/devices lists misc" "$(run cat /proc/devices)" "* 10 misc*"
    echo "Hello, echo" > /dev/apus_echo
    same "cat /dev/apus_echo gives back what echo wrote" "$(run cat /dev/apus_echo)" "Hello, echo"
    same "then it is empty" "$(run cat /dev/apus_echo)" ""
    exec 3< /dev/apus_echo
    has "/proc/modules counts the open descriptor" "$(run cat /proc/modules)" "*echo [1-9]*[0-9] 1 - Live*"
    has "rmmod while it is open fails" "$(run rmmod echo 2>&1)" \
        "*can't unload module 'echo': Resource temporarily unavailable*"
    exec 3<&-
    status "rmmod after the close" 0 run rmmod echo
    status "/dev/apus_echo is gone" 1 run test -e /dev/apus_echo
    status "/sys/class/misc/apus_echo is gone" 1 run test -e /sys/class/misc/apus_echo
    has "dmesg: echo unloaded" "$(run dmesg)" "*echo: unloaded*"

    run insmod $ko && run rmmod echo
    before=$(memfree)
    rounds=0
    while [ $rounds -lt 100 ]; do
        run insmod $ko && echo x > /dev/apus_echo && run cat /dev/apus_echo > /dev/null && run rmmod echo || break
        rounds=$((rounds + 1))
    done
    same "100 insmod/echo/cat/rmmod cycles of echo.ko" "$rounds" 100
    memfree_kept "MemFree is the same after the echo cycles" "$before"
    run dmesg -c > /dev/null
}

# procps: busybox's ps, top, free, uptime, pidof, sysctl, watch, kill and killall over /proc,
# with a script named apussleep running in the background (a script's process is called by
# the script's name).
procps() {
    if [ ! -r /proc/self/stat ]; then
        result ok "ps, top, free, uptime, pidof, killall # SKIP no /proc"
        return
    fi
    sleeper=$TMPDIR/apussleep
    printf '#!/bin/sh\nwhile :; do sleep 1; done\n' > "$sleeper"
    run chmod 755 "$sleeper"
    "$sleeper" &
    sleeper_pid=$!
    tries=0
    while [ "$(run cat /proc/$sleeper_pid/comm 2>/dev/null)" != apussleep ] && [ $tries -lt 100 ]; do
        run sleep 0.1
        tries=$((tries + 1))
    done
    ps_out=$(run ps)
    if printf '%s\n' "$ps_out" | run grep -q "^ *$sleeper_pid .*/apussleep"; then
        result ok "ps lists the sleeper with its command line"
    else
        result fail "ps lists the sleeper with its command line" "$ps_out"
    fi
    if [ "$$" = 1 ]; then
        case "$ps_out" in
            *"[kthreadd]"*) result ok "ps shows kernel threads in brackets" ;;
            *) result fail "ps shows kernel threads in brackets" "$ps_out" ;;
        esac
    else
        result ok "ps shows kernel threads in brackets # SKIP a host may hide them"
    fi
    top_out=$(run top -b -n 1)
    case "$top_out" in
        "Mem: "*"CPU: "*"usr"*"Load average: "*"$sleeper_pid "*"apussleep"*) result ok "top -b -n 1 shows memory, CPU, load and the sleeper" ;;
        *) result fail "top -b -n 1 shows memory, CPU, load and the sleeper" "$top_out" ;;
    esac
    same "free's total is /proc/meminfo's MemTotal" \
        "$(run free | run awk '/^Mem:/ { print $2 }')" "$(run awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
    uptime_out=$(run uptime)
    case "$uptime_out" in
        *" up "*"load average: "*.*", "*.*", "*.*) result ok "uptime shows the time up and the load averages" ;;
        *) result fail "uptime shows the time up and the load averages" "$uptime_out" ;;
    esac
    same "pidof apussleep" "$(run pidof apussleep)" "$sleeper_pid"
    same "sysctl kernel.ostype reads /proc/sys" "$(run sysctl kernel.ostype)" "kernel.ostype = Linux"
    sysctl_out=$(run sysctl -a 2>/dev/null)
    case "$sysctl_out" in
        *"kernel.pid_max = "*"vm.overcommit_memory = "*) result ok "sysctl -a lists kernel.* and vm.* settings" ;;
        *) result fail "sysctl -a lists kernel.* and vm.* settings" "$sysctl_out" ;;
    esac
    watch_out=$(run timeout 3 watch -n1 echo apuswatch)
    same "timeout 3 watch -n1 ends by SIGTERM" "$?" 143
    case "$watch_out" in
        *"Every 1"*"echo apuswatch"*"apuswatch"*) result ok "watch -n1 shows its command's output" ;;
        *) result fail "watch -n1 shows its command's output" "$watch_out" ;;
    esac
    # By its path, not through run: $! must be the sleep itself, not a subshell.
    "$R/bin/sleep" 1000 &
    sleep_pid=$!
    status "kill -USR1 a sleep" 0 run kill -USR1 "$sleep_pid"
    wait "$sleep_pid"
    same "the sleep ended by SIGUSR1" "$?" 138
    status "killall apussleep" 0 run killall apussleep
    wait "$sleeper_pid"
    same "the sleeper ended by SIGTERM" "$?" 143
    status "pidof finds no apussleep any more" 1 run pidof apussleep
}

# module_faults: modules that fault (docs/modules.md, "Faults in modules"): an init that
# dereferences NULL, one that hits BUG() and a proc_read that writes to an unmapped address each
# oops as Linux does, naming the module's functions `[module]`; the process that called in is
# killed (SIGSEGV), the kernel is tainted D and goes on. Last of the module checks: the faulted
# modules stay loaded.
module_faults() {
    [ "$$" = 1 ] || return 0
    mods=/lib/modules
    run dmesg -c > /dev/null
    # Each oops is on purpose: the harness's marker (tools/test/serial_log.py) says so until
    # the next result line.
    echo "# selftest: expected report begins"
    status "insmod of a module whose init dereferences NULL is killed (SIGSEGV)" 139 run insmod $mods/tests/fault.ko
    oops=$(run dmesg)
    has "dmesg: BUG: kernel NULL pointer dereference" "$oops" \
        "*BUG: kernel NULL pointer dereference, address: 0000000000000000*#PF: supervisor read access in kernel mode*"
    has "dmesg: Oops, in insmod" "$oops" "*Oops: 0000 [[]#*[]]*CPU: 0 PID: [0-9]* Comm: insmod Tainted: *O*"
    has "dmesg: RIP names fault_deref [fault]" "$oops" "*RIP: 0010:fault_deref+0x*/0x* [[]fault[]]*"
    has "dmesg: the call trace has fault_init [fault], then the loader" "$oops" \
        "*Call Trace:* fault_init+0x*/0x* [[]fault[]]* ModuleLoader.load*</TASK>*"
    has "dmesg: Modules linked in: fault(O+)" "$oops" "*Modules linked in: fault(O+)*"
    same "kernel.tainted has D" "$(($(run cat /proc/sys/kernel/tainted) & 128))" 128
    has "/proc/modules: fault stays Loading" "$(run cat /proc/modules)" "fault * 0 - Loading 0x* (O+)"
    has "rmmod of it: EBUSY" "$(run rmmod fault 2>&1)" "*busy*"
    has "a second insmod: EEXIST" "$(run insmod $mods/tests/fault.ko 2>&1)" "*File exists*"
    run dmesg -c > /dev/null
    echo "# selftest: expected report begins"
    status "insmod of a module whose init hits BUG() is killed (SIGSEGV)" 139 run insmod $mods/tests/bug.ko
    oops=$(run dmesg)
    has "dmesg: kernel BUG at .../bug.c:11!, then invalid opcode" "$oops" \
        "*------------[[] cut here []]------------*kernel BUG at */bug.c:11!*invalid opcode: 0000 [[]#*[]]*"
    has "dmesg: RIP names bug_init [bug]" "$oops" "*RIP: 0010:bug_init+0x*/0x* [[]bug[]]*"
    status "insmod proc_fault.ko" 0 run insmod $mods/tests/proc_fault.ko
    run dmesg -c > /dev/null
    # Not into a pipe: busybox's cat copies with sendfile, whose references to both files stay
    # on the dead task's kernel stack (docs/modules.md), so the pipe would never see EOF.
    echo "# selftest: expected report begins"
    run cat /proc/proc_fault > /dev/null 2>&1
    same "cat of a /proc file whose proc_read faults is killed (SIGSEGV)" "$?" 139
    oops=$(run dmesg)
    has "dmesg: unable to handle page fault for address 0xdead000" "$oops" \
        "*BUG: unable to handle page fault for address: 000000000dead000*#PF: supervisor write access in kernel mode*"
    has "dmesg: Oops, in cat, tainted D" "$oops" "*Comm: cat Tainted: *D*O*"
    has "dmesg: RIP names proc_fault_read [proc_fault]" "$oops" "*RIP: 0010:proc_fault_read+0x*/0x* [[]proc_fault[]]*"
    has "dmesg: Modules linked in: proc_fault(O) bug(O+) fault(O+)" "$oops" \
        "*Modules linked in: proc_fault(O) bug(O+) fault(O+)*"
    status "the kernel goes on: insmod hello.ko" 0 run insmod $mods/hello.ko
    same "cat /proc/hello_proc" "$(run cat /proc/hello_proc)" "Hello from kernel module!"
    status "rmmod hello" 0 run rmmod hello
    run dmesg -c > /dev/null
}

# core_for_host: on Apus, the core of `coredump crash` gzipped and base64-encoded on `# core: `
# lines, which tools/test/kernel_tests.py writes to build/test-logs/user.core and opens with
# the host's gdb.
core_for_host() {
    [ "$$" = 1 ] || return 0
    core_dir=$TMPDIR/core-for-host
    run mkdir -p "$core_dir"
    (cd "$core_dir" && ulimit -c unlimited && exec "$R/tests/coredump" crash) 2>/dev/null
    run gzip -c "$core_dir/core" | run base64 | while IFS= read -r core_line; do echo "# core: $core_line"; done
    run rm -rf "$core_dir"
}

echo "TAP version 13"
run mkdir -p "$TMPDIR" || echo "# cannot make $TMPDIR"
for program in "$R"/tests/*; do
    [ -x "$program" ] && chosen "${program##*/}" && run_program "$program"
done
chosen applets && applets
chosen procps && procps
chosen mounts && mounts
chosen coredump && core_for_host
chosen pci && pci_sysfs
chosen modules && modules
chosen modules && swift_modules
chosen modules && misc_modules
{ chosen modules || chosen module_api; } && module_api
chosen modules && module_faults
run rm -rf "$TMPDIR"

echo "1..$n"
echo "# user: $((n - failed)) passed, $failed failed"
if [ "$$" = 1 ]; then
    run poweroff -f
    echo "# poweroff -f returned"
fi
[ "$failed" = 0 ]
