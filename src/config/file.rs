//! The settings file (`--config`, `PROFILES_CONFIG`): TOML whose top-level keys are the
//! settings' names, read below flags and the environment and above the defaults
//! (docs/operations.md, "Settings").
//!
//! A key is a setting's environment variable without its `PROFILES_` or `ANTHROPIC_`
//! prefix, in lower case (`PROFILES_DATA_DIR` → `data_dir`), so one name serves all three
//! places. Every value is checked here by the setting's own parser, so that a mistake is
//! reported with the file's line rather than as if typed on the command line.

use clap::builder::OsStr;
use std::collections::BTreeMap;
use std::path::Path;

/// The settings a file gives: key → (its value as a flag would take it, its line).
#[derive(Debug, Default)]
pub struct SettingsFile {
    values: BTreeMap<String, (String, usize)>,
}

/// Secrets are read from the environment or a mounted file, never from a settings file that
/// may be committed or shared: a key naming one is refused, with the variables to use.
const SECRETS: [(&str, &str); 5] = [
    ("api_key", "ANTHROPIC_API_KEY"),
    ("anthropic_api_key", "ANTHROPIC_API_KEY"),
    ("database_url", "DATABASE_URL"),
    ("webhook_secret", "PROFILES_WEBHOOK_SECRET"),
    ("profiles_webhook_secret", "PROFILES_WEBHOOK_SECRET"),
];

/// The variable naming the settings file; it has no key in the file itself.
pub const CONFIG_VARIABLE: &str = "PROFILES_CONFIG";

/// A setting's key from its environment variable.
pub fn key_of(variable: &str) -> String {
    variable
        .strip_prefix("PROFILES_")
        .or_else(|| variable.strip_prefix("ANTHROPIC_"))
        .unwrap_or(variable)
        .to_ascii_lowercase()
}

/// Every setting a file may give: the command's own arguments that have a variable.
fn settings(command: &clap::Command) -> impl Iterator<Item = (String, &clap::Arg)> {
    command.get_arguments().filter_map(|arg| {
        let variable = arg.get_env()?.to_str()?;
        (variable != CONFIG_VARIABLE).then(|| (key_of(variable), arg))
    })
}

impl SettingsFile {
    /// Reads and checks `path` against `command`'s settings.
    pub fn read(path: &Path, command: &clap::Command) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the settings file {}: {e}", path.display()))?;
        Self::parse(&text, command).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses `text`: every key known, every value one its setting accepts, no secret.
    pub fn parse(text: &str, command: &clap::Command) -> Result<Self, String> {
        let table: BTreeMap<toml::Spanned<String>, toml::Spanned<toml::Value>> =
            toml::from_str(text).map_err(|e| {
                let line = e.span().map(|s| line_of(text, s.start));
                match line {
                    Some(line) => format!("line {line}: {}", e.message()),
                    None => e.message().to_owned(),
                }
            })?;
        let known: BTreeMap<String, &clap::Arg> = settings(command).collect();
        let mut values = BTreeMap::new();
        for (key, value) in table {
            let line = line_of(text, key.span().start);
            let key = key.into_inner();
            if let Some((_, variable)) = SECRETS.iter().find(|(k, _)| *k == key) {
                return Err(format!(
                    "line {line}: {key} is a secret and is not read from a settings file; \
                     set {variable} or {variable}_FILE in the environment"
                ));
            }
            let Some(arg) = known.get(&key) else {
                let nearest = known
                    .keys()
                    .map(|k| (strsim::jaro_winkler(k, &key), k))
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .filter(|(score, _)| *score > 0.7)
                    .map(|(_, k)| format!("; did you mean {k}?"))
                    .unwrap_or_default();
                return Err(format!("line {line}: unknown setting {key}{nearest}"));
            };
            let line = line_of(text, value.span().start);
            let raw = flag_value(value.into_inner())
                .ok_or_else(|| format!("line {line}: {key} takes a value, not a table"))?;
            check(arg, &raw).map_err(|e| format!("line {line}: {key}: {e}"))?;
            values.insert(key, (raw, line));
        }
        Ok(Self { values })
    }

    /// The command with the file's values as its defaults: flags and the environment, read
    /// by clap, come before them.
    pub fn apply(&self, command: clap::Command) -> clap::Command {
        let ids: Vec<(String, clap::Id)> = settings(&command)
            .map(|(key, arg)| (key, arg.get_id().clone()))
            .collect();
        ids.into_iter()
            .fold(command, |command, (key, id)| match self.values.get(&key) {
                Some((raw, _)) => {
                    let raw = OsStr::from(raw.clone());
                    command.mut_arg(id, |arg| arg.default_value(raw))
                }
                None => command,
            })
    }

