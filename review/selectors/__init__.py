"""Reads of the review app: the review sheet, the comparison of districts, and years side by side."""

from review.selectors.sheet import ReviewBlock, ReviewRow, ReviewSheet, ScoreNotes, review_sheet, score_notes

__all__ = ["ReviewBlock", "ReviewRow", "ReviewSheet", "ScoreNotes", "review_sheet", "score_notes"]
