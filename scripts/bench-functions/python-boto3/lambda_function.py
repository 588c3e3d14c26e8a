"""The Python function of the SnapStart benchmark (issue 5, case b): its Init is imports.

The classic Lambda Init: import boto3 (and with it botocore, requests, urllib3, dateutil, jmespath,
s3transfer) and create the SDK clients once, outside the handler. The packages are vendored in
vendor/ by build.sh from Debian's python3-boto3 1.26, without bytecode (as `pip install
--no-compile -t` makes them): /var/task is read-only, so each cold start compiles the ~270
modules it imports. Creating a client loads botocore's JSON service models and builds the
client class; the credentials are static dummies, so nothing is looked up or sent (the sandbox
has no network). No sleeps. A restore from a snapshot skips all of it.
"""

import time

_T0 = time.perf_counter()

import os  # noqa: E402
import sys  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "vendor"))
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

import boto3  # noqa: E402
import boto3.dynamodb.conditions  # noqa: E402
import boto3.s3.transfer  # noqa: E402
import botocore.config  # noqa: E402
import botocore.exceptions  # noqa: E402

IMPORT_MS = (time.perf_counter() - _T0) * 1000

_session = boto3.session.Session(aws_access_key_id="AKIDFLINTBENCH", aws_secret_access_key="flint-bench",
                                 region_name=os.environ.get("AWS_REGION", "us-east-1"))
_config = botocore.config.Config(retries={"max_attempts": 2}, connect_timeout=1, read_timeout=2)
S3 = _session.client("s3", config=_config)
SQS = _session.client("sqs", config=_config)
TABLE = _session.resource("dynamodb", config=_config).Table("flint-bench")

INIT_MS = (time.perf_counter() - _T0) * 1000
print("INIT imports %.0f ms, with clients %.0f ms (boto3 %s, botocore %s; %d modules loaded)"
      % (IMPORT_MS, INIT_MS, boto3.__version__, botocore.__version__, len(sys.modules)), flush=True)


def lambda_handler(event, context):
    return {"import_ms": round(IMPORT_MS, 1), "init_ms": round(INIT_MS, 1), "modules_loaded": len(sys.modules),
            "s3_operations": len(S3.meta.service_model.operation_names), "table": TABLE.name}
