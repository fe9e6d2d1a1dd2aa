//! `kubectl --help` and `kubectl COMMAND --help`: kubectl's usage text, abridged to the
//! description, a few examples and the usage line, in kubectl's layout.

use crate::console::Output;

/// `(command, description, examples, usage)` of every command Podlab runs.
const COMMANDS: &[(&str, &str, &str, &str)] = &[
    ("create", "Create a resource from a file or from stdin.", "  # Create a pod using the data in pod.json\n  kubectl create -f ./pod.json\n\n  # Create a deployment named my-dep that runs the busybox image\n  kubectl create deployment my-dep --image=busybox", "kubectl create -f FILENAME [options]"),
    ("expose", "Expose a resource as a new Kubernetes service.", "  # Create a service for an nginx deployment, which serves on port 80 and connects to the containers on port 8000\n  kubectl expose deployment nginx --port=80 --target-port=8000", "kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name]\n[--name=name] [--external-ip=external-ip-of-service] [--type=type] [options]"),
    ("run", "Create and run a particular image in a pod.", "  # Start a nginx pod\n  kubectl run nginx --image=nginx", "kubectl run NAME --image=image [--env=\"key=value\"] [--port=port] [--dry-run=server|client] [--overrides=inline-json]\n[--command] -- [COMMAND] [args...] [options]"),
    ("set", "Configure application resources.\n\n These commands help you make changes to existing application resources.", "", "kubectl set SUBCOMMAND [options]"),
    ("explain", "Describe fields and structure of various resources.", "  # Get the documentation of a specific field of a resource\n  kubectl explain pods.spec.containers", "kubectl explain TYPE [--recursive=FALSE|TRUE] [--api-version=api-version-group] [-o|--output=plaintext|plaintext-openapiv2] [options]"),
    ("get", "Display one or many resources.", "  # List all pods in ps output format\n  kubectl get pods\n\n  # List all pods in ps output format with more information (such as node name)\n  kubectl get pods -o wide", "kubectl get [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file|custom-columns|custom-columns-file|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags] [options]"),
    ("edit", "Edit a resource from the default editor.", "  # Edit the service named 'registry'\n  kubectl edit svc/registry", "kubectl edit (RESOURCE/NAME | -f FILENAME) [options]"),
    ("delete", "Delete resources by file names, stdin, resources and names, or by resources and label selector.", "  # Delete pods and services with same names \"baz\" and \"foo\"\n  kubectl delete pod,service baz foo", "kubectl delete ([-f FILENAME] | [-k DIRECTORY] | TYPE [(NAME | -l label | --all)]) [options]"),
    ("rollout", "Manage the rollout of one or many resources.", "  # Rollback to the previous deployment\n  kubectl rollout undo deployment/abc", "kubectl rollout SUBCOMMAND [options]"),
    ("scale", "Set a new size for a deployment, replica set, replication controller, or stateful set.", "  # Scale a replica set named 'foo' to 3\n  kubectl scale --replicas=3 rs/foo", "kubectl scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME) [options]"),
    ("autoscale", "Creates an autoscaler that automatically chooses and sets the number of pods that run in a Kubernetes cluster.", "  # Auto scale a deployment \"foo\", with the number of pods between 2 and 10, no target CPU utilization specified so a default autoscaling policy will be used\n  kubectl autoscale deployment foo --min=2 --max=10", "kubectl autoscale (-f FILENAME | TYPE NAME | TYPE/NAME) [--min=MINPODS] --max=MAXPODS [--cpu-percent=CPU] [options]"),
    ("certificate", "Modify certificate resources.", "", "kubectl certificate SUBCOMMAND [options]"),
    ("cluster-info", "Display addresses of the control plane and services with label kubernetes.io/cluster-service=true.", "  # Print the address of the control plane and cluster services\n  kubectl cluster-info", "kubectl cluster-info [flags] [options]"),
    ("top", "Display resource (CPU/memory) usage.", "", "kubectl top [flags] [options]"),
    ("cordon", "Mark node as unschedulable.", "  # Mark node \"foo\" as unschedulable\n  kubectl cordon foo", "kubectl cordon NODE [options]"),
    ("uncordon", "Mark node as schedulable.", "  # Mark node \"foo\" as schedulable\n  kubectl uncordon foo", "kubectl uncordon NODE [options]"),
    ("drain", "Drain node in preparation for maintenance.", "  # Drain node \"foo\", even if there are pods not managed by a replication controller, replica set, job, daemon set, or stateful set on it\n  kubectl drain foo --force", "kubectl drain NODE [options]"),
    ("taint", "Update the taints on one or more nodes.", "  # Update node 'foo' with a taint with key 'dedicated' and value 'special-user' and effect 'NoSchedule'\n  kubectl taint nodes foo dedicated=special-user:NoSchedule", "kubectl taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N [options]"),
    ("describe", "Show details of a specific resource or group of resources.", "  # Describe a node\n  kubectl describe nodes kubernetes-node-emt8.c.myproject.internal", "kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [options]"),
    ("logs", "Print the logs for a container in a pod or specified resource.", "  # Return snapshot logs from pod nginx with only one container\n  kubectl logs nginx", "kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER] [options]"),
    ("exec", "Execute a command in a container.", "  # Get output from running the 'date' command from pod mypod, using the first container by default\n  kubectl exec mypod -- date", "kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...] [options]"),
    ("cp", "Copy files and directories to and from containers.", "  # Copy /tmp/foo local file to /tmp/bar in a remote pod in namespace\n  kubectl cp /tmp/foo <some-namespace>/<some-pod>:/tmp/bar", "kubectl cp <file-spec-src> <file-spec-dest> [options]"),
    ("events", "Display events.", "  # List recent events in the default namespace\n  kubectl events", "kubectl events [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file] [--for TYPE/NAME] [--watch] [--types=Normal,Warning] [options]"),
    ("apply", "Apply a configuration to a resource by file name or stdin.", "  # Apply the configuration in pod.json to a pod\n  kubectl apply -f ./pod.json", "kubectl apply (-f FILENAME | -k DIRECTORY) [options]"),
    ("patch", "Update fields of a resource using strategic merge patch, a JSON merge patch, or a JSON patch.", "  # Partially update a node using a strategic merge patch, specifying the patch as JSON\n  kubectl patch node k8s-node-1 -p '{\"spec\":{\"unschedulable\":true}}'", "kubectl patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE] [options]"),
    ("replace", "Replace a resource by file name or stdin.", "  # Replace a pod using the data in pod.json\n  kubectl replace -f ./pod.json", "kubectl replace -f FILENAME [options]"),
    ("wait", "Experimental: Wait for a specific condition on one or many resources.", "  # Wait for the pod \"busybox1\" to contain the status condition of type \"Ready\"\n  kubectl wait --for=condition=Ready pod/busybox1", "kubectl wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]] [options]"),
    ("label", "Update the labels on a resource.", "  # Update pod 'foo' with the label 'unhealthy' and the value 'true'\n  kubectl label pods foo unhealthy=true", "kubectl label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version] [options]"),
    ("annotate", "Update the annotations on one or more resources.", "  # Update pod 'foo' with the annotation 'description' and the value 'my frontend'\n  kubectl annotate pods foo description='my frontend'", "kubectl annotate [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version] [options]"),
    ("api-resources", "Print the supported API resources on the server.", "  # Print the supported API resources\n  kubectl api-resources", "kubectl api-resources [flags] [options]"),
    ("config", "Modify kubeconfig files using subcommands like \"kubectl config set current-context my-context\".", "", "kubectl config SUBCOMMAND [options]"),
    ("version", "Print the client and server version information for the current context.", "  # Print the client and server versions for the current context\n  kubectl version", "kubectl version [flags] [options]"),
];

