//! Property tests: encoding then decoding gives back the same value, for every request (wire
//! parameters → `from_params`, also through real URL encoding) and every response `Data`
//! (`encode_success` → `decode_response`, also with integers sent as strings).

use dataworks_wire::*;
use proptest::option;
use proptest::prelude::*;
use serde_json::Value;

/// `start` with the named fields assigned: the request and `Data` types are
/// `#[non_exhaustive]`, so a test outside the crate builds them with `new`/`Default` and sets the
/// public fields (`field` takes the variable of the same name, `field: expr` a value).
macro_rules! with {
    ($start:expr; $($field:ident $(: $value:expr)?),* $(,)?) => {{
        let mut value = $start;
        $( with!(@set value, $field $(, $value)?); )*
        value
    }};
    (@set $v:ident, $field:ident) => { $v.$field = $field; };
    (@set $v:ident, $field:ident, $value:expr) => { $v.$field = $value; };
}

fn task_type() -> impl Strategy<Value = TaskType> {
    proptest::sample::select(TaskType::ALL.to_vec())
}

fn text() -> impl Strategy<Value = String> {
    // Any Unicode, including `&`, `=`, `+`, `%`, spaces and control characters.
    any::<String>()
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    option::of(text())
}

/// The parameters that carry a JSON document.
const DOCUMENTS: [&str; 3] = ["TaskParam", "TaskContent", "StartParam"];

fn opt_bool() -> impl Strategy<Value = Option<bool>> {
    option::of(any::<bool>())
}

fn opt_i64() -> impl Strategy<Value = Option<i64>> {
    option::of(any::<i64>())
}

/// Encodes the request as a real query string and form body, decodes them as a server does,
/// and checks every way back gives the same request.
fn assert_round_trip<Op: Operation>(request: &Op) -> Result<(), TestCaseError> {
    let query = request.query_params();
    let form = request.form_params();
    for (name, _) in &query {
        prop_assert!(
            !form.iter().any(|(n, _)| n == name),
            "{name} in both places"
        );
    }
    // The rule of docs/wire.md: JSON documents and every file-operation parameter travel in the
    // form body; the DI operations' scalars in the query.
    for (name, _) in &query {
        prop_assert!(
            !DOCUMENTS.contains(&name.as_str()),
            "{} sends the document {name} in the query",
            Op::ACTION
        );
    }
    if matches!(Op::ACTION, "ListFiles" | "GetFile") {
        prop_assert!(query.is_empty(), "{} has query parameters", Op::ACTION);
    }
    for (name, _) in &form {
        prop_assert!(
            DOCUMENTS.contains(&name.as_str()) || matches!(Op::ACTION, "ListFiles" | "GetFile"),
            "{} sends the scalar {name} in the form body",
            Op::ACTION
        );
    }

    // Straight from the pairs.
    let params = Params::from_pairs(query.iter().chain(&form).cloned());
    prop_assert_eq!(&Op::from_params(&params).unwrap(), request);

    // Through URL encoding, as on the wire.
    let query_string = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&query)
        .finish();
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&form)
        .finish();
    let params = Params::from_urlencoded(&query_string, body.as_bytes());
    let decoded = Op::from_params(&params).unwrap();
    prop_assert_eq!(&decoded, request);

    // By action name.
    let any = AnyRequest::from_action(Op::ACTION, &params).unwrap();
    prop_assert_eq!(any.action(), Op::ACTION);
    prop_assert_eq!(any.query_params(), query);
    prop_assert_eq!(any.form_params(), form);
    prop_assert_eq!(any.client_token(), Operation::client_token(request));
    prop_assert_eq!(any, request.clone().into_any());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn generate_for_creating(project_id in any::<i64>(), task_type in task_type(), task_param in text(), client_token in opt_text()) {
        assert_round_trip(&with!(GenerateDISyncTaskConfigForCreating::new(project_id, task_type, task_param); client_token))?;
    }

    #[test]
    fn generate_for_updating(project_id in any::<i64>(), task_type in task_type(), task_param in text(), task_id in any::<i64>(), client_token in opt_text()) {
        assert_round_trip(&with!(GenerateDISyncTaskConfigForUpdating::new(project_id, task_type, task_param, task_id); client_token))?;
    }

    #[test]
    fn query_process_result(project_id in any::<i64>(), task_type in task_type(), async_process_id in any::<i64>()) {
        assert_round_trip(&QueryDISyncTaskConfigProcessResult::new(project_id, task_type, async_process_id))?;
    }

    #[test]
    fn create_task(project_id in any::<i64>(), task_type in task_type(), task_content in text(), task_name in opt_text(), task_param in opt_text(), client_token in opt_text()) {
        assert_round_trip(&with!(CreateDISyncTask::new(project_id, task_type, task_content); task_name, task_param, client_token))?;
    }

    #[test]
    fn update_task(project_id in any::<i64>(), task_type in task_type(), file_id in any::<i64>(), task_content in opt_text(), task_param in opt_text()) {
        assert_round_trip(&with!(UpdateDISyncTask::new(project_id, task_type, file_id); task_content, task_param))?;
    }

    #[test]
    fn file_operations(project_id in any::<i64>(), task_type in task_type(), file_id in any::<i64>(), start_param in opt_text()) {
        assert_round_trip(&GetDISyncTask::new(project_id, task_type, file_id))?;
        assert_round_trip(&DeleteDISyncTask::new(project_id, task_type, file_id))?;
        assert_round_trip(&DeployDISyncTask::new(project_id, task_type, file_id))?;
        assert_round_trip(&StopDISyncInstance::new(project_id, task_type, file_id))?;
        assert_round_trip(&TerminateDISyncInstance::new(project_id, task_type, file_id))?;
        assert_round_trip(&GetDISyncInstanceInfo::new(project_id, task_type, file_id))?;
        assert_round_trip(&with!(StartDISyncInstance::new(project_id, task_type, file_id); start_param))?;
    }

    #[test]
    fn list_files(
        (project_id, project_identifier, exact_file_name, file_folder_path, keyword) in (opt_i64(), opt_text(), opt_text(), opt_text(), opt_text()),
        (file_types, file_id_in, node_id, owner, last_edit_user) in (opt_text(), opt_text(), opt_i64(), opt_text(), opt_text()),
        (use_type, need_content, need_absolute_folder_path, page_number, page_size) in (opt_text(), opt_bool(), opt_bool(), opt_i64(), opt_i64()),
    ) {
        let request = with!(ListFiles::new();
            project_id, project_identifier, exact_file_name, file_folder_path, keyword, file_types,
            file_id_in, node_id, owner, last_edit_user, use_type, need_content,
            need_absolute_folder_path, page_number, page_size,
        );
        prop_assert_eq!(Operation::project_id(&request), project_id);
        prop_assert_eq!(Operation::task_type(&request), None);
        assert_round_trip(&request)?;
    }

    #[test]
    fn get_file(project_id in opt_i64(), project_identifier in opt_text(), file_id in opt_i64(), node_id in opt_i64()) {
        assert_round_trip(&with!(GetFile::new(); project_id, project_identifier, file_id, node_id))?;
    }
}

