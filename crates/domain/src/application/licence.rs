//! Electronic licences (电子证照) issued on a grant, signed with SM2 by the district's key
//! (RULES.md §7.3: 不可否认 → SM2 signatures), and the answer the public verify page gives.
//!
//! The signature covers the licence's canonical content, rebuilt from its stored fields at
//! every check: a licence whose stored holder, scope or validity was altered afterwards no
//! longer verifies. Signing is deterministic (the nonce is derived from the key and message),
//! so this module draws no randomness and does no I/O.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sm2::dsa::signature::{Signer, Verifier};
use sm2::dsa::{Signature, SigningKey, VerifyingKey};
use sm3::{Digest, Sm3};

use crate::code::code_enum;

/// The distinguishing identifier bound into every signature (GM/T 0009's default user id):
/// verifiers elsewhere use it unless told otherwise.
pub const DIST_ID: &str = "1234567812345678";

/// What a licence says, in the order it is signed. Changing the fields or their order
/// changes every signature: add a new version instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceContent {
    /// 证照编号.
    pub number: String,
    /// The licence's name (the matter's result, e.g. 食品经营许可证).
    pub title: String,
    /// 持证主体.
    pub holder_name: String,
    /// The holder's credit code, or resident ID masked (RULES.md §7.4).
    pub holder_id: String,
    /// 许可范围.
    pub scope: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// 发证机关, as named on the day of issue.
    pub issuer: String,
    pub issued_on: NaiveDate,
}

impl LicenceContent {
    /// The bytes signed: compact JSON of the fields in their declared order.
    pub fn canonical(&self) -> Vec<u8> {
        // Serialising a struct of strings and dates cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// Why a signing key could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the signing key is not a valid SM2 private key")]
    BadKey,
    #[error("the public key is not a valid SM2 point")]
    BadPublicKey,
}

/// The district's signing key (电子印章 of the licences).
#[derive(Clone)]
pub struct LicenceSeal {
    key: SigningKey,
}

impl std::fmt::Debug for LicenceSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LicenceSeal")
            .field("key_id", &self.key_id())
            .finish()
    }
}

impl LicenceSeal {
    /// The seal whose private key is derived from `secret` (at least 32 random bytes, e.g. the
    /// district's personal-data key): every node configured alike signs with the same key.
    pub fn derive(secret: &[u8]) -> LicenceSeal {
        let mut counter = 0u32;
        loop {
            let mut h = Sm3::new();
            h.update(b"fangguanfu licence sm2 key v1\0");
            h.update(counter.to_be_bytes());
            h.update(secret);
            let bytes: [u8; 32] = h.finalize().into();
            // A digest at or above the curve order (odds about 2^-32) is skipped.
            if let Ok(seal) = LicenceSeal::from_bytes(&bytes) {
                return seal;
            }
            counter += 1;
        }
    }

    /// The seal of a 32-byte private key.
    pub fn from_bytes(bytes: &[u8]) -> Result<LicenceSeal, SealError> {
        let secret = sm2::SecretKey::from_slice(bytes).map_err(|_| SealError::BadKey)?;
        let key = SigningKey::new(DIST_ID, &secret).map_err(|_| SealError::BadKey)?;
        Ok(LicenceSeal { key })
    }

    /// The public key, SEC1 uncompressed, in hex: printed on the verify page so anyone can
    /// check a licence offline.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.key.verifying_key().to_sec1_bytes())
    }

    /// A short name of the key (SM3 of the public key, first 8 bytes), stored with each
    /// licence so a later key change does not make old licences unverifiable.
    pub fn key_id(&self) -> String {
        let digest = Sm3::digest(self.key.verifying_key().to_sec1_bytes());
        hex::encode(&digest[..8])
    }

    /// The signature (r ‖ s, 64 bytes) of the content, in hex.
    pub fn sign(&self, content: &LicenceContent) -> String {
        let sig: Signature = self.key.sign(&content.canonical());
        hex::encode(sig.to_bytes())
    }

    /// Whether `signature` is this key's signature of `content`.
    pub fn verify(&self, content: &LicenceContent, signature: &str) -> bool {
        verify_with(self.key.verifying_key(), content, signature)
    }
}

/// Whether `signature` (hex r ‖ s) is the signature of `content` by the public key given in
/// hex SEC1 form.
pub fn verify_with_public_key(
    public_key_hex: &str,
    content: &LicenceContent,
    signature: &str,
) -> Result<bool, SealError> {
    let bytes = hex::decode(public_key_hex).map_err(|_| SealError::BadPublicKey)?;
    let key =
        VerifyingKey::from_sec1_bytes(DIST_ID, &bytes).map_err(|_| SealError::BadPublicKey)?;
    Ok(verify_with(&key, content, signature))
}

fn verify_with(key: &VerifyingKey, content: &LicenceContent, signature: &str) -> bool {
    let Ok(bytes) = hex::decode(signature) else {
        return false;
    };
    let Ok(sig) = Signature::try_from(bytes.as_slice()) else {
        return false;
    };
    key.verify(&content.canonical(), &sig).is_ok()
}

code_enum! {
    /// A licence's status as recorded; expiry is read from the dates.
    pub enum LicenceStatus {
        /// In force.
        Valid = "valid",
        /// 暂扣: suspended by a decision, may be restored.
        Suspended = "suspended",
        /// 吊销/撤销: withdrawn for good.
        Revoked = "revoked",
    }
}

