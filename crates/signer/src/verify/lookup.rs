//! Where the verifier finds the secret (and expected STS token) of an access key id.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use crate::Credentials;

/// Finds the credentials of an access key id: the secret to recompute the signature with and,
/// for temporary keys, the security token the request must carry.
///
/// Implemented for a single [`Credentials`], slices and vectors of them, maps from id to
/// credentials, and closures `Fn(&str) -> Option<Credentials>`.
pub trait SecretLookup {
    /// The credentials of `access_key_id`, or `None` when the key is unknown.
    fn secret(&self, access_key_id: &str) -> Option<Credentials>;
}

impl SecretLookup for Credentials {
    fn secret(&self, access_key_id: &str) -> Option<Credentials> {
        (self.access_key_id() == access_key_id).then(|| self.clone())
    }
}

impl SecretLookup for [Credentials] {
    fn secret(&self, access_key_id: &str) -> Option<Credentials> {
        self.iter().find_map(|c| c.secret(access_key_id))
    }
}

impl SecretLookup for Vec<Credentials> {
    fn secret(&self, access_key_id: &str) -> Option<Credentials> {
        self.as_slice().secret(access_key_id)
    }
}

impl<S: BuildHasher> SecretLookup for HashMap<String, Credentials, S> {
    fn secret(&self, access_key_id: &str) -> Option<Credentials> {
        self.get(access_key_id).cloned()
    }
}

impl SecretLookup for BTreeMap<String, Credentials> {
    fn secret(&self, access_key_id: &str) -> Option<Credentials> {
        self.get(access_key_id).cloned()
    }
}

impl<F: Fn(&str) -> Option<Credentials>> SecretLookup for F {
    fn secret(&self, access_key_id: &str) -> Option<Credentials> {
        self(access_key_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_finds_the_key() {
        let one = Credentials::new("a", "sa");
        let two = Credentials::new("b", "sb");
        let list = vec![one.clone(), two.clone()];
        let map: HashMap<String, Credentials> = [
            ("a".to_string(), one.clone()),
            ("b".to_string(), two.clone()),
        ]
        .into();
        let tree: BTreeMap<String, Credentials> = map.clone().into_iter().collect();
        let closure = |id: &str| (id == "b").then(|| Credentials::new("b", "sb"));
        let lookups: [&dyn SecretLookup; 5] = [&one, &list, &map, &tree, &closure];
        for lookup in lookups {
            assert!(lookup.secret("zz").is_none());
        }
        assert_eq!(one.secret("a").unwrap().access_key_secret(), "sa");
        assert_eq!(list.secret("b").unwrap().access_key_secret(), "sb");
        assert_eq!(map.secret("a").unwrap().access_key_secret(), "sa");
        assert_eq!(tree.secret("b").unwrap().access_key_secret(), "sb");
        assert_eq!(closure.secret("b").unwrap().access_key_secret(), "sb");
    }
}
