//! The dashboard's live run: one simulation, stepped by its own thread, published as frames
//! (the map of the region and the new rows of the time series) for the pages to stream.
//!
//! Request handlers never touch the world: they set the controls (play, pause, step, reset,
//! a new session) and read what was published. The stepping thread owns the world, steps it
//! outside the lock, and publishes the latest frame; a slow page skips frames, never rows.

use base64::Engine as _;
use clusterlab_lab::series::{cell_states, groups, Series};
use clusterlab_model::{Scenario, World};
use std::fmt::Write as _;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The most map cells along a side a frame carries; larger regions are thinned.
pub const MAP_SIDE: usize = 512;

/// A scenario ready to run live.
pub struct Session {
    /// Its name in the scenario list.
    pub name: String,
    /// The scenario file's text as run.
    pub text: String,
    /// The checked scenario.
    pub scenario: Scenario,
}

/// Where the live run stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// No session yet.
    Idle,
    /// Stepping at the chosen speed.
    Playing,
    /// Waiting.
    Paused,
    /// The last step was reached.
    Done,
}

impl Status {
    fn name(self) -> &'static str {
        match self {
            Status::Idle => "idle",
            Status::Playing => "playing",
            Status::Paused => "paused",
            Status::Done => "done",
        }
    }
}

/// What the pages are told.
pub struct Published {
    /// Counts sessions; a page seeing a new one starts its charts afresh.
    pub session: u64,
    /// The session's description (JSON): name, size, steps, technologies, columns.
    pub info: Arc<str>,
    /// The step the map shows.
    pub step: u32,
    /// The map, one byte per cell (see [`cell_states`]), base64.
    pub map: Arc<str>,
    /// The time series so far, one JSON array per step: the step, then the columns.
    pub rows: Vec<Arc<str>>,
    /// Where the run stands.
    pub status: Status,
    /// The saved run, once the run is done.
    pub saved: Saved,
    /// Counts changes; pages wait for it to move.
    pub version: u64,
    /// Counts new sessions and resets: a save finishing later belongs to an earlier run.
    pub generation: u64,
    /// The competition group the map shows (an index into the session's groups).
    pub group: usize,
    /// How many groups the session has.
    pub groups: usize,
}

/// The saved copy of a finished run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Saved {
    /// Not finished yet.
    Nothing,
    /// Being written.
    Saving,
    /// In the data folder, under this id.
    Run(String),
    /// Saving failed, for this reason.
    Failed(String),
}

/// Saves a finished run, giving its id.
type SaveFn = dyn Fn(&Session) -> Result<String, String> + Send + Sync;

/// What the pages ask of the stepping thread.
#[derive(Default)]
struct Control {
    playing: bool,
    frames_per_second: f64,
    step_once: bool,
    reset: bool,
    pending: Option<Box<Session>>,
    group: Option<usize>,
}

struct State {
    control: Control,
    published: Published,
}

/// The live run, shared by the stepping thread and the request handlers.
pub struct Live {
    state: Mutex<State>,
    work: Condvar,
    /// The published version, for pages that wait without a thread (the event streams).
    changes: tokio::sync::watch::Sender<u64>,
}

/// Why a control was not applied.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// The request itself is wrong (an unknown action, a bad value).
    Invalid(String),
    /// Right, but not now (no run yet).
    NotNow(String),
}

/// A frame as one server-sent event's data.
pub struct Event {
    /// The JSON text.
    pub json: String,
    /// The published version it shows.
    pub version: u64,
    /// The session it belongs to.
    pub session: u64,
    /// Rows it carried up to (exclusive).
    pub rows: usize,
}

impl Live {
    /// An idle live run.
    pub fn new() -> Arc<Live> {
        Arc::new(Live {
            state: Mutex::new(State {
                control: Control {
                    playing: false,
                    frames_per_second: 20.0,
                    step_once: false,
                    reset: false,
                    pending: None,
                    group: None,
                },
                published: Published {
                    session: 0,
                    info: Arc::from("null"),
                    step: 0,
                    map: Arc::from(""),
                    rows: Vec::new(),
                    status: Status::Idle,
                    saved: Saved::Nothing,
                    version: 0,
                    generation: 0,
                    group: 0,
                    groups: 0,
                },
            }),
            work: Condvar::new(),
            changes: tokio::sync::watch::channel(0).0,
        })
    }

