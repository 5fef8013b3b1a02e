//! The dry run (docs/onboarding.md, "The dry run"): every row of an import file read with
//! the model's own types and limits (those the forms use) and matched to the index by
//! external id, giving what running it would do — create, update (with the field-by-field
//! change), leave unchanged — or why it cannot (the row's errors, by column and rule).
//! Nothing is sent to the API.

use crate::audit::Change;
use crate::auth::{Permission, Role};
use crate::error::FieldError;
use crate::index::matching::Holder;
use crate::index::Index;
use crate::onboarding::columns::Column;
use crate::onboarding::file::{CsvFile, FileError, Record};
use crate::profiles::model::changes;
use crate::profiles::model::{
    check_resold_name, AccessType, ApiVersion, Field, Lenient, Metadata, NewProfile,
    NewProfileInput, Profile, ProfileUpdate, ProfileUpdateInput, Relationship, WireBody,
};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;

/// Rows matched to the index per query.
pub const BATCH: usize = 500;
/// Most profiles an error names when several hold one external id.
const NAMED: usize = 3;

/// One problem of a row: the column (its header in the file) and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub column: String,
    pub message: String,
}

/// What running a row would do.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A new profile with these fields: `body` is the request a run sends.
    Create {
        body: WireBody,
        changes: Vec<Change>,
    },
    /// These changes to the profile that holds the row's external id, by sending `body`.
    Update {
        id: String,
        body: WireBody,
        changes: Vec<Change>,
    },
    /// The profile holding the row's external id has every value of the row already.
    Unchanged {
        id: String,
    },
    Error(Vec<RowError>),
}

/// The four outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Create,
    Update,
    Unchanged,
    Error,
}

impl Kind {
    /// The outcome's name, as reports give it (and [`Counts`] its field).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Unchanged => "unchanged",
            Self::Error => "error",
        }
    }
}

impl Outcome {
    /// A row's errors in words: `column: rule`, one per line (empty unless in error).
    pub fn errors_text(&self) -> String {
        match self {
            Self::Error(errors) => errors
                .iter()
                .map(|e| format!("{}: {}", e.column, e.message))
                .collect::<Vec<_>>()
                .join("\n"),
            _ => String::new(),
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            Self::Create { .. } => Kind::Create,
            Self::Update { .. } => Kind::Update,
            Self::Unchanged { .. } => Kind::Unchanged,
            Self::Error(_) => Kind::Error,
        }
    }
}

/// A row and what running it would do. `line` is its line in the file (the header is
/// line 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub line: u64,
    pub external_id: String,
    pub outcome: Outcome,
}

/// Rows by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub create: u64,
    pub update: u64,
    pub unchanged: u64,
    pub error: u64,
}

impl Counts {
    /// Rows of the file, header aside.
    pub fn rows(&self) -> u64 {
        self.create + self.update + self.unchanged + self.error
    }

    fn add(&mut self, kind: Kind) {
        *match kind {
            Kind::Create => &mut self.create,
            Kind::Update => &mut self.update,
            Kind::Unchanged => &mut self.unchanged,
            Kind::Error => &mut self.error,
        } += 1;
    }
}

/// Why a dry run stopped before the end of the file.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{0}")]
    File(#[from] FileError),
    #[error("the profile index cannot be read: {0}")]
    Index(#[from] sqlx::Error),
}

/// The dry run of one file, whose header `columns` maps, for an import by someone with
/// `role`: [`Check::next_batch`] plans the next [`BATCH`] rows, in the file's order, so
/// that the file is never held whole, and the caller reports or keeps them as it goes.
pub struct Check<'a, R: Read> {
    file: &'a mut CsvFile<R>,
    planner: Planner<'a>,
    counts: Counts,
}

impl<'a, R: Read> Check<'a, R> {
    pub fn new(
        file: &'a mut CsvFile<R>,
        columns: &'a [Column],
        version: ApiVersion,
        role: Role,
    ) -> Self {
        let planner = Planner::new(file.header(), columns, version, role);
        Self {
            file,
            planner,
            counts: Counts::default(),
        }
    }

    /// The next rows planned, or `None` at the end of the file.
    pub async fn next_batch(&mut self, index: &Index) -> Result<Option<Vec<Planned>>, PlanError> {
        let mut batch = Vec::with_capacity(BATCH);
        while batch.len() < BATCH {
            match self.file.next_record()? {
                Some(record) => batch.push(record),
                None => break,
            }
        }
        if batch.is_empty() {
            return Ok(None);
        }
        let planned = self.planner.batch(&batch, index).await?;
        for row in &planned {
            self.counts.add(row.outcome.kind());
        }
        Ok(Some(planned))
    }

    /// The rows planned so far, by outcome.
    pub fn counts(&self) -> Counts {
        self.counts
    }
}

