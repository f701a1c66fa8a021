//! Open string enums: the known values of a string field as variants, any other value kept
//! as `Other` (never refused for being unknown; the validator may warn).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! open_enum {
    // The schema's name: the type's own, or the one given after `as` (kept stable across a
    // Rust rename so the published schemas do not change).
    (@schema_name $name:ident $schema_name:literal) => { $schema_name };
    (@schema_name $name:ident) => { stringify!($name) };
    (
        $(#[$meta:meta])*
        $name:ident $(as $schema_name:literal)?, $description:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// Any other value, kept as written.
            Other(String),
        }

        impl $name {
            /// Every known value.
            pub const KNOWN: &'static [&'static str] = &[$($text),+];

            /// The value as written in JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Other(text) => text,
                }
            }

            /// Whether the value is one of [`Self::KNOWN`].
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $( $text => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                match Self::from(text.as_str()) {
                    Self::Other(_) => Self::Other(text),
                    known => known,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                open_enum!(@schema_name $name $($schema_name)?).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "string",
                    "description": $description,
                    "examples": [$($text),+]
                })
            }
        }
    };
}

open_enum! {
    /// A step's `category`.
    StepCategory, "The step's role: reader or writer." {
        /// `reader`: the source.
        Reader => "reader",
        /// `writer`: the target.
        Writer => "writer",
    }
}

open_enum! {
    /// `setting.taskType` of a real-time create TaskParam: which target the one-click
    /// real-time sync writes to. Named apart from `dataworks_wire::TaskType` (the API's
    /// `DI_*` task types); its schema keeps the name `TaskType`.
    OneClickTaskType as "TaskType", "The one-click real-time task type; agrees with the writer's stepType (odps, kafka, holo)." {
        /// MySQL → MaxCompute.
        OneclickToOdps => "oneclick_to_odps",
        /// MySQL → Kafka.
        OneclickToKafka => "oneclick_to_kafka",
        /// MySQL → Hologres.
        OneclickToHolo => "oneclick_to_holo",
    }
}

open_enum! {
    /// `extend.mode` of a real-time TaskContent. Only `migration_holo` and `wizard` appear in
    /// official samples; `migration_odps` and `migration_kafka` are this crate's guess for the
    /// other two targets (see `docs/taskparam.md`).
    Mode, "The real-time task mode; migration_holo needs a holo writer." {
        /// Whole-database MySQL → Hologres.
        MigrationHolo => "migration_holo",
        /// Whole-database MySQL → MaxCompute (name guessed).
        MigrationOdps => "migration_odps",
        /// Whole-database MySQL → Kafka (name guessed).
        MigrationKafka => "migration_kafka",
        /// Single-table canvas task.
        Wizard => "wizard",
    }
}

open_enum! {
    /// A Hologres writer's `writeMode`.
    WriteMode, "The Hologres write mode: replay for real-time tasks, insert (SQL/JDBC) or sdk for batch." {
        /// Real-time replay of the binlog (the seed's value).
        Replay => "replay",
        /// SQL/JDBC `INSERT INTO` (batch).
        Insert => "insert",
        /// The deprecated SDK mode (batch).
        Sdk => "sdk",
    }
}

impl OneClickTaskType {
    /// The writer `stepType` this task type needs, if known.
    pub fn writer_step_type(&self) -> Option<&'static str> {
        match self {
            Self::OneclickToOdps => Some("odps"),
            Self::OneclickToKafka => Some("kafka"),
            Self::OneclickToHolo => Some("holo"),
            Self::Other(_) => None,
        }
    }

    /// The task type for a writer `stepType`.
    pub fn for_writer(step_type: &str) -> Option<OneClickTaskType> {
        match step_type {
            "odps" => Some(Self::OneclickToOdps),
            "kafka" => Some(Self::OneclickToKafka),
            "holo" => Some(Self::OneclickToHolo),
            _ => None,
        }
    }
}

impl Mode {
    /// The writer `stepType` this mode needs, if it names one.
    pub fn writer_step_type(&self) -> Option<&'static str> {
        match self {
            Self::MigrationHolo => Some("holo"),
            Self::MigrationOdps => Some("odps"),
            Self::MigrationKafka => Some("kafka"),
            Self::Wizard | Self::Other(_) => None,
        }
    }

    /// The mode for a writer `stepType` (`holo` → `migration_holo`).
    pub fn for_writer(step_type: &str) -> Option<Mode> {
        match step_type {
            "holo" => Some(Self::MigrationHolo),
            "odps" => Some(Self::MigrationOdps),
            "kafka" => Some(Self::MigrationKafka),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_other_values_round_trip() {
        let known: Mode = serde_json::from_str("\"migration_holo\"").unwrap();
        assert_eq!(known, Mode::MigrationHolo);
        let other: Mode = serde_json::from_str("\"migration_x\"").unwrap();
        assert_eq!(other, Mode::Other("migration_x".into()));
        assert_eq!(serde_json::to_string(&other).unwrap(), "\"migration_x\"");
        assert!(!other.is_known());
        assert_eq!(
            OneClickTaskType::for_writer("holo"),
            Some(OneClickTaskType::OneclickToHolo)
        );
        assert_eq!(Mode::MigrationOdps.writer_step_type(), Some("odps"));
    }
}
