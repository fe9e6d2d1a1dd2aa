//! The playground model: time travel by replay, branching, the scenario library, share links and
//! exports for a real cluster.

mod common;

use std::io::Read;

use podlab::playground::{export, library, share, Origin, Session};
use podlab::scenario::{Runner, Scenario};
use podlab::sim::{SimDuration, SimTime};

fn welcome() -> Scenario {
    Scenario::parse(library::find(library::WELCOME).expect("welcome scenario")).expect("parses")
}

fn get_pods(session: &mut Session) -> String {
    // Reading state through kubectl is itself an input; measure it on a copy of the inputs.
    let mut probe = Session::restore(
        session.origin().clone(),
        session.files().clone(),
        session.past().iter().map(|i| (i.time, i.line.clone(), i.files.clone())).collect(),
        session.time(),
    );
    probe.run("kubectl get pods -o wide").text()
}

#[test]
fn going_back_in_time_shows_the_cluster_as_it_was_and_forward_again_as_it_became() {
    let mut session = Session::from_scenario(&welcome());
    session.run("kubectl apply -f hello-deployment.yaml");
    session.advance(SimDuration::from_secs(3));
    let early = get_pods(&mut session);
    assert!(early.contains("ContainerCreating"), "{early}");
    session.advance(SimDuration::from_secs(60));
    session.run("kubectl scale deployment hello --replicas=5");
    session.advance(SimDuration::from_secs(60));
    let late = get_pods(&mut session);
    assert_eq!(late.matches("Running").count(), 5, "{late}");
    let end = session.time();

    session.seek(SimTime(3_000));
    assert_eq!(session.time(), SimTime(3_000));
    assert_eq!(get_pods(&mut session), early, "the past is rebuilt exactly");
    assert_eq!(session.past().len(), 1);
    assert_eq!(session.future().len(), 1, "the scale command is still ahead");
    assert_eq!(session.horizon(), end);

    session.seek(end);
    assert_eq!(get_pods(&mut session), late, "moving forward replays the kept future");
    assert_eq!(session.future().len(), 0);
}

#[test]
fn a_new_input_in_the_past_starts_a_branch_and_drops_the_old_future() {
    let mut session = Session::from_scenario(&welcome());
    session.run("kubectl apply -f hello-deployment.yaml");
    session.advance(SimDuration::from_secs(30));
    session.run("kubectl scale deployment hello --replicas=5");
    session.advance(SimDuration::from_secs(30));
    session.seek(SimTime(10_000));
    let output = session.run("kubectl delete deployment hello").text();
    assert!(output.contains("deployment.apps \"hello\" deleted"), "{output}");
    assert_eq!(session.future().len(), 0);
    assert_eq!(session.inputs().len(), 2);
    assert_eq!(session.horizon(), SimTime(10_000));
}

#[test]
fn stepping_runs_a_kept_input_at_its_moment() {
    let mut session = Session::from_scenario(&welcome());
    session.advance(SimDuration::from_secs(5));
    session.run("kubectl apply -f hello-deployment.yaml");
    session.seek(SimTime::ZERO);
    while session.future().len() == 1 {
        session.step();
    }
    assert_eq!(session.time(), SimTime(5_000));
    assert!(session.past()[0].output.text().contains("created"));
}

#[test]
fn a_session_saved_as_a_scenario_replays_to_the_same_cluster() {
    let mut session = Session::from_scenario(&welcome());
    session.advance(SimDuration::from_secs(2));
    session.run("kubectl apply -f hello-deployment.yaml");
    session.advance(SimDuration::from_secs(95));
    session.run("kubectl scale deployment hello --replicas=2");
    session.advance(SimDuration::from_millis(1500));
    let scenario = session.to_scenario();
    let actions: Vec<&str> = scenario.steps.iter().map(|s| s.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "wait 2s",
            "kubectl apply -f hello-deployment.yaml",
            "wait 1m35s",
            "kubectl scale deployment hello --replicas=2",
            "wait 1500ms"
        ]
    );
    let reparsed = Scenario::parse(&scenario.to_yaml()).expect("the written scenario parses");
    assert_eq!(reparsed, scenario);
    let mut runner = Runner::new(reparsed, None);
    runner.run_all();
    assert_eq!(runner.simulation().time(), session.time());
    assert_eq!(runner.simulation().trace().hash(), session.simulation().trace().hash());
}

