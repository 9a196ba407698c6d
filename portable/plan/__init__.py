"""Plan: run a provider's deploy program under Pulumi mocks and record every resource it would create.

No cloud credentials and no Pulumi CLI: the program talks to an in-process mock monitor
(:mod:`portable.plan.monitor`) that records each registration, applies ``transforms`` the way the
engine does, and answers with fake cloud outputs the provider supplies (its ``plan_mocks``)::

    from portable.plan import plan_stack
    plan = plan_stack(stack, "aws", root)
    for resource in plan.resources:
        print(resource.type, resource.name)

Each plan runs in its own copy of Pulumi's context variables, so a process can plan any number of
times (and stacks), one after another.
"""

from portable.plan.model import Plan, PlannedResource
from portable.plan.runner import Recording, plan_stack, run_program, stack_config, to_plan

__all__ = ["Plan", "PlannedResource", "Recording", "plan_stack", "run_program", "stack_config", "to_plan"]
