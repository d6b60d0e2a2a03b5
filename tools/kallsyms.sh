#!/usr/bin/env bash
# Extracts the function symbols of a linked kernel, demangles them, and encodes
# them with the kallsyms tool. Usage: tools/kallsyms.sh KERNEL.elf TOOL OUTPUT.bin
set -euo pipefail
elf=$1 tool=$2 out=$3
bin=$(dirname "$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)")
nm="$bin/llvm-nm"
symbols=$(mktemp)
trap 'rm -f "$symbols" "$symbols.names"' EXIT
"$nm" --defined-only -S -n "$elf" > "$symbols"
address_of() { awk -v s="$1" '$NF == s { print $1; exit }' "$symbols"; }
awk '{ print $NF }' "$symbols" | "$bin/swift-demangle" --compact --simplified > "$symbols.names"
paste -d '\t' "$symbols" "$symbols.names" | "$tool" "$(address_of __text_start)" "$(address_of __text_end)" "$out"
