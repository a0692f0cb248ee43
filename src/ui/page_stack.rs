//! Stacks that size themselves by the page on screen only.
//!
//! GTK's stacks are homogeneous by default: every layout measures *all* their pages.
//! Hangar's hidden pages (a machine's details, Networks, Storage, the Host page) hold
//! many wrapping labels, and a wrapping label is laid out again for each width tried,
//! so measuring them cost more than the rest of start-up together. A page that is not
//! shown has no say in the window's size.

pub fn new_stack() -> gtk::Stack {
    gtk::Stack::builder()
        .hhomogeneous(false)
        .vhomogeneous(false)
        .build()
}

pub fn new_view_stack() -> adw::ViewStack {
    let stack = adw::ViewStack::new();
    stack.set_hhomogeneous(false);
    stack.set_vhomogeneous(false);
    stack
}
