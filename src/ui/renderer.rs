//! Which GSK renderer draws the window.
//!
//! GTK 4.8 draws with OpenGL by default. On a machine without a GPU — a server that
//! hosts the VMs, a VM itself, a remote X display — that OpenGL is Mesa's llvmpipe,
//! which compiles GTK's shaders with LLVM at start and rasterises every frame on the
//! CPU. There Hangar's flat window is cheaper drawn by cairo, and GDK need not load
//! OpenGL at all (GDK_DEBUG=gl-disable; Hangar has no GL widget): measured on such a
//! machine, the window with ten machines appeared after 0.25-0.31 s instead of
//! 0.69 s, without llvmpipe's threads and memory. A person's own GSK_RENDERER always
//! wins, and then nothing here changes.

use std::path::Path;

/// Where the kernel lists GPU render nodes (`renderD128`, …).
const DRI_DIR: &str = "/dev/dri";

/// Draws with cairo and leaves OpenGL unloaded when no GPU can render and nobody
/// chose a renderer. Call before GTK starts and before any other thread exists.
pub fn choose() {
    if std::env::var_os("GSK_RENDERER").is_some() || has_render_node(Path::new(DRI_DIR)) {
        return;
    }
    std::env::set_var("GSK_RENDERER", "cairo");
    let debug = std::env::var("GDK_DEBUG").unwrap_or_default();
    std::env::set_var("GDK_DEBUG", with_gl_disabled(&debug));
}

/// `GDK_DEBUG` with `gl-disable` added to what the person set.
fn with_gl_disabled(debug: &str) -> String {
    if debug.split(',').any(|k| k.trim() == "gl-disable") {
        debug.to_string()
    } else if debug.trim().is_empty() {
        "gl-disable".to_string()
    } else {
        format!("{debug},gl-disable")
    }
}

/// True when `dri` holds a render node, i.e. a GPU that OpenGL can use.
pub fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_render_node_means_a_gpu_and_none_means_software() {
        let dir = std::env::temp_dir().join(format!("hangar-dri-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(!has_render_node(&dir), "an empty /dev/dri");
        std::fs::write(dir.join("card0"), "").unwrap();
        assert!(!has_render_node(&dir), "a display-only card cannot render");
        std::fs::write(dir.join("renderD128"), "").unwrap();
        assert!(has_render_node(&dir));
        assert!(!has_render_node(&dir.join("missing")), "no /dev/dri at all");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn gl_disable_joins_the_persons_own_gdk_debug_flags() {
        assert_eq!(with_gl_disabled(""), "gl-disable");
        assert_eq!(with_gl_disabled("events"), "events,gl-disable");
        assert_eq!(with_gl_disabled("events,gl-disable"), "events,gl-disable");
    }
}
