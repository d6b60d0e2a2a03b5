/* PCI in sysfs (docs/pci.md): every function in /sys/bus/pci/devices, checked against itself
 * and against its raw configuration space: the name's format, the link into /sys/devices/pci*,
 * the hex files (vendor, device, subsystem IDs, class, revision) against the config bytes, the
 * uevent and modalias built from them, the resource lines against the BARs, the capability
 * list's shape, the `subsystem` link, and /proc/bus/pci/devices' line for it. A virtio function
 * must show virtio's vendor-specific capabilities. Shapes, not values: on the host's Linux the
 * devices differ, and without PCI the test skips.
 */
#define _GNU_SOURCE
#include "tap.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>

#define DEVICES "/sys/bus/pci/devices"

static char text[2][8192];

/* The file's contents as text ("" if unreadable), in one of two buffers used in turn. */
static const char *contents(const char *path)
{
    static int next;
    char *buffer = text[next++ % 2];
    long n = read_into(path, buffer, sizeof text[0] - 1);
    buffer[n > 0 ? n : 0] = '\0';
    return buffer;
}

/* The value of a file holding "0x" and exactly `digits` hex digits and a newline; -1 otherwise. */
static long hex_file(const char *directory, const char *name, int digits)
{
    const char *value = contents(path_in(directory, name));
    if ((int)strlen(value) != digits + 3 || strncmp(value, "0x", 2) != 0 || value[digits + 2] != '\n')
        return -1;
    char *end;
    long parsed = strtol(value + 2, &end, 16);
    return end == value + 2 + digits ? parsed : -1;
}

static unsigned config16(const unsigned char *config, int offset) { return config[offset] | config[offset + 1] << 8; }
static uint32_t config32(const unsigned char *config, int offset)
{
    return (uint32_t)config16(config, offset) | (uint32_t)config16(config, offset + 2) << 16;
}

static int virtio_functions, proc_lines;

/* Whether /proc/bus/pci/devices has a line for the function, with its IDs. */
static int proc_lists(unsigned bus, unsigned devfn, long vendor, long device)
{
    char start[32];
    snprintf(start, sizeof start, "%02x%02x\t%04lx%04lx\t", bus, devfn, vendor, device);
    const char *listing = contents("/proc/bus/pci/devices");
    for (const char *line = listing; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : "")
        if (strncmp(line, start, strlen(start)) == 0)
            return 1;
    return 0;
}

/* Checks the BARs of a normal (type 0) function against its resource lines. */
static int resources_match(const char *directory, const unsigned char *config)
{
    const char *resource = contents(path_in(directory, "resource"));
    unsigned long long start, end, flags;
    int offset = 0, used, lines = 0;
    while (sscanf(resource + offset, "0x%16llx 0x%16llx 0x%16llx\n%n", &start, &end, &flags, &used) == 3) {
        if (lines < 6 && start != 0) {
            uint32_t bar = config32(config, 0x10 + 4 * lines);
            uint32_t base = bar & 1 ? bar & ~3u : bar & ~0xfu;
            unsigned long long size = end - start + 1;
            if (base != (uint32_t)start || end < start || (size & (size - 1)) != 0)
                return 0;
        }
        lines++;
        offset += used;
    }
    return lines >= 7 && resource[offset] == '\0';
}

/* The capability list: dword-aligned pointers past the header, ending within 48 steps. Counts
 * virtio's vendor-specific capabilities (cfg_type 1-5, virtio 1.x, 4.1.4) into `virtio`. */
static int capabilities_well_formed(const unsigned char *config, int *virtio)
{
    *virtio = 0;
    if (!(config16(config, 0x06) & 0x10))
        return 1;
    int position = config[(config[0x0e] & 0x7f) == 2 ? 0x14 : 0x34];
    for (int steps = 0; steps < 48 && position; steps++) {
        if (position < 0x40 || position > 0xfc || position % 4)
            return 0;
        if (config[position] == 0x09 && config[position + 3] >= 1 && config[position + 3] <= 5)
            (*virtio)++;
        position = config[position + 1];
    }
    return position == 0;
}

