//! The wire decoder on arbitrary answers and the request decoder on arbitrary parameters:
//! `decode_response` for every operation, `decode_error`, `Params::from_urlencoded` and
//! `AnyRequest::from_action` — never a panic.
#![no_main]

use dataworks_wire::{
    AnyRequest, CreateDISyncTask, DeleteDISyncTask, DeployDISyncTask,
    GenerateDISyncTaskConfigForCreating, GenerateDISyncTaskConfigForUpdating,
    GetDISyncInstanceInfo, GetDISyncTask, GetFile, ListFiles, Operation, Params,
    QueryDISyncTaskConfigProcessResult, StartDISyncInstance, StopDISyncInstance,
    TerminateDISyncInstance, UpdateDISyncTask, decode_error, decode_response,
};
use libfuzzer_sys::fuzz_target;

fn decode<Op: Operation>(status: u16, body: &[u8]) {
    if let Ok(response) = decode_response::<Op>(status, body) {
        let _ = format!("{response:?}");
    }
}

/// Every action the wire crate knows, and one it does not.
fn actions() -> Vec<&'static str> {
    dataworks_wire::ACTIONS
        .iter()
        .copied()
        .chain(["NoSuchAction"])
        .collect()
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let status = u16::from_le_bytes([data[0], data[1]]) % 600;
    let body = &data[2..];
    decode::<GenerateDISyncTaskConfigForCreating>(status, body);
    decode::<GenerateDISyncTaskConfigForUpdating>(status, body);
    decode::<QueryDISyncTaskConfigProcessResult>(status, body);
    decode::<CreateDISyncTask>(status, body);
    decode::<UpdateDISyncTask>(status, body);
    decode::<GetDISyncTask>(status, body);
    decode::<DeleteDISyncTask>(status, body);
    decode::<DeployDISyncTask>(status, body);
    decode::<StartDISyncInstance>(status, body);
    decode::<StopDISyncInstance>(status, body);
    decode::<TerminateDISyncInstance>(status, body);
    decode::<GetDISyncInstanceInfo>(status, body);
    decode::<ListFiles>(status, body);
    decode::<GetFile>(status, body);
    let error = decode_error(status, body);
    let _ = error.to_body();

    // The same bytes as request parameters: query before the first 0xFF, form body after.
    let (query, form) = match body.iter().position(|&b| b == 0xFF) {
        Some(at) => (&body[..at], &body[at + 1..]),
        None => (body, &[][..]),
    };
    let params = Params::from_urlencoded(&String::from_utf8_lossy(query), form);
    for action in actions() {
        if let Err(e) = AnyRequest::from_action(action, &params) {
            let _ = e.to_api_error().to_body();
        }
    }
});
