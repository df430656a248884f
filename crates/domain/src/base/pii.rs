//! Protection of personal data at rest (个人信息保护) with the national algorithms (国密).
//!
//! GB/T 39786-2021 level 3 requires storage confidentiality of important data, and assessors map
//! that to SM4 on resident identity numbers, mobile numbers and similar fields, with SM3-HMAC for
//! integrity (RULES.md §7.3). A ciphertext cannot be searched, so each protected field also gets a
//! keyed SM3-HMAC "lookup hash" for exact-match search; being keyed, it cannot be reversed by
//! hashing every possible identity number.
//!
//! Blob layout, version 1: `0x01 || nonce (16) || SM4-CTR ciphertext || tag (32)`, where the tag is
//! HMAC-SM3 over `0xFF || 0x01 || nonce || ciphertext` (encrypt-then-MAC).
//!
//! Version 2 (`0x02`, same layout) binds the value to where it is stored: the tag is HMAC-SM3
//! over `0xFF || 0x02 || table || column || row id || nonce || ciphertext` (names
//! length-prefixed), so a ciphertext copied into another row or field no longer verifies. New
//! writes use version 2 ([`PiiKey::encrypt_bound`]); version-1 values still read and become
//! version 2 when their field is next written. The leading 0xFF never
//! starts valid UTF-8, so a tag can never equal the lookup hash of some string, although both use
//! the same HMAC key. The nonce comes from the caller because this crate draws no randomness; it
//! must never repeat under one key, as CTR mode would then leak the XOR of two plaintexts.

use std::fmt;

use ctr::cipher::{KeyIvInit, StreamCipher};
use hmac::{Hmac, Mac};
use sm3::{Digest, Sm3};

type Sm4Ctr = ctr::Ctr128BE<sm4::Sm4>;
type HmacSm3 = Hmac<Sm3>;

const VERSION: u8 = 1;
const VERSION_BOUND: u8 = 2;
const NONCE_LEN: usize = 16;
const TAG_LEN: usize = 32;
/// Separates encryption tags from lookup hashes; see the module documentation.
const TAG_DOMAIN: u8 = 0xFF;

/// Why a key or a blob was refused. Messages never contain key material or plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PiiError {
    #[error("key has {found} hex characters, expected 96")]
    KeyLength { found: usize },
    #[error("key is not hex: {0}")]
    KeyHex(String),
    #[error("blob of {found} bytes is too short, expected at least {}", 1 + NONCE_LEN + TAG_LEN)]
    Truncated { found: usize },
    #[error("blob version {0} is not supported")]
    UnsupportedVersion(u8),
    #[error("blob authentication tag does not match")]
    TagMismatch,
    #[error("decrypted value is not utf-8")]
    NotUtf8,
}

impl PiiError {
    /// The explanation shown to the operator, in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            PiiError::KeyLength { found } => {
                format!("个人信息加密密钥长度为{found}个十六进制字符，应为96个")
            }
            PiiError::KeyHex(_) => "个人信息加密密钥不是有效的十六进制字符串".to_owned(),
            PiiError::Truncated { found } => format!("加密数据只有{found}字节，数据不完整"),
            PiiError::UnsupportedVersion(version) => {
                format!("不支持的加密数据版本{version}")
            }
            PiiError::TagMismatch => {
                "加密数据完整性校验失败，数据可能被篡改或密钥不正确".to_owned()
            }
            PiiError::NotUtf8 => "解密结果不是有效的文本".to_owned(),
        }
    }
}

/// Where a protected value is stored: table, column and row id, bound into its tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PiiBinding<'a> {
    pub table: &'a str,
    pub column: &'a str,
    pub row: i64,
}

/// The keys protecting personal data: an SM4 key for confidentiality and an HMAC-SM3 key for
/// integrity and lookup hashes.
#[derive(Clone, PartialEq, Eq)]
pub struct PiiKey {
    sm4: [u8; 16],
    hmac: [u8; 32],
}

impl fmt::Debug for PiiKey {
    // Keys end up in logs through Debug of whatever holds them; never print them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PiiKey(<redacted>)")
    }
}