/// The commands `kubectl --help` lists, by section, as kubectl groups them.
const SECTIONS: &[(&str, &[&str])] = &[
    ("Basic Commands (Beginner)", &["create", "expose", "run", "set"]),
    ("Basic Commands (Intermediate)", &["explain", "get", "edit", "delete"]),
    ("Deploy Commands", &["rollout", "scale", "autoscale"]),
    ("Cluster Management Commands", &["cluster-info", "top", "cordon", "uncordon", "drain", "taint"]),
    ("Troubleshooting and Debugging Commands", &["describe", "logs", "exec", "cp", "events"]),
    ("Advanced Commands", &["apply", "patch", "replace", "wait"]),
    ("Settings Commands", &["label", "annotate"]),
    ("Other Commands", &["api-resources", "config", "version"]),
];

/// Every command name, for completion and unknown-command messages.
pub fn command_names() -> Vec<&'static str> {
    COMMANDS.iter().map(|(name, ..)| *name).collect()
}

/// Whether a command line asks for help: `-h` or `--help` before any `--`.
pub fn wants_help(args: &[String]) -> bool {
    args.iter().take_while(|a| *a != "--").any(|a| a == "-h" || a == "--help" || a == "--help=true")
}

/// The help text for `kubectl WORDS… --help` (`WORDS` without the help flag).
pub fn help(words: &[String]) -> Output {
    let mut out = Output::default();
    let command = words.iter().find(|w| !w.starts_with('-')).map(String::as_str);
    match command.and_then(|c| COMMANDS.iter().find(|(name, ..)| *name == c)) {
        Some((_, description, examples, usage)) => {
            let mut text = format!("{description}\n\n");
            if !examples.is_empty() {
                text.push_str(&format!("Examples:\n{examples}\n\n"));
            }
            text.push_str(&format!(
                "Usage:\n  {usage}\n\nUse \"kubectl options\" for a list of global command-line options (applies to all commands)."
            ));
            out.out(text);
        }
        None => {
            let mut text = String::from("kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n");
            for (section, names) in SECTIONS {
                text.push_str(&format!("\n{section}:\n"));
                for name in *names {
                    let description = COMMANDS
                        .iter()
                        .find(|(n, ..)| n == name)
                        .map(|(_, d, ..)| d.lines().next().unwrap_or_default())
                        .unwrap_or_default();
                    text.push_str(&format!("  {name:<15}{description}\n"));
                }
            }
            text.push_str("\nUsage:\n  kubectl [flags] [options]\n\nUse \"kubectl <command> --help\" for more information about a given command.\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).");
            out.out(text);
        }
    }
    out
}
