"""``migrate copy --engine cloud``: the target cloud's managed transfer service instead of streaming
through this machine. The target's data plane supplies the Pulumi program (``managed_transfer``);
here it runs through the plan machinery under the target provider's mocks, so what would be created
(the job, its grants) is shown and tested without credentials. Creating and following the real job
is ``pulumi up`` of that program with the cloud's credentials.
"""

from __future__ import annotations

from datetime import date

from portable.dataplane import DataPlane
from portable.plan.model import Plan
from portable.plan.runner import run_program, to_plan
from portable.registry import get_provider

ENGINES = ("stream", "cloud")
"""``stream`` (the default): every object through this machine, checksummed; ``cloud``: the managed service."""


def plan_cloud_transfer(source: DataPlane, target: DataPlane, credential: str | None,
                        start: date | None = None) -> Plan:
    """The resources of the managed transfer from ``source`` to ``target``, recorded under mocks."""
    program = target.managed_transfer(source, credential, start or date.today())
    provider = get_provider(target.provider)
    config = {key: str(value) for key, value in target.side.config.items()}
    cloud = provider.plan_mocks(config)
    recording = run_program(program, cloud, config=config, project=target.stack.name, stack=target.provider)
    return to_plan(recording, provider=target.provider, stack=target.stack.name, summarize=cloud.summary)