impl PiiKey {
    /// Reads 96 hex characters: 32 for the SM4 key, then 64 for the HMAC key.
    pub fn from_hex(hex_key: &str) -> Result<PiiKey, PiiError> {
        let hex_key = hex_key.trim();
        let found = hex_key.chars().count();
        if found != 96 {
            return Err(PiiError::KeyLength { found });
        }
        let mut bytes = [0u8; 48];
        hex::decode_to_slice(hex_key, &mut bytes)
            .map_err(|err| PiiError::KeyHex(err.to_string()))?;
        let mut key = PiiKey {
            sm4: [0; 16],
            hmac: [0; 32],
        };
        key.sm4.copy_from_slice(&bytes[..16]);
        key.hmac.copy_from_slice(&bytes[16..]);
        Ok(key)
    }

    /// Derives both keys from one configured secret, each with SM3 over its own label, so that
    /// knowing one key tells nothing about the other.
    ///
    /// The secret must be long and random (at least 32 bytes); a password would be open to
    /// guessing, since SM3 is fast.
    pub fn derive_from_secret(secret: &[u8]) -> PiiKey {
        let derive = |label: &[u8]| -> [u8; 32] {
            let mut hasher = Sm3::new();
            hasher.update(label);
            // The label ends with a NUL byte and the secret's length is fixed-width, so distinct
            // (label, secret) pairs never hash the same input.
            hasher.update([0u8]);
            hasher.update((secret.len() as u64).to_be_bytes());
            hasher.update(secret);
            hasher.finalize().into()
        };
        let sm4_full = derive(b"fangguanfu pii sm4 key v1");
        let mut key = PiiKey {
            sm4: [0; 16],
            hmac: derive(b"fangguanfu pii hmac-sm3 key v1"),
        };
        key.sm4.copy_from_slice(&sm4_full[..16]);
        key
    }

    fn mac(&self) -> HmacSm3 {
        // HMAC accepts keys of any length, so this cannot fail.
        <HmacSm3 as Mac>::new_from_slice(&self.hmac).expect("hmac accepts any key length")
    }

    fn tag_mac(&self, nonce: &[u8], ciphertext: &[u8]) -> HmacSm3 {
        let mut mac = self.mac();
        mac.update(&[TAG_DOMAIN, VERSION]);
        mac.update(nonce);
        mac.update(ciphertext);
        mac
    }

