//! Secrets from the environment, or from a file named by `NAME_FILE`, the way container
//! platforms mount them (docs/operations.md, "Secrets"). No message here ever repeats one.

use secrecy::SecretString;

/// The secret in `variable`, or in the file `variable_FILE` names; empty counts as unset.
/// Both set is a mistake the operator should hear about rather than have one win silently.
pub fn secret(variable: &str) -> Result<Option<SecretString>, String> {
    let file_variable = format!("{variable}_FILE");
    let direct = std::env::var(variable)
        .ok()
        .filter(|v| !v.trim().is_empty());
    let file = std::env::var_os(&file_variable).filter(|v| !v.is_empty());
    match (direct, file) {
        (Some(_), Some(_)) => Err(format!(
            "both {variable} and {file_variable} are set; set one of them"
        )),
        (Some(value), None) => Ok(Some(SecretString::from(value))),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                format!(
                    "{file_variable}: cannot read {}: {}",
                    std::path::Path::new(&path).display(),
                    e.kind()
                )
            })?;
            let value = text.trim_end_matches(['\n', '\r']);
            Ok((!value.trim().is_empty()).then(|| SecretString::from(value.to_owned())))
        }
        (None, None) => Ok(None),
    }
}

/// Whether `variable` is given, directly or by file, without reading the file: for the
/// settings report, which must not fail on a secret it does not need.
pub fn source(variable: &str) -> Option<&'static str> {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set(variable) {
        Some("environment")
    } else if set(&format!("{variable}_FILE")) {
        Some("file (_FILE)")
    } else {
        None
    }
}
