#!/bin/sh
# Make a Debian 12 machine ready to build and test Apus.
#
#   tools/install-deps.sh          what `make`, `make test`, `make run`, `make iso`, `make bench` need
#   tools/install-deps.sh --debug  the same plus gdb (for `make debug`)
#
# Silent and fast when everything is present. When something is missing it
# installs the Debian packages with apt-get if running as root, otherwise it
# prints the `sudo apt-get install ...` line to run and exits non-zero.
# The Swift toolchain (6.3 or later) is not a Debian package: it is only checked.
set -u

want_gdb=0
for arg in "$@"; do
    case "$arg" in
        --debug) want_gdb=1 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "install-deps.sh: unknown argument '$arg'" >&2; exit 2 ;;
    esac
done

missing=""
need() { # need PACKAGE: remember a Debian package to install (once)
    case " $missing " in *" $1 "*) ;; *) missing="$missing $1" ;; esac
}
have() { command -v "$1" >/dev/null 2>&1; }

# command -> Debian package
have qemu-system-x86_64 || need qemu-system-x86
have python3            || need python3
have xorriso            || need xorriso
have grub-mkrescue      || need grub-common
have grub-file          || need grub-common
# grub-mkrescue needs the BIOS (i386-pc) modules to make a bootable ISO.
[ -f /usr/lib/grub/i386-pc/modinfo.sh ] || need grub-pc-bin
have mformat            || need mtools
have cpio               || need cpio
have gzip               || need gzip
have musl-gcc           || need musl-tools
# The user run's core file is opened with gdb (skipped without it).
have gdb                || need gdb
# The host test of the ABI structures compiles a C program against Linux's uapi headers.
have cc                 || need gcc
[ -f /usr/include/linux/time_types.h ] || need linux-libc-dev
# The initramfs needs a static busybox; Debian's `busybox` package is dynamic.
if ! have busybox; then
    need busybox-static
elif have dpkg-query && [ "$(dpkg-query -W -f='${db:Status-Abbrev}' busybox-static 2>/dev/null)" != "ii " ]; then
    need busybox-static
fi
have timeout            || need coreutils
have make               || need make
have readelf            || need binutils
# The user tier's module database is written by the host's depmod (in /sbin, maybe not on PATH).
have depmod || [ -x /sbin/depmod ] || need kmod
# The host tests of lib/fs/ext2 read images made by mke2fs -d (in /sbin, maybe not on PATH).
have mke2fs || [ -x /sbin/mke2fs ] || need e2fsprogs
[ "$want_gdb" = 1 ] && { have gdb || need gdb; }

status=0
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && have apt-get; then
        echo "install-deps: installing:$missing"
        export DEBIAN_FRONTEND=noninteractive
        # shellcheck disable=SC2086
        if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing; }; then
            echo "install-deps: apt-get failed; run by hand: apt-get install -y$missing" >&2
            status=1
        fi
    else
        echo "install-deps: missing Debian packages. Run:" >&2
        echo "    sudo apt-get update && sudo apt-get install -y$missing" >&2
        status=1
    fi
fi

# The Swift toolchain: PATH first, then /opt/swift/usr/bin (the Makefile looks in the same places).
swiftc=$(command -v swiftc 2>/dev/null || true)
[ -z "$swiftc" ] && [ -x /opt/swift/usr/bin/swiftc ] && swiftc=/opt/swift/usr/bin/swiftc
swift_help() {
    cat >&2 <<'EOF'
    Apus needs the Swift 6.3 (or later) toolchain for Linux, which includes the
    Embedded Swift stdlib for x86_64-unknown-none-elf, clang and ld.lld.
    Download swift-6.3.1-RELEASE for Debian 12 from https://www.swift.org/install/linux/
    (tarball: https://download.swift.org/swift-6.3.1-release/debian12/swift-6.3.1-RELEASE/swift-6.3.1-RELEASE-debian12.tar.gz),
    unpack it so that /opt/swift/usr/bin/swiftc exists (or put its usr/bin in PATH), and install
    its prerequisites:
    sudo apt-get install -y binutils gcc git libcurl4-openssl-dev libedit-dev libicu-dev libncurses-dev \
        libpython3-dev libsqlite3-dev libxml2-dev pkg-config tzdata uuid-dev
EOF
}
if [ -z "$swiftc" ]; then
    echo "install-deps: swiftc not found (looked in PATH and /opt/swift/usr/bin)." >&2
    swift_help
    status=1
else
    version=$("$swiftc" --version 2>&1 | sed -n 's/.*Swift version \([0-9][0-9]*\)\.\([0-9][0-9]*\).*/\1 \2/p' | head -n 1)
    major=${version% *}; minor=${version#* }
    if [ -z "$version" ]; then
        echo "install-deps: '$swiftc --version' failed:" >&2
        "$swiftc" --version 2>&1 | sed 's/^/    /' >&2
        swift_help
        status=1
    elif [ "$major" -lt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -lt 3 ]; }; then
        echo "install-deps: $swiftc is Swift $major.$minor; Apus needs 6.3 or later." >&2
        swift_help
        status=1
    fi
fi
exit $status
