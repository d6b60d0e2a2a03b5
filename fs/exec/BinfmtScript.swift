import ABI
import Lib

/// Scripts: files that start with `#!` name the program that runs them
/// (Linux: fs/binfmt_script.c).
enum BinfmtScript {
    /// Recognises a script and sets up its interpreter: argv becomes
    /// [interpreter, the `#!` line's argument if any, the script's path,
    /// the old argv[1...]]. ENOEXEC if the file is not a script.
    static func load(_ parameters: BinaryParameters) throws(Errno) -> BinaryLoadResult {
        guard let line = try ScriptInterpreterLine(parsing: parameters.header) else { throw .ENOEXEC }
        // Linux pushes these in reverse, since the strings grow downwards.
        parameters.arguments.removeFirstArgument()
        try parameters.arguments.pushArgument(parameters.path)
        if let argument = line.argument { try parameters.arguments.pushArgument(argument) }
        try parameters.arguments.pushArgument(line.interpreter)
        let interpreter = try Exec.openExecutable(
            PathArgument(path: line.interpreter, dirfd: .currentDirectory, allowEmpty: false))
        return .interpreter(interpreter, path: line.interpreter)
    }
}
