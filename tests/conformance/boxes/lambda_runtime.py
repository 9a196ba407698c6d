"""Plays the AWS Lambda Python runtime for one function, in its own process (standard library only).

    python -I -S lambda_runtime.py TASK_ROOT RUNTIME_DIR HANDLER

``sys.path`` is the unpacked bundle (TASK_ROOT) and the runtime's own packages (RUNTIME_DIR: boto3 and
its dependencies), as on Lambda. Each stdin line is one invocation ``{"event", "request_id",
"timeout_ms"}``; each answer, one stdout line ``{"result" | "error", "stdout", "stderr"}`` with what the
function printed and logged during that invocation.
"""

import importlib
import io
import json
import os
import sys
import time

task_root, runtime_dir, handler_name = sys.argv[1:4]
sys.path[:0] = [task_root, runtime_dir]
protocol = sys.stdout


class Context:
    def __init__(self, request_id: str, timeout_ms: int) -> None:
        self.aws_request_id = request_id
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.memory_limit_in_mb = int(os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"])
        self.invoked_function_arn = f"arn:aws:lambda:eu-west-1:123456789012:function:{self.function_name}"
        self._deadline = time.monotonic() + timeout_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


module_name, _, attribute = handler_name.rpartition(".")
handler = getattr(importlib.import_module(module_name), attribute)
for line in sys.stdin:
    call = json.loads(line)
    printed, logged = io.StringIO(), io.StringIO()
    sys.stdout, sys.stderr = printed, logged
    try:
        answer = {"result": handler(call["event"], Context(call["request_id"], call["timeout_ms"]))}
    except Exception as error:  # Lambda reports an unhandled error as the invocation's failure
        answer = {"error": f"{type(error).__name__}: {error}"}
    finally:
        sys.stdout, sys.stderr = protocol, sys.__stderr__
    answer.update(stdout=printed.getvalue(), stderr=logged.getvalue())
    protocol.write(json.dumps(answer) + "\n")
    protocol.flush()
