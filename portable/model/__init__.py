"""The portable model: a provider-neutral, validated description of a serverless application."""

from portable.model.buckets import Bucket
from portable.model.functions import Function
from portable.model.links import Link
from portable.model.monitoring import FunctionAlarms, Monitoring, Notify, QueueAlarms
from portable.model.queues import Queue
from portable.model.schema import json_schema
from portable.model.secrets import Secret
from portable.model.stack import Stack
from portable.model.tables import Table
from portable.model.topics import Topic
from portable.model.triggers import Http, ObjectTrigger, QueueTrigger, Schedule, TopicTrigger, Trigger

__all__ = [
    "Bucket", "Function", "FunctionAlarms", "Http", "Link", "Monitoring", "Notify", "ObjectTrigger", "Queue",
    "QueueAlarms", "QueueTrigger", "Schedule",
    "Secret", "Stack", "Table", "Topic", "TopicTrigger", "Trigger", "json_schema",
]
