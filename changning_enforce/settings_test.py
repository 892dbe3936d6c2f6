"""Settings for the test run: production settings with a throwaway key, so plain `pytest` needs no exports.

DEBUG stays off (tests see what production does); DATABASE_URL still picks PostgreSQL when it is set.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ["DEBUG"] = "0"

from changning_enforce.settings import *  # noqa: F403
