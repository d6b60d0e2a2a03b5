/* tests/kernel/hardening_probes.S: what a bug would do, for the hardening self-tests. */
#include <stdint.h>
int64_t smap_probe_read(uint64_t address);
void canary_smash(void);
