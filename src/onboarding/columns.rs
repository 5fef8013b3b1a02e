//! Which field of a profile each column of an import file fills (docs/onboarding.md, "The
//! file"): matched by header to the fields of the version the console speaks, or named
//! by the user in a mapping for headers the console does not recognise.

use crate::profiles::model::{check_metadata_key, detail_field, ApiVersion, DETAILS};
use std::collections::BTreeMap;

/// Where a column's cells go.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    /// The profile's external id (GA: `external_user_details.reference_id`): how a row
    /// is matched to a profile, and never created twice.
    ExternalId,
    Name,
    /// 2026-03-24 beta.
    Relationship,
    /// GA.
    AccessType,
    /// GA: one of the external user details besides `reference_id`.
    Detail(&'static str),
    Metadata(String),
    /// Read past: the user said so in the mapping.
    Ignored,
}

/// What a mapping names to leave a column out.
pub const IGNORE: &str = "ignore";

impl Column {
    /// The column a header names in `version`, if the console recognises it: the field's
    /// name as the API spells it (`external_id`; GA: `reference_id` or
    /// `external_user_details.reference_id` too), `name`, `relationship` (beta) or
    /// `access_type` (GA), each detail (GA; bare or as `external_user_details.<key>`),
    /// `metadata.<key>`; case and spaces around a fixed name do not matter.
    pub fn recognise(header: &str, version: ApiVersion) -> Option<Column> {
        let trimmed = header.trim();
        if let Some(key) = trimmed.strip_prefix("metadata.") {
            return Some(Self::Metadata(key.to_owned()));
        }
        let name = trimmed.to_lowercase().replace(' ', "_");
        let ga = !version.has_relationship();
        let detail = name.strip_prefix("external_user_details.").unwrap_or(&name);
        match name.as_str() {
            "external_id" => Some(Self::ExternalId),
            "reference_id" | "external_user_details.reference_id" if ga => Some(Self::ExternalId),
            "name" => Some(Self::Name),
            "relationship" if !ga => Some(Self::Relationship),
            "access_type" if ga => Some(Self::AccessType),
            IGNORE => Some(Self::Ignored),
            _ if ga => DETAILS
                .iter()
                .find(|d| d.key == detail)
                .map(|d| Self::Detail(d.key)),
            _ => None,
        }
    }

    /// The name the model's errors (`FieldError::field`) give the field this column fills.
    pub fn field(&self) -> String {
        match self {
            Self::ExternalId => "external_id".into(),
            Self::Name => "name".into(),
            Self::Relationship => "relationship".into(),
            Self::AccessType => "access_type".into(),
            Self::Detail(key) => detail_field(key),
            Self::Metadata(key) => format!("metadata.{key}"),
            Self::Ignored => String::new(),
        }
    }

    /// The column's name in `version`: the template's header, and how an error names it.
    pub fn name(&self, version: ApiVersion) -> String {
        match self {
            Self::ExternalId if version.has_relationship() => "external_id".into(),
            Self::ExternalId => "reference_id".into(),
            Self::Name => "name".into(),
            Self::Relationship => "relationship".into(),
            Self::AccessType => "access_type".into(),
            Self::Detail(key) => (*key).into(),
            Self::Metadata(key) => format!("metadata.{key}"),
            Self::Ignored => IGNORE.into(),
        }
    }
}

/// The fields `version` takes, as a template's header names them (metadata aside).
pub fn fields(version: ApiVersion) -> Vec<Column> {
    let mut fields = vec![Column::ExternalId, Column::Name];
    if version.has_relationship() {
        fields.push(Column::Relationship);
    } else {
        fields.push(Column::AccessType);
        fields.extend(DETAILS.iter().map(|d| Column::Detail(d.key)));
    }
    fields
}

/// A header the console does not recognise, or a column that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnError {
    /// The header as the file has it.
    pub header: String,
    pub message: String,
}

