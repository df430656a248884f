//! The one text form of every state, kind and outcome that crosses a crate boundary.
//!
//! The store keeps these as text and pages build message keys from them, so each enum has
//! exactly one spelling, written once in its declaration: `as_str` writes it, `FromStr` reads
//! it back (anything else is an [`UnknownCode`], never a default), `Display` and serde use it.

/// A text that is not one of an enum's codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}")]
pub struct UnknownCode {
    /// The enum that was asked for, e.g. `TaskStatus`.
    pub what: &'static str,
    pub value: String,
}

/// Gives an existing unit enum its text form: `ALL`, `as_str`, `FromStr` and `Display`. Serde
/// is the enum's own business (derived with the same spelling, or via [`code_enum`]); the
/// round-trip tests check that the two agree.
macro_rules! code_text {
    ($name:ident { $($variant:ident = $text:literal,)* }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::code::UnknownCode;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)*
                    other => Err($crate::code::UnknownCode {
                        what: stringify!($name),
                        value: other.to_owned(),
                    }),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Declares a unit enum with its codes; serde reads and writes exactly those codes.
macro_rules! code_enum {
    (
        $(#[$m:meta])*
        pub enum $name:ident { $( $(#[$vm:meta])* $variant:ident = $text:literal, )* }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $( $(#[$vm])* #[serde(rename = $text)] $variant, )* }

        $crate::code::code_text!($name { $($variant = $text,)* });
    };
}

pub(crate) use code_enum;
pub(crate) use code_text;

/// Checks an enum's codes both ways: every variant's text reads back to it, serde agrees with
/// `as_str`, and a text that is no code is refused.
#[cfg(test)]
pub(crate) fn check_round_trip<T>(all: &[T], as_str: fn(T) -> &'static str)
where
    T: Copy
        + PartialEq
        + std::fmt::Debug
        + std::fmt::Display
        + std::str::FromStr<Err = UnknownCode>
        + serde::Serialize
        + serde::de::DeserializeOwned,
{
    assert!(!all.is_empty());
    for &v in all {
        let text = as_str(v);
        assert_eq!(text.parse::<T>(), Ok(v), "{text}");
        assert_eq!(v.to_string(), text);
        assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(text));
        assert_eq!(
            serde_json::from_value::<T>(serde_json::json!(text)).unwrap(),
            v
        );
    }
    for bad in ["", "no_such_code", " draft", "DRAFT"] {
        let err = bad.parse::<T>().unwrap_err();
        assert_eq!(err.value, bad);
        assert!(serde_json::from_value::<T>(serde_json::json!(bad)).is_err());
    }
}
