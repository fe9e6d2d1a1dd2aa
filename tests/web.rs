//! Component tests in headless Chrome (`cargo test --target wasm32-unknown-unknown --test web`).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use gloo_timers::future::sleep;
use podlab::playground::library;
use podlab::playground::link::EmbedOptions;
use podlab::scenario::Scenario;
use podlab::ui::app::{App, AppProps};
use podlab::ui::boot::Boot;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Mounts a fresh App (with empty localStorage) into its own element: a first visit.
async fn mount() -> Element {
    mount_with(Boot::default()).await
}

thread_local! {
    /// The app of the running test; the previous test's app is destroyed first, so its clock and
    /// saves cannot reach into the next test's localStorage.
    static MOUNTED: std::cell::RefCell<Option<(yew::AppHandle<App>, Element)>> = const { std::cell::RefCell::new(None) };
}

/// Mounts an App that starts from `boot` (a shared scenario, embed options).
async fn mount_with(boot: Boot) -> Element {
    if let Some((app, old_root)) = MOUNTED.with(|m| m.borrow_mut().take()) {
        app.destroy();
        old_root.remove();
        sleep(Duration::ZERO).await;
    }
    podlab::ui::persistence::clear();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { boot }).render();
    MOUNTED.with(|m| *m.borrow_mut() = Some((app, root.clone())));
    sleep(Duration::ZERO).await;
    root
}

fn click(root: &Element, test_id: &str) {
    find(root, test_id).dyn_into::<web_sys::HtmlElement>().unwrap().click();
}

fn text(root: &Element, test_id: &str) -> String {
    find(root, test_id).text_content().unwrap_or_default()
}

fn set_editor(root: &Element, value: &str) {
    let area: HtmlTextAreaElement = find(root, "editor").dyn_into().unwrap();
    area.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    area.dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap()).unwrap();
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
    for id in [
        "app",
        "clock",
        "play",
        "scrubber",
        "actions",
        "editor",
        "terminal-input",
        "terminal-output",
        "event-log",
    ] {
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
    set_editor(&root, "kind: Pod\n  broken: [yaml");
    sleep(Duration::from_millis(20)).await;
    let saved = podlab::ui::persistence::load().expect("the workspace was saved");
    assert_eq!(saved.files[0].1, "kind: Pod\n  broken: [yaml");
}

#[wasm_bindgen_test]
async fn a_first_visit_opens_the_welcome_scenario_with_pods_placed_on_workers() {
    let root = mount().await;
    assert_eq!(text(&root, "scenario-title"), "Welcome to Podlab");
    assert!(text(&root, "terminal-output").contains("deployment.apps/hello created"));
    // Let virtual time pass so the scheduler binds the pods.
    sleep(Duration::from_millis(400)).await;
    let chips = root.query_selector_all("[data-testid='pod-chip']").unwrap();
    assert_eq!(chips.length(), 3);
    for i in 0..chips.length() {
        let card: Element = chips
            .get(i)
            .unwrap()
            .dyn_into::<Element>()
            .unwrap()
            .closest("[data-testid='node-card']")
            .unwrap()
            .expect("on a node card");
        assert!(
            !card.text_content().unwrap().contains("control-plane"),
            "never on the tainted control plane"
        );
    }
    let steps = root.query_selector_all("[data-testid='scenario-step']").unwrap();
    assert!(steps.get(0).unwrap().text_content().unwrap().contains("✓"), "the first step ran and passed");
}

#[wasm_bindgen_test]
async fn running_the_next_step_marks_it_and_prints_its_output() {
    let root = mount().await;
    click(&root, "run-next-step");
    click(&root, "run-next-step");
    sleep(Duration::from_millis(20)).await;
    let steps = root.query_selector_all("[data-testid='scenario-step']").unwrap();
    let third = steps.get(2).unwrap().text_content().unwrap();
    assert!(third.contains("kubectl get pods") && third.contains("✓"), "{third}");
    assert!(text(&root, "terminal-output").contains("ContainerCreating"));
}

