//! The machines page: the list of a host's virtual machines and their power actions.

pub mod delete_checks;
pub mod delete_dialog;
pub mod delete_many_dialog;
pub mod delete_run;
pub mod delete_summary;
pub mod domain_list_model;
pub mod domain_object;
pub mod machine_list;
pub mod page;
pub mod power_actions;
pub mod power_summary;
