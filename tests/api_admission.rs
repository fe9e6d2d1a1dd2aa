//! Admission: defaults and validation messages, table-driven, exactly as kubectl prints them.

use podlab::console;
use podlab::sim::{ClusterSpec, Simulation};

fn apply(text: &str) -> (Simulation, String) {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    let files = vec![("m.yaml".to_string(), text.to_string())];
    let out = console::execute(&mut sim, &files, "kubectl apply -f m.yaml").text();
    (sim, out)
}

fn pod_with(container: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n{container}")
}

#[test]
fn validation_messages_match_the_api_server() {
    let cases: Vec<(String, &str)> = vec![
        (pod_with("  - name: app\n"), "The Pod \"web\" is invalid: spec.containers[0].image: Required value\n"),
        ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers: []\n".into(), "The Pod \"web\" is invalid: spec.containers: Required value\n"),
        (
            pod_with("  - name: app\n    image: nginx\n  - name: app\n    image: busybox\n"),
            "The Pod \"web\" is invalid: spec.containers[1].name: Duplicate value: \"app\"\n",
        ),
        (
            pod_with("  - name: app\n    image: nginx\n    ports:\n    - containerPort: 70000\n"),
            "The Pod \"web\" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive\n",
        ),
        (
            pod_with("  - name: app\n    image: nginx\n    resources:\n      limits:\n        memory: lots\n"),
            "Error from server (BadRequest): error when creating \"m.yaml\": Pod in version \"v1\" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\n",
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: My_Pod\nspec:\n  containers:\n  - name: app\n".into(),
            "The Pod \"My_Pod\" is invalid: \n* metadata.name: Invalid value: \"My_Pod\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n* spec.containers[0].image: Required value\n",
        ),
        (
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\nspec:\n  ports:\n  - port: 80\n".into(),
            "The Service \"1web\" is invalid: metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')\n",
        ),
        (
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      restartPolicy: Always\n      containers:\n      - name: c\n        image: busybox\n".into(),
            "The Job \"j\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"\n",
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: -bad\nspec:\n  containers:\n  - name: app\n    image: nginx\n".into(),
            "The Pod \"web\" is invalid: metadata.labels: Invalid value: \"-bad\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n",
        ),
    ];
    for (manifest, expected) in cases {
        let (_, out) = apply(&manifest);
        assert_eq!(out, expected, "for\n{manifest}");
    }
}

#[test]
fn workload_defaults_are_filled_in() {
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        livenessProbe:\n          httpGet: {port: 80}\n        resources:\n          limits: {cpu: 500m}\n";
    let (sim, out) = apply(deploy);
    assert_eq!(out, "deployment.apps/web created\n");
    let d = sim.store().get("Deployment", "default", "web").unwrap().to_json();
    let spec = &d["spec"];
    assert_eq!(spec["replicas"], 1);
    assert_eq!(spec["revisionHistoryLimit"], 10);
    assert_eq!(spec["progressDeadlineSeconds"], 600);
    assert_eq!(spec["strategy"]["rollingUpdate"]["maxSurge"], "25%");
    assert_eq!(spec["strategy"]["rollingUpdate"]["maxUnavailable"], "25%");
    let container = &spec["template"]["spec"]["containers"][0];
    assert_eq!(container["imagePullPolicy"], "IfNotPresent");
    assert_eq!(container["resources"]["requests"]["cpu"], "500m");
    assert_eq!(container["livenessProbe"]["periodSeconds"], 10);
    assert_eq!(container["livenessProbe"]["failureThreshold"], 3);
    assert_eq!(container["livenessProbe"]["httpGet"]["scheme"], "HTTP");

    let job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: pi\n        image: perl\n";
    let (sim, _) = apply(job);
    let j = sim.store().get("Job", "default", "pi").unwrap().to_json();
    assert_eq!(j["spec"]["backoffLimit"], 6);
    assert_eq!(j["spec"]["completions"], 1);
    assert_eq!(j["spec"]["parallelism"], 1);
    assert_eq!(j["spec"]["template"]["metadata"]["labels"]["job-name"], "pi");
    assert_eq!(
        j["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"],
        j["metadata"]["uid"]
    );
    assert_eq!(
        j["metadata"]["labels"], j["spec"]["template"]["metadata"]["labels"],
        "a Job without labels takes its template's"
    );
    let labelled = job.replace("  name: pi\n", "  name: pi\n  labels: {team: a}\n");
    let (sim, _) = apply(&labelled);
    let j = sim.store().get("Job", "default", "pi").unwrap().to_json();
    assert_eq!(j["metadata"]["labels"], serde_json::json!({"team": "a"}), "a Job's own labels are kept");

    let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n";
    let (sim, _) = apply(svc);
    let s = sim.store().get("Service", "default", "web").unwrap().to_json();
    assert_eq!(s["spec"]["type"], "ClusterIP");
    assert_eq!(s["spec"]["sessionAffinity"], "None");
    assert_eq!(s["spec"]["ports"][0]["targetPort"], 80);
    assert_eq!(s["spec"]["ports"][0]["protocol"], "TCP");
    assert!(s["spec"]["clusterIP"].as_str().unwrap().starts_with("10.96."));

    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests: {storage: 1Gi}\n";
    let (sim, _) = apply(pvc);
    let p = sim.store().get("PersistentVolumeClaim", "default", "data").unwrap().to_json();
    assert_eq!(p["spec"]["storageClassName"], "standard");

    let cj = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: hello\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers: [{name: c, image: busybox}]\n";
    let (sim, _) = apply(cj);
    let c = sim.store().get("CronJob", "default", "hello").unwrap().to_json();
    assert_eq!(c["spec"]["concurrencyPolicy"], "Allow");
    assert_eq!(c["spec"]["successfulJobsHistoryLimit"], 3);
    assert_eq!(c["spec"]["failedJobsHistoryLimit"], 1);
}

