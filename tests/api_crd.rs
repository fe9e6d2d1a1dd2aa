//! CustomResourceDefinitions: registering a kind, then defaulting and validating its custom
//! resources against the served version's openAPIV3Schema, as kubectl shows it.

use podlab::console;
use podlab::sim::{ClusterSpec, Simulation};

fn run(sim: &mut Simulation, files: &[(&str, &str)], line: &str) -> String {
    let files: Vec<(String, String)> = files.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
    console::execute(sim, &files, line).text()
}

const CRD: &str = r#"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [cronSpec]
            properties:
              cronSpec:
                type: string
                pattern: '^(\d+|\*)(/\d+)?(\s+(\d+|\*)(/\d+)?){4}$'
              image:
                type: string
              replicas:
                type: integer
                minimum: 1
                maximum: 10
                default: 1
  - name: v1beta1
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames:
    - ct
    categories:
    - all
"#;

/// kubectl's output for a custom resource starts with Podlab's note that nothing acts on it.
const NOTE: &str = "Warning: note: CronTab objects are stored but have no effect in Podlab\n";

const CR: &str = "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: my-new-cron-object\nspec:\n  cronSpec: \"* * * * */5\"\n  image: my-awesome-cron-image\n";

fn with_crd() -> Simulation {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    assert_eq!(
        run(&mut sim, &[("crd.yaml", CRD)], "kubectl apply -f crd.yaml"),
        "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n"
    );
    sim
}

#[test]
fn valid_custom_resource_is_stored_with_schema_defaults() {
    let mut sim = with_crd();
    assert_eq!(
        run(&mut sim, &[("cr.yaml", CR)], "kubectl apply -f cr.yaml"),
        format!("{NOTE}crontab.stable.example.com/my-new-cron-object created\n")
    );
    let yaml = run(&mut sim, &[], "kubectl get ct my-new-cron-object -o yaml");
    assert!(yaml.contains("  replicas: 1\n"), "{yaml}");
}

#[test]
fn wrong_type_is_invalid_with_the_api_server_message() {
    let mut sim = with_crd();
    let bad = CR.replace("  image:", "  replicas: string\n  image:");
    assert_eq!(
        run(&mut sim, &[("cr.yaml", &bad)], "kubectl apply -f cr.yaml"),
        NOTE.to_string() + "The CronTab \"my-new-cron-object\" is invalid: spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"\n"
    );
    let zero = CR.replace("  image:", "  replicas: 0\n  image:");
    assert_eq!(
        run(&mut sim, &[("cr.yaml", &zero)], "kubectl apply -f cr.yaml"),
        NOTE.to_string() + "The CronTab \"my-new-cron-object\" is invalid: spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1\n"
    );
    let missing = CR.replace("  cronSpec: \"* * * * */5\"\n", "");
    assert_eq!(
        run(&mut sim, &[("cr.yaml", &missing)], "kubectl apply -f cr.yaml"),
        NOTE.to_string() + "The CronTab \"my-new-cron-object\" is invalid: spec.cronSpec: Required value\n"
    );
    assert!(run(&mut sim, &[], "kubectl get crontabs").contains("No resources found"));
}

#[test]
fn unknown_field_is_a_strict_decoding_error() {
    let mut sim = with_crd();
    let bad = CR.replace("  image:", "  foo: bar\n  image:");
    assert_eq!(
        run(&mut sim, &[("x.yaml", &bad)], "kubectl apply -f x.yaml"),
        NOTE.to_string() + "Error from server (BadRequest): error when creating \"x.yaml\": CronTab in version \"v1\" cannot be handled as a CronTab: strict decoding error: unknown field \"spec.foo\"\n"
    );
}

#[test]
fn a_version_that_preserves_unknown_fields_accepts_them() {
    let mut sim = with_crd();
    let beta = CR
        .replace("stable.example.com/v1", "stable.example.com/v1beta1")
        .replace("  image:", "  foo: bar\n  image:");
    assert_eq!(
        run(&mut sim, &[("cr.yaml", &beta)], "kubectl apply -f cr.yaml"),
        format!("{NOTE}crontab.stable.example.com/my-new-cron-object created\n")
    );
}

#[test]
fn short_names_and_categories_reach_kubectl_get() {
    let mut sim = with_crd();
    run(&mut sim, &[("cr.yaml", CR)], "kubectl apply -f cr.yaml");
    let by_short_name = run(&mut sim, &[], "kubectl get ct");
    assert!(by_short_name.starts_with("NAME "), "{by_short_name}");
    assert!(by_short_name.contains("\nmy-new-cron-object "), "{by_short_name}");
    let all = run(&mut sim, &[], "kubectl get all");
    assert!(all.contains("crontab.stable.example.com/my-new-cron-object "), "{all}");
}
