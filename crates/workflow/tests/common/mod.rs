//! Helpers shared by the end-to-end tests over the in-process emulator.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use dataworks_emulator::{Emulator, Faults};
use dataworks_signer::{Credentials, SignatureAlgorithm};
use dataworks_taskparam::{
    HologresWriter, MysqlReader, RealtimeTaskParam, TaskParam, UpdateTaskParam, WriteMode,
};
use dataworks_workflow::testing::VirtualClock;
use dataworks_workflow::{Client, PollPolicy, RetryPolicy, Workflow};

pub const ID: &str = "e2e-access-key-id";
pub const SECRET: &str = "e2e-access-key-secret";
pub const PROJECT: i64 = 10000;

/// An emulator on 127.0.0.1:0 with the test credentials.
pub async fn emulator(delay: Duration, faults: Faults) -> Emulator {
    Emulator::builder()
        .credentials(ID, SECRET)
        .processing_delay(delay)
        .faults(faults)
        .start()
        .await
        .unwrap()
}

/// An emulator whose clock moves only with the returned virtual clock (processes finish in
/// virtual time; requests are signed with the same time).
pub async fn emulator_in_virtual_time(delay: Duration) -> (Emulator, Arc<VirtualClock>) {
    let (emu_clock, clock) = dataworks_test_support::linked_clocks();
    let emu = Emulator::builder()
        .credentials(ID, SECRET)
        .processing_delay(delay)
        .clock(emu_clock)
        .start()
        .await
        .unwrap();
    (emu, clock)
}

/// A client for the emulator.
pub fn client(emu: &Emulator, algorithm: SignatureAlgorithm, clock: Arc<VirtualClock>) -> Client {
    Client::builder()
        .endpoint(emu.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .signature(algorithm)
        .retry(
            RetryPolicy::default()
                .max_attempts(12)
                .base(Duration::from_millis(100))
                .cap(Duration::from_secs(2))
                .deadline(Duration::from_secs(300)),
        )
        .clock(clock)
        .build()
        .unwrap()
}

/// A workflow polling fast (virtual time anyway).
pub fn workflow(client: Client, max_wait: Duration) -> Workflow {
    Workflow::new(client).with_poll_policy(
        PollPolicy::default()
            .first_delay(Duration::from_millis(200))
            .cap(Duration::from_secs(5))
            .factor(2.0)
            .jitter(true)
            .max_wait(max_wait),
    )
}

/// A real clock-independent virtual clock starting now.
pub fn virtual_clock() -> Arc<VirtualClock> {
    Arc::new(VirtualClock::new(time::OffsetDateTime::now_utc()))
}

/// MySQL `mysql_pub1` (database `shop`: orders, users) → Hologres `holo_dw`.
pub fn create_param() -> RealtimeTaskParam {
    TaskParam::realtime()
        .resource_group("S_res_group_e2e")
        .reader(MysqlReader::datasource("mysql_pub1").selected_tables("shop", ["orders", "users"]))
        .writer(HologresWriter::datasource("holo_dw").write_mode(WriteMode::Replay))
        .build()
        .unwrap()
}

/// The same selection plus `refunds`.
pub fn update_param() -> UpdateTaskParam {
    TaskParam::update()
        .reader(
            MysqlReader::datasource("mysql_pub1")
                .selected_tables("shop", ["orders", "users", "refunds"]),
        )
        .build()
        .unwrap()
}