/// A row's values: the non-empty cells, by field. An empty cell leaves its field as it
/// is (and is not sent on a create).
#[derive(Default)]
struct Values {
    external_id: String,
    name: Option<String>,
    relationship: Option<String>,
    access_type: Option<String>,
    details: BTreeMap<String, String>,
    metadata: BTreeMap<String, String>,
}

struct Planner<'a> {
    version: ApiVersion,
    /// Whose import it is: what their role may set.
    role: Role,
    columns: &'a [Column],
    /// Each field's header in the file, by the name the model's errors give the field.
    headers: HashMap<String, String>,
    /// The line of the first row with each external id.
    first: HashMap<String, u64>,
}

impl<'a> Planner<'a> {
    fn new(header: &[String], columns: &'a [Column], version: ApiVersion, role: Role) -> Self {
        let headers = columns
            .iter()
            .zip(header)
            .map(|(column, header)| (column.field(), header.clone()))
            .collect();
        Self {
            version,
            role,
            columns,
            headers,
            first: HashMap::new(),
        }
    }

    async fn batch(
        &mut self,
        records: &[Record],
        index: &Index,
    ) -> Result<Vec<Planned>, sqlx::Error> {
        let read: Vec<(u64, Result<Values, Vec<RowError>>)> = records
            .iter()
            .map(|record| (record.line, self.values(record)))
            .collect();
        let ids: Vec<String> = read
            .iter()
            .filter_map(|(_, values)| values.as_ref().ok().map(|v| v.external_id.clone()))
            .collect();
        let mut holders: HashMap<String, Vec<Holder>> = HashMap::new();
        for holder in index.holding_external_ids(&ids).await? {
            holders
                .entry(holder.external_id.clone())
                .or_default()
                .push(holder);
        }
        Ok(read
            .into_iter()
            .map(|(line, values)| match values {
                Err(errors) => Planned {
                    line,
                    external_id: String::new(),
                    outcome: Outcome::Error(errors),
                },
                Ok(values) => {
                    let held = holders
                        .get(&values.external_id)
                        .map_or(&[][..], Vec::as_slice);
                    Planned {
                        line,
                        external_id: values.external_id.clone(),
                        outcome: self.outcome(line, values, held),
                    }
                }
            })
            .collect())
    }

    /// The row's values by field, or why they cannot be read at all.
    fn values(&self, record: &Record) -> Result<Values, Vec<RowError>> {
        if record.cells.len() != self.columns.len() {
            return Err(vec![RowError {
                column: "(row)".into(),
                message: format!(
                    "has {} cells where the header has {}",
                    record.cells.len(),
                    self.columns.len()
                ),
            }]);
        }
        let mut values = Values::default();
        for (column, cell) in self.columns.iter().zip(&record.cells) {
            if cell.is_empty() {
                continue;
            }
            let cell = cell.clone();
            match column {
                Column::ExternalId => values.external_id = cell,
                Column::Name => values.name = Some(cell),
                Column::Relationship => values.relationship = Some(cell),
                Column::AccessType => values.access_type = Some(cell),
                Column::Detail(key) => {
                    values.details.insert((*key).to_owned(), cell);
                }
                Column::Metadata(key) => {
                    values.metadata.insert(key.clone(), cell);
                }
                Column::Ignored => {}
            }
        }
        if values.external_id.is_empty() {
            return Err(vec![self.error(
                "external_id",
                "is empty: every row needs an external id, the way a row is matched to a \
                 profile and never created twice",
            )]);
        }
        Ok(values)
    }

    fn outcome(&mut self, line: u64, values: Values, held: &[Holder]) -> Outcome {
        if let Some(first) = self.first.get(&values.external_id) {
            return Outcome::Error(vec![self.error(
                "external_id",
                &format!("repeats the external id of line {first}: one row per profile"),
            )]);
        }
        self.first.insert(values.external_id.clone(), line);
        match held {
            [] => self.create(values),
            [holder] => self.update(values, holder),
            several => {
                let mut ids: Vec<&str> =
                    several.iter().take(NAMED).map(|h| h.id.as_str()).collect();
                if several.len() > NAMED {
                    ids.push("…");
                }
                Outcome::Error(vec![self.error(
                    "external_id",
                    &format!(
                        "is held by {} profiles ({}): which one to update? Give each its own \
                         external id first",
                        several.len(),
                        ids.join(", ")
                    ),
                )])
            }
        }
    }

