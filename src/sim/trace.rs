//! The trace: every state change of the simulation, in order.
//!
//! The UI draws its graphs and charts from it, tests assert on it, and its hash proves that a
//! seed reproduces a run exactly. Entries are plain text with a kind tag so they are cheap to
//! record and stable to hash.

use std::rc::Rc;

use super::time::SimTime;

/// What kind of change an entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum TraceKind {
    /// An object was created in the API store.
    Created,
    /// An object was updated in the API store.
    Updated,
    /// An object was removed from the API store.
    Deleted,
    /// A Kubernetes Event was recorded.
    Event,
    /// A container changed state inside a kubelet.
    Container,
    /// A pod's phase or STATUS changed.
    Pod,
    /// A playground action or command from the user.
    Input,
}

/// One recorded change.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TraceEntry {
    /// When it happened.
    pub time: SimTime,
    /// What kind of change it was.
    pub kind: TraceKind,
    /// The object it concerns, as `kind/namespace/name` (or `kind/name` for cluster objects).
    pub subject: Rc<str>,
    /// A short description of the change.
    pub detail: String,
}

/// The append-only log of a run, with a running FNV-1a hash of everything recorded.
#[derive(Clone, Debug)]
pub struct Trace {
    entries: Rc<Vec<TraceEntry>>,
    hash: u64,
    keep_entries: bool,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

impl Default for Trace {
    fn default() -> Self {
        Trace { entries: Rc::new(Vec::new()), hash: FNV_OFFSET, keep_entries: true }
    }
}

impl Trace {
    /// A trace that only hashes, for benchmarks at cluster scale where keeping every entry would
    /// measure the allocator rather than the simulation.
    pub fn hash_only() -> Self {
        Trace { keep_entries: false, ..Trace::default() }
    }

    /// Records one change.
    pub fn record(
        &mut self,
        time: SimTime,
        kind: TraceKind,
        subject: impl Into<Rc<str>>,
        detail: impl Into<String>,
    ) {
        let subject = subject.into();
        let detail = detail.into();
        let mut h = fnv1a(self.hash, &time.0.to_le_bytes());
        h = fnv1a(h, &[kind as u8]);
        h = fnv1a(h, subject.as_bytes());
        h = fnv1a(h, &[0]);
        h = fnv1a(h, detail.as_bytes());
        self.hash = h;
        if self.keep_entries {
            Rc::make_mut(&mut self.entries).push(TraceEntry { time, kind, subject, detail });
        }
    }

    /// Every entry so far, oldest first.
    pub fn entries(&self) -> &[TraceEntry] {
        &self.entries
    }

    /// A hash of everything recorded so far; equal hashes mean equal runs.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// How many changes have been recorded.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_records_give_equal_hashes() {
        let mut a = Trace::default();
        let mut b = Trace::default();
        for t in [&mut a, &mut b] {
            t.record(SimTime(1), TraceKind::Created, "pod/default/web", "created");
            t.record(SimTime(2), TraceKind::Pod, "pod/default/web", "Running");
        }
        assert_eq!(a.hash(), b.hash());
        b.record(SimTime(3), TraceKind::Deleted, "pod/default/web", "deleted");
        assert_ne!(a.hash(), b.hash());
        assert_eq!(a.len(), 2);
    }

    #[test]
    fn a_different_time_changes_the_hash() {
        let mut a = Trace::default();
        let mut b = Trace::default();
        a.record(SimTime(1), TraceKind::Created, "x", "y");
        b.record(SimTime(2), TraceKind::Created, "x", "y");
        assert_ne!(a.hash(), b.hash());
    }
}