    /// Tells every waiting page that something was published.
    fn tell(&self, s: &State) {
        self.changes.send_replace(s.published.version);
    }

    /// A receiver that sees each new published version.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A handler that panicked while holding the lock left consistent data behind: every
        // field is written whole.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Replaces the session; it starts playing at once.
    pub fn start(&self, session: Session) {
        let mut s = self.lock();
        s.control.pending = Some(Box::new(session));
        s.control.playing = true;
        s.control.group = None;
        self.work.notify_all();
    }

    /// Applies a control: `play`, `pause`, `step` or `reset`; and the speed in frames per
    /// second (0 for as fast as the model steps). Returns the status after it.
    pub fn control(
        &self,
        action: &str,
        frames_per_second: Option<f64>,
        group: Option<u64>,
    ) -> Result<Status, Refused> {
        let mut s = self.lock();
        if let Some(fps) = frames_per_second {
            if !(fps == 0.0 || (0.5..=240.0).contains(&fps)) {
                return Err(Refused::Invalid(format!(
                    "fps: {fps:?} is out of range (expected 0.5 to 240 frames per second, or 0 for as fast as it goes)"
                )));
            }
        }
        if !["play", "pause", "step", "reset", "speed", "group"].contains(&action) {
            return Err(Refused::Invalid(format!(
                "unknown action `{action}` (expected play, pause, step, reset, speed or group)"
            )));
        }
        if let Some(fps) = frames_per_second {
            s.control.frames_per_second = fps;
        }
        if s.published.status == Status::Idle && s.control.pending.is_none() && action != "speed" {
            return Err(Refused::NotNow(
                "no run yet: choose a scenario and press start".into(),
            ));
        }
        match action {
            "play" => s.control.playing = true,
            "pause" => s.control.playing = false,
            "step" => {
                s.control.playing = false;
                s.control.step_once = true;
            }
            "reset" => {
                s.control.playing = false;
                s.control.reset = true;
            }
            "group" => {
                let Some(g) = group else {
                    return Err(Refused::Invalid(
                        "group: missing (expected the index of a competition group)".into(),
                    ));
                };
                if s.control.pending.is_some() || g >= s.published.groups as u64 {
                    return Err(Refused::Invalid(format!(
                        "group: {g} is not one of this run's {} competition groups (expected 0 to {})",
                        s.published.groups,
                        s.published.groups.saturating_sub(1)
                    )));
                }
                s.control.group = Some(g as usize);
            }
            _ => {}
        }
        if s.control.playing && s.published.status == Status::Paused {
            s.published.status = Status::Playing;
        } else if !s.control.playing && s.published.status == Status::Playing {
            s.published.status = Status::Paused;
        }
        s.published.version += 1;
        self.work.notify_all();
        self.tell(&s);
        Ok(s.published.status)
    }

