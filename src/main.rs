//! The `podlab` binary: the web app on wasm32, the command-line runner everywhere else.

#[cfg(target_arch = "wasm32")]
fn main() {
    podlab::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(podlab::cli::main(std::env::args().skip(1).collect()));
}
