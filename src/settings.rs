//! The person's settings (GSettings): saved connections, keepalive, window size,
//! confirmations.
//!
//! A build run from the source tree (`cargo run`) has no installed schema; then
//! nothing is remembered and defaults apply, instead of GLib aborting the program.

use gtk::gio;
use gtk::prelude::*;

use crate::config;
use crate::core::startup;
use crate::core::worker::{ConnectionSpec, Keepalive};

#[derive(Clone)]
pub struct AppSettings(Option<gio::Settings>);

impl AppSettings {
    pub fn load() -> Self {
        let found = gio::SettingsSchemaSource::default()
            .and_then(|source| source.lookup(config::APP_ID, true))
            .is_some();
        AppSettings(found.then(|| gio::Settings::new(config::APP_ID)))
    }

    /// Settings that remember nothing (tests, or no schema installed).
    pub fn none() -> Self {
        AppSettings(None)
    }

    pub fn is_persistent(&self) -> bool {
        self.0.is_some()
    }

    pub fn saved_connections(&self) -> Vec<String> {
        self.strv("connections")
    }

    pub fn autoconnect(&self) -> Vec<String> {
        self.strv("autoconnect")
    }

    /// libvirt's keepalive for every connection (interval 5 s, 3 pings by default).
    pub fn keepalive(&self) -> Keepalive {
        self.0
            .as_ref()
            .map_or_else(Keepalive::default, |s| Keepalive {
                interval_s: s.uint("keepalive-interval"),
                count: s.uint("keepalive-count"),
            })
    }

    /// The hosts to list at start when the person saved some (see
    /// `startup::saved_connections`); empty when none is saved.
    pub fn saved_specs(&self) -> Vec<ConnectionSpec> {
        let keepalive = self.keepalive();
        startup::saved_connections(&self.saved_connections(), &self.autoconnect())
            .into_iter()
            .map(|spec| spec.with_keepalive(keepalive))
            .collect()
    }

    /// Remembers `uri` (once), and whether to open it at start.
    pub fn remember_connection(&self, uri: &str, autoconnect: bool) {
        self.edit_strv("connections", |v| {
            if !v.iter().any(|u| u == uri) {
                v.push(uri.to_string());
            }
        });
        self.edit_strv("autoconnect", |v| {
            v.retain(|u| u != uri);
            if autoconnect {
                v.push(uri.to_string());
            }
        });
    }

    pub fn forget_connection(&self, uri: &str) {
        self.edit_strv("connections", |v| v.retain(|u| u != uri));
        self.edit_strv("autoconnect", |v| v.retain(|u| u != uri));
        self.set_in_keyring(uri, false);
    }

    /// Replaces the saved connection `old` by `new` in place (same position in the
    /// sidebar at the next start), with its autoconnect flag.
    pub fn replace_connection(&self, old: &str, new: &str, autoconnect: bool) {
        self.edit_strv("connections", |v| {
            match v.iter().position(|u| u == old) {
                Some(i) => v[i] = new.to_string(),
                None => v.push(new.to_string()),
            }
            // The new URI may have been saved already: keep one copy, the first.
            let mut seen = std::collections::HashSet::new();
            v.retain(|u| seen.insert(u.clone()));
        });
        self.edit_strv("autoconnect", |v| {
            v.retain(|u| u != old && u != new);
            if autoconnect {
                v.push(new.to_string());
            }
        });
        if old != new {
            self.set_in_keyring(old, false);
        }
    }

    /// Whether the person chose to keep this connection's login in the keyring.
    pub fn in_keyring(&self, uri: &str) -> bool {
        self.strv("keyring-connections").iter().any(|u| u == uri)
    }

    pub fn set_in_keyring(&self, uri: &str, on: bool) {
        self.edit_strv("keyring-connections", |v| {
            v.retain(|u| u != uri);
            if on {
                v.push(uri.to_string());
            }
        });
    }

    pub fn window_size(&self) -> (i32, i32, bool) {
        match &self.0 {
            Some(s) => (
                s.int("window-width"),
                s.int("window-height"),
                s.boolean("is-maximized"),
            ),
            None => (1100, 720, false),
        }
    }

    pub fn save_window_size(&self, width: i32, height: i32, maximized: bool) {
        if let Some(s) = &self.0 {
            let _ = s.set_int("window-width", width);
            let _ = s.set_int("window-height", height);
            let _ = s.set_boolean("is-maximized", maximized);
        }
    }

    /// Seconds between two statistics samples.
    pub fn stats_interval(&self) -> u32 {
        self.0
            .as_ref()
            .map_or(2, |s| s.uint("stats-interval-seconds"))
    }

    /// The console's font, as Pango describes it ("Monospace 11").
    pub fn console_font(&self) -> String {
        self.0.as_ref().map_or_else(
            || "Monospace 11".into(),
            |s| s.string("console-font").to_string(),
        )
    }

    /// Lines the console keeps above the screen.
    pub fn console_scrollback(&self) -> i64 {
        self.0
            .as_ref()
            .map_or(10_000, |s| s.int("console-scrollback-lines") as i64)
    }

    /// The underlying GSettings, for binding preferences widgets.
    pub fn gsettings(&self) -> Option<&gio::Settings> {
        self.0.as_ref()
    }

    pub fn confirm_force_off(&self) -> bool {
        self.0
            .as_ref()
            .map_or(true, |s| s.boolean("confirm-force-off"))
    }

    fn strv(&self, key: &str) -> Vec<String> {
        self.0
            .as_ref()
            .map(|s| s.strv(key).iter().map(|g| g.to_string()).collect())
            .unwrap_or_default()
    }

    fn edit_strv(&self, key: &str, edit: impl FnOnce(&mut Vec<String>)) {
        let Some(s) = &self.0 else { return };
        let mut v = self.strv(key);
        edit(&mut v);
        let refs: Vec<&str> = v.iter().map(String::as_str).collect();
        let _ = s.set_strv(key, refs.as_slice());
    }
}
