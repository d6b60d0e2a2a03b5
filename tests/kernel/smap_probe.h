/* tests/kernel/smap_probe.S: a user read outside the copy routines. */
#include <stdint.h>
int64_t smap_probe_read(uint64_t address);
