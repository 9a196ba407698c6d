"""The AWS provider: Lambda, API Gateway, SQS, SNS, S3, DynamoDB, EventBridge Scheduler, Secrets Manager.

Nothing is imported here: the shim (``providers.aws.runtime``) and the runtime clients
(``providers.aws.clients``) ship inside functions; the deploy side imports Pulumi and is only loaded
by ``providers.aws.provider``.
"""
