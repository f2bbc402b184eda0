//! The `backlog` command-line tool; see the library crate for everything but the terminal.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
