//! Share links: a whole scenario compressed into the URL fragment, so no server is involved.
//!
//! The fragment is `#s=` followed by the scenario file deflated (raw DEFLATE) and encoded as
//! URL-safe base64. A link is untrusted input: its size is capped before and after inflating, so a
//! crafted link cannot exhaust memory ("zip bomb"), and the text must parse as a scenario within
//! limits on files and steps before anything runs.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::scenario::Scenario;

/// The fragment key that holds a shared scenario.
pub const FRAGMENT_KEY: &str = "s=";
/// Longest encoded scenario accepted from a link (browsers handle URLs far longer).
pub const MAX_ENCODED: usize = 200_000;
/// Largest scenario text accepted after inflating.
pub const MAX_TEXT: usize = 1 << 20;
/// Most manifest files a shared scenario may carry.
pub const MAX_FILES: usize = 64;
/// Most steps a shared scenario may carry.
pub const MAX_STEPS: usize = 2_000;

/// Why a share link could not be opened.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareError(pub String);

impl std::fmt::Display for ShareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The URL fragment (without `#`) that carries `scenario`.
pub fn encode(scenario: &Scenario) -> String {
    let text = scenario.to_yaml();
    let packed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9);
    format!("{FRAGMENT_KEY}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Whether a URL fragment (with or without `#`) carries a shared scenario.
pub fn is_share_fragment(fragment: &str) -> bool {
    fragment.trim_start_matches('#').starts_with(FRAGMENT_KEY)
}

/// The scenario in a URL fragment (with or without `#`).
pub fn decode(fragment: &str) -> Result<Scenario, ShareError> {
    let fragment = fragment.trim_start_matches('#');
    let Some(encoded) = fragment.strip_prefix(FRAGMENT_KEY) else {
        return Err(ShareError("the link holds no scenario".into()));
    };
    // Other parameters may follow (`&t=60`); the payload ends at the first `&`.
    let encoded = encoded.split('&').next().unwrap_or_default();
    if encoded.len() > MAX_ENCODED {
        return Err(ShareError(format!(
            "the link is too long ({} characters, at most {MAX_ENCODED})",
            encoded.len()
        )));
    }
    let packed = URL_SAFE_NO_PAD
        .decode(encoded.trim_end_matches('='))
        .map_err(|e| ShareError(format!("the link is damaged: {e}")))?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_TEXT)
        .map_err(|_| ShareError("the link is damaged or its scenario is too large".into()))?;
    let text =
        String::from_utf8(bytes).map_err(|_| ShareError("the link's scenario is not UTF-8 text".into()))?;
    let scenario =
        Scenario::parse(&text).map_err(|e| ShareError(format!("the link's scenario is invalid: {e}")))?;
    if scenario.files.len() > MAX_FILES {
        return Err(ShareError(format!(
            "the link's scenario has {} files, at most {MAX_FILES}",
            scenario.files.len()
        )));
    }
    if scenario.steps.len() > MAX_STEPS {
        return Err(ShareError(format!(
            "the link's scenario has {} steps, at most {MAX_STEPS}",
            scenario.steps.len()
        )));
    }
    Ok(scenario)
}