#[test]
fn resetting_with_a_new_seed_forgets_the_inputs_and_keeps_the_files() {
    let mut session = Session::from_scenario(&welcome());
    session.run("kubectl apply -f hello-deployment.yaml");
    session.reset(7);
    assert_eq!(session.origin().seed, 7);
    assert!(session.inputs().is_empty());
    assert_eq!(session.time(), SimTime::ZERO);
    assert_eq!(session.files().len(), 1);
    assert!(session.run("kubectl get pods").text().contains("No resources found"));
}

#[test]
fn every_built_in_scenario_parses_and_matches_the_reference_copy() {
    assert_eq!(library::BUILT_IN.first().map(|(n, _)| *n), Some(library::WELCOME));
    for (name, text) in library::BUILT_IN {
        Scenario::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    for path in common::scenario_files() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let reference = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            library::find(&name),
            Some(reference.as_str()),
            "scenarios/{name} differs from the reference"
        );
    }
}

#[test]
fn the_welcome_scenario_holds() {
    let mut runner = Runner::new(welcome(), None);
    for outcome in runner.run_all() {
        assert!(
            outcome.failures.is_empty(),
            "step {}: {:?}\n{}",
            outcome.index + 1,
            outcome.failures,
            outcome.output.text()
        );
    }
}

#[test]
fn a_share_link_carries_the_scenario_exactly() {
    let scenario = Scenario::parse(library::find("07-liveness-probe.yaml").unwrap()).unwrap();
    let fragment = share::encode(&scenario);
    assert!(fragment.starts_with("s="));
    assert!(fragment.len() < 4000, "compressed: {} characters", fragment.len());
    assert!(fragment[2..].chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    assert_eq!(share::decode(&format!("#{fragment}&t=60")).unwrap(), scenario);
}

#[test]
fn a_damaged_or_hostile_share_link_is_refused_with_a_reason() {
    assert!(share::decode("#s=not*base64").unwrap_err().0.contains("damaged"));
    assert!(share::decode("#x=abc").unwrap_err().0.contains("no scenario"));
    let huge = "a".repeat(share::MAX_ENCODED + 1);
    assert!(share::decode(&format!("s={huge}")).unwrap_err().0.contains("too long"));
    // A tiny link that inflates past the limit.
    let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; share::MAX_TEXT + 10], 9);
    let encoded = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bomb);
    assert!(share::decode(&format!("s={encoded}")).unwrap_err().0.contains("too large"));
    let not_scenario = miniz_oxide::deflate::compress_to_vec(b"<script>alert(1)</script>", 9);
    let encoded = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, not_scenario);
    assert!(share::decode(&format!("s={encoded}")).unwrap_err().0.contains("invalid"));
}

#[test]
fn an_export_replays_the_steps_on_a_kind_cluster() {
    let scenario = Scenario::parse(library::find("26-node-failure.yaml").unwrap()).unwrap();
    let files = export::files(&scenario);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.starts_with(&["README.md", "kind-cluster.yaml", "replay.sh"]), "{names:?}");
    for (name, _) in &scenario.files {
        assert!(names.contains(&format!("manifests/{name}").as_str()));
    }
    let kind = &files[1].1;
    assert!(kind.contains("name: podlab") && kind.matches("role: worker").count() == 3, "{kind}");
    let script = &files[2].1;
    assert!(script.starts_with("#!/usr/bin/env bash"));
    assert!(script.contains("\nkubectl apply -f "), "{script}");
    assert!(script.contains("\ndocker stop podlab-worker"), "{script}");
    assert!(script.contains("\nsleep "), "{script}");
    for step in &scenario.steps {
        assert!(
            script.contains(&format!("step {}", shlex::try_quote(&step.action).unwrap())),
            "{}",
            step.action
        );
    }
}

#[test]
fn an_export_archive_holds_the_folder() {
    let mut session =
        Session::new(Origin::default(), vec![("../../etc/evil.yaml".into(), "kind: Pod\n".into())]);
    session.run("wait 1m");
    let scenario = session.to_scenario();
    let bytes = export::zip(&scenario, &export::folder_name("My playground!"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut names: Vec<String> = archive.file_names().map(String::from).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "my-playground/README.md",
            "my-playground/kind-cluster.yaml",
            "my-playground/manifests/evil.yaml",
            "my-playground/replay.sh"
        ]
    );
    let mut script = String::new();
    archive.by_name("my-playground/replay.sh").unwrap().read_to_string(&mut script).unwrap();
    assert!(script.contains("step 'wait 1m'\nsleep 60\n"), "{script}");
    assert_eq!(
        archive.by_name("my-playground/replay.sh").unwrap().unix_mode().map(|m| m & 0o777),
        Some(0o755)
    );
}