/// Each header's column, by `mapping` (header → a field's name, or `ignore`) where it
/// names the header, else as recognised. Every problem at once: headers neither
/// recognised nor mapped, two columns for one field, a metadata key the API would refuse,
/// no column of external ids.
pub fn columns(
    header: &[String],
    version: ApiVersion,
    mapping: &BTreeMap<String, String>,
) -> Result<Vec<Column>, Vec<ColumnError>> {
    let mut errors = Vec::new();
    let mut columns = Vec::with_capacity(header.len());
    let mut seen: BTreeMap<Column, &str> = BTreeMap::new();
    for name in header {
        let error = |message: String| ColumnError {
            header: name.clone(),
            message,
        };
        let column = match mapping.get(name) {
            Some(target) => Column::recognise(target, version).ok_or_else(|| {
                error(format!(
                    "is mapped to \"{target}\", which is not a field of the {} API",
                    version.as_str()
                ))
            }),
            None => Column::recognise(name, version).ok_or_else(|| {
                error(format!(
                    "is not a field of the {} API: map it to one ({}, metadata.<key>) or to \"{IGNORE}\"",
                    version.as_str(),
                    fields(version)
                        .iter()
                        .map(|c| c.name(version))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }),
        };
        let column = match column {
            Ok(Column::Metadata(key)) => match check_metadata_key(&key) {
                Ok(()) => Column::Metadata(key),
                Err(e) => {
                    errors.push(error(format!("metadata key {}", e.message)));
                    Column::Ignored
                }
            },
            Ok(column) => column,
            Err(e) => {
                errors.push(e);
                Column::Ignored
            }
        };
        if column != Column::Ignored {
            if let Some(first) = seen.insert(column.clone(), name) {
                errors.push(error(format!(
                    "fills {} as column \"{first}\" does; keep one of them",
                    column.name(version)
                )));
            }
        }
        columns.push(column);
    }
    if errors.is_empty() && !columns.contains(&Column::ExternalId) {
        errors.push(ColumnError {
            header: Column::ExternalId.name(version),
            message: "is missing: every row needs an external id, the way a row is matched to \
                      a profile and never created twice"
                .into(),
        });
    }
    if errors.is_empty() {
        Ok(columns)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn headers_are_recognised_per_version() {
        let beta = ApiVersion::Beta20260324;
        assert_eq!(
            columns(
                &headers(&["External ID", " name ", "relationship", "metadata.Plan"]),
                beta,
                &BTreeMap::new()
            ),
            Ok(vec![
                Column::ExternalId,
                Column::Name,
                Column::Relationship,
                Column::Metadata("Plan".into())
            ])
        );
        let ga = ApiVersion::Ga;
        assert_eq!(
            columns(
                &headers(&[
                    "reference_id",
                    "access_type",
                    "country",
                    "external_user_details.entity_type"
                ]),
                ga,
                &BTreeMap::new()
            ),
            Ok(vec![
                Column::ExternalId,
                Column::AccessType,
                Column::Detail("country"),
                Column::Detail("entity_type")
            ])
        );
        assert_eq!(Column::recognise("access_type", beta), None);
        assert_eq!(Column::recognise("relationship", ga), None);
        assert_eq!(Column::recognise("country", beta), None);
    }

    #[test]
    fn unknown_headers_are_mapped_or_named() {
        let beta = ApiVersion::Beta20260324;
        let file = headers(&["Customer", "Full name", "Seats"]);
        let errors = columns(&file, beta, &BTreeMap::new()).unwrap_err();
        assert_eq!(errors.len(), 3);
        assert_eq!(errors[0].header, "Customer");
        assert!(errors[0]
            .message
            .contains("map it to one (external_id, name, relationship"));
        let mapping = BTreeMap::from([
            ("Customer".to_owned(), "external_id".to_owned()),
            ("Full name".to_owned(), "name".to_owned()),
            ("Seats".to_owned(), "metadata.seats".to_owned()),
        ]);
        assert_eq!(
            columns(&file, beta, &mapping),
            Ok(vec![
                Column::ExternalId,
                Column::Name,
                Column::Metadata("seats".into())
            ])
        );
        let ignoring = BTreeMap::from([
            ("Customer".to_owned(), "external_id".to_owned()),
            ("Full name".to_owned(), "ignore".to_owned()),
            ("Seats".to_owned(), "seat".to_owned()),
        ]);
        let errors = columns(&file, beta, &ignoring).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].header, "Seats");
        assert!(errors[0].message.contains("mapped to \"seat\""));
    }

    #[test]
    fn one_field_from_two_columns_a_bad_key_and_no_external_id_are_refused() {
        let beta = ApiVersion::Beta20260324;
        let errors = columns(
            &headers(&["external_id", "name", "Name", "metadata."]),
            beta,
            &BTreeMap::new(),
        )
        .unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].header, "Name");
        assert!(errors[0].message.contains("as column \"name\" does"));
        assert_eq!(errors[1].header, "metadata.");
        let errors = columns(&headers(&["name"]), beta, &BTreeMap::new()).unwrap_err();
        assert_eq!(errors[0].header, "external_id");
        assert!(errors[0].message.contains("every row needs an external id"));
    }
}
