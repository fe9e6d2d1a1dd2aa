//! Podlab: a Kubernetes cluster simulated in the browser.
//!
//! The crate is one library with two faces. Natively it is the simulation, the kubectl
//! interpreter and the visual models, tested with `cargo test` and driven by the `podlab` command
//! line. Built for `wasm32` it adds the Yew user interface (`ui`), which never reaches into the
//! simulation except through its public API.
//!
//! Layers, each depending only on those above it:
//! - [`sim`]: the deterministic kernel (virtual time, event queue, seeded RNG, trace), the API
//!   store and the actors (scheduler, kubelets, controllers).
//! - [`scenario`]: the scenario format shared by the app, the tests and the CLI, and its runner.
//! - [`playground`]: the app's model without the page: sessions with time travel, the scenario
//!   library, share links and exports.
//! - [`viz`]: graphs and charts of the simulation (view models, layered layout, Mermaid export).
//! - `ui` (wasm32 only): the playground app.

pub mod bench;
pub mod console;
pub mod kubectl;
pub mod playground;
pub mod scenario;
pub mod sim;
pub mod viz;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;

#[cfg(target_arch = "wasm32")]
pub mod ui;

#[cfg(target_arch = "wasm32")]
pub mod embed;
