//! What each outcome means for the person and what the session does next, as plain
//! functions so the policy reads (and is tested) apart from the plumbing.

use std::time::Duration;

use super::status::ConsoleState;
use crate::core::console::ConsoleProblem;

/// A busy console is tried again this often, so it opens once the other client
/// leaves. Never with FORCE: two windows would take it from each other forever.
pub(super) const BUSY_RETRY: Duration = Duration::from_secs(10);
/// While off: how often to check (on the worker, no round trip) that the lifecycle
/// registration still lives on the worker's connection.
pub(super) const OFF_CHECK: Duration = Duration::from_secs(10);
/// While live: how often to check that the connection under the stream is alive.
pub(super) const LIVE_CHECK: Duration = Duration::from_secs(5);
/// A stream that ends sooner than this counts as a failure (the back-off grows).
const SHORT_LIVED: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    /// Wait for the person or for an event.
    Nothing,
    /// Open again after the delay.
    Attempt(Duration),
    /// After the delay, check the connection; open again only if it changed.
    Check(Duration),
}

/// 1 s, 2 s, 4 s … up to 15 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Backoff(Duration);

impl Backoff {
    const START: Duration = Duration::from_secs(1);
    const MAX: Duration = Duration::from_secs(15);

    pub fn new() -> Self {
        Backoff(Self::START)
    }

    /// The delay to use now; the next one is twice as long.
    pub fn next(&mut self) -> Duration {
        let now = self.0;
        self.0 = (now * 2).min(Self::MAX);
        now
    }

    pub fn reset(&mut self) {
        self.0 = Self::START;
    }
}

/// The state to show and the next step after an attempt failed. `watching`: the
/// domain's lifecycle events are registered, so a start will be reported.
pub(super) fn after_problem(
    problem: ConsoleProblem,
    watching: bool,
    backoff: &mut Backoff,
) -> (ConsoleState, Next) {
    match problem {
        ConsoleProblem::NotRunning if watching => (ConsoleState::Off, Next::Check(OFF_CHECK)),
        ConsoleProblem::NotRunning => (ConsoleState::Off, Next::Attempt(backoff.next())),
        ConsoleProblem::NoDevice(m) => (ConsoleState::NoDevice(m), Next::Nothing),
        ConsoleProblem::Busy(m) => (ConsoleState::Busy(m), Next::Attempt(BUSY_RETRY)),
        ConsoleProblem::Unsupported(m) => (ConsoleState::Unsupported(m), Next::Nothing),
        ConsoleProblem::Gone => (ConsoleState::Gone, Next::Nothing),
        ConsoleProblem::ConnectionLost(e) => (
            ConsoleState::Disconnected(e.message),
            Next::Attempt(backoff.next()),
        ),
        ConsoleProblem::Failed(e) => (
            ConsoleState::Failed(e.message),
            Next::Attempt(backoff.next()),
        ),
    }
}

/// How long to wait before reopening a stream that lived `lived`. Whatever ended it
/// (the machine stopped, a take-over, the host went away), one attempt tells which;
/// only a stream that keeps dying at once backs off.
pub(super) fn after_stream_end(lived: Option<Duration>, backoff: &mut Backoff) -> Duration {
    match lived {
        Some(l) if l < SHORT_LIVED => backoff.next(),
        _ => {
            backoff.reset();
            Duration::ZERO
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::{ErrorKind, UserError};

    #[test]
    fn a_stopped_machine_waits_for_its_start_event() {
        let mut b = Backoff::new();
        let (state, next) = after_problem(ConsoleProblem::NotRunning, true, &mut b);
        assert_eq!((state, next), (ConsoleState::Off, Next::Check(OFF_CHECK)));
        // Without events it asks again, backing off.
        let (_, next) = after_problem(ConsoleProblem::NotRunning, false, &mut b);
        assert_eq!(next, Next::Attempt(Duration::from_secs(1)));
    }

    #[test]
    fn a_lost_host_is_retried_ever_more_slowly_up_to_a_limit() {
        let mut b = Backoff::new();
        let lost =
            || ConsoleProblem::ConnectionLost(UserError::new(ErrorKind::ConnectionLost, "gone"));
        let delays: Vec<_> = (0..6)
            .map(|_| match after_problem(lost(), true, &mut b).1 {
                Next::Attempt(d) => d.as_secs(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(delays, [1, 2, 4, 8, 15, 15]);
    }

    #[test]
    fn a_busy_console_is_never_forced_and_final_states_wait() {
        let mut b = Backoff::new();
        let busy = after_problem(ConsoleProblem::Busy("x".into()), true, &mut b);
        assert_eq!(busy.1, Next::Attempt(BUSY_RETRY));
        for p in [
            ConsoleProblem::Unsupported("x".into()),
            ConsoleProblem::NoDevice("x".into()),
            ConsoleProblem::Gone,
        ] {
            assert_eq!(after_problem(p, true, &mut b).1, Next::Nothing);
        }
    }

    #[test]
    fn only_a_stream_that_dies_at_once_backs_off() {
        let mut b = Backoff::new();
        let quick = Some(Duration::from_millis(100));
        assert_eq!(after_stream_end(quick, &mut b), Duration::from_secs(1));
        assert_eq!(after_stream_end(quick, &mut b), Duration::from_secs(2));
        let long = Some(Duration::from_secs(60));
        assert_eq!(after_stream_end(long, &mut b), Duration::ZERO);
        assert_eq!(after_stream_end(quick, &mut b), Duration::from_secs(1));
    }
}
