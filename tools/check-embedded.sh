#!/usr/bin/env bash
# Compile include/uapi (module ABI) and lib (module Lib) for the bare-metal
# embedded target with the kernel's flags, to prove host-tested code also
# builds into the kernel. Usage: tools/check-embedded.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d)}
mkdir -p "$out"
flags=(-enable-experimental-feature Embedded -target x86_64-unknown-none-elf -wmo
       -parse-as-library -Osize -Xfrontend -disable-stack-protector
       -Xcc -mno-red-zone -Xcc -mno-sse -Xcc -mno-sse2 -Xcc -mno-mmx
       -strict-memory-safety -warnings-as-errors)
swiftc "${flags[@]}" -module-name ABI -emit-module -emit-module-path "$out/ABI.swiftmodule" \
    -c $(find include/uapi -name '*.swift' | sort) -o "$out/ABI.o"
swiftc "${flags[@]}" -I "$out" -module-name Lib -emit-module -emit-module-path "$out/Lib.swiftmodule" \
    -c $(find lib -name '*.swift' | sort) -o "$out/Lib.o"
echo "embedded build of ABI and Lib: ok ($out)"
