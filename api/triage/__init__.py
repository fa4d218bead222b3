"""Complaint triage: route a free-text complaint to the departments named by 攀仁府办〔2020〕128号."""
