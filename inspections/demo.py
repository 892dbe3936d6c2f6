"""Demo enforcement records for seed_demo (filled in by the records issue)."""

from accounts.models import Organization


def seed_records(organization: Organization) -> None:
    """Add the organisation's demo records; running it again adds nothing."""
