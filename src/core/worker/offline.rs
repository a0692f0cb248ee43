//! While the host is not connected: jobs fail at once, and the worker waits for the
//! back-off to pass or for the person (Connect, Try Now, Disconnect).

use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use gettextrs::gettext;

use super::{Input, Step, Worker};
use crate::core::error::{ErrorKind, UserError};

impl Worker {
    /// Waits `wait` (or, with `None`, until asked) and says what to do next.
    pub(super) fn wait_offline(&self, wait: Option<Duration>) -> Step {
        let offline = super::offline_error();
        let deadline = wait.map(|w| Instant::now() + w);
        loop {
            let input = match deadline {
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    match self.rx.recv_timeout(left) {
                        Ok(i) => i,
                        Err(RecvTimeoutError::Timeout) => return Step::Connect,
                        Err(RecvTimeoutError::Disconnected) => return Step::Stop,
                    }
                }
                None => match self.rx.recv() {
                    Ok(i) => i,
                    Err(_) => return Step::Stop,
                },
            };
            match input {
                Input::Close => return Step::Stop,
                Input::Reconnect => return Step::Connect,
                Input::Disconnect => return Step::Idle,
                Input::Job(job) => job(Err(&offline)),
                // An open given up on answered late: dropping it closes it. The next
                // attempt opens afresh.
                Input::Opened(_) => self.opening.set(false),
                Input::Libvirt(_) => {}
            }
        }
    }
}

pub(super) fn offline_error() -> UserError {
    UserError::new(
        ErrorKind::ConnectionLost,
        gettext("The host is not connected"),
    )
}
