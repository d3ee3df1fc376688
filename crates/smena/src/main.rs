fn main() -> std::process::ExitCode {
    smena::cli::main()
}