#[test]
fn booleans_from_the_python_sdk_decode() {
    // The official Python SDK form-encodes `str(True)`.
    let params = Params::from_urlencoded(
        "",
        b"NeedContent=True&NeedAbsoluteFolderPath=False&ProjectId=10000",
    );
    let request = ListFiles::from_params(&params).unwrap();
    assert_eq!(request.need_content, Some(true));
    assert_eq!(request.need_absolute_folder_path, Some(false));
    assert_eq!(Operation::project_id(&request), Some(10000));
    let bad = Params::from_urlencoded("", b"NeedContent=yes");
    let err = ListFiles::from_params(&bad).unwrap_err();
    assert_eq!(err.to_api_error().code, "InvalidParameter");
}

// ---------------------------------------------------------------------------------------------
// response Data

fn status_message() -> impl Strategy<Value = (Option<String>, Option<String>)> {
    (
        option::of(prop_oneof![
            Just("success".to_owned()),
            Just("fail".to_owned()),
            text()
        ]),
        opt_text(),
    )
}

prop_compose! {
    fn alarm_rule()(aggregator in opt_text(), comparator in opt_text(), level in opt_text(), duration in option::of(any::<i64>()), threshold in option::of(any::<i64>())) -> AlarmRule {
        with!(AlarmRule::default(); aggregator, comparator, level, duration, threshold)
    }
}

prop_compose! {
    fn notify_rule()(critical in option::of(prop::collection::vec(text(), 0..3)), warning in option::of(prop::collection::vec(text(), 0..3)), interval in option::of(any::<i64>())) -> NotifyRule {
        with!(NotifyRule::default(); critical, warning, interval)
    }
}

prop_compose! {
    fn alarm()(id in option::of(any::<i64>()), rule_name in opt_text(), description in opt_text(), metric in opt_text(), enabled in option::of(any::<bool>()), notify_rule in option::of(notify_rule()), alarm_rule_list in option::of(prop::collection::vec(alarm_rule(), 0..3))) -> Alarm {
        with!(Alarm::default(); id, rule_name, description, metric, enabled, notify_rule, alarm_rule_list)
    }
}

