"""The typed policy model shared by all stages after parsing."""
from .nodes import *  # noqa: F401,F403
from .policy import PolicySet  # noqa: F401
