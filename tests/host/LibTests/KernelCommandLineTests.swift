import Testing

@testable import Lib

@Suite struct KernelCommandLineTests {
    static let defaultEnvironment = ["HOME=/", "TERM=linux"]

    @Test func emptyLineChangesNothing() {
        let commandLine = KernelCommandLine("")
        #expect(commandLine.parameters.isEmpty)
        #expect(commandLine.initArguments.isEmpty)
        #expect(commandLine.initEnvironment == Self.defaultEnvironment)
        #expect(commandLine.consoleLogLevel == ConsoleLogLevel.default)
        #expect(commandLine.panicTimeout == 0)
        #expect(!commandLine.panicOnOops)
        #expect(commandLine.initPath == nil)
        #expect(commandLine.initVariableOverflow == nil)
    }

    @Test func splitsWordsOnAnyWhiteSpace() {
        let commandLine = KernelCommandLine("  a\t\tb=1   c\n")
        #expect(commandLine.parameters.map(\.name) == ["a", "b", "c"])
        #expect(commandLine.parameters.map(\.value) == [nil, "1", nil])
    }

    /// kernel-parameters.rst: unknown words without '.' go to init, those
    /// with '=' into its environment, the others into its arguments.
    @Test func handsUnknownWordsToInit() {
        let commandLine = KernelCommandLine("root=/dev/sda1 ro single LANG=C.UTF-8")
        #expect(commandLine.initArguments == ["ro", "single"])
        #expect(commandLine.initEnvironment == Self.defaultEnvironment + ["root=/dev/sda1", "LANG=C.UTF-8"])
        #expect(commandLine.initArgv(path: "/sbin/init") == ["/sbin/init", "ro", "single"])
    }