#[test]
fn seeking_into_a_wait_shows_the_moment_inside_it() {
    let mut session = Session::from_scenario(&welcome());
    session.run("kubectl apply -f hello-deployment.yaml");
    session.run("wait 90s");
    assert_eq!(session.time(), SimTime(90_000));
    session.seek(SimTime(4_000));
    assert_eq!(session.time(), SimTime(4_000), "the clock stops inside the wait");
    assert_eq!(session.future().len(), 1, "the wait is still ahead");
    let at_four = get_pods(&mut session);
    assert!(at_four.contains("ContainerCreating"), "{at_four}");
    // Stepping goes event by event through the wait, then finishes it.
    session.step();
    assert!(session.time() > SimTime(4_000) && session.time() < SimTime(90_000));
    while !session.future().is_empty() {
        session.step();
    }
    assert_eq!(session.time(), SimTime(90_000));
}

#[test]
fn the_charts_follow_the_clock_through_waits_and_replays() {
    let mut session = Session::from_scenario(&welcome());
    session.run("kubectl apply -f hello-deployment.yaml");
    session.run("wait 60s");
    let chart = session.charts().replica_chart("default", "hello");
    let ready = chart.series.iter().find(|s| s.name.contains("ready")).expect("a ready series");
    assert!(ready.points.len() >= 30, "sampled through the wait: {} points", ready.points.len());
    assert_eq!(ready.points.first().map(|p| p.1), Some(0.0));
    assert_eq!(ready.points.last().map(|p| p.1), Some(3.0));
    let before = session.charts().clone();
    session.seek(SimTime(10_000));
    session.seek(SimTime(60_000));
    assert_eq!(session.charts().replica_chart("default", "hello"), before.replica_chart("default", "hello"));
}

#[test]
fn a_watch_streams_rows_into_its_input_until_the_next_command_and_replays_the_same() {
    let mut session = Session::new(Origin::default(), Vec::new());
    session.run("kubectl run web --image=nginx:1.27");
    let listed = session.run("kubectl get pods -w").text();
    assert_eq!(listed, "NAME   READY   STATUS    RESTARTS   AGE\nweb    0/1     Pending   0          0s\n");
    session.advance(SimDuration::from_secs(20));
    let watched = session.past()[1].output.text();
    let rows: Vec<&str> = watched.lines().collect();
    assert!(rows.len() >= 4, "{watched}");
    // Every change prints a row, in order, aligned with the header as far as the cells fit.
    assert!(
        rows.iter().any(|r| r.starts_with("web    0/1     ContainerCreating   0          ")),
        "{watched}"
    );
    assert!(
        rows.last().is_some_and(|r| r.starts_with("web    1/1     Running             0          ")),
        "{watched}"
    );
    // The next command ends the watch: deleting the pod prints no more rows there.
    session.run("kubectl delete pod web --grace-period=1");
    session.advance(SimDuration::from_secs(10));
    assert_eq!(session.past()[1].output.text(), watched);
    // Going back and forth replays the watch row for row.
    let end = session.time();
    session.seek(SimTime::ZERO);
    session.seek(end);
    assert_eq!(session.past()[1].output.text(), watched);
}

#[test]
fn a_scenario_watch_prints_under_the_waits_that_follow_it() {
    let scenario = Scenario::parse(
        "title: watch\nsteps:\n  - kubectl get pods -w\n  - kubectl run web --image=nginx:1.27\n  - kubectl get pods --watch-only\n  - wait 20s\n  - kubectl get pods\n  - wait 20s\n",
    )
    .expect("parses");
    let outcomes = Runner::new(scenario, None).run_all();
    assert_eq!(outcomes[0].output.text(), "", "an empty list prints nothing, not even the header");
    assert_eq!(outcomes[2].output.text(), "");
    let during = outcomes[3].output.text();
    assert!(
        during
            .starts_with("NAME   READY   STATUS    RESTARTS   AGE\nweb    0/1     Pending   0          0s\n"),
        "{during}"
    );
    assert!(during.contains("Running"), "{during}");
    assert_eq!(outcomes[5].output.text(), "", "the watch ended with the next command");
}
