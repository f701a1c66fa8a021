"""The oracle of tests/credentials_oracle.rs: resolve the default credentials chain of the
official `alibabacloud-credentials` library in this process's environment and print one JSON
line: {"ok": true, "provider", "access_key_id", "has_security_token", "sts_hosts"} or
{"ok": false, "error"}.

STS calls are redirected to the emulator (ORACLE_STS = "127.0.0.1:PORT") by wrapping
TeaCore.do_action, after recording the host the library chose; the metadata service is
reached through HTTP_PROXY and the credentials URI directly, as the library does itself.
"""
import json
import os
import sys

from Tea.core import TeaCore

sts_hosts = []
_original = TeaCore.do_action


def _redirect(request, runtime_option=None):
    host = request.headers.get('host', '')
    if host.startswith('sts') and host.endswith('.aliyuncs.com'):
        sts_hosts.append(host)
        address, port = os.environ['ORACLE_STS'].rsplit(':', 1)
        request.headers['host'] = address
        request.port = int(port)
        request.protocol = 'http'
    return _original(request, runtime_option)


TeaCore.do_action = _redirect

from alibabacloud_credentials.provider.default import DefaultCredentialsProvider  # noqa: E402

try:
    credentials = DefaultCredentialsProvider().get_credentials()
    print(json.dumps({
        'ok': True,
        'provider': credentials.get_provider_name(),
        'access_key_id': credentials.get_access_key_id(),
        'has_security_token': bool(credentials.get_security_token()),
        'sts_hosts': sts_hosts,
    }))
except Exception as e:  # the chain's own error: every provider failed
    print(json.dumps({'ok': False, 'error': str(e)[:2000], 'sts_hosts': sts_hosts}))
sys.stdout.flush()
os._exit(0)  # do not wait for the ECS provider's background scheduler
