//! A small POSIX-style shell for the commands manifests run (`sh -c`, `bash -c`, exec probes,
//! lifecycle hooks): lexer, parser, word expansion, the utilities, and a resumable executor
//! whose `sleep` takes virtual time.

pub mod commands;
pub mod exec;
pub mod expand;
pub mod lexer;
pub mod parser;
pub mod test_expr;
pub mod text_tools;

#[cfg(test)]
mod tests;
