// Encodes the kernel's function symbols into the .kallsyms table format
// (lib/Kallsyms.swift), using the kernel's own encoder. Linux: scripts/kallsyms.c.
//
// Input on stdin, one symbol per line: the `llvm-nm -S -n --defined-only`
// fields, a tab, and the demangled name. Arguments: text start, text end (hex),
// output path. Symbols without a size (assembly labels) extend to the next symbol.

#if canImport(Glibc)
    import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count == 4, let textStart = UInt64(arguments[1], radix: 16),
    let textEnd = UInt64(arguments[2], radix: 16)
else {
    fputs("usage: kallsyms-tool TEXT_START TEXT_END OUTPUT < symbols\n", stderr)
    exit(2)
}

var symbols: [KernelSymbol] = []
while let line = readLine() {
    let halves = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
    let fields = halves[0].split(separator: " ")
    guard halves.count == 2, fields.count >= 3, let address = UInt64(fields[0], radix: 16) else { continue }
    let hasSize = fields.count >= 4
    let type = fields[hasSize ? 2 : 1]
    guard ["t", "T", "w", "W"].contains(type), address >= textStart, address < textEnd else { continue }
    let size = hasSize ? UInt64(fields[1], radix: 16) ?? 0 : 0
    var name = String(halves[1])
    if name.hasPrefix("static ") { name.removeFirst("static ".count) }
    symbols.append(KernelSymbol(name: name, address: address, size: size))
}
symbols.sort { $0.address < $1.address }
for index in symbols.indices where symbols[index].size == 0 {
    let next = index + 1 < symbols.count ? symbols[index + 1].address : textEnd
    symbols[index].size = next - symbols[index].address
}

do {
    let bytes = try KallsymsTable.encode(symbols: symbols, base: textStart)
    guard let file = fopen(arguments[3], "wb") else {
        fputs("kallsyms-tool: cannot write \(arguments[3])\n", stderr); exit(1)
    }
    _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
    fclose(file)
    print("kallsyms: \(symbols.count) symbols, \(bytes.count) bytes")
} catch {
    fputs("kallsyms-tool: \(error)\n", stderr)
    exit(1)
}
