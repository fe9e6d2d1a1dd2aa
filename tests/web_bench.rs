//! The benchmarks in headless Chrome, from the wasm build (`make bench-web`): the same workloads
//! as `podlab bench`, timed with the page's clock. Prints figures; asserts nothing about time.
//!
//! Which workloads run is fixed at build time by `PODLAB_BENCH`, a comma-separated list of
//! `schedule:NODES:PODS`, `anti-affinity:NODES:PODS` and `cluster:NODES:PODS` (default: a small
//! set that finishes in seconds).
#![cfg(target_arch = "wasm32")]

use podlab::bench;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DEFAULT_WORKLOADS: &str = "schedule:500:1000,anti-affinity:500:500,cluster:50:500";

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// One workload: (kind, nodes, pods).
fn workloads() -> Vec<(String, usize, usize)> {
    option_env!("PODLAB_BENCH")
        .unwrap_or(DEFAULT_WORKLOADS)
        .split(',')
        .filter_map(|item| {
            let mut parts = item.trim().split(':');
            let kind = parts.next()?.to_string();
            let nodes = parts.next()?.parse().ok()?;
            let pods = parts.next()?.parse().ok()?;
            Some((kind, nodes, pods))
        })
        .collect()
}

/// Hands control back to the browser, so a long run is not taken for a hung renderer.
async fn yield_to_browser() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

#[wasm_bindgen_test]
async fn benchmarks_print_their_figures() {
    let list = workloads();
    assert!(!list.is_empty(), "PODLAB_BENCH names no workload");
    for (kind, nodes, pods) in list {
        yield_to_browser().await;
        let report = match kind.as_str() {
            "schedule" => bench::bench_schedule(nodes, pods, false, 1, &now_ms).report(bench::peak_memory()),
            "anti-affinity" => {
                bench::bench_schedule(nodes, pods, true, 1, &now_ms).report(bench::peak_memory())
            }
            "cluster" => {
                let mut run = bench::ClusterRun::new(nodes, pods, 1, &now_ms);
                // Under two seconds of busy renderer at a time, but a yield only once a second:
                // each costs the page a timer turn, and that counts in the wall time.
                let mut last_yield = now_ms();
                while run.advance(&now_ms, 1000.0) {
                    if now_ms() - last_yield > 1000.0 {
                        yield_to_browser().await;
                        last_yield = now_ms();
                    }
                }
                let figures = run.figures();
                assert!(figures.settled, "the cluster did not settle: {}", figures.report(None));
                figures.report(bench::peak_memory())
            }
            other => panic!("unknown workload {other:?}"),
        };
        assert!(report.contains(&format!("{nodes} nodes")), "{report}");
        console_log!("browser {report}");
    }
}
