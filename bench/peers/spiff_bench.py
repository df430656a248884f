#!/usr/bin/env python3
"""Peer benchmark: run N instances of one BPMN process in SpiffWorkflow 3.x, in memory.

The BPMN file is parsed once; the timed loop creates each instance, puts the
variables into the start task's data, and runs it to completion, completing
every ready user task as soon as it becomes ready. Each instance is checked
to be completed (and, with --user-tasks, to have completed exactly that many
user tasks). Prints one JSON line:

  {"engine": "spiffworkflow", "version": "3.2.0", "process": "seq3",
   "instances": N, "seconds": s, "per_second": x}

Conditions such as `objections > 0` are Python, which is what Spiff's
PythonScriptEngine evaluates against the task data; the multi-instance
collection (`loopDataInputRef departments`) is read from the task data too, so
the variables go into the data of the start task (workflow.data is a separate
store that task-level expressions do not see).
"""

import argparse
import json
import sys
import time

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.util.task import TaskState

try:
    from SpiffWorkflow.version import __version__ as SPIFF_VERSION
except ImportError:  # pragma: no cover - older layouts
    from importlib.metadata import version as _pkg_version

    SPIFF_VERSION = _pkg_version("SpiffWorkflow")


def run_instance(spec, variables):
    """Create one instance, run it to completion; return the number of user tasks completed."""
    workflow = BpmnWorkflow(spec)
    if variables:
        # The root 'Start' task is the only READY task of a new workflow; its data
        # is inherited by every task after it.
        start = workflow.get_next_task(state=TaskState.READY)
        start.data.update(variables)
    workflow.do_engine_steps()
    user_tasks = 0
    while True:
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        if not ready:
            break
        for task in ready:
            task.run()
            user_tasks += 1
        workflow.do_engine_steps()
    if not workflow.is_completed():
        waiting = [t.task_spec.name for t in workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK)]
        raise SystemExit(f"instance did not complete; unfinished tasks: {waiting}")
    return user_tasks


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", help="BPMN file")
    ap.add_argument("--process", required=True, help="process id in the file")
    ap.add_argument("--vars", default="{}", help="instance variables as a JSON object")
    ap.add_argument("--instances", type=int, default=2000)
    ap.add_argument("--user-tasks", type=int, default=None,
                    help="check that every instance completes exactly this many user tasks")
    args = ap.parse_args(argv)

    variables = json.loads(args.vars)
    if not isinstance(variables, dict):
        raise SystemExit("--vars must be a JSON object")

    parser = BpmnParser()
    parser.add_bpmn_file(args.file)
    spec = parser.get_spec(args.process)

    begin = time.perf_counter()
    for i in range(args.instances):
        # A fresh copy per instance, as a caller handing in its own request data would.
        done = run_instance(spec, json.loads(args.vars) if variables else None)
        if args.user_tasks is not None and done != args.user_tasks:
            raise SystemExit(
                f"instance {i} of {args.process}: {done} user tasks completed, expected {args.user_tasks}")
    seconds = time.perf_counter() - begin

    print(json.dumps({
        "engine": "spiffworkflow",
        "version": SPIFF_VERSION,
        "process": args.process,
        "instances": args.instances,
        "seconds": round(seconds, 4),
        "per_second": round(args.instances / seconds, 1) if seconds > 0 else None,
    }, ensure_ascii=False))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
