//! Identifiers in the shapes the API uses (docs/api-contract.md §1): `uprof_01` + 22 base58 characters
//! for profiles (and `enac_01…` for enforcement actions), `req_` + 24 base58 characters for request ids.

use rand::Rng;

const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

fn base58(rng: &mut impl Rng, len: usize) -> String {
    (0..len)
        .map(|_| char::from(BASE58[rng.random_range(0..BASE58.len())]))
        .collect()
}

pub fn profile_id(rng: &mut impl Rng) -> String {
    format!("uprof_01{}", base58(rng, 22))
}

/// An enforcement action's id, in the shape of a profile's.
pub fn action_id(rng: &mut impl Rng) -> String {
    format!("enac_01{}", base58(rng, 22))
}

pub fn request_id(rng: &mut impl Rng) -> String {
    format!("req_{}", base58(rng, 24))
}

/// The secret part of an enrollment URL.
pub fn enrollment_token(rng: &mut impl Rng) -> String {
    base58(rng, 32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::model::ProfileId;

    #[test]
    fn ids_have_the_documented_shapes() {
        let mut rng = rand::rng();
        let id = profile_id(&mut rng);
        assert_eq!(id.len(), "uprof_011CZkZCu8hGbp5mYRQgUmz9".len());
        assert!(ProfileId::parse(&id).is_ok());
        let rid = request_id(&mut rng);
        assert_eq!(rid.len(), "req_018EeWyXxfu5pfWkrYcMdjWG".len());
        assert!(rid[4..].bytes().all(|b| BASE58.contains(&b)));
    }
}