code_enum! {
    /// What the verify page answers about a licence.
    pub enum Standing {
        /// 真实有效.
        Valid = "valid",
        Suspended = "suspended",
        Revoked = "revoked",
        /// Genuine, but its validity ended.
        Expired = "expired",
        /// Genuine but not yet in force.
        NotYetValid = "not_yet_valid",
        /// The stored content does not match its signature: altered after issue.
        NotGenuine = "not_genuine",
    }
}

impl Standing {
    pub fn label_zh(self) -> &'static str {
        match self {
            Standing::Valid => "真实有效",
            Standing::Suspended => "已暂扣",
            Standing::Revoked => "已吊销",
            Standing::Expired => "已过期",
            Standing::NotYetValid => "尚未生效",
            Standing::NotGenuine => "验证失败：证照内容与签名不符",
        }
    }
}

/// The standing of a licence on `today`: a failed signature outranks everything, then the
/// recorded status, then the dates (a licence is valid through its last day).
pub fn standing(
    signature_ok: bool,
    status: LicenceStatus,
    content: &LicenceContent,
    today: NaiveDate,
) -> Standing {
    if !signature_ok {
        return Standing::NotGenuine;
    }
    match status {
        LicenceStatus::Revoked => Standing::Revoked,
        LicenceStatus::Suspended => Standing::Suspended,
        LicenceStatus::Valid if today > content.valid_until => Standing::Expired,
        LicenceStatus::Valid if today < content.valid_from => Standing::NotYetValid,
        LicenceStatus::Valid => Standing::Valid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::check_round_trip;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn content() -> LicenceContent {
        LicenceContent {
            number: "DZ202600000001".to_owned(),
            title: "食品经营许可证".to_owned(),
            holder_name: "示范餐饮有限公司".to_owned(),
            holder_id: "91110108MA1H8R7C4F".to_owned(),
            scope: "热食类食品制售".to_owned(),
            valid_from: d("2026-12-07"),
            valid_until: d("2031-12-06"),
            issuer: "示范区市场监督管理局".to_owned(),
            issued_on: d("2026-12-07"),
        }
    }

    #[test]
    fn codes_round_trip() {
        check_round_trip(LicenceStatus::ALL, LicenceStatus::as_str);
        check_round_trip(Standing::ALL, Standing::as_str);
    }

    #[test]
    fn a_signed_licence_verifies_and_an_altered_one_does_not() {
        let seal = LicenceSeal::derive(b"0123456789abcdef0123456789abcdef");
        let c = content();
        let sig = seal.sign(&c);
        assert_eq!(sig.len(), 128);
        assert!(seal.verify(&c, &sig));
        for altered in [
            LicenceContent {
                scope: "热食类、冷食类食品制售".to_owned(),
                ..c.clone()
            },
            LicenceContent {
                valid_until: d("2036-12-06"),
                ..c.clone()
            },
            LicenceContent {
                holder_name: "另一家公司".to_owned(),
                ..c.clone()
            },
        ] {
            assert!(!seal.verify(&altered, &sig), "{altered:?}");
        }
        assert!(!seal.verify(&c, "00"));
        assert!(!seal.verify(&c, "not hex"));
    }

    #[test]
    fn anyone_can_verify_with_the_published_public_key_alone() {
        let seal = LicenceSeal::derive(b"district secret of at least 32 bytes!!");
        let c = content();
        let sig = seal.sign(&c);
        assert_eq!(
            verify_with_public_key(&seal.public_key_hex(), &c, &sig),
            Ok(true)
        );
        let other = LicenceSeal::derive(b"another district's secret, 32 bytes+");
        assert_eq!(
            verify_with_public_key(&other.public_key_hex(), &c, &sig),
            Ok(false)
        );
        assert_eq!(
            verify_with_public_key("04zz", &c, &sig),
            Err(SealError::BadPublicKey)
        );
    }

    #[test]
    fn the_derived_key_is_stable_and_depends_on_the_secret() {
        let a = LicenceSeal::derive(b"same secret, thirty-two bytes long");
        let b = LicenceSeal::derive(b"same secret, thirty-two bytes long");
        let c = LicenceSeal::derive(b"other secret, thirty-two bytes lon");
        assert_eq!(a.public_key_hex(), b.public_key_hex());
        assert_eq!(a.key_id(), b.key_id());
        assert_ne!(a.public_key_hex(), c.public_key_hex());
        assert_eq!(a.key_id().len(), 16);
        // Deterministic signing: the same content signs the same.
        assert_eq!(a.sign(&content()), b.sign(&content()));
    }

    #[test]
    fn standing_puts_a_failed_signature_first_then_the_status_then_the_dates() {
        let c = content();
        let today = d("2027-01-01");
        assert_eq!(
            standing(false, LicenceStatus::Valid, &c, today),
            Standing::NotGenuine
        );
        assert_eq!(
            standing(true, LicenceStatus::Valid, &c, today),
            Standing::Valid
        );
        assert_eq!(
            standing(true, LicenceStatus::Suspended, &c, today),
            Standing::Suspended
        );
        assert_eq!(
            standing(true, LicenceStatus::Revoked, &c, d("2040-01-01")),
            Standing::Revoked
        );
        // Valid through its last day, expired the day after.
        assert_eq!(
            standing(true, LicenceStatus::Valid, &c, d("2031-12-06")),
            Standing::Valid
        );
        assert_eq!(
            standing(true, LicenceStatus::Valid, &c, d("2031-12-07")),
            Standing::Expired
        );
        assert_eq!(
            standing(true, LicenceStatus::Valid, &c, d("2026-12-06")),
            Standing::NotYetValid
        );
    }
}
