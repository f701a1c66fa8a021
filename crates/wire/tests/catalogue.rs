//! The error catalogue holds the codes the issue names, with the right HTTP status and
//! retryability, and the codes round-trip through their wire spelling.

use dataworks_wire::{ACTIONS, ApiError, ErrorCode, ParamError, TaskType};

#[test]
fn named_codes_have_their_status_and_retryability() {
    let expected: &[(&str, u16, bool)] = &[
        // DataWorks public codes
        ("Throttling.Api", 429, true),
        ("Throttling.System", 429, true),
        ("Throttling.User", 429, true),
        ("Throttling.Api.Risk", 429, true),
        ("Throttling.Resource", 429, true),
        ("Forbidden.Access", 403, false),
        ("ResourceNotAuthorized.Api", 403, false),
        ("InternalError.System", 500, true),
        ("InternalError.UserId.Missing", 500, false),
        ("Forbidden.Not.Server", 500, false),
        // gateway codes
        ("SignatureDoesNotMatch", 400, false),
        ("InvalidAccessKeyId.NotFound", 404, false),
        ("InvalidTimeStamp.Expired", 400, false),
        ("SignatureNonceUsed", 400, true),
        ("MissingParameter", 400, false),
        ("InvalidParameter", 400, false),
        ("InvalidAction.NotFound", 404, false),
        // DI codes of the seed pages
        ("Invalid.DI.Parameter", 400, false),
        ("Invalid.DI.Parameter.File.Existed", 400, false),
        ("InternalError.DI.Parameter", 500, true),
        ("Forbidden.DI.NoPrivilege", 403, false),
        ("Param.Invalid", 400, false),
    ];
    for &(code, status, retryable) in expected {
        let kind = ErrorCode::from_code(code);
        assert!(
            !matches!(kind, ErrorCode::Other(_)),
            "{code} is not catalogued"
        );
        assert_eq!(kind.http_status(), status, "{code}");
        assert_eq!(kind.is_retryable(), retryable, "{code}");
        assert!(kind.fix().is_some_and(|fix| !fix.is_empty()), "{code}");
        let error = ApiError::new(kind.clone(), "m");
        assert_eq!(error.http_status, status);
        assert_eq!(error.is_retryable(), retryable, "{code}");
    }
}

#[test]
fn known_codes_round_trip_and_are_unique() {
    let mut seen = std::collections::BTreeSet::new();
    for code in ErrorCode::KNOWN {
        assert!(seen.insert(code.as_str()), "duplicate {code}");
        assert_eq!(&ErrorCode::from_code(code.as_str()), code);
        assert_eq!(
            code.to_string().parse::<ErrorCode>().ok().as_ref(),
            Some(code)
        );
        assert!(code.http_status() >= 400);
        assert!(code.group().is_some());
        assert!(!code.default_message().is_empty());
    }
    let other = ErrorCode::from_code("Something.New");
    assert_eq!(other, ErrorCode::Other("Something.New".into()));
    assert_eq!(other.as_str(), "Something.New");
    assert_eq!(other.fix(), None);
}

#[test]
fn param_errors_use_the_gateway_codes() {
    assert_eq!(
        ParamError::missing("ProjectId").service_code(),
        ErrorCode::MissingParameter
    );
    assert_eq!(
        ParamError::invalid("TaskType", "one of ...", "X").service_code(),
        ErrorCode::InvalidParameter
    );
    assert_eq!(
        ParamError::unknown_action("X").service_code(),
        ErrorCode::InvalidActionNotFound
    );
}

#[test]
fn task_type_parses_and_prints_the_wire_names() {
    for &task_type in TaskType::ALL {
        assert_eq!(task_type.as_str().parse::<TaskType>(), Ok(task_type));
        assert_eq!(task_type.to_string(), task_type.as_str());
        let json = serde_json::to_string(&task_type).unwrap();
        assert_eq!(json, format!("\"{}\"", task_type.as_str()));
        assert_eq!(serde_json::from_str::<TaskType>(&json).unwrap(), task_type);
    }
    let err = "di_offline".parse::<TaskType>().unwrap_err();
    assert!(err.to_string().contains("DI_OFFLINE"), "{err}");
    assert_eq!(ACTIONS.len(), 14);
}