    /// Whether the file gives `key`.
    pub fn gives(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }
}

/// Whether `arg` takes `raw`: parsed as its default in a command of its own, away from
/// the environment, by the setting's own parser.
fn check(arg: &clap::Arg, raw: &str) -> Result<(), String> {
    let alone = arg
        .clone()
        .env(None)
        .required(false)
        .global(false)
        .default_value(OsStr::from(raw.to_owned()));
    clap::Command::new("settings")
        .no_binary_name(true)
        .arg(alone)
        .try_get_matches_from(std::iter::empty::<&str>())
        .map(drop)
        .map_err(|e| clap_reason(&e))
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// A TOML value as a flag would take it: lists joined by commas; `None` for a table.
fn flag_value(value: toml::Value) -> Option<String> {
    Some(match value {
        toml::Value::String(s) => s,
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(items) => items
            .into_iter()
            .map(flag_value)
            .collect::<Option<Vec<_>>>()?
            .join(","),
        toml::Value::Table(_) => return None,
    })
}

/// Clap's reason for refusing a value, without its advice about the command line.
fn clap_reason(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let first = rendered.lines().next().unwrap_or_default();
    first.trim_start_matches("error: ").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Cli;
    use clap::CommandFactory;

    fn parse(text: &str) -> Result<SettingsFile, String> {
        SettingsFile::parse(text, &Cli::command())
    }

    #[test]
    fn keys_are_the_variables_without_their_prefix() {
        assert_eq!(key_of("PROFILES_DATA_DIR"), "data_dir");
        assert_eq!(key_of("ANTHROPIC_BASE_URL"), "base_url");
        let file = parse(
            "listen = \"127.0.0.1:8080\"\napi_version = \"ga\"\nbase_url = \
             \"https://api.anthropic.com\"\ndata_dir = \"/var/lib/x\"\nindex_rate = 2.5\n\
             max_retries = 3\ntrusted_proxies = [\"10.0.0.1\", \"10.0.0.2\"]\n\
             emulator_test_hooks = true\n",
        )
        .unwrap();
        for key in [
            "listen",
            "api_version",
            "base_url",
            "data_dir",
            "index_rate",
            "max_retries",
            "trusted_proxies",
            "emulator_test_hooks",
        ] {
            assert!(file.gives(key), "{key}");
        }
        assert_eq!(file.values["trusted_proxies"].0, "10.0.0.1,10.0.0.2");
    }

    #[test]
    fn an_unknown_key_is_refused_with_its_line_and_the_nearest_known_key() {
        let e = parse("listen = \"127.0.0.1:1\"\n\ndata_directory = \"x\"\n").unwrap_err();
        assert!(e.contains("line 3"), "{e}");
        assert!(e.contains("unknown setting data_directory"), "{e}");
        assert!(e.contains("did you mean data_dir?"), "{e}");
        let e = parse("zzzz = 1\n").unwrap_err();
        assert!(!e.contains("did you mean"), "{e}");
    }

    #[test]
    fn a_secret_is_refused_by_its_key_without_repeating_its_value() {
        for (key, variable) in SECRETS {
            let e = parse(&format!("# a comment\n{key} = \"sk-ant-SECRET-VALUE\"\n")).unwrap_err();
            assert!(e.contains("line 2"), "{e}");
            assert!(e.contains(key) && e.contains(variable), "{e}");
            assert!(e.contains(&format!("{variable}_FILE")), "{e}");
            assert!(!e.contains("SECRET-VALUE"), "{e}");
        }
    }

    #[test]
    fn a_bad_value_is_refused_with_its_line_and_setting() {
        let e = parse("listen = \"127.0.0.1:1\"\nmax_retries = 99\n").unwrap_err();
        assert!(e.starts_with("line 2: max_retries:"), "{e}");
        let e = parse("listen = \"not an address\"\n").unwrap_err();
        assert!(e.starts_with("line 1: listen:"), "{e}");
        let e = parse("listen = { a = 1 }\n").unwrap_err();
        assert!(e.contains("line 1") && e.contains("not a table"), "{e}");
        let e = parse("listen = \n").unwrap_err();
        assert!(e.starts_with("line 1:"), "{e}");
    }
}
