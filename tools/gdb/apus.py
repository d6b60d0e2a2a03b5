# gdb helpers for Apus, as Linux's scripts/gdb: lx-dmesg, lx-ps, lx-lsmod, lx-symbols.
# `make debug` loads them (build/gdbinit); by hand: `source tools/gdb/apus.py`.
#
# They read one thing, the debug table `apus_debug_info` (arch/x86_64/core/include/debug_info.h):
# Apus's tasks, log and modules are Swift objects gdb cannot walk, so the kernel copies what
# these commands show into it, in a fixed C layout whose DWARF the image carries.
# docs/debugging.md.
import os
import struct

import gdb

TABLE = 'apus_debug_info'
MAGIC = 0x4f464e4947554244          # APUS_DEBUG_MAGIC, "DBUGINFO"
VERSION = 1
# Linux's enum module_state, and the letters of fs/proc/array.c's task_state_array.
MODULE_STATES = {0: 'Live', 1: 'Loading', 2: 'Unloading'}


def state_letter(state):
    """The letter `ps` shows for a task's __state bits (TaskState.letter in kernel/sched)."""
    for bits, letter in ((0x1, 'S'), (0x2, 'D'), (0x4, 'T'), (0x8, 't'), (0x20, 'Z'),
                         (0x10 | 0x80, 'X'), (0x40, 'P')):
        if state & bits:
            return 'I' if letter == 'D' and state & 0x400 else letter
    return 'R' if state == 0 else '?'


