//! Runs a list of [`Step`]s on a connection and, if one fails (or the person
//! cancels), removes everything the run created, newest first: started
//! machines are destroyed, defined ones undefined (with their NVRAM), new
//! volumes deleted. Objects that existed before are never touched, even when
//! a step failed because of them (a name taken meanwhile, a volume that
//! already exists).
//!
//! Full copies can take minutes, so the executor belongs on a thread of its
//! own with a clone of the connection ([`spawn_execute`]), not on the
//! connection's worker. During a copy a second thread reads the new volume's
//! allocation every 300 ms through the same connection and reports it as a
//! fraction of the source's allocation; when libvirt cannot report it yet,
//! the fraction is `None` (indeterminate).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use gettextrs::gettext;
use virt::connect::Connect;
use virt::domain::Domain;
use virt::storage_vol::StorageVol;
use virt::sys;

use super::steps::{Step, StepKind};
use super::sysprep;
use crate::core::error::{ErrorKind, UserError};
use crate::core::words::join_list;
use crate::core::xml::domain_edit::set_disk_source_file;
use crate::core::xml::{Document, DomainXml};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The step started or made progress.
    Running,
    /// The step finished.
    Done,
    /// A step failed; this one is being undone.
    RollingBack,
}

/// Reported to the caller's callback, possibly from a helper thread.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// 0-based index of the step.
    pub step: usize,
    pub steps: usize,
    pub label: String,
    /// Progress within the step from 0 to 1; `None` while it is unknown.
    pub fraction: Option<f64>,
    pub phase: Phase,
}

/// What a successful run created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// (name, UUID) of each defined machine, in plan order.
    pub domains: Vec<(String, String)>,
    /// Paths of the created volumes.
    pub volumes: Vec<String>,
}

/// Which step failed and why; everything created before was removed, except
/// what `leftovers` lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFailure {
    /// 0-based index of the failed step.
    pub step: usize,
    pub steps: usize,
    pub label: String,
    pub kind: StepKind,
    /// libvirt's (or the tool's) message.
    pub error: UserError,
    /// Objects the rollback could not remove, in words.
    pub leftovers: Vec<String>,
}

impl std::fmt::Display for StepFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sentence = if self.leftovers.is_empty() {
            gettext("Step {n} of {total} ({label}) failed: {error}")
        } else {
            gettext("Step {n} of {total} ({label}) failed: {error}. Could not remove: {list}")
        };
        let text = sentence
            .replace("{n}", &(self.step + 1).to_string())
            .replace("{total}", &self.steps.to_string())
            .replace("{label}", &self.label)
            .replace("{error}", &self.error.message)
            .replace("{list}", &join_list(&self.leftovers));
        f.write_str(&text)
    }
}

impl std::error::Error for StepFailure {}

/// The progress callback. It runs on the executor's thread and, during a
/// copy, on the polling thread: keep it cheap (send to a channel).
pub type ProgressFn<'a> = &'a (dyn Fn(&Progress) + Sync);

#[derive(Default)]
struct Created {
    volumes: Vec<(StorageVol, String)>,
    domains: Vec<(Domain, String)>,
    /// Planned volume path → the path libvirt actually gave it.
    paths: HashMap<String, String>,
}

/// Runs `steps` in order. See the module docs for what happens on failure.
pub fn execute(
    conn: &Connect,
    steps: &[Step],
    progress: ProgressFn,
    cancel: Option<&AtomicBool>,
) -> Result<Applied, StepFailure> {
    let total = steps.len();
    let mut created = Created::default();
    for (i, step) in steps.iter().enumerate() {
        let report = |fraction: Option<f64>, phase: Phase| {
            progress(&Progress {
                step: i,
                steps: total,
                label: step.label(),
                fraction,
                phase,
            })
        };
        let (kind, result) = if cancel.is_some_and(|c| c.load(Ordering::SeqCst)) {
            let e = UserError::new(ErrorKind::Other, gettext("Cancelled"));
            (StepKind::Cancelled, Err(e))
        } else {
            report(Some(0.0), Phase::Running);
            (step.kind(), run_step(conn, step, &mut created, &report))
        };
        if let Err(error) = result {
            let leftovers = roll_back(created, i, total, progress);
            return Err(StepFailure {
                step: i,
                steps: total,
                label: step.label(),
                kind,
                error,
                leftovers,
            });
        }
        report(Some(1.0), Phase::Done);
    }
    let mut applied = Applied::default();
    for (dom, name) in &created.domains {
        applied
            .domains
            .push((name.clone(), dom.uuid_string().unwrap_or_default()));
    }
    applied.volumes = created.volumes.into_iter().map(|(_, p)| p).collect();
    Ok(applied)
}

/// Runs [`execute`] on a new thread with its own reference to the
/// connection. Returns the flag that cancels it before its next step.
pub fn spawn_execute<P, D>(conn: Connect, steps: Vec<Step>, progress: P, done: D) -> Arc<AtomicBool>
where
    P: Fn(&Progress) + Send + Sync + 'static,
    D: FnOnce(Result<Applied, StepFailure>) + Send + 'static,
{
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    thread::Builder::new()
        .name("hangar-executor".into())
        .spawn(move || done(execute(&conn, &steps, &progress, Some(&flag))))
        .expect("spawning the executor thread");
    cancel
}