prop_compose! {
    fn solution_detail()(
        id in option::of(any::<i64>()), project_id in option::of(any::<i64>()),
        name in opt_text(), creator_name in opt_text(), process_content in opt_text(),
        process_extra in opt_text(), source_type in opt_text(), start_time in opt_text(),
        submit_time in opt_text(), status in opt_text(), solution_type in opt_text(),
    ) -> SolutionDetail {
        with!(SolutionDetail::default(); id, project_id, name, creator_name, process_content, process_extra, source_type,
            start_time, submit_time, status, solution_type,)
    }
}

prop_compose! {
    fn solution_step()(step_id in option::of(any::<i64>()), step_name in opt_text(), status in opt_text(), info in opt_text()) -> SolutionStep {
        with!(SolutionStep::default(); step_id, step_name, status, info)
    }
}

prop_compose! {
    fn solution_info()(id in option::of(any::<i64>()), creator_name in opt_text(), status in opt_text(), step_detail in option::of(prop::collection::vec(solution_step(), 0..3))) -> SolutionInfo {
        with!(SolutionInfo::default(); id, creator_name, status, step_detail)
    }
}

prop_compose! {
    fn file()(
        (file_id, file_name, file_type, file_folder_id, absolute_folder_path, file_description) in (opt_i64(), opt_text(), opt_i64(), opt_text(), opt_text(), opt_text()),
        (content, commit_status, current_version, node_id, connection_name, owner) in (opt_text(), opt_i64(), opt_i64(), opt_i64(), opt_text(), opt_text()),
        (create_user, create_time, last_edit_user, last_edit_time, use_type, business_id) in (opt_text(), opt_i64(), opt_text(), opt_i64(), opt_text(), opt_i64()),
        (biz_id, parent_id, auto_parsing, is_max_compute, deleted_status, advanced_settings) in (opt_i64(), opt_i64(), opt_bool(), opt_bool(), opt_text(), opt_text()),
    ) -> File {
        with!(File::default(); file_id, file_name, file_type, file_folder_id, absolute_folder_path, file_description,
            content, commit_status, current_version, node_id, connection_name, owner, create_user,
            create_time, last_edit_user, last_edit_time, use_type, business_id, biz_id, parent_id,
            auto_parsing, is_max_compute, deleted_status, advanced_settings,)
    }
}

prop_compose! {
    fn node_configuration()(
        (resource_group_id, scheduler_type, cycle_type, cron_express, rerun_mode, auto_rerun_times) in (opt_i64(), opt_text(), opt_text(), opt_text(), opt_text(), opt_i64()),
        (auto_rerun_interval_millis, dependent_type, dependent_node_id_list, para_value, start_effect_date) in (opt_i64(), opt_text(), opt_text(), opt_text(), opt_i64()),
        (end_effect_date, stop, start_immediately, apply_schedule_immediately, timeout) in (opt_i64(), opt_bool(), opt_bool(), opt_text(), opt_i64()),
    ) -> NodeConfiguration {
        with!(NodeConfiguration::default(); resource_group_id, scheduler_type, cycle_type, cron_express, rerun_mode,
            auto_rerun_times, auto_rerun_interval_millis, dependent_type, dependent_node_id_list,
            para_value, start_effect_date, end_effect_date, stop, start_immediately,
            apply_schedule_immediately, timeout,)
    }
}

/// `encode_success` then `decode_response` gives back the data, also when every integer is
/// sent as a numeric string.
fn assert_data_round_trip<Op: Operation>(
    request_id: &str,
    data: &Op::Data,
) -> Result<(), TestCaseError> {
    let body = encode_success(request_id, data);
    let response = decode_response::<Op>(200, body.as_bytes()).unwrap();
    prop_assert_eq!(response.request_id.as_deref(), Some(request_id));
    prop_assert_eq!(response.success, Some(true));
    prop_assert_eq!(response.data.as_ref(), Some(data));
    prop_assert_eq!(
        response.business_failure().is_some(),
        data.business_failure().is_some()
    );

    let mut value: Value = serde_json::from_str(&body).unwrap();
    stringify_numbers(&mut value);
    let body = serde_json::to_vec(&value).unwrap();
    let response = decode_response::<Op>(200, &body).unwrap();
    prop_assert_eq!(response.data.as_ref(), Some(data));
    Ok(())
}

