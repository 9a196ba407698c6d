"""What a function's app is granted and told: role assignments and identity-based connection settings.

Every grant is derived from a link or a trigger and scoped to one resource (see :mod:`.roles`).
Settings use identity-based connections only (``<connection>__queueServiceUri`` and friends) and Key
Vault references: no key, connection string or secret value is ever written into an app setting.
The PORTABLE_* variables come from :func:`portable.deploy.runtime_environment`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from portable.model import Function, ObjectTrigger, QueueTrigger, Stack, TopicTrigger
from providers.azure.deploy import roles
from providers.azure.deploy.component import LinkedResource
from providers.azure.deploy.foundation import Foundation
from providers.azure.deploy.names import Names
from providers.azure.deploy.resources import AzureQueue, AzureTopic
from providers.azure.function_app import SERVICE_BUS_CONNECTION, STORAGE_CONNECTION, Sources

Resources = dict[tuple[str, str], LinkedResource]
"""The stack's linked resources by (kind, portable name)."""


@dataclass(frozen=True)
class Grant:
    """One role assignment: ``role`` on exactly ``scope``; ``what`` ends its logical name."""

    what: str
    role: str
    scope: pulumi.Input[str]


@dataclass
class Wiring:
    """A function's connection settings and grants (object-trigger grants are added by the function)."""

    settings: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    grants: list[Grant] = field(default_factory=list)


def sources(stack: Stack, function: Function, names: Names) -> Sources:
    """The physical names behind the function's triggers, for the generated function_app.py."""
    from portable.schedules import for_azure

    return Sources(
        queues={t.queue: names.queue(t.queue) for t in function.triggers if isinstance(t, QueueTrigger)},
        subscriptions={t.topic: (names.topic(t.topic), names.subscription(function.name))
                       for t in function.triggers if isinstance(t, TopicTrigger)},
        object_queues={i: names.events_queue(function.name, i)
                       for i, t in enumerate(function.triggers) if isinstance(t, ObjectTrigger)},
        schedules={name: for_azure(schedule).expression for name, schedule in function.schedules()},
    )


def wire(function: Function, *, resources: Resources, base: Foundation) -> Wiring:
    wiring = Wiring()
    for link in function.links:
        resource = resources[(link.kind, link.name)]
        wiring.grants.append(Grant(f"{link.kind}-{link.name}-{link.access}",
                                   roles.ACCESS[(link.kind, link.access)], resource.scope))
        if link.kind == "secret":
            wiring.settings[str(resource.link["setting"])] = pulumi.Output.concat(
                "@Microsoft.KeyVault(SecretUri=", resource.link["id"], ")")
    for trigger in function.triggers:
        if isinstance(trigger, QueueTrigger):
            queue = resources[("queue", trigger.queue)]
            if not isinstance(queue, AzureQueue):
                raise TypeError(f"queue {trigger.queue!r} is not an AzureQueue")
            for index, scope in enumerate(queue.trigger_scopes):
                wiring.grants.append(Grant(f"queue-{trigger.queue}-trigger-{index}",
                                           roles.TRIGGER_ROLES["queue"], scope))
        elif isinstance(trigger, TopicTrigger):
            topic = resources[("topic", trigger.topic)]
            if not isinstance(topic, AzureTopic):
                raise TypeError(f"topic {trigger.topic!r} is not an AzureTopic")
            wiring.grants.append(Grant(f"topic-{trigger.topic}-trigger", roles.TRIGGER_ROLES["topic"],
                                       topic.subscriptions[function.name].id))
            wiring.settings[f"{SERVICE_BUS_CONNECTION}__fullyQualifiedNamespace"] = base.bus_host
    if any(isinstance(t, QueueTrigger | ObjectTrigger) for t in function.triggers):
        wiring.settings[f"{STORAGE_CONNECTION}__queueServiceUri"] = base.endpoint("queue")
    return wiring
