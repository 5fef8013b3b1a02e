//! The create and edit forms as plain data: what the user typed, the rows of the metadata
//! editor, and what the edit form was loaded with. Pure functions turn it into the request
//! (`NewProfile`, or the minimal `ProfileUpdate` patch), the change summary and the
//! field-by-field errors.
//!
//! The browser runs these as the user types; the server runs the same ones on a plain
//! form POST (no WASM), which is why the form also knows how to read itself from
//! `application/x-www-form-urlencoded` pairs.
//!
//! One folder: [`data`] (the form and reading it from a post), [`checks`], [`patch`]
//! (what saving sends), [`summary`], the form's markup, rendered on the server only
//! ([`editor`], [`metadata_editor`], [`field`]), the island that makes it live in the browser
//! ([`live`]), the post (`post`, server only) and what a post answers ([`handover`]).

pub mod checks;
pub mod data;
pub mod editor;
pub mod field;
pub mod handover;
pub mod live;
pub mod metadata_editor;
pub mod patch;
#[cfg(feature = "ssr")]
pub mod post;
pub mod summary;

#[cfg(test)]
mod tests;
