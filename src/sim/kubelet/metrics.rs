//! What metrics-server would report from the kubelets' summary API: the CPU and memory each
//! running container uses now. CPU is what its processes demand plus its share of the
//! workload's simulated load, capped at the container's limit; memory is what its processes
//! allocated plus the load's share (the same working set the eviction manager counts).

use super::pod::ContainerKind;
use super::Kubelets;
use crate::sim::Simulation;

/// The usage of one running container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerUsage {
    /// The container's name.
    pub name: String,
    /// CPU in millicores.
    pub cpu_millis: i64,
    /// Working-set memory in bytes.
    pub memory_bytes: i64,
}

/// The usage of one pod that has running containers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodUsage {
    pub namespace: String,
    pub name: String,
    /// The node it runs on.
    pub node: String,
    /// Its running containers, in spec order (init and sidecar containers first).
    pub containers: Vec<ContainerUsage>,
}

impl PodUsage {
    /// The pod's total CPU in millicores.
    pub fn cpu_millis(&self) -> i64 {
        self.containers.iter().map(|c| c.cpu_millis).sum()
    }

    /// The pod's total memory in bytes.
    pub fn memory_bytes(&self) -> i64 {
        self.containers.iter().map(|c| c.memory_bytes).sum()
    }
}

impl Kubelets {
    /// Usage of every pod with a running container on a node whose kubelet is up, by
    /// namespace and name.
    fn usage(&self, sim: &Simulation) -> Vec<PodUsage> {
        let mut pods: Vec<PodUsage> = self
            .pods
            .values()
            .filter(|p| !p.gone && !self.down.contains(&p.node))
            .filter_map(|pod| {
                let memory = self.container_memory(sim, pod);
                let (load_cpu, _) = crate::sim::controllers::hpa::pod_usage(sim, &pod.object);
                let mut first_app = true;
                let containers: Vec<ContainerUsage> = memory
                    .into_iter()
                    .filter_map(|(index, bytes)| {
                        let container = pod.containers.get(index)?;
                        let mut cpu =
                            container.process.as_ref().map_or(0, |p| p.cpu_demand_millicores()) as i64;
                        if container.kind == ContainerKind::App && first_app {
                            cpu += load_cpu;
                            first_app = false;
                        }
                        if let Some(limit) = cpu_limit(container) {
                            cpu = cpu.min(limit);
                        }
                        Some(ContainerUsage {
                            name: container.name.clone(),
                            cpu_millis: cpu,
                            memory_bytes: i64::try_from(bytes).unwrap_or(i64::MAX),
                        })
                    })
                    .collect();
                (!containers.is_empty()).then(|| PodUsage {
                    namespace: pod.namespace.clone(),
                    name: pod.name.clone(),
                    node: pod.node.clone(),
                    containers,
                })
            })
            .collect();
        pods.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
        pods
    }
}

fn cpu_limit(container: &super::pod::ContainerRuntime) -> Option<i64> {
    let limit = container.spec.resources.as_ref()?.limits.as_ref()?.get("cpu")?;
    crate::sim::api::quantity::parse_millis(&limit.0).map(|m| m as i64)
}

/// `metrics.k8s.io` PodMetrics for every pod with running containers.
pub fn pod_usage(sim: &mut Simulation) -> Vec<PodUsage> {
    sim.with_actor::<Kubelets, _>(|k, sim| k.usage(sim)).unwrap_or_default()
}
