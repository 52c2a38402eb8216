"""Settings for the processes the bus's tests start: the product's, plus the test app."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.messaging_testapp"]