fn stringify_numbers(value: &mut Value) {
    match value {
        Value::Number(n) => *value = Value::String(n.to_string()),
        Value::Array(items) => items.iter_mut().for_each(stringify_numbers),
        Value::Object(map) => map.values_mut().for_each(stringify_numbers),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn generate_data(request_id in text(), process_id in option::of(any::<i64>()), (status, message) in status_message()) {
        let data = with!(GenerateDISyncTaskConfigData::default(); process_id, status, message);
        assert_data_round_trip::<GenerateDISyncTaskConfigForCreating>(&request_id, &data)?;
        assert_data_round_trip::<GenerateDISyncTaskConfigForUpdating>(&request_id, &data)?;
    }

    #[test]
    fn query_data(request_id in text(), (status, message) in status_message(), task_content in opt_text()) {
        let data = with!(QueryDISyncTaskConfigProcessResultData::default(); status, message, task_content);
        assert_data_round_trip::<QueryDISyncTaskConfigProcessResult>(&request_id, &data)?;
    }

    #[test]
    fn create_data(request_id in text(), file_id in option::of(any::<i64>()), (status, message) in status_message()) {
        assert_data_round_trip::<CreateDISyncTask>(&request_id, &with!(CreateDISyncTaskData::default(); file_id, status, message))?;
    }

    #[test]
    fn status_message_data(request_id in text(), (status, message) in status_message()) {
        assert_data_round_trip::<UpdateDISyncTask>(&request_id, &with!(UpdateDISyncTaskData::default(); status: status.clone(), message: message.clone()))?;
        assert_data_round_trip::<DeleteDISyncTask>(&request_id, &with!(DeleteDISyncTaskData::default(); status: status.clone(), message: message.clone()))?;
        assert_data_round_trip::<DeployDISyncTask>(&request_id, &with!(DeployDISyncTaskData::default(); status: status.clone(), message: message.clone()))?;
        assert_data_round_trip::<StartDISyncInstance>(&request_id, &with!(StartDISyncInstanceData::default(); status: status.clone(), message: message.clone()))?;
        assert_data_round_trip::<StopDISyncInstance>(&request_id, &with!(StopDISyncInstanceData::default(); status: status.clone(), message: message.clone()))?;
        assert_data_round_trip::<TerminateDISyncInstance>(&request_id, &with!(TerminateDISyncInstanceData::default(); status, message))?;
    }

    #[test]
    fn get_task_data(request_id in text(), (status, message) in status_message(), code in opt_text(), alarm_list in option::of(prop::collection::vec(alarm(), 0..3)), solution_detail in option::of(solution_detail())) {
        let data = with!(GetDISyncTaskData::default(); status, message, code, alarm_list, solution_detail);
        assert_data_round_trip::<GetDISyncTask>(&request_id, &data)?;
    }

    #[test]
    fn list_files_data(request_id in text(), files in option::of(prop::collection::vec(file(), 0..3)), page_number in opt_i64(), page_size in opt_i64(), total_count in opt_i64()) {
        let data = with!(ListFilesData::default(); files, page_number, page_size, total_count);
        assert_data_round_trip::<ListFiles>(&request_id, &data)?;
        prop_assert!(data.business_failure().is_none());
    }

    #[test]
    fn get_file_data(request_id in text(), file in option::of(file()), node_configuration in option::of(node_configuration())) {
        let data = with!(GetFileData::default(); file, node_configuration);
        assert_data_round_trip::<GetFile>(&request_id, &data)?;
    }

    #[test]
    fn instance_info_data(request_id in text(), name in opt_text(), (status, message) in status_message(), solution_info in option::of(solution_info())) {
        let data = with!(GetDISyncInstanceInfoData::default(); name, status, message, solution_info);
        assert_data_round_trip::<GetDISyncInstanceInfo>(&request_id, &data)?;
    }

    #[test]
    fn error_bodies(code in prop_oneof![
            proptest::sample::select(ErrorCode::KNOWN.to_vec()),
            // A blank code is not a code: it decodes as `SDK.UnknownServerError` (unit test
            // `an_empty_code_is_an_unknown_server_error`), so it cannot round-trip.
            text()
                .prop_filter("a blank code", |t| !t.trim().is_empty())
                .prop_map(ErrorCode::Other)
        ],
        message in text(), request_id in opt_text(), host_id in opt_text(), recommend in opt_text()) {
        let mut error = ApiError::new(code.clone(), message);
        error.request_id = request_id;
        error.host_id = host_id;
        error.recommend = recommend;
        let status = error.http_status;
        let decoded = decode_response::<GetDISyncTask>(status, error.to_body().as_bytes()).unwrap_err();
        let decoded = decoded.api_error().unwrap();
        prop_assert_eq!(decoded, &error);
        prop_assert_eq!(decoded.kind(), code);
    }
}
