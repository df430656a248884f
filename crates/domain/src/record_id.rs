//! The keys of the main records as their own types.
//!
//! An account, a department, a matter, a process instance and a reform task are all keyed by an
//! integer, and many operations take two of them at once (a grant is an account acting for a
//! department; a task is led by a department; an instance is started for a matter). As bare
//! `i64`s a swapped pair compiles and reads someone else's record. Each id is its own type, so
//! the compiler refuses the swap; the number itself is what the store keeps and the API shows.
//!
//! ```compile_fail
//! use fgf_domain::base::{AccountId, DepartmentId};
//! fn led_by(_department: DepartmentId) {}
//! led_by(AccountId::new(1)); // an account is not a department
//! ```

/// What the store needs of every record id: the number it keeps, and back.
pub trait RecordId: Copy {
    fn from_raw(raw: i64) -> Self;
    fn raw(self) -> i64;
}

/// Declares a record id: a `Copy` newtype over the stored integer that serialises as that
/// integer, prints as it (in URLs and messages) and parses from it (path segments).
macro_rules! record_id {
    ($(#[$m:meta])* pub struct $name:ident;) => {
        $(#[$m])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// The record with this stored key; the name of the type says which table.
            pub const fn new(raw: i64) -> Self {
                $name(raw)
            }

            /// The stored key.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl $crate::record_id::RecordId for $name {
            fn from_raw(raw: i64) -> Self {
                $name(raw)
            }

            fn raw(self) -> i64 {
                self.0
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    };
}

pub(crate) use record_id;

#[cfg(test)]
mod tests {
    use crate::base::{AccountId, DepartmentId};
    use crate::catalog::MatterId;
    use crate::process::InstanceId;
    use crate::reform::TaskId;

    #[test]
    fn an_id_serialises_prints_and_parses_as_its_number() {
        let id = DepartmentId::new(42);
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert_eq!(serde_json::from_str::<DepartmentId>("42").unwrap(), id);
        assert_eq!(id.to_string(), "42");
        assert_eq!("42".parse::<DepartmentId>().unwrap(), id);
        assert!("4x".parse::<DepartmentId>().is_err());
        assert_eq!(i64::from(AccountId::new(7)), 7);
        assert_eq!(MatterId::new(3).get(), 3);
        assert_eq!(InstanceId::new(5).get(), 5);
        assert_eq!(TaskId::new(9).get(), 9);
    }
}
