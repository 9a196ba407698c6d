"""The Pulumi program: deploys the stack in stack.py to the cloud named by ``portable:provider``.

    pulumi stack select aws     # or azure, gcp (see Pulumi.<stack>.yaml)
    pulumi up
"""

from pathlib import Path

from stack import stack

from portable.deploy import deploy

deploy(stack, root=Path(__file__).parent)