    /// What a page that has seen `version` of `session` and `rows` rows has not seen yet, if
    /// anything (pages wait for news on [`Live::subscribe`]).
    pub fn next_event(&self, session: u64, version: u64, rows: usize) -> Option<Event> {
        let s = self.lock();
        let p = &s.published;
        if p.version == version && p.session == session {
            return None;
        }
        let from = if p.session == session {
            rows.min(p.rows.len())
        } else {
            0
        };
        let mut json = String::with_capacity(p.map.len() + 64 * (p.rows.len() - from) + 256);
        let saved = match &p.saved {
            Saved::Nothing => "null".to_string(),
            Saved::Saving => "{\"saving\":true}".to_string(),
            Saved::Run(id) => format!("{{\"id\":{}}}", serde_json::Value::from(id.as_str())),
            Saved::Failed(e) => format!("{{\"error\":{}}}", serde_json::Value::from(e.as_str())),
        };
        let _ = write!(
            json,
            "{{\"session\":{},\"info\":{},\"step\":{},\"group\":{},\"status\":\"{}\",\"saved\":{saved},\"from\":{from},\"map\":\"{}\",\"rows\":[",
            p.session,
            p.info,
            p.step,
            p.group,
            p.status.name(),
            p.map
        );
        for (i, row) in p.rows[from..].iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            json.push_str(row);
        }
        json.push_str("]}");
        Some(Event {
            json,
            version: p.version,
            session: p.session,
            rows: p.rows.len(),
        })
    }

    /// The stepping thread's work, forever. `save` is called once a run reaches its last
    /// step, with the session; its result is published.
    pub fn step_forever(
        self: Arc<Self>,
        save: impl Fn(&Session) -> Result<String, String> + Send + Sync + 'static,
    ) {
        let save: Arc<SaveFn> = Arc::new(save);
        loop {
            // A panic anywhere in a pass (a bug) ends the run it was stepping, says so on the
            // page and leaves the thread ready for the next run.
            let pass = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                Arc::clone(&self).step_until_panic(&save)
            }));
            if pass.is_err() {
                let mut s = self.lock();
                s.control = Control {
                    frames_per_second: s.control.frames_per_second,
                    ..Control::default()
                };
                s.published.status = Status::Done;
                s.published.groups = 0;
                s.published.saved = Saved::Failed(
                    "the model stopped unexpectedly (a bug: please report it with the scenario); the run was not saved".into(),
                );
                s.published.version += 1;
                self.tell(&s);
            }
        }
    }

    fn step_until_panic(self: Arc<Self>, save: &Arc<SaveFn>) {
        let mut running: Option<Running> = None;
        loop {
            let mut s = self.lock();
            loop {
                let c = &s.control;
                let done = running.as_ref().is_none_or(Running::done);
                if c.pending.is_some()
                    || c.reset
                    || c.step_once
                    || c.group.is_some()
                    || (c.playing && !done)
                {
                    break;
                }
                s = self.work.wait(s).unwrap_or_else(|p| p.into_inner());
            }
            if let Some(session) = s.control.pending.take() {
                s.control.reset = false;
                s.control.step_once = false;
                s.control.group = None;
                drop(s);
                let r = Running::new(*session);
                let mut s = self.lock();
                s.published.session += 1;
                s.published.generation += 1;
                s.published.rows.clear();
                s.published.saved = Saved::Nothing;
                s.published.info = Arc::from(r.info());
                let status = if s.control.playing {
                    Status::Playing
                } else {
                    Status::Paused
                };
                r.publish(&mut s.published, status);
                running = Some(r);
                self.tell(&s);
                continue;
            }
            let Some(r) = running.as_mut() else {
                s.control.reset = false;
                s.control.step_once = false;
                s.control.group = None;
                continue;
            };
            if let Some(g) = s.control.group.take() {
                // Another group on the map: redraw it now, playing or not.
                r.show_group(g);
                let status = s.published.status;
                r.publish(&mut s.published, status);
                self.tell(&s);
                continue;
            }
            if s.control.reset {
                s.control.reset = false;
                s.control.step_once = false;
                drop(s);
                r.restart();
                let mut s = self.lock();
                s.published.generation += 1;
                s.published.rows.clear();
                s.published.saved = Saved::Nothing;
                r.publish(&mut s.published, Status::Paused);
                self.tell(&s);
                continue;
            }
            let once = std::mem::take(&mut s.control.step_once);
            let fps = s.control.frames_per_second;
            drop(s);
            let began = Instant::now();
            if !r.done() {
                r.step();
            }
            let finished = r.done();
            let mut s = self.lock();
            let status = if finished {
                s.control.playing = false;
                Status::Done
            } else if s.control.playing {
                Status::Playing
            } else {
                Status::Paused
            };
            r.publish(&mut s.published, status);
            self.tell(&s);
            if finished && s.published.saved == Saved::Nothing {
                // Saving reruns the scenario in the background; the live run goes on.
                let (live, save, session) = (Arc::clone(&self), Arc::clone(save), r.session_copy());
                let generation = s.published.generation;
                std::thread::spawn(move || {
                    let result =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| save(&session)))
                            .unwrap_or_else(|_| {
                                Err("saving the run failed unexpectedly (a bug)".into())
                            });
                    let mut s = live.lock();
                    if s.published.generation == generation {
                        s.published.saved = match result {
                            Ok(id) => Saved::Run(id),
                            Err(e) => Saved::Failed(e),
                        };
                        s.published.version += 1;
                        live.tell(&s);
                    }
                });
                s.published.saved = Saved::Saving;
            }
            drop(s);
            if !once && fps > 0.0 {
                // Wait out the frame, but wake at once for a control (pause, reset, a new run).
                let frame = Duration::from_secs_f64(1.0 / fps);
                if let Some(rest) = frame.checked_sub(began.elapsed()) {
                    let s = self.lock();
                    let _ = self.work.wait_timeout(s, rest);
                }
            }
        }
    }
}