    /// What the harness's `init` run passes, and what its /init checks it gets.
    @Test func initGetsOnlyTheWordsTheKernelDoesNotKnow() {
        let commandLine = KernelCommandLine(
            "console=ttyS0 panic=-1 apus.unused=1 first EXEC_CHECK_INIT=exit EXPECT_ARGS=/init|first|second -- second")
        #expect(commandLine.initArgv(path: "/init") == ["/init", "first", "second"])
        #expect(
            commandLine.initEnvironment == Self.defaultEnvironment + [
                "EXEC_CHECK_INIT=exit", "EXPECT_ARGS=/init|first|second",
            ])
        #expect(commandLine.ramdiskInitPath == nil && commandLine.initPath == nil)
        #expect(commandLine.panicTimeout == -1)
    }

    @Test func panicOnOopsIsTheKernelsOwn() {
        let commandLine = KernelCommandLine("panic_on_oops=1 panic-on-oops=0 panic_on_oops=x")
        #expect(!commandLine.panicOnOops)
        #expect(commandLine.initEnvironment == Self.defaultEnvironment)
        #expect(commandLine.invalidParameters.map(\.value) == ["x"])
        #expect(KernelCommandLine("panic_on_oops=1").panicOnOops)
    }

    @Test func keepsDottedWordsForTheKernel() {
        let commandLine = KernelCommandLine("apus.selftest=all usbcore.autosuspend=-1 foo.bar")
        #expect(commandLine.initArguments.isEmpty)
        #expect(commandLine.initEnvironment == Self.defaultEnvironment)
        #expect(commandLine.value(of: "apus.selftest") == "all")
        #expect(commandLine.value(of: "usbcore.autosuspend") == "-1")
        #expect(commandLine.contains("foo.bar"))
        #expect(commandLine.value(of: "foo.bar") == nil)
        #expect(commandLine.value(of: "apus.missing") == nil)
    }

    @Test func lookupTreatsDashAndUnderscoreAlikeAndTakesTheLastValue() {
        let commandLine = KernelCommandLine("apus.self-test=one apus.self_test=two")
        #expect(commandLine.value(of: "apus.self_test") == "two")
        #expect(commandLine.value(of: "apus.self-test") == "two")
        #expect(!commandLine.contains("apus.selftest"))
    }

    @Test func quotesGroupSpacesAndAreRemoved() {
        let commandLine = KernelCommandLine(#"foo="a b" "bar=c d" "two words" x="open end"#)
        #expect(commandLine.value(of: "foo") == "a b")
        #expect(commandLine.value(of: "bar") == "c d")
        #expect(commandLine.value(of: "x") == "open end")
        #expect(commandLine.initArguments == ["two words"])
        #expect(commandLine.initEnvironment == Self.defaultEnvironment + ["foo=a b", "bar=c d", "x=open end"])
    }

    @Test func quotesInsideAWordStayAsLinuxLeavesThem() {
        let commandLine = KernelCommandLine(#"a=b"c" d="e"f g="" h=""#)
        #expect(commandLine.value(of: "a") == #"b"c""#)
        #expect(commandLine.value(of: "d") == #"e"f"#)
        #expect(commandLine.value(of: "g") == "")
        #expect(commandLine.value(of: "h") == "")
    }

    @Test func onlyAnEqualsSignAfterTheFirstCharacterStartsAValue() {
        let commandLine = KernelCommandLine("=foo =a=b")
        #expect(commandLine.initArguments == ["=foo"])
        #expect(commandLine.initEnvironment == Self.defaultEnvironment + ["=a=b"])
    }

    /// kernel-parameters.rst: everything after "--" is an argument to init.
    @Test func everythingAfterDoubleDashGoesToInit() {
        let commandLine = KernelCommandLine(#"quiet -- single x=y a.b quiet "two words""#)
        #expect(commandLine.parameters.map(\.name) == ["quiet"])
        #expect(commandLine.consoleLogLevel == ConsoleLogLevel.quiet)
        #expect(commandLine.initArguments == ["single", "x=y", "a.b", "quiet", "two words"])
        #expect(commandLine.initEnvironment == Self.defaultEnvironment)
    }

    @Test func aSecondDoubleDashEndsInitsArguments() {
        #expect(KernelCommandLine("-- a -- b").initArguments == ["a"])
    }

    @Test func doubleDashWithAValueIsAnOrdinaryWord() {
        let commandLine = KernelCommandLine("--=x y")
        #expect(commandLine.initEnvironment == Self.defaultEnvironment + ["--=x"])
        #expect(commandLine.initArguments == ["y"])
    }

    @Test func laterEnvironmentVariablesReplaceEarlierOnes() {
        let commandLine = KernelCommandLine("TERM=vt100 FOO=1 FOOBAR=3 FOO=2")
        #expect(commandLine.initEnvironment == ["HOME=/", "TERM=vt100", "FOO=2", "FOOBAR=3"])
    }

    @Test func initSettingsDiscardEarlierInitArguments() {
        let commandLine = KernelCommandLine("auto single init=/bin/sh emergency -- after")
        #expect(commandLine.initPath == "/bin/sh")
        #expect(commandLine.initArguments == ["emergency", "after"])

        let ramdisk = KernelCommandLine("auto rdinit=/linuxrc rescue")
        #expect(ramdisk.ramdiskInitPath == "/linuxrc")
        #expect(ramdisk.initArguments == ["rescue"])
        #expect(ramdisk.initPath == nil)
    }

    @Test func setupParametersNeedTheirEqualsSign() {
        let commandLine = KernelCommandLine("init rdinit console")
        #expect(commandLine.initPath == nil)
        #expect(commandLine.ramdiskInitPath == nil)
        #expect(commandLine.consoles.isEmpty)
        #expect(commandLine.initArguments == ["init", "rdinit", "console"])
        #expect(KernelCommandLine("init=").initPath == "")
    }

    @Test func collectsEveryConsole() {
        let commandLine = KernelCommandLine("console=tty0 console=ttyS0,115200n8")
        #expect(commandLine.consoles == ["tty0", "ttyS0,115200n8"])
        #expect(commandLine.initEnvironment == Self.defaultEnvironment)
    }

    @Test func theLastLogLevelSwitchWins() {
        #expect(KernelCommandLine("quiet").consoleLogLevel == 4)
        #expect(KernelCommandLine("debug").consoleLogLevel == 10)
        #expect(KernelCommandLine("quiet loglevel=5").consoleLogLevel == 5)
        #expect(KernelCommandLine("loglevel=5 quiet").consoleLogLevel == 4)
        #expect(KernelCommandLine("debug quiet").consoleLogLevel == 4)
        // Early parameters ignore a value they do not need.
        let withValue = KernelCommandLine("quiet=yes")
        #expect(withValue.consoleLogLevel == 4)
        #expect(withValue.initEnvironment == Self.defaultEnvironment)
    }

    @Test func logLevelIsReadLikeGetOption() {
        #expect(KernelCommandLine("loglevel=3").consoleLogLevel == 3)
        #expect(KernelCommandLine("loglevel=0x10").consoleLogLevel == 16)
        #expect(KernelCommandLine("loglevel=010").consoleLogLevel == 8)
        #expect(KernelCommandLine("loglevel=-1").consoleLogLevel == -1)
        #expect(KernelCommandLine("loglevel=7abc").consoleLogLevel == 7)
        #expect(KernelCommandLine("loglevel=4294967297").consoleLogLevel == 1)
    }

    @Test func malformedValuesAreReportedAndIgnored() {
        for line in [
            "loglevel=abc", "loglevel", "loglevel=", "loglevel=-", "panic", "panic=10s", "panic=2147483648",
            "panic=-+1",
        ] {
            let commandLine = KernelCommandLine("loglevel=2 panic=5 " + line)
            #expect(commandLine.consoleLogLevel == 2, "\(line)")
            #expect(commandLine.panicTimeout == 5, "\(line)")
            #expect(commandLine.invalidParameters.map(\.name) == [String(line.prefix { $0 != "=" })], "\(line)")
            #expect(commandLine.initArguments.isEmpty, "\(line)")
            #expect(commandLine.initEnvironment == Self.defaultEnvironment, "\(line)")
        }
    }

    @Test func panicTimeoutIsReadLikeKstrtoint() {
        #expect(KernelCommandLine("panic=10").panicTimeout == 10)
        #expect(KernelCommandLine("panic=-1").panicTimeout == -1)
        #expect(KernelCommandLine("panic=+3").panicTimeout == 3)
        #expect(KernelCommandLine("panic=0x1f").panicTimeout == 31)
        #expect(KernelCommandLine("panic=-2147483648").panicTimeout == -2_147_483_648)
        #expect(KernelCommandLine("panic=\"7\n\"").panicTimeout == 7)
        #expect(KernelCommandLine("panic=10").invalidParameters.isEmpty)
    }

    @Test func tooManyInitArgumentsIsAnOverflow() throws {
        // argv[0] plus 31 arguments fill MAX_INIT_ARGS.
        let fits = (1...31).map { "a\($0)" }.joined(separator: " ")
        #expect(KernelCommandLine(fits).initVariableOverflow == nil)
        #expect(KernelCommandLine(fits).initArguments.count == 31)

        let overflowing = KernelCommandLine(fits + " a32 a33")
        let overflow = try #require(overflowing.initVariableOverflow)
        #expect(overflow.kind == .arguments)
        #expect(overflow.parameter == "a32")
        #expect(overflow.panicMessage == "Too many boot init vars at `a32'")
        #expect(overflowing.initArguments.count == 31)

        let afterDashes = KernelCommandLine("-- " + fits + " a32")
        #expect(afterDashes.initVariableOverflow?.parameter == "a32")
    }

    @Test func tooManyInitVariablesIsAnOverflow() throws {
        // HOME and TERM plus 30 variables fill MAX_INIT_ENVS.
        let fits = (1...30).map { "v\($0)=1" }.joined(separator: " ")
        #expect(KernelCommandLine(fits).initVariableOverflow == nil)
        // Replacing a variable in a full environment still fits.
        #expect(KernelCommandLine(fits + " v1=2").initVariableOverflow == nil)

        let overflowing = KernelCommandLine(fits + " v31=1")
        let overflow = try #require(overflowing.initVariableOverflow)
        #expect(overflow.kind == .environment)
        #expect(overflow.panicMessage == "Too many boot env vars at `v31=1'")
        #expect(overflowing.initEnvironment.count == KernelCommandLine.maxInitEnvironment)
    }
}
