#!/usr/bin/env python3
"""Runs BPMN files in SpiffWorkflow (a real BPMN engine) with given answers; prints the user tasks it completes.

Input (argv[1], JSON): {"CASE": {"bpmn": PATH, "process": ID, "subject": {VAR: VALUE},
                                 "answers": {TASK_ID: [VAR, VALUE]}}}
Output (stdout, JSON): {"CASE": [TASK_ID, ...]} in the order Spiff made the tasks ready and they were completed,
or {"CASE": {"error": MESSAGE}}.

Each ready user task is completed with its answer written to the task data under VAR, as a Spiff application would
store a form field; then Spiff runs the engine steps (scripts, gateways, timers) up to the next user task.
"""
import json
import sys

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState


def run(bpmn, process, answers, subject):
    parser = BpmnParser()
    parser.add_bpmn_file(bpmn)
    wf = BpmnWorkflow(parser.get_spec(process))
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update(subject)
    wf.do_engine_steps()
    order = []
    for _ in range(10000):
        if wf.is_completed():
            return order
        ready = wf.get_tasks(state=TaskState.READY, manual=True)
        if not ready:
            raise RuntimeError("stuck after %s: no ready user task" % order[-1:])
        task = ready[0]
        task_id = task.task_spec.bpmn_id
        if task_id not in answers:
            raise RuntimeError("no answer for task %s" % task_id)
        var, value = answers[task_id]
        task.data[var] = value
        task.run()
        order.append(task_id)
        wf.do_engine_steps()
    raise RuntimeError("did not finish")


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        job = json.load(f)
    out = {}
    for name, case in job.items():
        try:
            out[name] = run(**case)
        except Exception as e:  # reported to the Swift test, which fails on it
            out[name] = {"error": "%s: %s" % (type(e).__name__, e)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
