#!/usr/bin/env python3
"""Malformed copies of a module for the user tier's loader checks (docs/modules.md).

    malform.py MODULE.ko OUTDIR

writes OUTDIR/truncated.ko (the first half of the file), machine.ko (e_machine EM_386),
offset.ko (.text's sh_offset past the end of the file), reloc.ko (the first relocation of
.rela.text of type 37, which the loader does not know) and vermagic.ko (a vermagic of another
kernel). Each must be refused with ENOEXEC and leave the kernel as it was.
"""
import struct
import sys


def sections(data):
    shoff, = struct.unpack_from("<Q", data, 40)
    shnum, shstrndx = struct.unpack_from("<HH", data, 60)
    headers = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + 64 * i) for i in range(shnum)]
    names = headers[shstrndx]
    result = {}
    for index, header in enumerate(headers):
        start = names[4] + header[0]
        name = data[start:data.index(b"\0", start)].decode()
        result[name] = (shoff + 64 * index, header)
    return result


def main():
    source, out = sys.argv[1], sys.argv[2]
    data = open(source, "rb").read()
    table = sections(data)
    variants = {"truncated.ko": data[: len(data) // 2]}
    machine = bytearray(data)
    struct.pack_into("<H", machine, 18, 3)
    variants["machine.ko"] = machine
    offset = bytearray(data)
    struct.pack_into("<Q", offset, table[".text"][0] + 24, len(data) + 4096)
    variants["offset.ko"] = offset
    reloc = bytearray(data)
    rela = table[".rela.text"][1][4]
    info, = struct.unpack_from("<Q", reloc, rela + 8)
    struct.pack_into("<Q", reloc, rela + 8, (info & ~0xFFFFFFFF) | 37)
    variants["reloc.ko"] = reloc
    magic = data.index(b"vermagic=") + len(b"vermagic=")
    vermagic = bytearray(data)
    vermagic[magic] = ord("5")
    variants["vermagic.ko"] = vermagic
    for name, content in variants.items():
        with open(f"{out}/{name}", "wb") as file:
            file.write(content)


if __name__ == "__main__":
    main()
