//! Wire and domain types of the User Profiles API, GA and the 2026-03-24 beta, with the
//! validation rules of docs/api-contract.md §9 and docs/api-versions.md.
//!
//! Compiled for both targets: the browser uses it for live feedback, the server functions
//! for the authoritative check, and the emulator to enforce the contract. No I/O here.
//!
//! One file per concept: [`version`], [`id`], [`lenient`], [`profile`], [`details`], [`programs`],
//! [`enforcement`], [`page`], [`write`] (create and update bodies), [`metadata`] (keys,
//! values, a profile's metadata and a patch), [`limits`], [`deletion`] and, on the server, `changes` (comparing profiles); this module re-exports them as the model's one public face.
//! Files inside it import each other directly, never through these re-exports.

#[cfg(feature = "ssr")]
pub mod changes;
pub mod deletion;
pub mod details;
pub mod enforcement;
pub mod id;
pub mod lenient;
pub mod limits;
pub mod metadata;
pub mod page;
pub mod profile;
pub mod programs;
pub mod version;
pub mod write;

pub use details::{check_detail, detail_field, Detail, Details, ExternalUserDetails, DETAILS};
pub use enforcement::{
    action_words, reason_words, ActionKind, EnforcementAction, EnforcementStatus, REASONS,
    UNSPECIFIED,
};
pub use id::ProfileId;
pub use lenient::Lenient;
pub use limits::{
    check_metadata_key, check_metadata_value, check_text, MetadataMode, MAX_KEY_CHARS,
    MAX_METADATA_KEYS, MAX_TEXT_CHARS, MAX_VALUE_CHARS,
};
pub use metadata::{Metadata, MetadataKey, MetadataPatch, MetadataValue};
pub use page::{ListQuery, Order, PageCursor, PageSize, ProfilePage};
pub use profile::{
    check_resold_name, AccessType, DeletedProfile, EnrollmentUrl, Profile, Relationship, TrustGrant,
};
pub use programs::{
    CyberProgram, EfsProgram, Feature, FeatureStatus, GrantStatus, Programs, Requirements,
};
pub use version::ApiVersion;
pub use write::{
    Field, NewProfile, NewProfileInput, ProfileText, ProfileUpdate, ProfileUpdateInput, WireBody,
};
