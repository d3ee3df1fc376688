//! How the vocabulary is stored: every state, role and day as its text
//! code, read back into its type (a code the program does not know is an
//! error, never a silent default).

use sqlx::any::{Any, AnyTypeInfo, AnyValueRef};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Decode, Encode, Type};

use crate::domain::access::{Action, Resource, Role};
use crate::domain::states::{
    ApplicationStatus, DocumentStatus, IdentityChangeStatus, OfferStatus, Presence,
    ProgrammeStatus, RunKind,
};
use crate::domain::values::Day;
use crate::language::Language;

/// Stores a type as text through `to_text`, reads it back through `from_text`.
macro_rules! as_text {
    ($t:ty, $to_text:expr, $from_text:expr) => {
        impl Type<Any> for $t {
            fn type_info() -> AnyTypeInfo {
                <str as Type<Any>>::type_info()
            }
        }

        impl<'q> Encode<'q, Any> for $t {
            fn encode_by_ref(
                &self,
                buf: &mut <Any as sqlx::Database>::ArgumentBuffer,
            ) -> Result<IsNull, BoxDynError> {
                let text: String = $to_text(self);
                <String as Encode<'q, Any>>::encode(text, buf)
            }
        }

        impl<'r> Decode<'r, Any> for $t {
            fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <&str as Decode<'r, Any>>::decode(value)?;
                $from_text(text)
                    .ok_or_else(|| format!("\"{text}\" is not a {}", stringify!($t)).into())
            }
        }
    };
}

macro_rules! coded_as_text {
    ($($t:ty),*) => {$(
        as_text!($t, |v: &$t| v.code().to_string(), <$t>::parse);
    )*};
}

coded_as_text!(
    Role,
    Action,
    Resource,
    ProgrammeStatus,
    ApplicationStatus,
    OfferStatus,
    DocumentStatus,
    IdentityChangeStatus,
    RunKind,
    Presence
);

as_text!(Day, |d: &Day| d.to_string(), |t: &str| Day::parse(t).ok());
as_text!(
    Language,
    |l: &Language| l.code().to_string(),
    Language::parse
);
