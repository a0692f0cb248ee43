//! Progress for work that takes more than a moment, in one place for every page: a
//! window with a bar and Cancel (`window`), a bar inside a page or dialog
//! (`inline`), and a pulse for work whose size nobody knows.

pub mod inline;
pub mod window;

pub use inline::{Activity, Pulse};
pub use window::{Delayed, Progress};

/// Work shorter than this gets no progress window: a flash would be noise.
pub const SHOW_AFTER: std::time::Duration = std::time::Duration::from_millis(500);
