//! `clusterlab diffuse`: one technology on a freshly generated grid, the quick way to teach
//! and to benchmark.

use crate::error::{CliError, CliResult};
use clap::Args;
use clusterlab_lab::diffuse::{adoption_rows, GeneratedGrid};
use clusterlab_lab::load::check_outputs;
use clusterlab_lab::load::machine_limits;
use clusterlab_model::Neighbourhood;
use clusterlab_store::atomic::Staged;
use std::io::Write;
use std::path::PathBuf;

/// Spread one technology over a generated W×H grid and write `step,adopters,share` as CSV.
///
/// A firm adopts with probability 1 − (1 − p)(1 − q)^n, n its adopting neighbours, or
/// p + q·share under `global` (the Bass model).
#[derive(Debug, Args)]
pub struct DiffuseArgs {
    /// Grid size as WxH, e.g. 512x512.
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    size: (u32, u32),

    /// External-influence rate p, in [0, 1].
    #[arg(long, value_name = "P", value_parser = parse_probability, allow_negative_numbers = true)]
    p: f64,

    /// Imitation rate q, in [0, 1]: per adopting neighbour, or times the share under `global`.
    #[arg(long, value_name = "Q", value_parser = parse_probability, allow_negative_numbers = true)]
    q: f64,

    /// von-neumann, moore, radius:R or global.
    #[arg(long, value_name = "N", default_value = "moore", value_parser = parse_neighbourhood)]
    neighbourhood: Neighbourhood,

    /// Probability that a cell holds a firm, in [0, 1].
    #[arg(long, value_name = "D", default_value_t = 1.0, value_parser = parse_probability, allow_negative_numbers = true)]
    density: f64,

    /// Number of steps.
    #[arg(long, value_name = "N", default_value_t = 100)]
    steps: u32,

    /// Seed of every random stream.
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,

    /// Output CSV file (standard output when left out); written whole or not at all.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,

    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let bad = || {
        format!("`{text}` is not a grid size (expected WxH with whole numbers of at least 1, e.g. 512x512)")
    };
    let (w, h) = text.trim().split_once(['x', 'X', '×']).ok_or_else(bad)?;
    let w: u32 = w.trim().parse().map_err(|_| bad())?;
    let h: u32 = h.trim().parse().map_err(|_| bad())?;
    if w == 0 || h == 0 {
        return Err(bad());
    }
    Ok((w, h))
}

fn parse_probability(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        Ok(v) => Err(format!(
            "{v} is not a probability (expected a number in [0, 1])"
        )),
        Err(_) => Err(format!(
            "`{text}` is not a number (expected a number in [0, 1])"
        )),
    }
}

fn parse_neighbourhood(text: &str) -> Result<Neighbourhood, String> {
    Neighbourhood::parse(text)
}

/// Command-line options standing for scenario fields, for wording problems.
fn option_for(field: &str) -> &str {
    match field {
        "region" | "region.width" | "region.height" => "--size",
        "steps" => "--steps",
        _ => field,
    }
}

/// Runs the command.
pub fn run(args: DiffuseArgs) -> CliResult {
    let grid = GeneratedGrid {
        size: args.size,
        p: args.p,
        q: args.q,
        neighbourhood: args.neighbourhood,
        density: args.density,
        seed: args.seed,
        steps: args.steps,
    };
    let (scenario, warnings) = grid.scenario(machine_limits()?).map_err(|problems| {
        CliError::inputs(
            problems
                .errors()
                .map(|p| format!("{}: {}", option_for(&p.field), p.message))
                .collect(),
        )
    })?;

    for w in warnings.warnings() {
        eprintln!(
            "clusterlab: warning: {}: {}",
            option_for(&w.field),
            w.message
        );
    }
    if let Some(path) = &args.out {
        check_outputs("--out", std::slice::from_ref(path))?;
    }

    let mut staged = None;
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => {
            let dir = path.parent().map(PathBuf::from).unwrap_or_default();
            let s = staged.insert(Staged::in_dir(&dir)?);
            Box::new(s.create(path)?)
        }
        // Standard output flushes by line, so a reader sees each step as it is taken.
        None => Box::new(std::io::stdout().lock()),
    };
    let written = adoption_rows(&scenario, args.quiet, out.as_mut());
    match written {
        // A reader that stops early (`| head`) is not a failure, and not worth the work left.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe && args.out.is_none() => return Ok(()),
        Err(e) => return Err(CliError::while_writing(e, "the output")),
        Ok(()) => {}
    }
    drop(out);
    if let Some(staged) = staged {
        staged.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_bad_ones_are_refused() {
        assert_eq!(parse_size("512x256"), Ok((512, 256)));
        assert_eq!(parse_size("3×4"), Ok((3, 4)));
        for bad in ["", "x", "10", "0x5", "ax5", "5x", "-1x3", "1.5x2"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn probabilities_are_checked() {
        assert_eq!(parse_probability("0.25"), Ok(0.25));
        assert!(parse_probability("1.5")
            .unwrap_err()
            .contains("expected a number in [0, 1]"));
        assert!(parse_probability("-0.1").is_err());
        assert!(parse_probability("abc").is_err());
        assert!(parse_probability("NaN").is_err());
    }
}