    /// Encrypts a value; `nonce` must be fresh random bytes from the caller.
    pub fn encrypt(&self, plaintext: &str, nonce: [u8; 16]) -> Vec<u8> {
        let mut ciphertext = plaintext.as_bytes().to_vec();
        let mut cipher = Sm4Ctr::new(&self.sm4.into(), &nonce.into());
        cipher.apply_keystream(&mut ciphertext);
        let tag = self.tag_mac(&nonce, &ciphertext).finalize().into_bytes();

        let mut blob = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len() + TAG_LEN);
        blob.push(VERSION);
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&ciphertext);
        blob.extend_from_slice(&tag);
        blob
    }

    /// Checks the tag (in constant time) before decrypting anything.
    pub fn decrypt(&self, blob: &[u8]) -> Result<String, PiiError> {
        if blob.len() < 1 + NONCE_LEN + TAG_LEN {
            return Err(PiiError::Truncated { found: blob.len() });
        }
        if blob[0] != VERSION {
            return Err(PiiError::UnsupportedVersion(blob[0]));
        }
        let nonce = &blob[1..1 + NONCE_LEN];
        let (ciphertext, tag) =
            blob[1 + NONCE_LEN..].split_at(blob.len() - 1 - NONCE_LEN - TAG_LEN);
        self.tag_mac(nonce, ciphertext)
            .verify_slice(tag)
            .map_err(|_| PiiError::TagMismatch)?;

        let mut plaintext = ciphertext.to_vec();
        let mut nonce_block = [0u8; NONCE_LEN];
        nonce_block.copy_from_slice(nonce);
        let mut cipher = Sm4Ctr::new(&self.sm4.into(), &nonce_block.into());
        cipher.apply_keystream(&mut plaintext);
        String::from_utf8(plaintext).map_err(|_| PiiError::NotUtf8)
    }

    fn bound_tag_mac(&self, at: &PiiBinding<'_>, nonce: &[u8], ciphertext: &[u8]) -> HmacSm3 {
        let mut mac = self.mac();
        mac.update(&[TAG_DOMAIN, VERSION_BOUND]);
        for name in [at.table, at.column] {
            // Length prefixes keep ("ab", "c") and ("a", "bc") apart.
            mac.update(&u32::try_from(name.len()).unwrap_or(u32::MAX).to_be_bytes());
            mac.update(name.as_bytes());
        }
        mac.update(&at.row.to_be_bytes());
        mac.update(nonce);
        mac.update(ciphertext);
        mac
    }

    /// Encrypts a value for one field of one row (version 2); `nonce` must be fresh random
    /// bytes from the caller.
    pub fn encrypt_bound(&self, plaintext: &str, nonce: [u8; 16], at: &PiiBinding<'_>) -> Vec<u8> {
        let mut ciphertext = plaintext.as_bytes().to_vec();
        let mut cipher = Sm4Ctr::new(&self.sm4.into(), &nonce.into());
        cipher.apply_keystream(&mut ciphertext);
        let tag = self
            .bound_tag_mac(at, &nonce, &ciphertext)
            .finalize()
            .into_bytes();
        let mut blob = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len() + TAG_LEN);
        blob.push(VERSION_BOUND);
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&ciphertext);
        blob.extend_from_slice(&tag);
        blob
    }

    /// Decrypts a value read from one field of one row: a version-2 blob must have been
    /// written for exactly that place; a version-1 blob (written before binding) still reads.
    pub fn decrypt_bound(&self, blob: &[u8], at: &PiiBinding<'_>) -> Result<String, PiiError> {
        if blob.first() == Some(&VERSION) {
            return self.decrypt(blob);
        }
        if blob.len() < 1 + NONCE_LEN + TAG_LEN {
            return Err(PiiError::Truncated { found: blob.len() });
        }
        if blob[0] != VERSION_BOUND {
            return Err(PiiError::UnsupportedVersion(blob[0]));
        }
        let nonce = &blob[1..1 + NONCE_LEN];
        let (ciphertext, tag) =
            blob[1 + NONCE_LEN..].split_at(blob.len() - 1 - NONCE_LEN - TAG_LEN);
        self.bound_tag_mac(at, nonce, ciphertext)
            .verify_slice(tag)
            .map_err(|_| PiiError::TagMismatch)?;
        let mut plaintext = ciphertext.to_vec();
        let mut nonce_block = [0u8; NONCE_LEN];
        nonce_block.copy_from_slice(nonce);
        let mut cipher = Sm4Ctr::new(&self.sm4.into(), &nonce_block.into());
        cipher.apply_keystream(&mut plaintext);
        String::from_utf8(plaintext).map_err(|_| PiiError::NotUtf8)
    }

    /// A secret for another purpose (the licence seal), HMAC-SM3 of the label under a tag byte
    /// no lookup hash or blob tag starts with: it reveals nothing of this key or its hashes.
    pub fn derive_secret(&self, label: &[u8]) -> [u8; 32] {
        let mut mac = self.mac();
        mac.update(&[TAG_DOMAIN, 0xFE]);
        mac.update(label);
        mac.finalize().into_bytes().into()
    }

    /// HMAC-SM3 of a normalised value, for exact-match search on an encrypted column.
    /// Callers normalise first (e.g. through `ResidentId::parse`), or equal values will not match.
    pub fn lookup_hash(&self, normalised: &str) -> Vec<u8> {
        let mut mac = self.mac();
        mac.update(normalised.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> PiiKey {
        PiiKey::from_hex(&format!("{}{}", "01".repeat(16), "02".repeat(32))).unwrap()
    }

    const NONCE_A: [u8; 16] = [7; 16];

    const AT_1: PiiBinding<'static> = PiiBinding {
        table: "account",
        column: "phone_enc",
        row: 1,
    };

    #[test]
    fn gbt39786_integrity_a_bound_value_does_not_verify_in_another_row_or_field() {
        let key = key();
        let blob = key.encrypt_bound("13812345678", NONCE_A, &AT_1);
        assert_eq!(key.decrypt_bound(&blob, &AT_1).unwrap(), "13812345678");
        let other_row = PiiBinding { row: 2, ..AT_1 };
        let other_field = PiiBinding {
            column: "resident_id_enc",
            ..AT_1
        };
        let other_table = PiiBinding {
            table: "accounts",
            ..AT_1
        };
        for at in [other_row, other_field, other_table] {
            assert_eq!(key.decrypt_bound(&blob, &at), Err(PiiError::TagMismatch));
        }
        // An unbound (version 1) value written before binding still reads anywhere.
        let old = key.encrypt("13812345678", NONCE_B);
        assert_eq!(key.decrypt_bound(&old, &other_row).unwrap(), "13812345678");
        // The plain reader does not accept a bound value as unbound.
        assert_eq!(key.decrypt(&blob), Err(PiiError::UnsupportedVersion(2)));
    }
    const NONCE_B: [u8; 16] = [8; 16];

    #[test]
    fn gbt39786_storage_confidentiality_round_trip() {
        let key = key();
        for value in ["11010519491231002X", "13812341234", "张三", ""] {
            let blob = key.encrypt(value, NONCE_A);
            assert_eq!(blob.len(), 1 + 16 + value.len() + 32);
            assert_eq!(blob[0], 1);
            if !value.is_empty() {
                assert_ne!(&blob[17..17 + value.len()], value.as_bytes());
            }
            assert_eq!(key.decrypt(&blob).unwrap(), value);
        }
    }

    #[test]
    fn gbt39786_storage_integrity_detects_any_flipped_byte() {
        let key = key();
        let blob = key.encrypt("11010519491231002X", NONCE_A);
        for idx in 1..blob.len() {
            let mut tampered = blob.clone();
            tampered[idx] ^= 0x01;
            assert_eq!(
                key.decrypt(&tampered),
                Err(PiiError::TagMismatch),
                "byte {idx}"
            );
        }
        let mut tampered = blob.clone();
        tampered[0] = 2;
        assert_eq!(key.decrypt(&tampered), Err(PiiError::UnsupportedVersion(2)));
        assert_eq!(
            key.decrypt(&blob[..40]),
            Err(PiiError::Truncated { found: 40 })
        );
        let other = PiiKey::derive_from_secret(b"another secret of enough length!");
        assert_eq!(other.decrypt(&blob), Err(PiiError::TagMismatch));
    }

    #[test]
    fn different_nonces_give_different_ciphertexts() {
        let key = key();
        let a = key.encrypt("13812341234", NONCE_A);
        let b = key.encrypt("13812341234", NONCE_B);
        assert_ne!(a[17..28], b[17..28]);
        assert_eq!(key.decrypt(&a).unwrap(), key.decrypt(&b).unwrap());
    }

    #[test]
    fn lookup_hash_is_stable_and_keyed() {
        let key = key();
        let hash = key.lookup_hash("11010519491231002X");
        assert_eq!(hash.len(), 32);
        assert_eq!(hash, key.lookup_hash("11010519491231002X"));
        assert_ne!(hash, key.lookup_hash("110105194912310021"));
        let other = PiiKey::derive_from_secret(b"another secret of enough length!");
        assert_ne!(hash, other.lookup_hash("11010519491231002X"));
        // Plain SM3 of the value would let anyone with the table test guesses.
        assert_ne!(hash, Sm3::digest(b"11010519491231002X").to_vec());
    }

    #[test]
    fn derived_keys_are_deterministic_and_separated() {
        let a = PiiKey::derive_from_secret(b"district secret 0123456789abcdef");
        let b = PiiKey::derive_from_secret(b"district secret 0123456789abcdef");
        assert_eq!(a, b);
        assert_ne!(a.sm4[..], a.hmac[..16]);
        assert_ne!(
            a,
            PiiKey::derive_from_secret(b"district secret 0123456789abcdeg")
        );
    }

    #[test]
    fn debug_never_prints_keys_and_bad_keys_are_refused() {
        let key = key();
        assert_eq!(format!("{key:?}"), "PiiKey(<redacted>)");
        assert_eq!(
            PiiKey::from_hex("abcd"),
            Err(PiiError::KeyLength { found: 4 })
        );
        let err = PiiKey::from_hex(&"zz".repeat(48)).unwrap_err();
        assert!(matches!(err, PiiError::KeyHex(_)));
        assert!(err.message_zh().contains("十六进制"));
    }
}
