import ABI
import Testing

@testable import Lib

/// Linux's parse_args rules for a module's load arguments (kernel/params.c).
struct ModuleParametersTests {
    private func split(_ text: String) -> [String] {
        ModuleParameters.split(Array(text.utf8)).map { argument in
            String(decoding: argument.name, as: UTF8.self)
                + (argument.value.map { "=" + String(decoding: $0, as: UTF8.self) } ?? "")
        }
    }

    @Test func splitsAsNextArg() {
        #expect(split("  a=1   b=two\tflag ") == ["a=1", "b=two", "flag"])
        #expect(split("name=\"hello world\" x=\"\"") == ["name=hello world", "x="])
        #expect(split("\"quoted=a b\" c") == ["quoted=a b", "c"])
        #expect(split("a==b e=") == ["a==b", "e="])
        #expect(split("") == [])
    }

    private func parse(_ value: String?, _ kind: ModuleParameters.Kind) -> Result<UInt64, Errno> {
        do throws(Errno) {
            return .success(try ModuleParameters.parse(value.map { Array($0.utf8) }, as: kind))
        } catch {
            return .failure(error)
        }
    }

    @Test func parsesNumbersAsKstrto() {
        #expect(parse("42", .int) == .success(42))
        #expect(parse("-42", .int) == .success(UInt64(bitPattern: -42)))
        #expect(parse("+7\n", .int) == .success(7))
        #expect(parse("0x1f", .uint) == .success(31))
        #expect(parse("017", .ulong) == .success(15))
        #expect(parse("0", .int) == .success(0))
        #expect(parse("-2147483648", .int) == .success(UInt64(bitPattern: -2_147_483_648)))
        #expect(parse("2147483648", .int) == .failure(.ERANGE))
        #expect(parse("4294967296", .uint) == .failure(.ERANGE))
        #expect(parse("65535", .ushort) == .success(65535))
        #expect(parse("-32769", .short) == .failure(.ERANGE))
        #expect(parse("18446744073709551615", .ulong) == .success(UInt64.max))
        #expect(parse("18446744073709551616", .ulong) == .failure(.ERANGE))
        #expect(parse("-1", .uint) == .failure(.EINVAL))
        #expect(parse("12abc", .int) == .failure(.EINVAL))
        #expect(parse("08", .int) == .failure(.EINVAL))
        #expect(parse("", .int) == .failure(.EINVAL))
        #expect(parse(nil, .long) == .failure(.EINVAL))
    }

    @Test func parsesBoolsAsKstrtobool() {
        for yes in ["y", "Y", "1", "on", "yes"] { #expect(parse(yes, .bool) == .success(1)) }
        for no in ["n", "N", "0", "off"] { #expect(parse(no, .bool) == .success(0)) }
        #expect(parse(nil, .bool) == .success(1))
        #expect(parse("", .bool) == .failure(.EINVAL))
        #expect(parse("maybe", .bool) == .failure(.EINVAL))
        #expect(parse("oz", .bool) == .failure(.EINVAL))
    }

    /// /sys/module/NAME/parameters' text: param_get_int's "%d\n" and the
    /// others, of the variable's own bytes (a short's upper bits ignored).
    @Test func showsAsParamGet() {
        #expect(ModuleParameters.show(UInt64(bitPattern: -12), as: .int) == "-12\n")
        #expect(ModuleParameters.show(0xffff_ffff, as: .int) == "-1\n")
        #expect(ModuleParameters.show(0xffff_ffff, as: .uint) == "4294967295\n")
        #expect(ModuleParameters.show(UInt64(bitPattern: -9_000_000_000), as: .long) == "-9000000000\n")
        #expect(ModuleParameters.show(UInt64.max, as: .ulong) == "18446744073709551615\n")
        #expect(ModuleParameters.show(0x1_8000, as: .short) == "-32768\n")
        #expect(ModuleParameters.show(0xffff, as: .ushort) == "65535\n")
        #expect(ModuleParameters.show(1, as: .bool) == "Y\n")
        #expect(ModuleParameters.show(0x100, as: .bool) == "N\n")
    }

    /// A value written to a parameter file goes back through parse and
    /// shows as Linux shows it: what a write takes, a read gives back.
    @Test func roundTripsThroughShow() {
        let cases: [(String, ModuleParameters.Kind, String)] = [
            ("0x10\n", .uint, "16\n"), ("-32768", .short, "-32768\n"), ("010", .int, "8\n"),
            ("on\n", .bool, "Y\n"), ("n", .bool, "N\n"), ("+65535", .ushort, "65535\n"),
        ]
        for (written, kind, shown) in cases {
            guard case .success(let bits) = parse(written, kind) else {
                Issue.record("\(written) refused")
                continue
            }
            #expect(ModuleParameters.show(bits, as: kind) == shown)
            #expect(ModuleParameters.littleEndian(bits, size: kind.size).count == kind.size)
        }
        #expect(ModuleParameters.littleEndian(0x0102_0304, size: 4) == [4, 3, 2, 1])
        #expect(ModuleParameters.littleEndian(UInt64(bitPattern: -2), size: 2) == [0xfe, 0xff])
    }
}
