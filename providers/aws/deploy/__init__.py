"""The AWS deploy side: one Pulumi ``ComponentResource`` per portable concept (imports Pulumi).

Never imported by code that runs inside a function. :func:`deploy_stack` turns a stack into
components; the components can also be used on their own in a Pulumi program.
"""

from providers.aws.deploy.bucket import Bucket
from providers.aws.deploy.function import Function
from providers.aws.deploy.http import HttpApi
from providers.aws.deploy.program import deploy_stack
from providers.aws.deploy.queue import Queue
from providers.aws.deploy.schedule import Schedule
from providers.aws.deploy.secret import Secret
from providers.aws.deploy.table import Table
from providers.aws.deploy.topic import Topic

__all__ = ["Bucket", "Function", "HttpApi", "Queue", "Schedule", "Secret", "Table", "Topic", "deploy_stack"]