    fn create(&self, values: Values) -> Outcome {
        let mut errors = Vec::new();
        let relationship = self.choice(
            values.relationship.as_deref(),
            Relationship::parse,
            &mut errors,
        );
        let access_type = self.choice(
            values.access_type.as_deref(),
            AccessType::parse,
            &mut errors,
        );
        self.permitted(
            relationship.is_some_and(|r| r != Relationship::default())
                || access_type.is_some_and(|a| a != AccessType::default()),
            &mut errors,
        );
        let name = values.name.clone();
        let input = NewProfileInput {
            external_id: Some(values.external_id),
            name: values.name,
            relationship,
            access_type,
            external_user_details: values.details,
            metadata: values.metadata,
        };
        let new = match NewProfile::try_from(input) {
            Ok(new) => new,
            Err(refused) => {
                errors.extend(refused.iter().map(|e| self.field_error(e)));
                return Outcome::Error(errors);
            }
        };
        if let Err(e) = check_resold_name(
            &Lenient::Known(new.relationship.unwrap_or_default()),
            name.as_deref(),
        ) {
            errors.push(self.field_error(&e));
        }
        match new.body(self.version) {
            Ok(body) if errors.is_empty() => Outcome::Create {
                body,
                changes: changes::requested_new(&new, self.version),
            },
            Ok(_) => Outcome::Error(errors),
            Err(refused) => {
                errors.extend(refused.iter().map(|e| self.field_error(e)));
                Outcome::Error(errors)
            }
        }
    }

    fn update(&self, mut values: Values, holder: &Holder) -> Outcome {
        let Ok(current) = serde_json::from_str::<Profile>(&holder.raw) else {
            return Outcome::Error(vec![self.error(
                "external_id",
                &format!("is held by {}, which the index cannot read", holder.id),
            )]);
        };
        let mut errors = Vec::new();
        let relationship = self
            .choice(
                values.relationship.as_deref(),
                Relationship::parse,
                &mut errors,
            )
            .filter(|r| current.relationship != Some(Lenient::Known(*r)));
        let access_type = self
            .choice(
                values.access_type.as_deref(),
                AccessType::parse,
                &mut errors,
            )
            .filter(|a| current.access_type != Some(Lenient::Known(*a)));
        // Only what differs is sent, so that a row asks for no more than it changes (and
        // a relationship it repeats needs no admin).
        if values.name == current.name {
            values.name = None;
        }
        values
            .metadata
            .retain(|k, v| current.metadata.get(k) != Some(v));
        let held = current.external_user_details.as_ref();
        values
            .details
            .retain(|k, v| held.and_then(|d| d.get(k)) != Some(v.as_str()));
        self.permitted(relationship.is_some() || access_type.is_some(), &mut errors);
        let input = ProfileUpdateInput {
            external_id: Field::Absent,
            name: values.name.map_or(Field::Absent, Field::Value),
            relationship: relationship.map_or(Field::Absent, Field::Value),
            access_type: access_type.map_or(Field::Absent, Field::Value),
            external_user_details: values.details,
            metadata: (!values.metadata.is_empty()).then_some(values.metadata),
        };
        let update = match ProfileUpdate::try_from(input) {
            Ok(update) => update,
            Err(refused) => {
                errors.extend(refused.iter().map(|e| self.field_error(e)));
                return Outcome::Error(errors);
            }
        };
        let body = update.body(self.version).map_err(|refused| {
            errors.extend(refused.iter().map(|e| self.field_error(e)));
        });
        let after = update.apply_to(&current);
        let kept = after.metadata.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        if let Err(refused) = Metadata::parse(kept) {
            errors.extend(refused.iter().map(|e| self.field_error(e)));
        }
        if let Some(relationship) = &after.relationship {
            if let Err(e) = check_resold_name(relationship, after.name.as_deref()) {
                errors.push(self.field_error(&e));
            }
        }
        let body = match body {
            Ok(body) if errors.is_empty() => body,
            _ => return Outcome::Error(errors),
        };
        let changes = changes::between(&current, &after);
        let id = holder.id.clone();
        if changes.is_empty() {
            Outcome::Unchanged { id }
        } else {
            Outcome::Update { id, body, changes }
        }
    }

    /// The console's rule for every write (`profiles::service`): a relationship or an
    /// access type takes `ProfilesRelationship`, which only admins have.
    fn permitted(&self, sets_relationship: bool, errors: &mut Vec<RowError>) {
        if sets_relationship && !self.role.grants(Permission::ProfilesRelationship) {
            let field = if self.version.has_relationship() {
                "relationship"
            } else {
                "access_type"
            };
            errors.push(self.error(
                field,
                &format!(
                    "the {} role may not {}; leave the column empty or ask an admin",
                    self.role.as_str(),
                    Permission::ProfilesRelationship.words()
                ),
            ));
        }
    }

    /// A choice among fixed values (relationship, access type), parsed if the row has it.
    fn choice<T>(
        &self,
        raw: Option<&str>,
        parse: fn(&str) -> Result<T, FieldError>,
        errors: &mut Vec<RowError>,
    ) -> Option<T> {
        match raw.map(parse)? {
            Ok(value) => Some(value),
            Err(e) => {
                errors.push(self.field_error(&e));
                None
            }
        }
    }

    fn field_error(&self, e: &FieldError) -> RowError {
        self.error(&e.field, &e.message)
    }

    /// An error of the field the model names `field`, against its column's header.
    fn error(&self, field: &str, message: &str) -> RowError {
        RowError {
            column: self
                .headers
                .get(field)
                .cloned()
                .unwrap_or_else(|| field.to_owned()),
            message: message.to_owned(),
        }
    }
}