#[wasm_bindgen_test]
async fn the_scrubber_goes_back_and_a_new_command_there_starts_a_branch() {
    let root = mount().await;
    click(&root, "play");
    click(&root, "run-next-step"); // wait 5s
    sleep(Duration::from_millis(20)).await;
    let scrubber: HtmlInputElement = find(&root, "scrubber").dyn_into().unwrap();
    assert_eq!(scrubber.max(), "5000", "the scrubber ends at the latest moment, in virtual ms");
    scrubber.set_value("0");
    scrubber
        .dispatch_event(
            &web_sys::Event::new_with_event_init_dict("change", &{
                let i = web_sys::EventInit::new();
                i.set_bubbles(true);
                i
            })
            .unwrap(),
        )
        .unwrap();
    sleep(Duration::from_millis(20)).await;
    assert_eq!(find(&root, "clock").get_attribute("data-ms").as_deref(), Some("0"));
    let output = text(&root, "terminal-output");
    assert!(output.contains("later command(s) kept ahead"), "{output}");
    let input: HtmlInputElement = find(&root, "terminal-input").dyn_into().unwrap();
    input.set_value("kubectl get deployments");
    press_enter(&input);
    sleep(Duration::from_millis(20)).await;
    let output = text(&root, "terminal-output");
    assert!(!output.contains("kept ahead"), "the new command dropped the old future: {output}");
    assert!(output.contains("hello   0/3"), "{output}");
}

