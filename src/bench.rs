//! Benchmarks shared by the native command line (`podlab bench …`) and the browser build
//! (`make bench-web`): the workloads, and the one-line reports they print.
//!
//! The simulation never reads a clock, so the caller passes one (`now_ms`, milliseconds from any
//! origin): `Instant` natively, `Date.now()` in the browser. Figures are printed, never judged.

use std::rc::Rc;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use crate::sim::api::Object;
use crate::sim::time::{SimDuration, SimTime};
use crate::sim::trace::Trace;
use crate::sim::{ClusterSpec, NodeSpec, Simulation};

/// Replicas per Deployment in the cluster benchmark (the last one takes the remainder): the
/// size of ClusterLoader2's "big" Deployments in its load test.
pub const REPLICAS_PER_DEPLOYMENT: usize = 250;
/// How long the cluster runs on once every pod is Running and Ready.
pub const RUN_ON: SimDuration = SimDuration::from_secs(600);
/// How often the cluster benchmark counts ready pods (virtual time).
const CHECK_EVERY: SimDuration = SimDuration::from_secs(5);
/// Give up when the pods are not all ready after this long (virtual time).
const SETTLE_LIMIT: SimDuration = SimDuration::from_secs(6 * 3600);
/// How many events run between two looks at the wall clock in a sliced run.
const EVENTS_PER_CLOCK_CHECK: u32 = 512;

/// Figures of `bench schedule`.
#[derive(Clone, Debug)]
pub struct ScheduleFigures {
    pub stats: crate::sim::scheduler::BenchStats,
    pub anti_affinity: bool,
    pub wall_s: f64,
}

/// Schedules `pods` replicas onto `nodes` synthetic nodes, timed with `now_ms`.
pub fn bench_schedule(
    nodes: usize,
    pods: usize,
    anti_affinity: bool,
    seed: u64,
    now_ms: &dyn Fn() -> f64,
) -> ScheduleFigures {
    let started = now_ms();
    let stats = crate::sim::scheduler::bench_schedule(nodes, pods, anti_affinity, seed);
    ScheduleFigures { stats, anti_affinity, wall_s: (now_ms() - started) / 1000.0 }
}

impl ScheduleFigures {
    /// The report line; `peak` is the peak memory where known.
    pub fn report(&self, peak: Option<String>) -> String {
        let s = &self.stats;
        let rate = per_second(s.scheduled as f64, self.wall_s);
        format!(
            "schedule: {} nodes, {} pods{}: {} scheduled, {} unschedulable in {:.2} s = {rate:.0} pods/s; pods per used node {}..{} on {} nodes; peak memory {}",
            s.nodes,
            s.pods,
            if self.anti_affinity { " (required pod anti-affinity)" } else { "" },
            s.scheduled,
            s.unschedulable,
            self.wall_s,
            s.min_pods_per_node,
            s.max_pods_per_node,
            s.nodes_used,
            peak.unwrap_or_else(|| "unknown".into()),
        )
    }
}

/// Figures of `bench cluster`.
#[derive(Clone, Debug, Default)]
pub struct ClusterFigures {
    pub nodes: usize,
    pub pods: usize,
    pub deployments: usize,
    /// Pods Running and Ready when the settle phase ended.
    pub ready: usize,
    pub settled: bool,
    pub settle_virtual_s: f64,
    pub settle_wall_s: f64,
    pub total_virtual_s: f64,
    pub total_wall_s: f64,
    /// Kernel events run (watch deliveries, timers, lease renewals).
    pub events: u64,
    pub trace_hash: u64,
}

impl ClusterFigures {
    /// The report line; `peak` is the peak memory where known.
    pub fn report(&self, peak: Option<String>) -> String {
        format!(
            "cluster: {} nodes, {} pods in {} Deployments: {} Running and Ready after {:.0} s virtual{} in {:.2} s wall; \
             +{} s virtual in {:.2} s wall; total {:.0} s virtual in {:.2} s wall = {}x real time; \
             {} events = {:.0} events/s; peak memory {}",
            self.nodes,
            self.pods,
            self.deployments,
            self.ready,
            self.settle_virtual_s,
            if self.settled { "" } else { " (NOT settled)" },
            self.settle_wall_s,
            RUN_ON.as_millis() / 1000,
            self.total_wall_s - self.settle_wall_s,
            self.total_virtual_s,
            self.total_wall_s,
            speed_up(per_second(self.total_virtual_s, self.total_wall_s)),
            self.events,
            per_second(self.events as f64, self.total_wall_s),
            peak.unwrap_or_else(|| "unknown".into()),
        )
    }
}

