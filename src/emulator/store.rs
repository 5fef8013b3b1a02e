//! The emulator's profiles, kept in one JSON file in the data directory.
//!
//! Every change is applied to a copy, written to a temporary file, flushed to disk and
//! renamed over the store (then the directory is flushed), and only then made visible and
//! acknowledged. A crash at any point leaves either the old or the new file, never a torn
//! one, and an acknowledged write is on disk.

use crate::profiles::model::Profile;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use tokio::sync::{Mutex, MutexGuard};

/// Profiles by id.
pub type Profiles = BTreeMap<String, Profile>;

const FILE_NAME: &str = "emulator-profiles.json";

#[derive(Serialize, Deserialize)]
struct FileFormat {
    version: u32,
    profiles: Vec<Profile>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot read or write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path} is not a valid emulator store (left untouched): {source}")]
    Corrupt {
        path: PathBuf,
        source: serde_json::Error,
    },
}

pub struct Store {
    path: PathBuf,
    profiles: Mutex<Profiles>,
}

impl Store {
    /// Opens the store in `data_dir`, creating it with `seed()` on first start.
    pub async fn open(
        data_dir: &Path,
        seed: impl FnOnce() -> Vec<Profile>,
    ) -> Result<Self, StoreError> {
        let path = data_dir.join(FILE_NAME);
        let profiles = match tokio::fs::read(&path).await {
            Ok(bytes) => {
                let file: FileFormat =
                    serde_json::from_slice(&bytes).map_err(|source| StoreError::Corrupt {
                        path: path.clone(),
                        source,
                    })?;
                index(file.profiles)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let profiles = index(seed());
                write_atomic(&path, &profiles).await?;
                profiles
            }
            Err(source) => return Err(StoreError::Io { path, source }),
        };
        Ok(Self {
            path,
            profiles: Mutex::new(profiles),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A consistent snapshot for reading.
    pub async fn read(&self) -> MutexGuard<'_, Profiles> {
        self.profiles.lock().await
    }

    /// Applies `change` to a copy and makes it durable before anyone sees it. If `change`
    /// fails or the write fails, nothing changes.
    pub async fn write<R, E: From<StoreError>>(
        &self,
        change: impl FnOnce(&mut Profiles) -> Result<R, E>,
    ) -> Result<R, E> {
        let mut current = self.profiles.lock().await;
        let mut next = current.clone();
        let result = change(&mut next)?;
        write_atomic(&self.path, &next).await?;
        *current = next;
        Ok(result)
    }
}

fn index(list: Vec<Profile>) -> Profiles {
    list.into_iter().map(|p| (p.id.to_string(), p)).collect()
}

async fn write_atomic(path: &Path, profiles: &Profiles) -> Result<(), StoreError> {
    let file = FileFormat {
        version: 1,
        profiles: profiles.values().cloned().collect(),
    };
    let bytes = serde_json::to_vec_pretty(&file).expect("profiles always serialize");
    let owned = path.to_owned();
    tokio::task::spawn_blocking(move || write_file_atomic(&owned, &bytes))
        .await
        .map_err(io::Error::other)
        .and_then(|r| r)
        .map_err(|source| StoreError::Io {
            path: path.to_owned(),
            source,
        })
}

fn write_file_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = path.with_extension("json.tmp");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::model::{Lenient, ProfileId, Relationship};
    use time::macros::datetime;

    fn profile(id: &str) -> Profile {
        Profile {
            id: ProfileId::parse(id).unwrap(),
            created_at: datetime!(2026-03-15 10:00 UTC),
            updated_at: datetime!(2026-03-15 10:00 UTC),
            external_id: None,
            name: Some("Zoë".into()),
            relationship: Lenient::Known(Relationship::External),
            metadata: BTreeMap::new(),
            trust_grants: BTreeMap::new(),
        }
    }

    #[tokio::test]
    async fn seeds_once_and_keeps_acknowledged_writes_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), || vec![profile("uprof_a")])
            .await
            .unwrap();
        store
            .write(|p| {
                p.insert("uprof_b".into(), profile("uprof_b"));
                Ok::<_, StoreError>(())
            })
            .await
            .unwrap();
        drop(store);
        let reopened = Store::open(dir.path(), || panic!("must not reseed"))
            .await
            .unwrap();
        let ids: Vec<_> = reopened.read().await.keys().cloned().collect();
        assert_eq!(ids, ["uprof_a", "uprof_b"]);
    }

    #[tokio::test]
    async fn a_failed_change_leaves_memory_and_disk_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), || vec![profile("uprof_a")])
            .await
            .unwrap();
        let before = std::fs::read(store.path()).unwrap();
        let result: Result<(), StoreError> = store
            .write(|p| {
                p.clear();
                Err(StoreError::Io {
                    path: "x".into(),
                    source: io::Error::other("refused"),
                })
            })
            .await;
        assert!(result.is_err());
        assert_eq!(store.read().await.len(), 1);
        assert_eq!(std::fs::read(store.path()).unwrap(), before);
    }

    #[tokio::test]
    async fn a_torn_temporary_file_from_a_crash_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        drop(
            Store::open(dir.path(), || vec![profile("uprof_a")])
                .await
                .unwrap(),
        );
        std::fs::write(
            dir.path().join("emulator-profiles.json.tmp"),
            b"{\"version\":1,\"prof",
        )
        .unwrap();
        let store = Store::open(dir.path(), Vec::new).await.unwrap();
        assert_eq!(store.read().await.len(), 1);
    }

    #[tokio::test]
    async fn a_corrupt_store_is_refused_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, b"not json").unwrap();
        let err = Store::open(dir.path(), Vec::new).await.err().unwrap();
        assert!(matches!(err, StoreError::Corrupt { .. }));
        assert_eq!(std::fs::read(&path).unwrap(), b"not json");
    }
}
