# The assessment fixtures (standard, draft_2024, submitted_2024, …) are shared with the assessment tests.
from tests.assessment.conftest import (  # noqa: F401
    approved_2024,
    draft_2024,
    standard,
    submitted_2024,
    xuhui_2024,
)
from tests.inspections.conftest import make, make_xuhui  # noqa: F401
