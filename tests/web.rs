//! Component tests in headless Chrome (`cargo test --target wasm32-unknown-unknown --test web`).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use gloo_timers::future::sleep;
use podlab::ui::app::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Mounts a fresh App (with empty localStorage) into its own element.
async fn mount() -> Element {
    podlab::ui::persistence::clear();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    sleep(Duration::ZERO).await;
    root
}

fn find(root: &Element, test_id: &str) -> Element {
    root.query_selector(&format!("[data-testid='{test_id}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element with data-testid={test_id}"))
}

fn press_enter(input: &HtmlInputElement) {
    let init = KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn the_app_renders_every_pane_and_the_default_cluster() {
    let root = mount().await;
    for id in ["app", "clock", "play", "editor", "terminal-input", "terminal-output", "event-log"] {
        find(&root, id);
    }
    let nodes = root.query_selector_all("[data-testid='node-card']").unwrap();
    assert_eq!(nodes.length(), 4, "the default cluster has a control plane and three workers");
    assert!(root.text_content().unwrap().contains("podlab-control-plane"));
}

#[wasm_bindgen_test]
async fn the_virtual_clock_advances_while_playing_and_stops_when_paused() {
    let root = mount().await;
    let clock = find(&root, "clock");
    let ms = |c: &Element| c.get_attribute("data-ms").unwrap().parse::<u64>().unwrap();
    let start = ms(&clock);
    sleep(Duration::from_millis(450)).await;
    let later = ms(&clock);
    assert!(later > start, "clock did not advance: {start} -> {later}");
    find(&root, "play").dyn_into::<web_sys::HtmlElement>().unwrap().click();
    sleep(Duration::from_millis(50)).await;
    let paused = ms(&clock);
    sleep(Duration::from_millis(350)).await;
    assert_eq!(ms(&clock), paused, "clock moved while paused");
}

#[wasm_bindgen_test]
async fn the_terminal_runs_a_command_and_prints_its_output() {
    let root = mount().await;
    let input: HtmlInputElement = find(&root, "terminal-input").dyn_into().unwrap();
    input.set_value("kubectl version");
    press_enter(&input);
    sleep(Duration::from_millis(20)).await;
    let output = find(&root, "terminal-output").text_content().unwrap();
    assert!(output.contains("$ kubectl version"), "{output}");
    assert!(output.contains("Server Version: v1.36.0"), "{output}");
    assert_eq!(input.value(), "", "the prompt is cleared after Enter");
}

#[wasm_bindgen_test]
async fn editor_text_is_saved_even_when_it_is_not_valid_yaml() {
    let root = mount().await;
    let area: HtmlTextAreaElement = find(&root, "editor").dyn_into().unwrap();
    area.set_value("kind: Pod\n  broken: [yaml");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    area.dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap()).unwrap();
    sleep(Duration::from_millis(20)).await;
    let saved = podlab::ui::persistence::load().expect("the workspace was saved");
    assert_eq!(saved.files[0].1, "kind: Pod\n  broken: [yaml");
}

#[wasm_bindgen_test]
async fn apply_creates_the_pod_and_the_cluster_view_places_it_on_a_worker() {
    let root = mount().await;
    find(&root, "apply").dyn_into::<web_sys::HtmlElement>().unwrap().click();
    sleep(Duration::from_millis(20)).await;
    let output = find(&root, "terminal-output").text_content().unwrap();
    assert!(output.contains("pod/hello created"), "{output}");
    // Let virtual time pass so the scheduler binds it.
    sleep(Duration::from_millis(400)).await;
    let chips = root.query_selector_all("[data-testid='pod-chip']").unwrap();
    assert_eq!(chips.length(), 1);
    let card = chips.get(0).unwrap().parent_node().unwrap().parent_node().unwrap();
    let card: Element = card.dyn_into().unwrap();
    assert_eq!(
        card.get_attribute("data-testid").as_deref(),
        Some("node-card"),
        "the pod sits on a node card"
    );
    assert!(!card.text_content().unwrap().contains("control-plane"), "never on the tainted control plane");
}