/// A virtual-to-wall ratio with the digits that matter: `536`, `1.05`, `0.49`.
fn speed_up(ratio: f64) -> String {
    if ratio >= 10.0 {
        format!("{ratio:.0}")
    } else {
        format!("{ratio:.2}")
    }
}

fn per_second(amount: f64, wall_s: f64) -> f64 {
    if wall_s > 0.0 {
        amount / wall_s
    } else {
        0.0
    }
}

/// A worker node big enough for the benchmark's pods (32 CPU, 128Gi, 110 pods), in one of
/// three zones.
fn bench_node(index: usize) -> NodeSpec {
    let mut node = NodeSpec::new(&format!("node-{index:05}"));
    node.cpu = "32".into();
    node.memory = "128Gi".into();
    node.zone = Some(format!("zone-{}", index % 3));
    node
}

fn deployment(index: usize, replicas: usize) -> Deployment {
    let name = format!("bench-{index:03}");
    let labels = std::collections::BTreeMap::from([("app".to_string(), name.clone())]);
    let requests = std::collections::BTreeMap::from([
        ("cpu".to_string(), Quantity("100m".into())),
        ("memory".to_string(), Quantity("128Mi".into())),
    ]);
    Deployment {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: Some("default".into()),
            ..ObjectMeta::default()
        },
        spec: Some(DeploymentSpec {
            replicas: Some(i32::try_from(replicas).unwrap_or(i32::MAX)),
            selector: LabelSelector { match_labels: Some(labels.clone()), ..LabelSelector::default() },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta { labels: Some(labels), ..ObjectMeta::default() }),
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: "app".into(),
                        image: Some("nginx:1.27".into()),
                        resources: Some(ResourceRequirements {
                            requests: Some(requests),
                            ..ResourceRequirements::default()
                        }),
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        }),
        ..Deployment::default()
    }
}

fn running_and_ready(object: &Rc<Object>) -> bool {
    let Some(pod) = object.as_pod() else { return false };
    let Some(status) = pod.status.as_ref() else { return false };
    status.phase.as_deref() == Some("Running")
        && status.conditions.iter().flatten().any(|c| c.type_ == "Ready" && c.status == "True")
}

/// Runs the pending events up to `deadline`, counting them; `true` once the clock stands at
/// `deadline`. Gives up early (`false`, to be called again) once `out_of_time` says so; it is
/// asked every [`EVENTS_PER_CLOCK_CHECK`] events, so where a run pauses never changes what it does.
fn run_until(
    sim: &mut Simulation,
    deadline: SimTime,
    events: &mut u64,
    out_of_time: &dyn Fn() -> bool,
) -> bool {
    let mut since_check = 0;
    while sim.next_event_time().is_some_and(|t| t <= deadline) {
        sim.step();
        *events += 1;
        since_check += 1;
        if since_check == EVENTS_PER_CLOCK_CHECK {
            since_check = 0;
            if out_of_time() {
                return false;
            }
        }
    }
    sim.step_until(deadline);
    true
}

/// A whole simulated cluster of `nodes` nodes (controllers, scheduler, kubelets) given
/// Deployments totalling `pods` replicas: runs until every pod is Running and Ready, then
/// [`RUN_ON`] more, timed with `now_ms`. The trace keeps only its hash.
pub fn bench_cluster(nodes: usize, pods: usize, seed: u64, now_ms: &dyn Fn() -> f64) -> ClusterFigures {
    let mut run = ClusterRun::new(nodes, pods, seed, now_ms);
    while run.advance(now_ms, f64::INFINITY) {}
    run.figures
}

/// The cluster benchmark as a run that advances a bounded slice of wall time per call, so that
/// a page can hand control back to the browser between slices (a renderer busy for minutes is
/// taken for hung; at 150,000 pods five virtual seconds can take minutes).
pub struct ClusterRun {
    sim: Simulation,
    figures: ClusterFigures,
    started: f64,
    begin: SimTime,
    /// The end of the [`CHECK_EVERY`] step under way, when a call ran out of wall time in it.
    step_end: Option<SimTime>,
    /// When the run-on phase ends, once every pod is Ready (or the settle limit passed).
    run_on_until: Option<SimTime>,
}

impl ClusterRun {
    /// The cluster with its Deployments created, the clock not yet started.
    pub fn new(nodes: usize, pods: usize, seed: u64, now_ms: &dyn Fn() -> f64) -> ClusterRun {
        let started = now_ms();
        let cluster = ClusterSpec { nodes: (0..nodes).map(bench_node).collect() };
        let mut sim = Simulation::new(cluster, seed);
        *sim.trace_mut() = Trace::hash_only();
        let mut figures = ClusterFigures { nodes, pods, ..ClusterFigures::default() };
        let mut remaining = pods;
        while remaining > 0 {
            let replicas = remaining.min(REPLICAS_PER_DEPLOYMENT);
            let _ = sim.create(Object::from(deployment(figures.deployments, replicas)));
            figures.deployments += 1;
            remaining -= replicas;
        }
        let begin = sim.time();
        ClusterRun { sim, figures, started, begin, step_end: None, run_on_until: None }
    }

