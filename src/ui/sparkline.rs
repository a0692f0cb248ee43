//! A small line graph drawn with cairo: the recent history of one value.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use adw::prelude::*;

/// How many samples a graph keeps (a minute at the default 2 s tick).
pub const HISTORY: usize = 30;

/// Draws `values` (newest last) scaled to `max`, filling the area under the line.
pub fn draw(
    widget: &gtk::DrawingArea,
    cr: &gtk::cairo::Context,
    width: i32,
    height: i32,
    values: &VecDeque<f32>,
    max: f32,
) {
    if width <= 0 || height <= 0 {
        return;
    }
    let color = widget.style_context().color();
    let (w, h) = (width as f64, height as f64 - 1.0);
    // A faint baseline, so "idle" reads as a flat line rather than as nothing.
    cr.set_source_rgba(
        color.red() as f64,
        color.green() as f64,
        color.blue() as f64,
        0.15,
    );
    cr.set_line_width(1.0);
    cr.move_to(0.0, h + 0.5);
    cr.line_to(w, h + 0.5);
    let _ = cr.stroke();
    if values.len() < 2 {
        return;
    }
    let step = w / (HISTORY - 1) as f64;
    // A flat history spans the whole width whatever its length, so adding an equal
    // value changes nothing on screen (and `push_cpu` can skip the redraw).
    let flat = values.iter().all(|v| *v == values[0]);
    let x0 = if flat {
        0.0
    } else {
        w - step * (values.len() - 1) as f64
    };
    let step = if flat {
        w / (values.len() - 1) as f64
    } else {
        step
    };
    let y = |v: f32| h - (v / max.max(f32::EPSILON)).clamp(0.0, 1.0) as f64 * (h - 1.0);
    cr.move_to(x0, h + 1.0);
    for (i, v) in values.iter().enumerate() {
        cr.line_to(x0 + step * i as f64, y(*v));
    }
    cr.line_to(w, h + 1.0);
    cr.close_path();
    cr.set_source_rgba(
        color.red() as f64,
        color.green() as f64,
        color.blue() as f64,
        0.18,
    );
    let _ = cr.fill();
    for (i, v) in values.iter().enumerate() {
        let x = x0 + step * i as f64;
        if i == 0 {
            cr.move_to(x, y(*v));
        } else {
            cr.line_to(x, y(*v));
        }
    }
    cr.set_source_rgba(
        color.red() as f64,
        color.green() as f64,
        color.blue() as f64,
        0.9,
    );
    cr.set_line_width(1.5);
    let _ = cr.stroke();
}

/// A graph that owns its history, for the details view.
#[derive(Clone)]
pub struct Sparkline {
    pub area: gtk::DrawingArea,
    values: Rc<RefCell<VecDeque<f32>>>,
    max: Rc<std::cell::Cell<f32>>,
}

impl Sparkline {
    /// `max` fixes the scale (100 for percentages); 0 scales to the largest value shown.
    pub fn new(max: f32) -> Self {
        let area = gtk::DrawingArea::builder()
            .content_width(160)
            .content_height(32)
            .valign(gtk::Align::Center)
            .build();
        let values: Rc<RefCell<VecDeque<f32>>> = Rc::default();
        let fixed = Rc::new(std::cell::Cell::new(max));
        {
            let (values, fixed) = (values.clone(), fixed.clone());
            area.set_draw_func(move |a, cr, w, h| {
                let v = values.borrow();
                let max = if fixed.get() > 0.0 {
                    fixed.get()
                } else {
                    v.iter().cloned().fold(1.0, f32::max)
                };
                draw(a, cr, w, h, &v, max);
            });
        }
        Sparkline {
            area,
            values,
            max: fixed,
        }
    }

    pub fn push(&self, value: f32) {
        let mut v = self.values.borrow_mut();
        v.push_back(value);
        while v.len() > HISTORY {
            v.pop_front();
        }
        drop(v);
        self.area.queue_draw();
    }

    pub fn clear(&self) {
        self.values.borrow_mut().clear();
        self.area.queue_draw();
    }

    /// Fixes the top of the scale (0: the largest value shown).
    pub fn set_scale(&self, max: f32) {
        self.max.set(max);
        self.area.queue_draw();
    }
}

/// A graph as the details and Host pages show it: a titled row with the latest value
/// as text and the sparkline beside it.
pub fn graph_row(title: String, max: f32) -> (adw::ActionRow, Sparkline, gtk::Label) {
    let line = Sparkline::new(max);
    let value = gtk::Label::builder().width_chars(18).xalign(1.0).build();
    value.add_css_class("numeric");
    let row = adw::ActionRow::builder().title(title).build();
    row.add_suffix(&value);
    row.add_suffix(&line.area);
    (row, line, value)
}