fn run_step(
    conn: &Connect,
    step: &Step,
    created: &mut Created,
    report: &(dyn Fn(Option<f64>, Phase) + Sync),
) -> Result<(), UserError> {
    match step {
        Step::CreateVolume {
            pool,
            name,
            xml,
            planned_path,
        } => {
            let vol = create_volume(conn, pool, name, xml, None, report)?;
            remember_volume(created, vol, planned_path);
        }
        Step::CopyVolume {
            pool,
            name,
            xml,
            planned_path,
            source_path,
            bytes,
        } => {
            let source = (source_path.as_str(), *bytes);
            let vol = create_volume(conn, pool, name, xml, Some(source), report)?;
            remember_volume(created, vol, planned_path);
        }
        Step::DefineDomain { name, xml } => {
            let xml = with_actual_paths(xml, &created.paths)?;
            let dom = conn.define_domain_xml(&xml)?;
            created.domains.push((dom, name.clone()));
        }
        Step::Sysprep { domain, disks } => {
            let disks: Vec<String> = disks
                .iter()
                .map(|d| created.paths.get(d).cloned().unwrap_or_else(|| d.clone()))
                .collect();
            sysprep::run(&disks, domain)?;
        }
        Step::StartDomain { name } => {
            let dom = match created.domains.iter().find(|(_, n)| n == name) {
                Some((d, _)) => d.clone(),
                None => conn.lookup_domain_by_name(name)?,
            };
            dom.create()?;
        }
    }
    Ok(())
}

fn remember_volume(created: &mut Created, vol: StorageVol, planned_path: &str) {
    let actual = vol.path().unwrap_or_else(|_| planned_path.to_string());
    created
        .paths
        .insert(planned_path.to_string(), actual.clone());
    created.volumes.push((vol, actual));
}

/// Points disks at the paths libvirt really gave the new volumes.
fn with_actual_paths(xml: &str, paths: &HashMap<String, String>) -> Result<String, UserError> {
    if paths.iter().all(|(a, b)| a == b) {
        return Ok(xml.to_string());
    }
    let bad = |e: crate::core::xml::XmlError| UserError::invalid(e.to_string());
    let parsed = DomainXml::parse(xml).map_err(bad)?;
    let mut doc = Document::parse(xml).map_err(bad)?;
    for disk in &parsed.disks {
        let (Some(file), Some(dev)) = (&disk.source.file, &disk.target_dev) else {
            continue;
        };
        if let Some(actual) = paths.get(file).filter(|a| *a != file) {
            set_disk_source_file(&mut doc, dev, actual).map_err(bad)?;
        }
    }
    Ok(doc.to_string())
}

fn create_volume(
    conn: &Connect,
    pool_name: &str,
    name: &str,
    xml: &str,
    source: Option<(&str, u64)>,
    report: &(dyn Fn(Option<f64>, Phase) + Sync),
) -> Result<StorageVol, UserError> {
    let pool = conn.lookup_storage_pool_by_name(pool_name)?;
    let existed = pool.lookup_storage_vol_by_name(name).is_ok();
    let result = match source {
        None => StorageVol::create_xml(&pool, xml, 0),
        Some((path, bytes)) => {
            let src = conn.lookup_storage_vol_by_path(path)?;
            let done = AtomicBool::new(false);
            thread::scope(|s| {
                s.spawn(|| poll_copy(&pool, name, bytes, &done, report));
                let r = StorageVol::create_xml_from(&pool, xml, &src, 0);
                done.store(true, Ordering::SeqCst);
                r
            })
        }
    };
    result.map_err(|e| {
        let err = UserError::from(e);
        if !existed {
            // libvirt normally removes a half-made volume itself; make sure.
            let _ = pool.refresh(0);
            if let Ok(v) = pool.lookup_storage_vol_by_name(name) {
                let _ = v.delete(0);
            }
        }
        err
    })
}

fn poll_copy(
    pool: &virt::storage_pool::StoragePool,
    name: &str,
    bytes: u64,
    done: &AtomicBool,
    report: &(dyn Fn(Option<f64>, Phase) + Sync),
) {
    let tick = Duration::from_millis(50);
    let mut waited = Duration::ZERO;
    while !done.load(Ordering::SeqCst) {
        thread::sleep(tick);
        waited += tick;
        if waited < Duration::from_millis(300) {
            continue;
        }
        waited = Duration::ZERO;
        let allocation = pool
            .lookup_storage_vol_by_name(name)
            .and_then(|v| v.info())
            .map(|i| i.allocation);
        let fraction = match allocation {
            Ok(a) if bytes > 0 => Some((a as f64 / bytes as f64).min(0.99)),
            _ => None,
        };
        if !done.load(Ordering::SeqCst) {
            report(fraction, Phase::Running);
        }
    }
}

/// Undoes everything in `created`, newest first. Returns what could not be removed.
fn roll_back(created: Created, failed: usize, total: usize, progress: ProgressFn) -> Vec<String> {
    let mut leftovers = Vec::new();
    let say = |label: String| {
        progress(&Progress {
            step: failed,
            steps: total,
            label,
            fraction: None,
            phase: Phase::RollingBack,
        })
    };
    for (dom, name) in created.domains.iter().rev() {
        // Destroy whatever runs, whoever started it: an undefined but running
        // domain would live on as a transient one.
        if dom.is_active().unwrap_or(false) {
            say(gettext("Stopping “{name}”").replace("{name}", name));
            let _ = dom.destroy();
        }
        say(gettext("Removing machine “{name}”").replace("{name}", name));
        let flags = sys::VIR_DOMAIN_UNDEFINE_NVRAM | sys::VIR_DOMAIN_UNDEFINE_MANAGED_SAVE;
        // The test driver (and old hosts) refuse the NVRAM flag.
        if dom.undefine_flags(flags).is_err() && dom.undefine().is_err() {
            leftovers.push(gettext("machine “{name}”").replace("{name}", name));
        }
    }
    for (vol, path) in created.volumes.iter().rev() {
        say(gettext("Deleting {path}").replace("{path}", path));
        if vol.delete(0).is_err() {
            leftovers.push(path.clone());
        }
    }
    leftovers
}