    /// Runs on for at most `budget_ms` of wall time (a [`CHECK_EVERY`] step of virtual time
    /// ends early when the budget is spent and resumes on the next call); `false` once the run
    /// is over.
    pub fn advance(&mut self, now_ms: &dyn Fn() -> f64, budget_ms: f64) -> bool {
        let called = now_ms();
        let out_of_time = || now_ms() - called > budget_ms;
        let deadline = *self.step_end.get_or_insert(self.sim.time() + CHECK_EVERY);
        match self.run_on_until {
            None => {
                if !run_until(&mut self.sim, deadline, &mut self.figures.events, &out_of_time) {
                    return true;
                }
                self.step_end = None;
                let ready = self.sim.store().list("Pod", None).filter(|o| running_and_ready(o)).count();
                self.figures.ready = ready;
                self.figures.settled = ready >= self.figures.pods;
                if self.figures.settled || self.sim.time() >= self.begin + SETTLE_LIMIT {
                    self.figures.settle_virtual_s =
                        (self.sim.time() - self.begin).as_millis() as f64 / 1000.0;
                    self.figures.settle_wall_s = (now_ms() - self.started) / 1000.0;
                    self.run_on_until = Some(self.sim.time() + RUN_ON);
                }
                true
            }
            Some(end) => {
                if !run_until(&mut self.sim, deadline.min(end), &mut self.figures.events, &out_of_time) {
                    return true;
                }
                self.step_end = None;
                if self.sim.time() < end {
                    return true;
                }
                self.figures.total_virtual_s = (self.sim.time() - self.begin).as_millis() as f64 / 1000.0;
                self.figures.total_wall_s = (now_ms() - self.started) / 1000.0;
                self.figures.trace_hash = self.sim.trace().hash();
                false
            }
        }
    }

    /// The figures so far (complete once [`ClusterRun::advance`] returned `false`).
    pub fn figures(&self) -> &ClusterFigures {
        &self.figures
    }
}

/// The process's peak memory: `VmHWM` natively; in the browser the size of the wasm memory,
/// which only ever grows.
pub fn peak_memory() -> Option<String> {
    let bytes = peak_memory_bytes()?;
    Some(format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0)))
}

#[cfg(target_arch = "wasm32")]
fn peak_memory_bytes() -> Option<u64> {
    Some(core::arch::wasm32::memory_size(0) as u64 * 65536)
}

#[cfg(not(target_arch = "wasm32"))]
fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_cluster_settles_with_every_pod_running_and_ready() {
        let figures = bench_cluster(3, 12, 1, &|| 0.0);
        assert!(figures.settled, "{figures:?}");
        assert_eq!(figures.ready, 12);
        assert_eq!(figures.deployments, 1);
        assert!(figures.total_virtual_s >= figures.settle_virtual_s + 600.0);
        assert!(figures.report(None).contains("12 Running and Ready"));
        assert_eq!(
            (speed_up(536.4), speed_up(1.049), speed_up(0.486)),
            ("536".into(), "1.05".into(), "0.49".into())
        );
    }

    #[test]
    fn the_cluster_benchmark_is_deterministic() {
        let a = bench_cluster(4, 30, 7, &|| 0.0);
        let b = bench_cluster(4, 30, 7, &|| 0.0);
        assert_eq!(
            (a.trace_hash, a.events, a.settle_virtual_s),
            (b.trace_hash, b.events, b.settle_virtual_s)
        );
    }

    #[test]
    fn a_run_cut_into_slices_of_wall_time_is_the_same_run() {
        let whole = bench_cluster(10, 250, 7, &|| 0.0);
        // A clock that moves a millisecond per look: every budget check says the time is up.
        let clock = std::cell::Cell::new(0.0);
        let tick = || {
            clock.set(clock.get() + 1.0);
            clock.get()
        };
        let mut sliced = ClusterRun::new(10, 250, 7, &tick);
        let mut calls = 0;
        while sliced.advance(&tick, 0.0) {
            calls += 1;
        }
        let sliced = sliced.figures();
        assert!(
            calls as f64 > whole.total_virtual_s * 1000.0 / CHECK_EVERY.as_millis() as f64,
            "{calls} calls"
        );
        assert_eq!(
            (sliced.trace_hash, sliced.events, sliced.settle_virtual_s, sliced.ready),
            (whole.trace_hash, whole.events, whole.settle_virtual_s, whole.ready)
        );
    }
}
