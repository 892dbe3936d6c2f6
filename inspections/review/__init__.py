"""Case-file review (案卷评查): reviewers score closed case files against the checklist the admins maintain."""
