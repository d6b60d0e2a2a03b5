#!/usr/bin/env bash
# Checks a linked kernel against what the boot loaders and kallsyms assume:
# 1. the file is linear (Multiboot's a.out kludge copies it byte for byte), so
#    every PT_LOAD has the same file offset - physical address;
# 2. filling in the symbol table moved no function: the first and second link
#    agree on every text symbol.
# Usage: tools/check-image.sh PASS1.elf FINAL.elf
set -euo pipefail
pass1=$1 final=$2
bin=$(dirname "$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)")
deltas=$(readelf -lW "$final" | awk '$1 == "LOAD" && $5 != "0x000000" { print $2, $4 }' |
    while read -r offset paddr; do echo $(( offset - paddr )); done | sort -u)
if [ "$(echo "$deltas" | wc -l)" -ne 1 ]; then
    echo "check-image: $final is not laid out linearly (offset - paddr differs between segments)" >&2
    readelf -lW "$final" >&2
    exit 1
fi
text_symbols() { "$bin/llvm-nm" --defined-only "$1" | awk '$2 ~ /^[tTwW]$/' | sort; }
if ! diff -q <(text_symbols "$pass1") <(text_symbols "$final") > /dev/null; then
    echo "check-image: function addresses changed between the two links" >&2
    diff <(text_symbols "$pass1") <(text_symbols "$final") | head >&2
    exit 1
fi
