//! The step's schedule: the processes by name, and the order in which a step runs them
//! (ODD §3, "Process overview and scheduling").
//!
//! A step is a list of [`Stage`]s, [`SCHEDULE`], run in order by `World::step`: each stage is
//! either one of the scenario's [`Process`]es, run when the scenario switches it on, or the
//! accounting every step does (costs and classes first, stocks after learning, the automaton's
//! capacity levels before it runs, the clock and the books at the end). Adding a process
//! touches four places: its file (an `impl Economy` block in `economy/`, or a `World` method for a
//! process on the grid, with the state it alone keeps); here, its variant with its name and its
//! line in [`SCHEDULE`] (the `match`es are exhaustive: nothing compiles until they say what the
//! new process is); its arm in `World::run_process`; and its parameters, a `section!` of
//! `scenario/economy.rs` checked in `validate_economy.rs`. A process that keeps per-firm state
//! adds its columns to `Firms` (`economy/firms.rs`).

/// A process of the step, switched on by its name in a scenario's `processes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Process {
    /// Differentiated demand, prices, sales, profits and investment (ODD S7).
    Market,
    /// R&D and innovation (S8).
    Rnd,
    /// Learning, spillovers and outside learning (S9).
    Spillover,
    /// Labour mobility (S10).
    Mobility,
    /// Network ties: formation, triadic closure, decay (S11).
    Network,
    /// Sharing strategies revised by imitation with the diffusion game's payoffs (S17).
    Strategy,
    /// The diffusion automaton, with adoption as an investment (S3, S4, S12).
    Diffusion,
    /// Entry, exit and spin-offs (S13).
    Demography,
}

impl Process {
    /// How many processes there are.
    pub const COUNT: usize = 8;

    /// Every process, in the order of [`SCHEDULE`].
    pub const ALL: [Process; Process::COUNT] = [
        Process::Market,
        Process::Rnd,
        Process::Spillover,
        Process::Mobility,
        Process::Network,
        Process::Strategy,
        Process::Diffusion,
        Process::Demography,
    ];

    /// The names accepted in a scenario's `processes`, in the order of [`Process::ALL`].
    pub const NAMES: [&'static str; Process::COUNT] = {
        let mut names = [""; Process::COUNT];
        let mut i = 0;
        while i < Process::COUNT {
            names[i] = Process::ALL[i].name();
            i += 1;
        }
        names
    };

    /// The process's name in a scenario's `processes`.
    pub const fn name(self) -> &'static str {
        match self {
            Process::Market => "market",
            Process::Rnd => "rnd",
            Process::Spillover => "spillover",
            Process::Mobility => "mobility",
            Process::Network => "network",
            Process::Strategy => "strategy",
            Process::Diffusion => "diffusion",
            Process::Demography => "demography",
        }
    }

    /// The process named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Process> {
        Process::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The process's position in [`Process::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Whether the process moves the economy (firms then carry economic state); the
    /// automaton alone runs without one.
    pub const fn is_economic(self) -> bool {
        !matches!(self, Process::Diffusion)
    }

    /// The process whose outputs this one reads, when it cannot run without it: R&D is a share
    /// of revenue, exit and entry weigh profits, strategies are revised on profits — all from
    /// the market.
    pub const fn needs(self) -> Option<Process> {
        match self {
            Process::Rnd | Process::Demography | Process::Strategy => Some(Process::Market),
            Process::Market
            | Process::Spillover
            | Process::Mobility
            | Process::Network
            | Process::Diffusion => None,
        }
    }
}

/// A stage of the step: a process, or accounting that every step does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The policies in force; with an economy, technology factors, unit costs and classes.
    Costs,
    /// A process, when the scenario switches it on.
    Run(Process),
    /// The R&D and sales stocks and the absorptive capacities they give.
    Stocks,
    /// The automaton's capacity levels from the firms' absorptive capacities.
    Levels,
    /// The clock advances; technologies arrive; radical technologies open; the frontier,
    /// the policies' costs and the run's totals are booked.
    Close,
}

/// The stages of a step, in order.
pub const SCHEDULE: [Stage; 12] = [
    Stage::Costs,
    Stage::Run(Process::Market),
    Stage::Run(Process::Rnd),
    Stage::Run(Process::Spillover),
    Stage::Stocks,
    Stage::Run(Process::Mobility),
    Stage::Run(Process::Network),
    Stage::Run(Process::Strategy),
    Stage::Levels,
    Stage::Run(Process::Diffusion),
    Stage::Run(Process::Demography),
    Stage::Close,
];

/// Which processes of the step run: a set of [`Process`]es.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Processes {
    on: u16,
}

impl Processes {
    /// The names accepted in `processes`, in step order.
    pub const NAMES: [&'static str; Process::COUNT] = Process::NAMES;

    /// The set of `processes`.
    pub fn of(processes: impl IntoIterator<Item = Process>) -> Self {
        let mut set = Self::default();
        for p in processes {
            set.insert(p);
        }
        set
    }

    /// Whether `process` runs.
    pub const fn has(self, process: Process) -> bool {
        self.on & (1 << process as u16) != 0
    }

    /// Switches `process` on.
    pub fn insert(&mut self, process: Process) {
        self.on |= 1 << process as u16;
    }

    /// The processes that run, in schedule order.
    pub fn iter(self) -> impl Iterator<Item = Process> {
        Process::ALL.into_iter().filter(move |&p| self.has(p))
    }

    /// Whether any process of the economy runs (so firms carry economic state).
    pub fn economy(self) -> bool {
        self.iter().any(Process::is_economic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every process has one line in the schedule, in the order of `Process::ALL`, between
    /// the costs and the close; names round-trip.
    #[test]
    fn the_schedule_runs_every_process_once_in_order() {
        let runs: Vec<Process> = SCHEDULE
            .iter()
            .filter_map(|s| match s {
                Stage::Run(p) => Some(*p),
                _ => None,
            })
            .collect();
        assert_eq!(runs, Process::ALL);
        assert_eq!(SCHEDULE.first(), Some(&Stage::Costs));
        assert_eq!(SCHEDULE.last(), Some(&Stage::Close));
        for (i, p) in Process::ALL.into_iter().enumerate() {
            assert_eq!(p.index(), i);
            assert_eq!(Process::from_name(p.name()), Some(p));
            assert_eq!(Process::NAMES[i], p.name());
        }
        assert_eq!(Process::from_name("Market"), None);
        // What a process needs runs before it or is the market, which runs first.
        for p in Process::ALL {
            if let Some(needed) = p.needs() {
                assert_eq!(needed, Process::Market);
            }
        }
    }

    #[test]
    fn a_set_of_processes_holds_what_was_inserted() {
        let set = Processes::of([Process::Diffusion]);
        assert!(set.has(Process::Diffusion) && !set.has(Process::Market));
        assert!(!set.economy());
        let set = Processes::of([Process::Network, Process::Market]);
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [Process::Market, Process::Network]
        );
        assert!(set.economy());
        assert!(!Processes::default().economy());
    }
}
