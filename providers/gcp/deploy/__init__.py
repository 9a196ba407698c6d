"""The Google Cloud deploy side (imports Pulumi and pulumi-gcp; never shipped inside a function).

:func:`~providers.gcp.deploy.program.deploy_stack` turns a Stack into components (``portable:gcp:Project``,
``Bucket``, ``Queue``, ``Topic``, ``Table``, ``Secret``, ``Function``, ``QueueTrigger``, ``TopicTrigger``,
``ObjectTrigger``, ``Schedule``).
"""
