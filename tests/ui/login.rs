//! Logging in to a host that asks for credentials (a private libvirtd that wants a
//! SASL user name and password), and the opt-in keyring. Need root
//! (HANGAR_REAL_LIBVIRT=1); the keyring case also needs gnome-keyring-daemon.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use adw::prelude::*;
use hangar::core::store::ConnectionStatus;
use hangar::core::worker::ConnectionSpec;
use relm4::prelude::*;

use crate::common::{real_libvirt, PrivateDaemon};
use crate::harness::{close, find_widget, launch, pump_until};

const T: Duration = Duration::from_secs(20);

fn login_dialog() -> Option<gtk::Window> {
    gtk::Window::list_toplevels()
        .into_iter()
        .filter_map(|w| w.downcast::<gtk::Window>().ok())
        .find(|w| w.is_visible() && find_widget::<adw::PasswordEntryRow>(w, &|_| true).is_some())
}

/// Types `user` and `password` under libvirt's own prompts, ticks the keyring box or
/// not, and presses Log In.
fn log_in(win: &gtk::Window, user: &str, password: &str, remember: bool) {
    let name = find_widget::<adw::EntryRow>(win, &|r| {
        !r.is::<adw::PasswordEntryRow>() && r.title() == "Please enter your authentication name"
    })
    .expect("libvirt's own prompt for the user name");
    let secret =
        find_widget::<adw::PasswordEntryRow>(win, &|r| r.title() == "Please enter your password")
            .expect("libvirt's own prompt for the password");
    let check = find_widget::<gtk::CheckButton>(win, &|_| true).unwrap();
    assert!(!check.is_active(), "the keyring is opt-in");
    name.set_text(user);
    secret.set_text(password);
    check.set_active(remember);
    find_widget::<gtk::Button>(win, &|b| b.label().as_deref() == Some("Log In"))
        .unwrap()
        .emit_clicked();
}

/// A private daemon that wants a SASL login: the window asks with libvirt's prompts,
/// names the connection, says when a password was refused (without retrying by
/// itself), and the right answer connects.
pub fn a_log_in_dialog_asks_with_libvirts_prompts_says_when_refused_and_connects() {
    if !real_libvirt() {
        return;
    }
    let daemon = PrivateDaemon::start_sasl("su", "conn-ui", "conn ui pass");
    let c = launch(vec![ConnectionSpec::new(&daemon.uri)]);
    pump_until(T, "the Log In dialog", || login_dialog().is_some());
    let win = login_dialog().unwrap();
    let texts = crate::harness::label_texts(&win);
    assert!(
        texts.iter().any(|t| t.contains(&daemon.uri)),
        "the dialog says which connection asks: {texts:?}"
    );
    // A wrong password: refused once, said in words, and nothing retried by itself.
    log_in(&win, "conn-ui", "conn wrong", false);
    pump_until(T, "the refusal", || {
        matches!(c.model().hosts[0].store.status, ConnectionStatus::Failed(_))
    });
    let ConnectionStatus::Failed(e) = c.model().hosts[0].store.status.clone() else {
        unreachable!()
    };
    assert_eq!(e.message, "The host refused the user name or password.");
    crate::harness::pump_for(Duration::from_secs(2));
    assert!(
        login_dialog().is_none(),
        "no new question until the person asks"
    );
    // Try Again asks again, and says why.
    c.emit(hangar::ui::AppMsg::Reconnect);
    pump_until(T, "the Log In dialog again", || login_dialog().is_some());
    let win = login_dialog().unwrap();
    let refusal = find_widget::<gtk::Label>(&win, &|l| {
        l.label() == "The host refused the user name or password. Try again."
    })
    .expect("the refusal is shown");
    assert!(refusal.get_visible());
    log_in(&win, "conn-ui", "conn ui pass", false);
    pump_until(T, "the host is listed", || {
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    assert!(login_dialog().is_none(), "the dialog is gone");
    assert!(
        !c.model().settings.in_keyring(&daemon.uri),
        "nothing was put in the keyring"
    );
    close(c);
}

/// A Secret Service of the test's own: gnome-keyring on this D-Bus session, with its
/// files in a temporary directory, stopped when dropped.
struct Keyring {
    daemon: Child,
    dir: std::path::PathBuf,
}

impl Keyring {
    fn start() -> Option<Keyring> {
        let dir = std::env::temp_dir().join(format!("conn-keyring-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("run")).ok()?;
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.join("run"), std::fs::Permissions::from_mode(0o700)).ok()?;
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("XDG_DATA_HOME", &dir)
            .env("XDG_RUNTIME_DIR", dir.join("run"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        // --unlock reads the new login keyring's password from stdin, up to EOF.
        use std::io::Write;
        let mut stdin = daemon.stdin.take()?;
        stdin.write_all(b"conn-keyring").ok()?;
        drop(stdin);
        let keyring = Keyring { daemon, dir };
        // Ready once the unlocked login keyring exists: storing earlier would make it
        // ask (with a prompt nobody can answer here) to create one.
        let login = keyring.dir.join("keyrings/login.keyring");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !login.exists() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        login.exists().then_some(keyring)
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Ticking "Remember" stores the login once the host accepted it; the next window
/// (a new worker that knows nothing) logs in from the keyring without asking.
pub fn a_remembered_login_is_used_next_time_without_asking() {
    if !real_libvirt() {
        return;
    }
    let Some(_keyring) = Keyring::start() else {
        eprintln!(
            "skipped: gnome-keyring-daemon is not installed (build-aux/install-deps.sh test)"
        );
        return;
    };
    let daemon = PrivateDaemon::start_sasl("sk", "conn-kr", "conn kr pass");
    let c = launch(vec![ConnectionSpec::new(&daemon.uri)]);
    pump_until(T, "the Log In dialog", || login_dialog().is_some());
    log_in(&login_dialog().unwrap(), "conn-kr", "conn kr pass", true);
    pump_until(T, "listed, and the login kept in the keyring", || {
        let m = c.model();
        m.hosts[0].store.status == ConnectionStatus::Live && m.settings.in_keyring(&daemon.uri)
    });
    close(c);

    let c = launch(vec![ConnectionSpec::new(&daemon.uri)]);
    let mut asked = false;
    pump_until(T, "listed again", || {
        asked |= login_dialog().is_some();
        c.model().hosts[0].store.status == ConnectionStatus::Live
    });
    assert!(!asked, "the keyring answered: no dialog");

    // Removing the connection forgets the login, in the keyring too.
    c.emit(hangar::ui::AppMsg::RemoveSelectedConnection);
    pump_until(T, "removed", || c.model().hosts.is_empty());
    assert!(!c.model().settings.in_keyring(&daemon.uri));
    close(c);
}
