//! The scenario file format (see the "Scenarios" section of the design notes).

use serde::{Deserialize, Serialize};

use crate::sim::ClusterSpec;

/// A parsed scenario file.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// One-line title.
    pub title: String,
    /// Markdown description.
    pub description: String,
    /// The seed; `None` means the default seed.
    pub seed: Option<u64>,
    /// The wall-clock moment virtual time zero stands for, RFC 3339.
    pub start: Option<String>,
    /// The cluster to start from.
    pub cluster: ClusterSpec,
    /// The manifest files, in the order the file lists them.
    pub files: Vec<(String, String)>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// One step of a scenario: an action and what its output must (not) show.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// A kubectl line, a wait or a playground action.
    pub action: String,
    /// Regular expressions that must each match some line of the output.
    pub expect: Vec<String>,
    /// Regular expressions that must match no line of the output.
    pub expect_not: Vec<String>,
}

impl Step {
    /// A step without expectations.
    pub fn new(action: impl Into<String>) -> Step {
        Step { action: action.into(), expect: Vec::new(), expect_not: Vec::new() }
    }
}

/// Why a scenario file could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioError {
    /// 1-based line of the problem, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ScenarioError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    cluster: Option<ClusterSpec>,
    #[serde(default)]
    files: serde_yaml::Mapping,
    #[serde(default)]
    steps: Vec<RawStep>,
}

#[derive(Serialize)]
struct OutScenario<'a> {
    title: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster: Option<&'a ClusterSpec>,
    files: serde_yaml::Mapping,
    steps: Vec<OutStep<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum OutStep<'a> {
    Line(&'a str),
    Long {
        #[serde(rename = "do")]
        action: &'a str,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        expect: &'a [String],
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        expect_not: &'a [String],
    },
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawStep {
    Line(String),
    Long(LongStep),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LongStep {
    #[serde(rename = "do")]
    action: String,
    #[serde(default)]
    expect: Vec<String>,
    #[serde(default)]
    expect_not: Vec<String>,
}

impl Scenario {
    /// Parses a scenario file. Errors name the line.
    pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        let raw: RawScenario = serde_yaml::from_str(text)
            .map_err(|e| ScenarioError { line: e.location().map(|l| l.line()), message: e.to_string() })?;
        let mut files = Vec::new();
        for (name, content) in raw.files {
            match (name.as_str(), content.as_str()) {
                (Some(name), Some(content)) => files.push((name.to_string(), content.to_string())),
                _ => {
                    return Err(ScenarioError {
                        line: None,
                        message: "files: every entry must map a file name to its text".into(),
                    })
                }
            }
        }
        let steps = raw
            .steps
            .into_iter()
            .map(|s| match s {
                RawStep::Line(action) => Step { action, expect: Vec::new(), expect_not: Vec::new() },
                RawStep::Long(l) => Step { action: l.action, expect: l.expect, expect_not: l.expect_not },
            })
            .collect::<Vec<_>>();
        for step in &steps {
            for pattern in step.expect.iter().chain(&step.expect_not) {
                if let Err(e) = regex_lite::Regex::new(pattern) {
                    return Err(ScenarioError {
                        line: line_of(text, pattern),
                        message: format!("step `{}`: invalid pattern {pattern:?}: {e}", step.action),
                    });
                }
            }
        }
        Ok(Scenario {
            title: raw.title,
            description: raw.description,
            seed: raw.seed,
            start: raw.start,
            cluster: raw.cluster.unwrap_or_default(),
            files,
            steps,
        })
    }

    /// The scenario as a scenario file that [`Scenario::parse`] reads back: short steps as plain
    /// lines, steps with expectations in the long form, the default cluster left out.
    pub fn to_yaml(&self) -> String {
        let files = self
            .files
            .iter()
            .map(|(name, text)| {
                (serde_yaml::Value::from(name.as_str()), serde_yaml::Value::from(text.as_str()))
            })
            .collect();
        let steps = self
            .steps
            .iter()
            .map(|step| {
                if step.expect.is_empty() && step.expect_not.is_empty() {
                    OutStep::Line(&step.action)
                } else {
                    OutStep::Long { action: &step.action, expect: &step.expect, expect_not: &step.expect_not }
                }
            })
            .collect();
        let out = OutScenario {
            title: &self.title,
            description: &self.description,
            seed: self.seed,
            start: self.start.as_deref(),
            cluster: (self.cluster != ClusterSpec::default()).then_some(&self.cluster),
            files,
            steps,
        };
        // Serialising plain strings, maps and lists cannot fail.
        serde_yaml::to_string(&out).unwrap_or_default()
    }

    /// The text of the file named `name`.
    pub fn file(&self, name: &str) -> Option<&str> {
        self.files.iter().find(|(n, _)| n == name).map(|(_, c)| c.as_str())
    }
}

fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
title: Demo
seed: 7
files:
  pod.yaml: |
    apiVersion: v1
    kind: Pod
steps:
  - kubectl apply -f pod.yaml
  - do: kubectl get pods
    expect:
      - 'web +1/1'
    expect_not:
      - 'Error'
"#;

    #[test]
    fn parses_short_and_long_steps() {
        let s = Scenario::parse(SAMPLE).unwrap();
        assert_eq!(s.title, "Demo");
        assert_eq!(s.seed, Some(7));
        assert_eq!(s.steps.len(), 2);
        assert_eq!(s.steps[0].action, "kubectl apply -f pod.yaml");
        assert_eq!(s.steps[1].expect, ["web +1/1"]);
        assert_eq!(s.steps[1].expect_not, ["Error"]);
        assert!(s.file("pod.yaml").unwrap().contains("kind: Pod"));
        assert_eq!(s.cluster, ClusterSpec::default());
    }

    #[test]
    fn a_malformed_file_names_its_line() {
        let err = Scenario::parse("title: x\nsteps:\n  - do: a\n    expct: []\n").unwrap_err();
        assert!(err.line.is_some(), "{err}");
    }

    #[test]
    fn an_invalid_pattern_is_reported() {
        let err = Scenario::parse("title: x\nsteps:\n  - do: a\n    expect: ['(']\n").unwrap_err();
        assert!(err.message.contains("invalid pattern"), "{err}");
    }
}
