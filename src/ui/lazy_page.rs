//! A page of the host's view stack (Networks, Storage, Host) that is built the first
//! time it is shown.
//!
//! At start-up only the machine list is on screen. Building the other pages with
//! their rows, and filling them (each network's and pool's details are read on the
//! worker), cost start-up time for pages the person may never open; GTK even styles
//! a stack's hidden pages before the first frame. The stack holds an empty slot from
//! the start, so the page switcher shows every page, and the page goes into the slot
//! when it is first shown. Whoever builds it fills it from the host's store, so it
//! shows everything that happened before.

use adw::prelude::*;

pub struct LazyPage<T> {
    /// What the stack holds from the start; the page goes inside once built. A bin
    /// gives its child all its space, as the stack would.
    pub slot: adw::Bin,
    page: Option<T>,
}

impl<T> Default for LazyPage<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> LazyPage<T> {
    pub fn new() -> Self {
        let slot = adw::Bin::new();
        LazyPage { slot, page: None }
    }

    /// The page, if it was ever shown.
    pub fn get(&self) -> Option<&T> {
        self.page.as_ref()
    }

    pub fn get_mut(&mut self) -> Option<&mut T> {
        self.page.as_mut()
    }

    /// Builds the page with `make` and puts `root(page)` in the slot, unless that was
    /// done before. True when it was built now (and so still has to be filled).
    pub fn build_once<W: IsA<gtk::Widget>>(
        &mut self,
        make: impl FnOnce() -> T,
        root: impl FnOnce(&T) -> &W,
    ) -> bool {
        if self.page.is_some() {
            return false;
        }
        let page = make();
        self.slot.set_child(Some(root(&page)));
        self.page = Some(page);
        true
    }
}
