#!/bin/sh
# Build a bootable GRUB (BIOS) ISO that loads Apus with Multiboot2.
#
#   tools/make-iso.sh [-o OUT.iso] [-k KERNEL.elf] [-c "CMDLINE"] [-i INITRD | --no-initrd]
#
# Defaults: -o build/apus.iso -k build/apus.elf -c "console=ttyS0", and -i
# build/initramfs.cpio.gz when that file exists (passed as a Multiboot2 module).
# Boot it with: qemu-system-x86_64 -cdrom build/apus.iso -m 256M -serial stdio -display none
set -eu
cd "$(dirname "$0")/.."

B=${B:-build}
out=$B/apus.iso
kernel=$B/apus.elf
cmdline="console=ttyS0"
initrd=
[ -f "$B/initramfs.cpio.gz" ] && initrd=$B/initramfs.cpio.gz
while [ $# -gt 0 ]; do
    case "$1" in
        -o) out=$2; shift 2 ;;
        -k) kernel=$2; shift 2 ;;
        -c) cmdline=$2; shift 2 ;;
        -i) initrd=$2; shift 2 ;;
        --no-initrd) initrd=; shift ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "make-iso.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

[ -f "$kernel" ] || { echo "make-iso.sh: $kernel does not exist (run make)" >&2; exit 1; }
if ! grub-file --is-x86-multiboot2 "$kernel"; then
    echo "make-iso.sh: $kernel has no Multiboot2 header (grub-file --is-x86-multiboot2)," >&2
    echo "             GRUB's multiboot2 command cannot load it." >&2
    exit 1
fi
[ -z "$initrd" ] || [ -f "$initrd" ] || { echo "make-iso.sh: $initrd does not exist" >&2; exit 1; }

staging=$(mktemp -d "${TMPDIR:-/tmp}/apus-iso.XXXXXX")
trap 'rm -rf "$staging"' EXIT INT TERM
mkdir -p "$staging/boot/grub"
cp "$kernel" "$staging/boot/apus.elf"
[ -n "$initrd" ] && cp "$initrd" "$staging/boot/initramfs.cpio.gz"
escaped=$(printf '%s\n' "$cmdline" | sed 's/[\\&|]/\\&/g')
sed "s|@CMDLINE@|$escaped|" tools/iso/grub.cfg > "$staging/boot/grub/grub.cfg"

mkdir -p "$(dirname "$out")"
if ! grub-mkrescue -o "$out" "$staging" > "$staging.log" 2>&1; then
    cat "$staging.log" >&2
    rm -f "$staging.log"
    echo "make-iso.sh: grub-mkrescue failed" >&2
    exit 1
fi
rm -f "$staging.log"
echo "$out: $kernel${initrd:+ + $initrd}, command line '$cmdline'"
