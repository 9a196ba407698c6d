"""The Azure deploy side (imports Pulumi and pulumi-azure-native; never shipped inside a function).

:func:`~providers.azure.deploy.program.deploy_stack` turns a Stack into components
(``portable:azure:Foundation``, ``Bucket``, ``Queue``, ``Table``, ``Topic``, ``Secret``, ``Function``).
"""
