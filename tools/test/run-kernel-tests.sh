#!/bin/sh
# In-kernel self-tests and boot checks: boots build/apus.elf under QEMU in several
# configurations and checks the serial logs (docs/testing-protocol.md, docs/testing.md).
#   tools/test/run-kernel-tests.sh [--list] [-j N] [RUN...]
cd "$(dirname "$0")/../.." || exit 1
PYTHONDONTWRITEBYTECODE=1 exec python3 tools/test/kernel_tests.py "$@"
