"""The AWS deploy side (imports Pulumi and pulumi-aws; never shipped inside a function).

:func:`~providers.aws.deploy.program.deploy_stack` turns a Stack into components (``portable:aws:Bucket``,
``Queue``, ``Topic``, ``Table``, ``Secret``, ``Function``, ``HttpApi``, ``Schedule``); the components can
also be used on their own in a Pulumi program (``from providers.aws.deploy.bucket import Bucket``).
"""
