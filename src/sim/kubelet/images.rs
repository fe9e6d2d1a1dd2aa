//! Image handling on a node: resolving a reference, the per-node image cache, the pull
//! policy decision, and the texts of pull events (Go duration formatting included).

use crate::sim::runtime::{generic_size, generic_toolbox, resolve, ImageRef, Resolution, Toolbox};
use crate::sim::time::SimDuration;

/// What an image resolves to on pull.
#[derive(Clone, Debug)]
pub struct PulledImage {
    /// `docker.io/library/nginx:1.27`
    pub normalized: String,
    /// `docker.io/library/nginx@sha256:…`
    pub image_id: String,
    pub size_bytes: u64,
    pub toolbox: Toolbox,
    pub files: &'static [(&'static str, &'static str)],
    pub stop_signal: crate::sim::runtime::Signal,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
}

/// Looks an image up in the catalog: its pull result, or the registry's error.
pub fn lookup(reference: &ImageRef, declared_ports: &[u16]) -> Result<PulledImage, String> {
    let normalized = reference.normalized();
    let image_id = format!("{}@sha256:{}", reference.full_name(), digest_of(&normalized));
    match resolve(reference) {
        Resolution::Found(entry) => {
            let tag = reference.tag_or_latest();
            Ok(PulledImage {
                normalized,
                image_id,
                size_bytes: entry.size_for_tag(tag),
                toolbox: entry.toolbox(tag, declared_ports),
                files: entry.files,
                stop_signal: entry.stop_signal,
                entrypoint: entry.entrypoint.iter().map(|s| s.to_string()).collect(),
                cmd: entry.cmd.iter().map(|s| s.to_string()).collect(),
            })
        }
        Resolution::Generic => Ok(PulledImage {
            normalized,
            image_id,
            size_bytes: generic_size(reference),
            toolbox: generic_toolbox(declared_ports),
            files: &[],
            stop_signal: crate::sim::runtime::Signal::Term,
            entrypoint: Vec::new(),
            cmd: Vec::new(),
        }),
        Resolution::NotFound { message } => Err(message),
    }
}

/// A stable 64-hex digest for an image name (the same image always has the same ID).
pub fn digest_of(name: &str) -> String {
    let mut out = String::new();
    let mut seed: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0..4u64 {
        let mut h = seed ^ round.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        for b in name.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        seed = h;
        out.push_str(&format!("{h:016x}"));
    }
    out
}

/// Go's `time.Duration.String()` for millisecond-precision durations: `3.212s`, `512ms`,
/// `1m20s`, `5m0s`.
pub fn go_duration(d: SimDuration) -> String {
    let ms = d.as_millis();
    if ms == 0 {
        return "0s".into();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let hours = ms / 3_600_000;
    let minutes = (ms / 60_000) % 60;
    let seconds = (ms / 1000) % 60;
    let frac = ms % 1000;
    let mut secs = seconds.to_string();
    if frac != 0 {
        let f = format!("{frac:03}");
        secs.push('.');
        secs.push_str(f.trim_end_matches('0'));
    }
    if hours > 0 {
        format!("{hours}h{minutes}m{secs}s")
    } else if minutes > 0 {
        format!("{minutes}m{secs}s")
    } else {
        format!("{secs}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_like_go() {
        assert_eq!(go_duration(SimDuration::from_millis(3212)), "3.212s");
        assert_eq!(go_duration(SimDuration::from_millis(512)), "512ms");
        assert_eq!(go_duration(SimDuration::from_secs(80)), "1m20s");
        assert_eq!(go_duration(SimDuration::from_secs(300)), "5m0s");
        assert_eq!(go_duration(SimDuration::from_millis(2500)), "2.5s");
    }
}