class Table:
    """The table, read from the target in one piece and decoded with the offsets gdb
    finds in its DWARF type (so the helpers follow the header, not a copy of it)."""

    def __init__(self):
        symbol = gdb.lookup_global_symbol(TABLE) or gdb.lookup_static_symbol(TABLE)
        if symbol is None:
            raise gdb.GdbError('%s: no such symbol; is the Apus image loaded (file build/apus.elf)?'
                               % TABLE)
        value = symbol.value()
        self.type = value.type.strip_typedefs()
        address = int(value.address)
        self.bytes = bytes(gdb.selected_inferior().read_memory(address, self.type.sizeof))
        magic, version = self.field(self.bytes, self.type, 'magic', 'version')
        if magic != MAGIC or version != VERSION:
            raise gdb.GdbError('%s at 0x%x: magic 0x%x version %d, expected 0x%x version %d '
                               '(not running yet, or another kernel)'
                               % (TABLE, address, magic, version, MAGIC, VERSION))

    @staticmethod
    def offsets(type_):
        return {f.name: (f.bitpos // 8, f.type.strip_typedefs()) for f in type_.fields()}

    def field(self, data, type_, *names):
        """The integer fields `names` of a struct of type `type_` at the start of `data`."""
        layout = self.offsets(type_)
        values = []
        for name in names:
            offset, ftype = layout[name]
            size = ftype.sizeof
            signed = ftype.code == gdb.TYPE_CODE_INT and ftype.is_signed
            values.append(int.from_bytes(data[offset:offset + size], 'little', signed=signed))
        return values

    def text(self, data, type_, name, length=None):
        offset, ftype = self.offsets(type_)[name]
        raw = data[offset:offset + (ftype.sizeof if length is None else length)]
        return raw.split(b'\0', 1)[0].decode('utf-8', 'replace') if length is None else \
            raw.decode('utf-8', 'replace')

    def array(self, name):
        """The elements of the array field `name`: (element type, [bytes of each])."""
        offset, atype = self.offsets(self.type)[name]
        element = atype.target().strip_typedefs()
        count = atype.sizeof // element.sizeof
        return element, [self.bytes[offset + i * element.sizeof:offset + (i + 1) * element.sizeof]
                         for i in range(count)]

    def scalar(self, name):
        return self.field(self.bytes, self.type, name)[0]

    def records(self):
        """The log records still held, oldest first: (seq, ns, level, facility, text)."""
        rtype, slots = self.array('log')
        next_seq = self.scalar('log_next_seq')
        result = []
        for seq in range(max(0, next_seq - len(slots)), next_seq):
            data = slots[seq % len(slots)]
            got, ns, length, level, facility = self.field(data, rtype, 'seq', 'ts_nsec', 'text_len',
                                                          'level', 'facility')
            if got == seq:
                result.append((seq, ns, level, facility, self.text(data, rtype, 'text', length)))
        return result

    def tasks(self):
        """(pid, tgid, state, kthread, comm) of each listed task, by pid."""
        ttype, slots = self.array('tasks')
        result = []
        for data in slots:
            pid, tgid, state, kthread = self.field(data, ttype, 'pid', 'tgid', 'state', 'kthread')
            if pid:
                result.append((pid, tgid, state, kthread, self.text(data, ttype, 'comm')))
        return sorted(result)

    def modules(self):
        """Each loaded module: a dict of name, base, size, state, refcount, sections."""
        mtype, slots = self.array('modules')
        result = []
        for data in slots:
            name = self.text(data, mtype, 'name')
            if not name:
                continue
            base, size, state, refcount, count = self.field(data, mtype, 'base', 'size', 'state',
                                                            'refcount', 'section_count')
            offset, atype = self.offsets(mtype)['section_addr']
            kept = min(count, atype.sizeof // 8)
            sections = list(struct.unpack_from('<%dQ' % kept, data, offset))
            result.append(dict(name=name, base=base, size=size, state=state, refcount=refcount,
                               section_count=count, sections=sections))
        return result


class LxDmesg(gdb.Command):
    """Print the kernel log (Linux: lx-dmesg): the records the debug table keeps, as the
console shows them."""

    def __init__(self):
        super().__init__('lx-dmesg', gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        for _, ns, _, _, text in Table().records():
            for line in text.split('\n'):
                gdb.write('[%5d.%06d] %s\n' % (ns // 10**9, ns % 10**9 // 1000, line))


class LxPs(gdb.Command):
    """List the tasks (Linux: lx-ps): pid, thread group, state letter and name; kernel
threads' names in brackets, as ps shows them."""

    def __init__(self):
        super().__init__('lx-ps', gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        table = Table()
        gdb.write('%7s %7s %s  %s\n' % ('PID', 'TGID', 'S', 'COMM'))
        for pid, tgid, state, kthread, comm in table.tasks():
            gdb.write('%7d %7d %s  %s\n' % (pid, tgid, state_letter(state),
                                           '[%s]' % comm if kthread else comm))
        missing = table.scalar('tasks_unlisted')
        if missing:
            gdb.write('(%d more tasks: the table is full)\n' % missing)


class LxLsmod(gdb.Command):
    """List the loaded modules (Linux: lx-lsmod): address, name, size, reference count
and state."""

    def __init__(self):
        super().__init__('lx-lsmod', gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        table = Table()
        gdb.write('%-18s %-20s %8s  %s  %s\n' % ('Address', 'Module', 'Size', 'Used by', 'State'))
        for m in table.modules():
            gdb.write('0x%016x %-20s %8d  %7d  %s\n' % (m['base'], m['name'], m['size'], m['refcount'],
                                                      MODULE_STATES.get(m['state'], '?')))
        missing = table.scalar('modules_unlisted')
        if missing:
            gdb.write('(%d more modules: the table is full)\n' % missing)


def elf_sections(path):
    """(name, flags) of each section of the ELF file `path`, in header order."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:4] != b'\x7fELF' or data[4] != 2:
        return []
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)
    headers = [struct.unpack_from('<IIQQQQ', data, shoff + i * shentsize) for i in range(shnum)]
    strtab = headers[shstrndx][4]

    def name(offset):
        end = data.index(b'\0', strtab + offset)
        return data[strtab + offset:end].decode('utf-8', 'replace')
    return [(name(h[0]), h[2]) for h in headers]


def modinfo_name(path):
    with open(path, 'rb') as f:
        data = f.read()
    at = data.find(b'\0name=')
    return data[at + 6:data.index(b'\0', at + 1)].decode() if at >= 0 else None


class LxSymbols(gdb.Command):
    """Load the symbols of the loaded modules (Linux: lx-symbols).

    lx-symbols [DIR...]

For each module in the debug table, finds NAME.ko under the DIRs, in order (default: the
current directory), the first whose .modinfo says name=NAME and whose section count matches, and loads its
symbols at its sections' load addresses (add-symbol-file -s SECTION ADDRESS ...). It also
breaks, silently, where the kernel has placed a module but not yet run its init
(apus_debug_module_loaded), and loads that module's symbols then, so that a breakpoint in
a module's init by file:line is hit on insmod."""

    def __init__(self):
        super().__init__('lx-symbols', gdb.COMMAND_FILES, gdb.COMPLETE_FILENAME)
        self.paths = []
        self.loaded = {}            # module name -> (file, base) its symbols were loaded for
        self.breakpoint = None

    def candidates(self, name):
        wanted = {name + '.ko', name.replace('_', '-') + '.ko', name.replace('-', '_') + '.ko'}
        for path in self.paths:
            for root, dirs, files in os.walk(path):
                dirs.sort()                 # the same choice every time
                for file in sorted(files):
                    if file in wanted:
                        yield os.path.join(root, file)

    def find(self, module):
        for path in self.candidates(module['name']):
            if modinfo_name(path) == module['name'] and \
                    len(elf_sections(path)) == module['section_count']:
                return path
        return None

    def load(self, module):
        path = self.find(module)
        if path is None:
            gdb.write('lx-symbols: no %s.ko for the module loaded at 0x%x under %s\n'
                      % (module['name'], module['base'], ' '.join(self.paths)))
            return
        if self.loaded.get(module['name']) == (path, module['base']):
            return
        # Unloaded and loaded again between two stops: drop the symbols of the old place.
        self.unload(module['name'])
        args = []
        for (section, flags), address in zip(elf_sections(path), module['sections']):
            if address and flags & 0x2 and section:       # SHF_ALLOC
                args.append('-s %s 0x%x' % (section, address))
        gdb.write('loading @0x%x: %s\n' % (module['base'], path))
        gdb.execute('add-symbol-file %s %s' % (path, ' '.join(args)), to_string=True)
        self.loaded[module['name']] = (path, module['base'])

    def unload(self, name):
        if name in self.loaded:
            _, base = self.loaded.pop(name)
            gdb.execute('remove-symbol-file -a 0x%x' % base, to_string=True)

    def load_all(self):
        modules = Table().modules()
        names = {m['name'] for m in modules}
        for name in [n for n in self.loaded if n not in names]:
            self.unload(name)
        for module in modules:
            self.load(module)

    def invoke(self, arg, from_tty):
        self.paths = [os.path.abspath(os.path.expanduser(p)) for p in gdb.string_to_argv(arg)] or \
            [os.getcwd()]
        try:
            self.load_all()
        except (gdb.GdbError, gdb.MemoryError) as e:
            # Halted at reset (make debug), the table is not mapped yet: nothing is loaded.
            gdb.write('lx-symbols: no modules yet (%s)\n' % e)
        if self.breakpoint is None:
            self.breakpoint = ModuleLoadBreakpoint(self)


class ModuleLoadBreakpoint(gdb.Breakpoint):
    """Where a module is in place and its init not run: load its symbols, go on."""

    def __init__(self, command):
        super().__init__('apus_debug_module_loaded', internal=True)
        self.silent = True
        self.command = command

    def stop(self):
        self.command.load_all()
        return False


LxDmesg()
LxPs()
LxLsmod()
LxSymbols()
