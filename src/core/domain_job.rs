//! A machine's running job as libvirt reports it (`virDomainGetJobStats`), and
//! stopping it (`virDomainAbortJob`). Worker (or a job thread) only.
//!
//! Whether work can be stopped is libvirt's to say, not ours to guess: on libvirt 9.0
//! an external snapshot with memory runs as a job ("Unbounded", operation snapshot)
//! that can be aborted, while an internal snapshot of a running machine (QEMU's
//! savevm), a revert and a delete run no job at all — GetJobStats says "none" and
//! AbortJob answers "no job is active on the domain". So a caller offers Cancel only
//! while `running_job` reports one.

use virt::domain::Domain;
use virt::sys;

use super::error::{from_virt, ErrorKind, UserError};

/// A job libvirt runs for the machine and could abort.
#[derive(Debug, Clone, PartialEq)]
pub struct RunningJob {
    /// How far it is, when libvirt knows the total.
    pub fraction: Option<f64>,
}

/// The job running now, or `None` when libvirt reports none (or cannot report jobs).
pub fn running_job(dom: &Domain) -> Result<Option<RunningJob>, UserError> {
    let stats = match dom.job_stats(0) {
        Ok(s) => s,
        Err(e) => {
            let e = from_virt(&e);
            // The test driver and others without jobs: nothing runs that could stop.
            return match e.kind {
                ErrorKind::Unsupported | ErrorKind::Invalid => Ok(None),
                _ => Err(e),
            };
        }
    };
    let running = [
        sys::VIR_DOMAIN_JOB_BOUNDED as i32,
        sys::VIR_DOMAIN_JOB_UNBOUNDED as i32,
    ];
    if !running.contains(&stats.r#type) {
        return Ok(None);
    }
    let fraction = match (stats.data_processed, stats.data_total) {
        (Some(done), Some(total)) if total > 0 => Some((done as f64 / total as f64).min(1.0)),
        _ => None,
    };
    Ok(Some(RunningJob { fraction }))
}

/// Asks libvirt to abort the machine's running job; the call running it then fails
/// with libvirt's "canceled by client".
pub fn abort(dom: &Domain) -> Result<(), UserError> {
    // virt 0.5 has no wrapper for virDomainAbortJob.
    let r = unsafe { sys::virDomainAbortJob(dom.as_ptr()) };
    if r < 0 {
        return Err(from_virt(&virt::error::Error::last_error()));
    }
    Ok(())
}
