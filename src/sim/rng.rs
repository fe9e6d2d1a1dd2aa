//! The simulation's one source of randomness: Xoshiro256++ seeded from a `u64`.
//!
//! The algorithm is named (not `SmallRng`, which differs between platforms) so that the native
//! tests and the wasm32 app draw the same numbers from the same seed. Never draw a `usize`: wasm32
//! is a 32-bit target.

use rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The alphabet of Kubernetes' generated name suffixes (`apimachinery/pkg/util/rand`): no vowels,
/// no `0`, `1`, `3`, so generated names never spell words.
pub const NAME_SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The seeded generator owned by a simulation.
#[derive(Clone, Debug)]
pub struct SimRng {
    inner: Xoshiro256PlusPlus,
}

impl SimRng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        SimRng { inner: Xoshiro256PlusPlus::seed_from_u64(seed) }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// A number in `0..bound` (`bound` > 0), without modulo bias worth noticing for our bounds.
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(hi - lo + 1)
    }

    /// `n` characters from Kubernetes' name-suffix alphabet, e.g. `x2x7k`.
    pub fn name_suffix(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(NAME_SUFFIX_ALPHABET[self.below(NAME_SUFFIX_ALPHABET.len() as u64) as usize]))
            .collect()
    }

    /// `n` lowercase hex digits.
    pub fn hex(&mut self, n: usize) -> String {
        const HEX: &[u8] = b"0123456789abcdef";
        (0..n).map(|_| char::from(HEX[self.below(16) as usize])).collect()
    }

    /// A random version-4 UUID, as the API server assigns to `metadata.uid`.
    pub fn uuid(&mut self) -> String {
        let a = self.hex(8);
        let b = self.hex(4);
        let c = self.hex(3);
        let d = ["8", "9", "a", "b"][self.below(4) as usize];
        let e = self.hex(3);
        let f = self.hex(12);
        format!("{a}-{b}-4{c}-{d}{e}-{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_numbers() {
        let mut a = SimRng::new(7);
        let mut b = SimRng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(SimRng::new(7).next_u64(), SimRng::new(8).next_u64());
    }

    #[test]
    fn name_suffixes_use_the_kubernetes_alphabet() {
        let mut rng = SimRng::new(1);
        for _ in 0..200 {
            let s = rng.name_suffix(5);
            assert_eq!(s.len(), 5);
            assert!(s.bytes().all(|c| NAME_SUFFIX_ALPHABET.contains(&c)), "{s}");
        }
    }

    #[test]
    fn uuids_have_the_v4_shape() {
        let u = SimRng::new(3).uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }

    #[test]
    fn between_stays_in_range() {
        let mut rng = SimRng::new(9);
        for _ in 0..1000 {
            let v = rng.between(10, 20);
            assert!((10..=20).contains(&v));
        }
    }
}
