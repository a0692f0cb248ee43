//! UI tests: the real root component under Xvfb, on libvirt's real test driver.
//!
//! GTK must be initialised once, on one thread, so this target has its own `main()`
//! (harness = false) and runs its cases in order. Each case launches a fresh window.
//! Run with: xvfb-run -a cargo test --test ui [NAME-FILTER]

mod bulk_delete;
#[path = "../common/mod.rs"]
mod common;
mod connections;
mod console;
mod copy_progress;
mod details;
mod dialogs;
mod empty_states;
mod hardware_dialogs;
mod hardware_live;
mod harness;
mod host_usage;
mod login;
mod machines;
mod pages;
mod progress;
mod shortcuts;
mod stats_tick;
mod storage_pages;
mod storage_volumes;
mod wizards;

/// `cases![module::function, …]` names each case after its function.
macro_rules! cases {
    ($($module:ident :: $case:ident),* $(,)?) => {
        &[$((stringify!($case), $module::$case as fn())),*]
    };
}

fn main() {
    harness::run(cases![
        machines::the_list_shows_every_machine_of_the_host,
        machines::start_button_starts_the_selected_machine,
        machines::a_change_by_another_client_updates_its_row,
        machines::a_refused_action_is_reported_to_the_person,
        machines::an_unreachable_host_shows_why,
        machines::search_filters_by_name_title_state_and_template_in_any_script,
        machines::force_off_asks_first_and_cancel_changes_nothing,
        machines::a_bulk_start_reports_once_and_names_the_failure,
        machines::delete_asks_with_the_disks_and_removes_the_machine,
        bulk_delete::deleting_three_machines_asks_once_and_names_each_failure,
        bulk_delete::fifty_selected_machines_fit_one_dialog_and_cancel_keeps_them,
        progress::a_snapshot_shows_a_bar_and_locks_the_tab_until_it_is_done,
        progress::stop_ends_a_bulk_start_after_the_current_machine,
        progress::closing_the_new_pool_dialog_while_it_works_leaves_no_pool,
        machines::the_console_button_opens_the_selected_machines_console,
        machines::a_template_with_linked_clones_refuses_to_start,
        pages::switching_a_network_off_stops_it_and_the_row_follows,
        pages::a_pool_switch_that_libvirt_refuses_snaps_back_with_the_reason,
        pages::the_host_page_reports_the_node_and_why_acceleration_is_off,
        pages::the_host_page_follows_the_selected_host,
        pages::pages_are_built_when_first_shown_and_show_what_happened_before,
        host_usage::the_host_page_draws_cpu_and_memory_only_while_shown,
        host_usage::a_host_without_statistics_shows_no_empty_graphs,
        storage_pages::a_network_row_shows_mode_addresses_and_dhcp_range,
        storage_pages::the_new_network_dialog_refuses_bad_input_next_to_the_fields,
        storage_pages::deleting_a_network_in_use_names_the_running_machines,
        storage_pages::the_network_xml_editor_shows_libvirts_refusal_and_changes_nothing,
        storage_volumes::a_pool_lists_its_volumes_with_users_and_creates_one,
        storage_volumes::the_new_pool_dialog_checks_then_defines_and_starts,
        storage_volumes::a_pool_used_by_a_running_machine_is_not_stopped,
        storage_volumes::uploads_show_progress_cancel_cleanly_and_download_back,
        copy_progress::a_clone_shows_progress_and_cancel_deletes_the_unfinished_copy,
        storage_volumes::leases_and_resize_answer_in_their_windows,
        storage_pages::the_demo_host_shows_its_networks_and_storage,
        details::activating_a_row_shows_its_details_and_they_follow_events,
        details::autostart_and_xml_edits_reach_libvirt_and_bad_xml_changes_nothing,
        details::statistics_reach_the_row_and_the_details_graphs,
        details::snapshots_are_taken_reverted_and_deleted_from_the_tab,
        details::resizing_a_disk_outside_any_pool_while_off_explains_what_to_do,
        details::a_disk_added_in_the_dialog_appears_in_the_hardware_list,
        details::the_link_switch_pulls_the_cable_and_a_refusal_snaps_back,
        details::removing_a_disk_offers_keep_or_delete_and_says_why_not,
        hardware_dialogs::reverting_a_snapshot_says_what_is_lost_and_brings_the_machine_back,
        hardware_dialogs::the_media_dialog_inserts_and_ejects,
        hardware_dialogs::a_card_is_added_in_the_dialog_and_removed_after_a_question,
        hardware_dialogs::a_shut_off_overlay_lists_its_backing_layers,
        hardware_live::a_running_real_guest_changes_from_the_hardware_page,
        connections::a_connection_added_in_the_dialog_opens_and_is_remembered,
        connections::preferences_change_the_settings_at_once,
        connections::editing_a_saved_connection_replaces_it_and_reconnects,
        connections::every_saved_connection_is_listed_and_only_autoconnect_ones_open,
        connections::a_stuck_hosts_statistics_do_not_stop_anothers,
        connections::a_killed_host_greys_its_machines_and_comes_back_by_itself,
        login::a_log_in_dialog_asks_with_libvirts_prompts_says_when_refused_and_connects,
        login::a_remembered_login_is_used_next_time_without_asking,
        console::a_hypervisor_without_consoles_says_so,
        console::an_off_machine_offers_start_and_reconnects_when_it_runs,
        console::a_ten_megabyte_burst_keeps_the_window_responsive,
        console::a_real_guest_console_in_the_window,
        console::a_dropped_connection_recovers_by_itself,
        wizards::a_wizard_makes_three_linked_clones_from_a_pattern,
        wizards::a_wizard_refuses_a_bad_name_next_to_the_field,
        wizards::the_new_machine_wizard_creates_from_an_iso_and_says_why_test,
        empty_states::without_connections_the_window_says_how_to_add_one,
        empty_states::a_host_without_machines_says_so_until_one_is_defined,
        empty_states::the_about_window_names_the_application_and_its_version,
        stats_tick::a_new_statistics_interval_applies_without_a_restart,
        shortcuts::accelerators_are_registered_and_open_what_they_say,
    ]);
}
