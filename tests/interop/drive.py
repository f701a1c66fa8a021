"""Drive the dataworks-di emulator with the official DataWorks Python SDK
(alibabacloud-dataworks-public20200518, pinned in requirements.txt).

For each signature (the SDK's default V3 ACS3-HMAC-SHA256, then RPC v1 with
signature_algorithm='v2') it runs the whole create-then-update workflow:
GenerateDISyncTaskConfigForCreating -> QueryDISyncTaskConfigProcessResult (polled) ->
CreateDISyncTask -> GenerateDISyncTaskConfigForUpdating -> Query (polled) -> UpdateDISyncTask ->
GetDISyncTask (content check) -> ListFiles (by ExactFileName, FileFolderPath and FileTypes: the
task, as a real-time file, 900; as a batch file, 23: nothing) -> GetFile (the task and its
content); then a call signed with a wrong secret, which must be refused
with SignatureDoesNotMatch. Prints one JSON summary line on stdout; exits 1 with a message on
stderr on the first failure.

Usage: drive.py ENDPOINT(host:port) ACCESS_KEY_ID ACCESS_KEY_SECRET CREATE_PARAM_FILE UPDATE_PARAM_FILE
"""

import json
import sys
import time

from alibabacloud_dataworks_public20200518 import models
from alibabacloud_dataworks_public20200518.client import Client
from alibabacloud_tea_openapi.utils_models import Config

PROJECT = 10000
FOLDER = "Business Flow/interop/Data Integration"
REALTIME_FILE_TYPE = 900
POLL_LIMIT_S = 60


def fail(message):
    print(f"drive.py: {message}", file=sys.stderr)
    sys.exit(1)


def client(endpoint, key_id, secret, algorithm):
    config = Config(
        access_key_id=key_id,
        access_key_secret=secret,
        endpoint=endpoint,
        protocol="http",
        read_timeout=10000,
        connect_timeout=5000,
    )
    if algorithm is not None:
        config.signature_algorithm = algorithm
    return Client(config)


def poll(c, process_id, label):
    deadline = time.monotonic() + POLL_LIMIT_S
    delay = 0.05
    while True:
        body = c.query_disync_task_config_process_result(
            models.QueryDISyncTaskConfigProcessResultRequest(
                project_id=PROJECT, task_type="DI_REALTIME", async_process_id=process_id
            )
        ).body
        status = body.data.status
        if status == "success":
            return body.data.task_content
        if status == "fail":
            fail(f"{label}: process {process_id} failed: {body.data.message}")
        if time.monotonic() > deadline:
            fail(f"{label}: process {process_id} still {status!r} after {POLL_LIMIT_S}s")
        time.sleep(delay)
        delay = min(delay * 2, 1.0)


def workflow(c, label, create_param, update_param):
    token = f"{label}-create-{time.time_ns()}"
    gen = c.generate_disync_task_config_for_creating(
        models.GenerateDISyncTaskConfigForCreatingRequest(
            project_id=PROJECT, task_type="DI_REALTIME", task_param=create_param, client_token=token
        )
    ).body
    if not gen.success or gen.data.process_id is None:
        fail(f"{label}: generate for creating answered {gen.to_map()}")
    content = poll(c, gen.data.process_id, label)

    created = c.create_disync_task(
        models.CreateDISyncTaskRequest(
            project_id=PROJECT,
            task_type="DI_REALTIME",
            task_name=f"interop_{label}",
            task_param=json.dumps({"FileFolderPath": FOLDER,
                                   "ResourceGroup": "S_res_group_1"}),
            task_content=content,
            client_token=f"{label}-task-{time.time_ns()}",
        )
    ).body
    file_id = created.data.file_id
    if file_id is None:
        fail(f"{label}: create answered {created.to_map()}")

    gen = c.generate_disync_task_config_for_updating(
        models.GenerateDISyncTaskConfigForUpdatingRequest(
            project_id=PROJECT, task_type="DI_REALTIME", task_param=update_param, task_id=file_id
        )
    ).body
    new_content = poll(c, gen.data.process_id, label)
    if new_content == content:
        fail(f"{label}: the update process returned the unchanged content")

    updated = c.update_disync_task(
        models.UpdateDISyncTaskRequest(
            project_id=PROJECT, task_type="DI_REALTIME", file_id=file_id, task_content=new_content
        )
    ).body
    if updated.data.status != "success":
        fail(f"{label}: update answered {updated.to_map()}")

    got = c.get_disync_task(
        models.GetDISyncTaskRequest(project_id=PROJECT, task_type="DI_REALTIME", file_id=file_id)
    ).body
    if got.data.code != new_content:
        fail(f"{label}: GetDISyncTask does not return the updated content")
    return file_id, files(c, label, file_id, new_content)