#[wasm_bindgen_test]
async fn an_apply_error_is_shown_at_its_line_and_the_text_is_kept() {
    let root = mount().await;
    set_editor(&root, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: typo\nspec:\n  containers:\n    - name: web\n      imagee: nginx\n");
    sleep(Duration::from_millis(20)).await;
    click(&root, "apply");
    sleep(Duration::from_millis(20)).await;
    let error = text(&root, "editor-error");
    assert!(error.contains("unknown field \"spec.containers[0].imagee\""), "{error}");
    assert!(error.starts_with("line 8"), "{error}");
    let marked = root.query_selector(".error-line").unwrap().expect("a marked line");
    assert_eq!(marked.get_attribute("data-line").as_deref(), Some("8"));
    let area: HtmlTextAreaElement = find(&root, "editor").dyn_into().unwrap();
    assert!(area.value().contains("imagee: nginx"));
}

#[wasm_bindgen_test]
async fn clicking_a_pod_selects_it_and_the_details_pane_describes_it() {
    let root = mount().await;
    sleep(Duration::from_millis(300)).await;
    let chip: web_sys::HtmlElement = find(&root, "pod-chip").dyn_into().unwrap();
    let name = chip.query_selector(".pod-name").unwrap().unwrap().text_content().unwrap();
    chip.click();
    sleep(Duration::from_millis(20)).await;
    let details = text(&root, "details");
    assert!(details.contains(&format!("Name:             {name}")), "{details}");
    assert!(text(&root, "actions").contains("Kill web"));
}

#[wasm_bindgen_test]
async fn the_library_opens_a_scenario_with_its_files() {
    let root = mount().await;
    click(&root, "open-library");
    sleep(Duration::from_millis(20)).await;
    let item: web_sys::HtmlElement =
        root.query_selector("[data-file='07-liveness-probe.yaml']").unwrap().unwrap().dyn_into().unwrap();
    item.click();
    sleep(Duration::from_millis(20)).await;
    assert!(text(&root, "scenario-title").starts_with("Liveness probes"));
    let area: HtmlTextAreaElement = find(&root, "editor").dyn_into().unwrap();
    assert!(area.value().contains("name: liveness-http"));
    assert!(text(&root, "terminal-output").contains("pod/liveness-http created"));
}

#[wasm_bindgen_test]
async fn an_embed_shows_only_the_panes_it_asked_for() {
    let scenario = Scenario::parse(library::find("01-first-pod.yaml").unwrap()).unwrap();
    let embed = EmbedOptions {
        panes: vec!["terminal".into()],
        autoplay: true,
        start: None,
        theme: Some("dark".into()),
    };
    let root = mount_with(Boot { scenario: Some(scenario), embed: Some(embed), ..Boot::default() }).await;
    let panes: Vec<String> = {
        let list = root.query_selector_all("[data-pane]").unwrap();
        (0..list.length())
            .map(|i| list.get(i).unwrap().dyn_into::<Element>().unwrap().get_attribute("data-pane").unwrap())
            .collect()
    };
    assert_eq!(panes, ["terminal"]);
    assert!(root.query_selector("[data-testid='open-share']").unwrap().is_none(), "no workspace menu");
    assert!(text(&root, "terminal-output").contains("created"));
    assert_eq!(document().document_element().unwrap().get_attribute("data-theme").as_deref(), Some("dark"));
    assert!(podlab::ui::persistence::load().is_none(), "an embed never writes the learner's workspace");
}

#[wasm_bindgen_test]
async fn the_graphs_pane_draws_the_selected_pods_lifecycle_and_the_charts() {
    let root = mount().await;
    sleep(Duration::from_millis(300)).await;
    find(&root, "pod-chip").dyn_into::<web_sys::HtmlElement>().unwrap().click();
    sleep(Duration::from_millis(20)).await;
    let graph = find(&root, "graph");
    assert!(graph.query_selector("svg").unwrap().is_some(), "the lifecycle graph is drawn");
    let text = graph.text_content().unwrap();
    assert!(text.contains("Pending") && text.contains("Running"), "{text}");
    let charts: web_sys::HtmlElement =
        root.query_selector("[data-graph='charts']").unwrap().unwrap().dyn_into().unwrap();
    charts.click();
    sleep(Duration::from_millis(20)).await;
    let charts = find(&root, "charts");
    assert!(charts.text_content().unwrap().contains("Replicas of hello"));
}

#[wasm_bindgen_test]
async fn tab_completes_commands_and_object_names_in_the_terminal() {
    let root = mount().await;
    let input: HtmlInputElement = find(&root, "terminal-input").dyn_into().unwrap();
    let tab = |input: &HtmlInputElement| {
        let init = KeyboardEventInit::new();
        init.set_key("Tab");
        init.set_bubbles(true);
        init.set_cancelable(true);
        input
            .dispatch_event(&KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap())
            .unwrap();
    };
    input.set_value("kubectl desc");
    tab(&input);
    assert_eq!(input.value(), "kubectl describe ");
    input.set_value("kubectl get deployment hel");
    tab(&input);
    assert_eq!(input.value(), "kubectl get deployment hello ");
}

#[wasm_bindgen_test]
async fn a_watch_streams_rows_into_the_terminal_and_edit_opens_the_object_in_the_editor() {
    let root = mount().await;
    let input: HtmlInputElement = find(&root, "terminal-input").dyn_into().unwrap();
    for line in ["kubectl run web --image=nginx:1.27", "kubectl get pod web -w", "wait 20s"] {
        input.set_value(line);
        press_enter(&input);
        sleep(Duration::from_millis(20)).await;
    }
    let output = text(&root, "terminal-output");
    assert!(output.contains("ContainerCreating"), "a row per change: {output}");
    assert!(output.contains("web    1/1     Running"), "{output}");
    input.set_value("kubectl edit deployment/hello");
    press_enter(&input);
    sleep(Duration::from_millis(20)).await;
    let area: HtmlTextAreaElement = find(&root, "editor").dyn_into().unwrap();
    assert!(area.value().starts_with("# Please edit the object below."), "{}", area.value());
    assert!(area.value().contains("name: hello"), "{}", area.value());
}