/// A session being run: its world and what it has recorded.
struct Running {
    session: Session,
    world: World,
    series: Series,
    groups: Vec<(String, Vec<usize>)>,
    group: usize,
    stride: usize,
    cells: Vec<u8>,
    row: Vec<f64>,
    rows: Vec<Arc<str>>,
}

impl Running {
    fn new(session: Session) -> Running {
        let world = World::new(&session.scenario);
        let region = session.scenario.region();
        let side = region.width.max(region.height) as usize;
        let mut r = Running {
            series: Series::new(&session.scenario),
            groups: groups(&session.scenario),
            group: 0,
            stride: side.div_ceil(MAP_SIDE).max(1),
            world,
            session,
            cells: Vec::new(),
            row: Vec::new(),
            rows: Vec::new(),
        };
        r.observe();
        r
    }

    fn session_copy(&self) -> Session {
        Session {
            name: self.session.name.clone(),
            text: self.session.text.clone(),
            scenario: self.session.scenario.clone(),
        }
    }

    fn restart(&mut self) {
        self.world = World::new(&self.session.scenario);
        self.series = Series::new(&self.session.scenario);
        self.rows.clear();
        self.observe();
    }

    fn done(&self) -> bool {
        self.world.current_step() >= self.session.scenario.steps()
    }

    fn step(&mut self) {
        self.world.step();
        self.observe();
    }

    fn observe(&mut self) {
        self.series.observe(&self.world, &mut self.row);
        let mut text = String::with_capacity(12 * (self.row.len() + 1));
        let _ = write!(text, "[{}", self.world.current_step());
        for v in &self.row {
            if v.is_finite() {
                let _ = write!(text, ",{v}");
            } else {
                text.push_str(",null");
            }
        }
        text.push(']');
        self.rows.push(Arc::from(text));
        let members = self.groups.get(self.group).map_or(&[][..], |(_, m)| m);
        cell_states(&self.world, members, self.stride, &mut self.cells);
    }

    fn show_group(&mut self, group: usize) {
        self.group = group.min(self.groups.len().saturating_sub(1));
        let members = self.groups.get(self.group).map_or(&[][..], |(_, m)| m);
        cell_states(&self.world, members, self.stride, &mut self.cells);
    }

    fn publish(&self, p: &mut Published, status: Status) {
        p.step = self.world.current_step();
        p.group = self.group;
        p.groups = self.groups.len();
        p.map = Arc::from(base64::engine::general_purpose::STANDARD.encode(&self.cells));
        p.rows
            .extend_from_slice(&self.rows[p.rows.len().min(self.rows.len())..]);
        p.status = status;
        p.version += 1;
    }

    fn info(&self) -> String {
        let scenario = &self.session.scenario;
        let region = scenario.region();
        let technologies: Vec<&str> = scenario
            .technologies()
            .iter()
            .map(|t| t.id.as_str())
            .collect();
        let groups: Vec<serde_json::Value> = self
            .groups
            .iter()
            .map(|(name, members)| {
                let ids: Vec<&str> = members
                    .iter()
                    .map(|&k| scenario.technologies()[k].id.as_str())
                    .collect();
                serde_json::json!({ "name": name, "technologies": ids })
            })
            .collect();
        serde_json::json!({
            "name": self.session.name,
            "scenario": scenario.as_written().name,
            "seed": scenario.seed(),
            "steps": scenario.steps(),
            "width": (region.width as usize).div_ceil(self.stride),
            "height": (region.height as usize).div_ceil(self.stride),
            "stride": self.stride,
            "firms": self.world.n_firms(),
            "technologies": technologies,
            "groups": groups,
            "columns": self.series.columns(),
        })
        .to_string()
    }
}
