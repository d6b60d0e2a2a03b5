#!/bin/sh
# Checks that the production kernel carries no self-test code: no symbol of the SelfTests
# module (Swift mangles its names as $e9SelfTests... / $s9SelfTests...) and none of the
# ring-3 test programs' labels (the names in tests/kernel/user_programs.h). The test image
# must have them, so a pattern gone stale fails too. Prints one PASS or FAIL line.
#   tools/test/check-no-selftests.sh KERNEL TEST_KERNEL
cd "$(dirname "$0")/../.." || exit 1
kernel=$1 test_kernel=$2
nm="$(dirname "$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)")/llvm-nm"
programs=$(sed -n 's/^USER_PROGRAM(\(.*\))$/\1/p' tests/kernel/user_programs.h | paste -sd '|' -)
pattern="^\\\$[es]9SelfTests|^($programs)_start\$"
selftest_symbols() { "$nm" --defined-only --format=just-symbols "$1" | grep -E -c "$pattern"; }
found=$(selftest_symbols "$kernel")
expected=$(selftest_symbols "$test_kernel")
name="kernel image without self-tests"
if [ "$expected" -eq 0 ]; then
    echo "FAIL $name: no self-test symbol in $test_kernel either; the pattern is stale"
    exit 1
elif [ "$found" -ne 0 ]; then
    echo "FAIL $name: $kernel has $found self-test symbols, e.g.:"
    "$nm" --defined-only --format=just-symbols "$kernel" | grep -E "$pattern" | head -n 5 | sed 's/^/    /'
    exit 1
fi
echo "PASS $name ($kernel: 0 self-test symbols; $test_kernel: $expected)"
