//! The Monte Carlo engine: every trial draws one sprint's points at a time until the
//! queue is done; everything is explicit input, nothing is read from disk or git.

use super::{LEVELS, Rng};

/// What [`simulate`] needs: everything is explicit, nothing is read from disk or git.
#[derive(Debug, Clone)]
pub struct SimInput<'a> {
    /// Points per sprint to draw from (with replacement); at least one, not all zero.
    pub samples: &'a [u32],
    /// Sizes of the queued items, in the order they are worked.
    pub sizes: &'a [u32],
    /// Number of trials (at least 1).
    pub trials: u32,
    /// The seed: the same inputs and seed give the same result.
    pub seed: u64,
    /// Points already used up in the first sprint (done before the forecast starts);
    /// subtracted from every trial's first draw, down to 0.
    pub first_sprint_used: u32,
    /// Simulate at least this many sprints (for `--by` dates far ahead).
    pub min_sprints: u32,
    /// Simulate at most this many sprints.
    pub max_sprints: u32,
}

/// The outcome of [`simulate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// Number of trials.
    pub trials: u32,
    /// For each level of [`LEVELS`] and each simulated sprint `s` (index `s - 1`): the
    /// largest number of points that at least that share of the trials have done by the
    /// end of sprint `s`. Non-decreasing in `s`; smaller for a higher level.
    pub reach: [Vec<u64>; 3],
    /// For each queued item, the points up to and including it.
    pub prefix: Vec<u64>,
    /// Whether the whole queue is done at the highest level within the simulated sprints
    /// (false when [`SimInput::max_sprints`] cut the simulation short).
    pub complete: bool,
}

impl Simulation {
    /// Number of sprints simulated.
    pub fn sprints(&self) -> u32 {
        self.reach[0].len() as u32
    }

    /// The 1-based sprint by which queued item `item` is done at level `level` (index into
    /// [`LEVELS`]); `None` when not within the simulated sprints.
    pub fn done_sprint(&self, level: usize, item: usize) -> Option<u32> {
        let need = self.prefix[item];
        let reach = &self.reach[level];
        let s = reach.partition_point(|&r| r < need);
        (s < reach.len()).then_some(s as u32 + 1)
    }

    /// How many queued items, from the front, are done by the end of sprint `sprint`
    /// (1-based; 0 means none) at level `level`.
    pub fn done_by(&self, level: usize, sprint: u32) -> usize {
        if sprint == 0 {
            return 0;
        }
        let reach = &self.reach[level];
        let Some(&points) = reach.get(sprint as usize - 1).or(reach.last()) else {
            return 0;
        };
        self.prefix.partition_point(|&p| p <= points)
    }
}

/// Runs the Monte Carlo simulation (see the module docs). Sprints are simulated one after
/// another for all trials at once until the whole queue is done in 95% of the trials
/// (and at least `min_sprints`), or `max_sprints` is reached.
///
/// # Panics
/// Never for valid input; `samples` must not be empty and `trials` must be positive
/// (callers check; an empty `samples` or zero `trials` gives an empty result instead).
pub fn simulate(input: &SimInput<'_>) -> Simulation {
    let mut prefix = Vec::with_capacity(input.sizes.len());
    let mut total = 0u64;
    for &s in input.sizes {
        total += u64::from(s);
        prefix.push(total);
    }
    let t = input.trials as usize;
    let mut reach: [Vec<u64>; 3] = Default::default();
    if t == 0 || input.samples.is_empty() || input.max_sprints == 0 {
        return Simulation {
            trials: input.trials,
            reach,
            prefix,
            complete: total == 0,
        };
    }
    // Ascending index of the order statistic each level needs: at least ceil(p·T/100)
    // trials must have done `reach` points or more.
    let index: [usize; 3] = LEVELS.map(|p| t - (u64::from(p) * t as u64).div_ceil(100) as usize);
    let n = input.samples.len() as u64;
    let mut rng = Rng::seed_from_u64(input.seed);
    let mut cum = vec![0u64; t];
    let mut scratch = vec![0u64; t];
    let mut complete = false;
    for sprint in 0..input.max_sprints {
        let used = if sprint == 0 {
            u64::from(input.first_sprint_used)
        } else {
            0
        };
        for c in &mut cum {
            let draw = u64::from(input.samples[rng.below(n) as usize]);
            *c += draw.saturating_sub(used);
        }
        scratch.copy_from_slice(&cum);
        // Levels are in increasing order, so their indices decrease: select the largest
        // index first, then the next ones inside the part left of it.
        let mut bound = t;
        let mut last = 0u64;
        for (level, &i) in index.iter().enumerate() {
            if i < bound {
                let (_, v, _) = scratch[..bound].select_nth_unstable(i);
                last = *v;
                bound = i;
            }
            reach[level].push(last);
        }
        complete = last >= total;
        if complete && sprint + 1 >= input.min_sprints {
            break;
        }
    }
    Simulation {
        trials: input.trials,
        reach,
        prefix,
        complete,
    }
}
