//! UI tests: the real root component under Xvfb, on libvirt's real test driver.
//!
//! GTK must be initialised once, on one thread, so this target has its own `main()`
//! (harness = false) and runs its cases in order. Each case launches a fresh window.
//! Run with: xvfb-run -a cargo test --test ui

#[path = "../common/mod.rs"]
mod common;
mod harness;
mod machines;

fn main() {
    harness::run(&[
        (
            "the_list_shows_every_machine_of_the_host",
            machines::the_list_shows_every_machine_of_the_host,
        ),
        (
            "start_button_starts_the_selected_machine",
            machines::start_button_starts_the_selected_machine,
        ),
        (
            "a_change_by_another_client_updates_its_row",
            machines::a_change_by_another_client_updates_its_row,
        ),
        (
            "a_refused_action_is_reported_to_the_person",
            machines::a_refused_action_is_reported_to_the_person,
        ),
        (
            "an_unreachable_host_shows_why",
            machines::an_unreachable_host_shows_why,
        ),
    ]);
}