#[test]
fn pod_spec_updates_are_forbidden_except_images() {
    let pod = pod_with("  - name: app\n    image: nginx:1.27\n");
    let (mut sim, _) = apply(&pod);
    let image = pod.replace("nginx:1.27", "nginx:1.28");
    let files = vec![("m.yaml".to_string(), image)];
    assert_eq!(console::execute(&mut sim, &files, "kubectl apply -f m.yaml").text(), "pod/web configured\n");
    let renamed =
        pod.replace("    image: nginx:1.27\n", "    image: nginx:1.28\n    command: [sleep, '1']\n");
    let files = vec![("m.yaml".to_string(), renamed)];
    let out = console::execute(&mut sim, &files, "kubectl apply -f m.yaml").text();
    assert!(out.starts_with("The Pod \"web\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`"), "{out}");
}

#[test]
fn new_pods_are_pending_with_their_qos_class() {
    for (resources, qos) in [
        ("", "BestEffort"),
        ("    resources:\n      limits: {cpu: 700m, memory: 200Mi}\n", "Guaranteed"),
        ("    resources:\n      limits: {memory: 200Mi}\n      requests: {memory: 100Mi}\n", "Burstable"),
    ] {
        let (sim, out) = apply(&pod_with(&format!("  - name: app\n    image: nginx\n{resources}")));
        assert_eq!(out, "pod/web created\n");
        let pod = sim.store().get("Pod", "default", "web").unwrap().to_json();
        assert_eq!(pod["status"]["phase"], "Pending");
        assert_eq!(pod["status"]["qosClass"], qos, "{resources}");
    }
}

#[test]
fn a_deployment_without_selector_is_rejected() {
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";
    let (_, out) = apply(deploy);
    assert_eq!(
        out,
        "The Deployment \"web\" is invalid: \n* spec.selector: Required value\n* spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`\n"
    );
}

#[test]
fn probes_env_ports_resources_and_affinity_follow_core_validation() {
    let c = "  - name: app\n    image: nginx\n";
    let cases: Vec<(String, &str)> = vec![
        (
            pod_with(&format!("{c}    livenessProbe:\n      periodSeconds: 5\n")),
            "The Pod \"web\" is invalid: spec.containers[0].livenessProbe: Required value: must specify a handler type\n",
        ),
        (
            pod_with(&format!("{c}    readinessProbe:\n      httpGet: {{port: 80}}\n      tcpSocket: {{port: 80}}\n")),
            "The Pod \"web\" is invalid: spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type\n",
        ),
        (
            pod_with(&format!("{c}    readinessProbe:\n      tcpSocket: {{port: 0}}\n      periodSeconds: -1\n")),
            "The Pod \"web\" is invalid: \n* spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive\n* spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0\n",
        ),
        (
            pod_with(&format!("{c}    livenessProbe:\n      exec: {{command: [ls]}}\n      successThreshold: 2\n")),
            "The Pod \"web\" is invalid: spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1\n",
        ),
        (
            pod_with(&format!("{c}    env:\n    - name: A=B\n      value: x\n")),
            "The Pod \"web\" is invalid: spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='\n",
        ),
        (
            pod_with(&format!("{c}    env:\n    - name: A\n      valueFrom:\n        fieldRef: {{fieldPath: metadata.name}}\n        secretKeyRef: {{name: s, key: k}}\n")),
            "The Pod \"web\" is invalid: spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not have more than one field specified at a time\n",
        ),
        (
            pod_with(&format!("{c}    ports:\n    - containerPort: 80\n      protocol: tcp\n")),
            "The Pod \"web\" is invalid: spec.containers[0].ports[0].protocol: Unsupported value: \"tcp\": supported values: \"SCTP\", \"TCP\", \"UDP\"\n",
        ),
        (
            pod_with(&format!("{c}    resources:\n      requests: {{cpu: 600m}}\n      limits: {{cpu: 500m}}\n")),
            "The Pod \"web\" is invalid: spec.containers[0].resources.requests: Invalid value: \"600m\": must be less than or equal to cpu limit of 500m\n",
        ),
        (
            format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions:\n          - {{key: zone, operator: In}}\n          - {{key: gpu, operator: Exists, values: [a]}}\n  containers:\n{c}"),
            "The Pod \"web\" is invalid: \n* spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'\n* spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'\n",
        ),
    ];
    for (manifest, expected) in cases {
        let (_, out) = apply(&manifest);
        assert_eq!(out, expected, "for manifest:\n{manifest}");
    }
}

#[test]
fn cron_job_time_zone_must_be_known() {
    let cron = |zone: &str| {
        format!("apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: hello\nspec:\n  schedule: \"0 9 * * *\"\n  timeZone: {zone}\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n          - name: c\n            image: busybox\n")
    };
    assert_eq!(
        apply(&cron("Foo/Bar")).1,
        "The CronJob \"hello\" is invalid: spec.timeZone: Invalid value: \"Foo/Bar\": unknown time zone Foo/Bar\n"
    );
    assert_eq!(apply(&cron("Europe/Berlin")).1, "cronjob.batch/hello created\n");
}
