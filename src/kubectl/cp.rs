//! `kubectl cp [NAMESPACE/]POD:PATH FILE` and `kubectl cp FILE [NAMESPACE/]POD:PATH [-c C]`:
//! copies a file between a container's filesystem and the editor's files (the learner's "local
//! disk" in the page). A copied-out file opens in the editor.

use super::{namespace_of, read_file, Args};
use crate::console::Output;
use crate::sim::kubelet;
use crate::sim::Simulation;

/// One side of the copy: a container path or a local file.
enum Spec {
    Remote { namespace: Option<String>, pod: String, path: String },
    Local(String),
}

fn parse(text: &str) -> Spec {
    // `POD:PATH` or `NAMESPACE/POD:PATH`; anything else is a local file.
    match text.split_once(':') {
        Some((pod, path)) if !pod.is_empty() && pod.matches('/').count() <= 1 => {
            let (namespace, pod) = match pod.split_once('/') {
                Some((ns, pod)) => (Some(ns.to_string()), pod.to_string()),
                None => (None, pod.to_string()),
            };
            Spec::Remote { namespace, pod, path: path.to_string() }
        }
        _ => Spec::Local(text.to_string()),
    }
}

/// Runs `kubectl cp SRC DEST`.
pub fn run(sim: &mut Simulation, files: &[(String, String)], args: &Args) -> Output {
    let [source, destination] = args.positional.as_slice() else {
        return Output::error(
            "error: source and destination are required\nSee 'kubectl cp -h' for help and examples",
        );
    };
    match (parse(source), parse(destination)) {
        (Spec::Remote { namespace, pod, path }, Spec::Local(local)) => {
            let namespace = namespace.unwrap_or_else(|| namespace_of(args));
            copy_out(sim, args, &namespace, &pod, &path, &local)
        }
        (Spec::Local(local), Spec::Remote { namespace, pod, path }) => {
            let namespace = namespace.unwrap_or_else(|| namespace_of(args));
            copy_in(sim, files, args, &namespace, &pod, &local, &path)
        }
        (Spec::Remote { .. }, Spec::Remote { .. }) => {
            Output::error("error: one of src or dest must be a local file specification")
        }
        (Spec::Local(_), Spec::Local(_)) => {
            Output::error("error: one of src or dest must be a remote file specification")
        }
    }
}

/// The container `-c` names, else the one kubectl defaults to (with its `Defaulted container`
/// notice, as `kubectl logs` and `exec`).
fn container_of(
    sim: &Simulation,
    args: &Args,
    namespace: &str,
    pod: &str,
    out: &mut Output,
) -> Result<String, String> {
    let Some(object) = sim.store().get("Pod", namespace, pod).filter(|o| o.as_pod().is_some()) else {
        return Err(format!("Error from server (NotFound): pods {pod:?} not found"));
    };
    object
        .as_pod()
        .and_then(|p| super::logs::pick_container(p, args.flag("container"), out))
        .ok_or_else(|| format!("error: pod {pod:?} has no containers"))
}

fn copy_out(
    sim: &mut Simulation,
    args: &Args,
    namespace: &str,
    pod: &str,
    path: &str,
    local: &str,
) -> Output {
    let mut out = Output::default();
    let fs = match container_of(sim, args, namespace, pod, &mut out)
        .and_then(|container| kubelet::container_fs(sim, namespace, pod, &container))
    {
        Ok(fs) => fs,
        Err(message) => {
            out.err(message);
            return out;
        }
    };
    // kubectl streams a tar of the path; tar drops the leading slash and says so.
    if path.starts_with('/') {
        out.err("tar: Removing leading `/' from member names");
    }
    let member = path.trim_start_matches('/');
    match fs.read(path) {
        Ok(content) => out.open_file(local, content),
        Err(crate::sim::runtime::FsError::IsADirectory) => {
            out.err(format!("error: {path:?} is a directory: Podlab copies single files only"));
        }
        Err(error) => {
            out.err(format!("tar: {member}: Cannot stat: {}", error.message()));
            out.err("tar: Exiting with failure status due to previous errors");
        }
    }
    out
}