static void function(const char *name)
{
    char directory[PATH_MAX], target[PATH_MAX], expected[512];
    unsigned domain, bus, slot, fn;
    char tail;
    snprintf(directory, sizeof directory, "%s/%s", DEVICES, name);
    ok(sscanf(name, "%4x:%2x:%2x.%1x%c", &domain, &bus, &slot, &fn, &tail) == 4 && strlen(name) == 12
           && slot < 32 && fn < 8,
       "%s: named domain:bus:device.function", name);
    ssize_t length = readlink(directory, target, sizeof target - 1);
    target[length > 0 ? length : 0] = '\0';
    ok(length > 0 && strstr(target, "/devices/pci") && strcmp(strrchr(target, '/') + 1, name) == 0,
       "%s: a link into /sys/devices/pci*", name);

    long vendor = hex_file(directory, "vendor", 4), device = hex_file(directory, "device", 4);
    long subvendor = hex_file(directory, "subsystem_vendor", 4), subdevice = hex_file(directory, "subsystem_device", 4);
    long class = hex_file(directory, "class", 6), revision = hex_file(directory, "revision", 2);
    ok(vendor >= 0 && device >= 0 && subvendor >= 0 && subdevice >= 0 && class >= 0 && revision >= 0,
       "%s: vendor, device, subsystem IDs, class and revision in Linux's hex format", name);

    unsigned char config[4096];
    long size = read_into(path_in(directory, "config"), (char *)config, sizeof config);
    int header = size >= 64 ? config[0x0e] & 0x7f : -1;
    ok(size >= 64 && config16(config, 0) == vendor && config16(config, 2) == device && config[8] == revision
           && (config32(config, 8) >> 8) == (uint32_t)class,
       "%s: config (%ld bytes) holds the same IDs, class and revision", name, size);
    if (header == 0)
        ok(config16(config, 0x2c) == subvendor && config16(config, 0x2e) == subdevice && resources_match(directory, config),
           "%s: config's subsystem IDs and BARs match its files and resource lines", name);

    snprintf(expected, sizeof expected,
             "PCI_CLASS=%lX\nPCI_ID=%04lX:%04lX\nPCI_SUBSYS_ID=%04lX:%04lX\nPCI_SLOT_NAME=%s\n"
             "MODALIAS=pci:v%08lXd%08lXsv%08lXsd%08lXbc%02lXsc%02lXi%02lX\n",
             class, vendor, device, subvendor, subdevice, name, vendor, device, subvendor, subdevice, class >> 16,
             (class >> 8) & 0xff, class & 0xff);
    const char *uevent = contents(path_in(directory, "uevent"));
    ok(strstr(uevent, expected) != NULL, "%s: uevent has PCI_CLASS, PCI_ID, PCI_SUBSYS_ID, PCI_SLOT_NAME, MODALIAS", name);
    const char *modalias = contents(path_in(directory, "modalias"));
    ok(strncmp(modalias, "pci:", 4) == 0 && strstr(expected, modalias) != NULL, "%s: modalias is the uevent's", name);

    char *end;
    const char *irq = contents(path_in(directory, "irq"));
    strtoul(irq, &end, 10);
    ok(end != irq && strcmp(end, "\n") == 0, "%s: irq is a number", name);

    char *subsystem = realpath(path_in(directory, "subsystem"), NULL), *bus_directory = realpath("/sys/bus/pci", NULL);
    ok(subsystem && bus_directory && strcmp(subsystem, bus_directory) == 0, "%s: subsystem links to /sys/bus/pci", name);
    free(subsystem);
    free(bus_directory);

    if (proc_lines >= 0)
        ok(proc_lists(bus, slot << 3 | fn, vendor, device), "%s: listed in /proc/bus/pci/devices", name);

    if (size >= 256) {
        int virtio;
        ok(capabilities_well_formed(config, &virtio), "%s: the capability list is well formed", name);
        // virtio's PCI IDs (virtio 1.x, 4.1.2): vendor 0x1af4, device 0x1000-0x107f.
        if (vendor == 0x1af4 && device >= 0x1000 && device <= 0x107f) {
            virtio_functions++;
            ok(virtio >= 3, "%s: a virtio function with %d virtio capabilities", name, virtio);
        }
    }
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }
static int not_dot(const struct dirent *entry) { return entry->d_name[0] != '.'; }

int main(void)
{
    struct dirent **names;
    int count = scandir(DEVICES, &names, not_dot, by_name);
    if (count <= 0) {
        skip("no PCI devices in " DEVICES, "PCI functions in sysfs");
        return tap_done();
    }
    struct stat st;
    ok(stat("/sys/bus/pci/drivers", &st) == 0 && S_ISDIR(st.st_mode), "/sys/bus/pci/drivers is a directory");
    proc_lines = access("/proc/bus/pci/devices", R_OK) == 0 ? 0 : -1;
    if (proc_lines < 0)
        skip("no /proc/bus/pci/devices", "/proc/bus/pci/devices");
    // A big machine's listing is long; the first 24 functions show the shapes.
    for (int index = 0; index < count; index++) {
        if (index < 24)
            function(names[index]->d_name);
        free(names[index]);
    }
    free(names);
    if (!virtio_functions)
        skip("no virtio function with a readable capability list", "virtio capabilities");
    return tap_done();
}