def list_files(c, label, file_types):
    return c.list_files(
        models.ListFilesRequest(
            project_id=PROJECT,
            exact_file_name=f"interop_{label}",
            file_folder_path=FOLDER,
            file_types=file_types,
            need_absolute_folder_path=True,
        )
    ).body


def files(c, label, file_id, content):
    """The task found by name, folder and type with ListFiles, and read with GetFile."""
    listed = list_files(c, label, str(REALTIME_FILE_TYPE))
    if not listed.success or listed.data.total_count != 1 or len(listed.data.files or []) != 1:
        fail(f"{label}: ListFiles by name, folder and type 900 answered {listed.to_map()}")
    found = listed.data.files[0]
    expected = (file_id, f"interop_{label}", REALTIME_FILE_TYPE, FOLDER)
    got = (found.file_id, found.file_name, found.file_type, found.absolute_folder_path)
    if got != expected:
        fail(f"{label}: ListFiles found {got}, expected {expected}")
    if found.content is not None:
        fail(f"{label}: ListFiles returned the content without NeedContent")

    batch = list_files(c, label, "23")
    if batch.data.total_count != 0 or batch.data.files:
        fail(f"{label}: ListFiles of batch files (23) found the real-time task: {batch.to_map()}")

    got = c.get_file(models.GetFileRequest(project_id=PROJECT, file_id=file_id)).body
    if not got.success or got.data.file is None:
        fail(f"{label}: GetFile answered {got.to_map()}")
    f = got.data.file
    if (f.file_id, f.file_name, f.file_type) != (file_id, f"interop_{label}", REALTIME_FILE_TYPE):
        fail(f"{label}: GetFile returned {(f.file_id, f.file_name, f.file_type)}")
    if f.content != content:
        fail(f"{label}: GetFile does not return the task's content")
    return f.file_id


def refused(c):
    try:
        c.get_disync_task(
            models.GetDISyncTaskRequest(project_id=PROJECT, task_type="DI_REALTIME", file_id=1)
        )
    except Exception as err:  # the SDK raises ClientException for a 4xx
        code = getattr(err, "code", None)
        if code != "SignatureDoesNotMatch":
            fail(f"wrong secret: expected SignatureDoesNotMatch, got {code!r}: {err}")
        return code
    fail("wrong secret: the call was accepted")


def main():
    if len(sys.argv) != 6:
        fail(__doc__)
    endpoint, key_id, secret, create_file, update_file = sys.argv[1:]
    with open(create_file, encoding="utf-8") as f:
        create_param = f.read()
    with open(update_file, encoding="utf-8") as f:
        update_param = f.read()

    summary = {}
    for label, algorithm in (("v3", None), ("v1", "v2")):
        c = client(endpoint, key_id, secret, algorithm)
        file_id, got_file_id = workflow(c, label, create_param, update_param)
        summary[f"{label}_file_id"] = file_id
        summary[f"{label}_get_file_id"] = got_file_id
    summary["wrong_secret_v3"] = refused(client(endpoint, key_id, secret + "-wrong", None))
    summary["wrong_secret_v1"] = refused(client(endpoint, key_id, secret + "-wrong", "v2"))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