fn copy_in(
    sim: &mut Simulation,
    files: &[(String, String)],
    args: &Args,
    namespace: &str,
    pod: &str,
    local: &str,
    path: &str,
) -> Output {
    let Ok((_, content)) = read_file(files, local) else {
        return Output::error(format!("error: {local} doesn't exist in local filesystem"));
    };
    let mut out = Output::default();
    let mut fs = match container_of(sim, args, namespace, pod, &mut out)
        .and_then(|container| kubelet::container_fs(sim, namespace, pod, &container))
    {
        Ok(fs) => fs,
        Err(message) => {
            out.err(message);
            return out;
        }
    };
    // Copying onto a directory puts the file inside it, under its own name.
    let target = if fs.is_dir(path) {
        let name = local.rsplit('/').next().unwrap_or(local);
        format!("{}/{name}", path.trim_end_matches('/'))
    } else {
        path.to_string()
    };
    if let Err(error) = fs.write(&target, &content) {
        out.err(format!(
            "tar: {}: Cannot open: {}\ntar: Exiting with failure status due to previous errors\ncommand terminated with exit code 2",
            target.trim_start_matches('/'),
            error.message()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::sim::{SimDuration, Simulation};

    #[test]
    fn files_go_into_a_container_and_come_back_out_into_the_editor() {
        let mut sim = Simulation::new(Default::default(), 4);
        let files = vec![("index.html".to_string(), "<h1>hello from podlab</h1>\n".to_string())];
        crate::console::execute(&mut sim, &files, "kubectl run web --image=nginx:1.27");
        sim.advance(SimDuration::from_secs(20));
        let copied =
            crate::console::execute(&mut sim, &files, "kubectl cp index.html web:/usr/share/nginx/html");
        assert!(copied.is_empty(), "{}", copied.text());
        let shown = crate::console::execute(
            &mut sim,
            &files,
            "kubectl exec web -- cat /usr/share/nginx/html/index.html",
        );
        assert_eq!(shown.text(), "<h1>hello from podlab</h1>\n");
        let back = crate::console::execute(
            &mut sim,
            &files,
            "kubectl cp web:/usr/share/nginx/html/index.html copy.html",
        );
        assert_eq!(back.text(), "tar: Removing leading `/' from member names\n");
        let [(name, text)] = back.opened_files() else { panic!("one file opened") };
        assert_eq!((name.as_str(), text.as_str()), ("copy.html", "<h1>hello from podlab</h1>\n"));
        let missing = crate::console::execute(&mut sim, &files, "kubectl cp web:/nope here.txt");
        assert!(missing.text().ends_with("tar: nope: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n"), "{}", missing.text());
        assert_eq!(
            crate::console::execute(&mut sim, &files, "kubectl cp ghost.txt web:/tmp").text(),
            "error: ghost.txt doesn't exist in local filesystem\n"
        );
    }

    #[test]
    fn a_pod_of_several_containers_copies_with_the_default_one_and_says_so() {
        let mut sim = Simulation::new(Default::default(), 4);
        let manifest = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: two\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n  - name: side\n    image: busybox:1.36\n    command: [sleep, '3600']\n";
        let files = vec![
            ("two.yaml".to_string(), manifest.to_string()),
            ("note.txt".to_string(), "hi\n".to_string()),
        ];
        crate::console::execute(&mut sim, &files, "kubectl apply -f two.yaml");
        sim.advance(SimDuration::from_secs(30));
        let copied = crate::console::execute(&mut sim, &files, "kubectl cp note.txt two:/tmp/note.txt");
        assert_eq!(copied.text(), "Defaulted container \"web\" out of: web, side\n");
        let shown = crate::console::execute(&mut sim, &files, "kubectl exec two -c web -- cat /tmp/note.txt");
        assert_eq!(shown.text(), "hi\n");
    }
}
