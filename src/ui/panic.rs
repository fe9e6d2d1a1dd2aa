//! A visible error panel instead of a dead page.
//!
//! In WebAssembly a panic stops the module; the page would freeze silently. The hook logs the
//! panic to the console (with `console_error_panic_hook`) and shows the static `#fatal-error`
//! panel from `index.html`, which offers a reload that keeps the user's files (they are already
//! in localStorage).

use std::panic::PanicHookInfo;

/// Installs the panic hook once.
pub fn install() {
    std::panic::set_hook(Box::new(|info: &PanicHookInfo<'_>| {
        console_error_panic_hook::hook(info);
        show_fatal_error(&info.to_string());
    }));
}

/// Shows the fatal-error panel with `message`, written as text (never as markup).
pub fn show_fatal_error(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(panel) = document.get_element_by_id("fatal-error") {
        if let Some(detail) = document.get_element_by_id("fatal-error-detail") {
            detail.set_text_content(Some(message));
        }
        let _ = panel.remove_attribute("hidden");
    }
}
