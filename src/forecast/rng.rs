//! The forecast's random numbers: xoshiro256++ seeded through SplitMix64.
//!
//! Why our own generator rather than `rand`: the forecast promises the same output for the
//! same `--seed` on every machine and in every future version, so that a forecast pasted
//! into a pull request or a release note can be reproduced. `rand` does not promise that
//! its range sampling keeps its values across versions, and the simulation needs only two
//! operations (a 64-bit draw and an unbiased index below `n`). Both algorithms are public
//! domain, by Blackman and Vigna (<https://prng.di.unimi.it/>), about twenty lines here,
//! and checked against published reference values in the tests below.

/// SplitMix64: turns one 64-bit seed into a well-mixed stream (used to fill the state of
/// [`Rng`], as the xoshiro authors recommend).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A stream starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// xoshiro256++: a small, fast generator with 256 bits of state.
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator whose state is four SplitMix64 outputs of `seed` (never all zero).
    pub fn seed_from_u64(seed: u64) -> Self {
        let mut sm = SplitMix64::new(seed);
        Self {
            s: [sm.next_u64(), sm.next_u64(), sm.next_u64(), sm.next_u64()],
        }
    }

    /// A generator with exactly this state (for reference tests).
    pub fn from_state(s: [u64; 4]) -> Self {
        Self { s }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniformly distributed integer in `0..n` (`n` > 0), without bias: Lemire's
    /// multiply-and-reject method ("Fast Random Integer Generation in an Interval", 2019).
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        let mut m = u128::from(self.next_u64()) * u128::from(n);
        if (m as u64) < n {
            // The low word fell into the zone that would favour some values: redraw.
            let threshold = n.wrapping_neg() % n;
            while (m as u64) < threshold {
                m = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        (m >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_splitmix64_reference_values() {
        // The published first outputs of SplitMix64 seeded with 0.
        let mut sm = SplitMix64::new(0);
        assert_eq!(sm.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(sm.next_u64(), 0x6e78_9e6a_a1b9_65f4);
        assert_eq!(sm.next_u64(), 0x06c4_5d18_8009_454f);
    }

    #[test]
    fn test_xoshiro256plusplus_reference_values() {
        // Outputs of the reference C implementation (xoshiro256plusplus.c) from the state
        // {0, 0, 0, 1}.
        let mut r = Rng::from_state([0, 0, 0, 1]);
        let expected = [
            0x0000_0000_0080_0000,
            0x0000_0000_0080_0011,
            0x0002_2000_0080_0011,
            0x0002_2000_4400_0020,
            0x0002_2000_4480_08a1,
            0x0110_2100_8022_08a0,
            0x0114_0022_8420_0880,
            0x0402_8966_44a6_4095,
            0x8a14_a0a2_44ac_c891,
            0x8c88_ba46_80b2_0495,
        ];
        for want in expected {
            assert_eq!(r.next_u64(), want);
        }
    }

    #[test]
    fn test_same_seed_same_stream() {
        let mut a = Rng::seed_from_u64(42);
        let mut b = Rng::seed_from_u64(42);
        let mut c = Rng::seed_from_u64(43);
        let xs: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        let zs: Vec<u64> = (0..8).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn test_below_is_in_range_and_roughly_uniform() {
        let mut r = Rng::seed_from_u64(7);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[r.below(3) as usize] += 1;
        }
        for c in counts {
            assert!((9_500..10_500).contains(&c), "{counts:?}");
        }
        assert_eq!(r.below(1), 0);
        // A bound close to 2^64 exercises the rejection branch.
        for _ in 0..100 {
            assert!(r.below(u64::MAX - 1) < u64::MAX - 1);
        }
    }
}
