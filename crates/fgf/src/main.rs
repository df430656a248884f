//! `fgf`: the one binary. Its command line is the CLI contract of DESIGN.md, which operators
//! and scripts depend on: forms, outputs and exit codes are kept exactly.

mod application;
mod catalog;
mod cli;
mod process;

fn main() -> std::process::ExitCode {
    cli::main()
}
