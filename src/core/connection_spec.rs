//! How to reach one host: its URI, its name in the sidebar, whether to connect at
//! once, and how patiently to wait for it.

use std::time::Duration;

/// libvirt's keepalive: a ping every `interval_s` seconds; after `count` unanswered
/// pings the connection is closed (and the window shows the host disconnected).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keepalive {
    pub interval_s: u32,
    pub count: u32,
}

impl Default for Keepalive {
    /// The figures: 5 s, 3 pings.
    fn default() -> Self {
        Keepalive {
            interval_s: 5,
            count: 3,
        }
    }
}

impl Keepalive {
    /// How long a host may stay silent before keepalive gives up on it: the pings plus
    /// the wait for the last answer. Opening a connection gets as long (keepalive only
    /// starts once it is open).
    pub fn window(&self) -> Duration {
        Duration::from_secs(u64::from(self.interval_s.max(1)) * u64::from(self.count + 1))
    }
}

/// How to reach a host, and what to call it in the sidebar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionSpec {
    pub uri: String,
    /// A name for the sidebar instead of the URI ("Demo").
    pub label: Option<String>,
    /// Connect as soon as the worker starts. When false the host is listed as "Not
    /// connected" until the person connects it (a saved connection without autoconnect).
    pub connect_now: bool,
    pub keepalive: Keepalive,
}

impl ConnectionSpec {
    pub fn new(uri: impl Into<String>) -> Self {
        ConnectionSpec {
            uri: uri.into(),
            label: None,
            connect_now: true,
            keepalive: Keepalive::default(),
        }
    }

    pub fn labelled(uri: impl Into<String>, label: impl Into<String>) -> Self {
        ConnectionSpec {
            label: Some(label.into()),
            ..ConnectionSpec::new(uri)
        }
    }

    /// Listed but not connected until asked.
    pub fn idle(mut self) -> Self {
        self.connect_now = false;
        self
    }

    pub fn with_keepalive(mut self, keepalive: Keepalive) -> Self {
        self.keepalive = keepalive;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_keepalive_window_is_twenty_seconds() {
        assert_eq!(Keepalive::default().window(), Duration::from_secs(20));
        let odd = Keepalive {
            interval_s: 0,
            count: 0,
        };
        assert_eq!(odd.window(), Duration::from_secs(1), "never zero");
    }
}
